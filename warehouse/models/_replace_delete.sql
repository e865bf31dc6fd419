-- Reprocessing: drop the articles made from the pages processed again (`child_article_ids`)
-- and the process-stage quarantine rows of those pages (`replace_urls`); their children were
-- deleted before (_delete_article_children.sql). Fetch and feed rows stay: they are not derived.
delete from articles where article_id in (select article_id from child_article_ids);

delete from quarantine
where key in (select url from replace_urls)
    and stage in ('extract', 'annotate', 'clean', 'dedupe', 'entities', 'events');
