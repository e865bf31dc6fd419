-- Reprocessing: the articles made from the pages being processed again (`replace_urls`,
-- Arrow from Python: url), whose derived rows are replaced by the new run's.
select article_id from articles where url in (select url from replace_urls) order by article_id;
