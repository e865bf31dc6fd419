-- The mentions relation for a rebuild of the incremental models: every mention of the
-- articles published on the days in `refresh_days` (day_key; 0001-01-01: an unknown day).
(
    select mentions.article_id, mentions.entity_id, mentions.sentence_idx, articles.published_date
    from main.mentions as mentions
    inner join stg_articles as articles using (article_id)
    where coalesce(articles.published_date, date '0001-01-01') in (select day_key from refresh_days)
)
