-- The mentions relation a load adds: a batch's mentions and articles (`delta_mentions`,
-- `delta_articles`: Arrow tables from warehouse.db), without reading the mentions table.
(
    select m.article_id, m.entity_id, m.sentence_idx, utc_day(a.published_at) as published_date
    from delta_mentions as m
    inner join delta_articles as a using (article_id)
)
