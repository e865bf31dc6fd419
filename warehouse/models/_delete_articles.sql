-- Drop the current rows of articles being re-loaded (`child_article_ids`, Arrow from
-- warehouse.db); their new versions are appended right after, in the same transaction.
delete from articles
where article_id in (select article_id from child_article_ids);
