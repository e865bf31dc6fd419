-- The mentions relation a load is about to remove (collected by _load_touch.sql).
(
    select article_id, entity_id, sentence_idx, published_date from touched_mentions
)
