-- Drop the rows of a child table ({table}: mentions or events) that belong to articles being
-- re-loaded, so a re-annotated article keeps no stale rows. `child_article_ids` is an Arrow
-- table from warehouse.db.
delete from {table}
where article_id in (select article_id from child_article_ids);
