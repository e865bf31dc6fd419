-- Drop the rows of a table ({table}: mentions or events, or articles about to be appended
-- again) that belong to articles being re-loaded, so a re-annotated article keeps no stale
-- rows. `child_article_ids` is an Arrow table from warehouse.db.
delete from {table}
where article_id in (select article_id from child_article_ids);
