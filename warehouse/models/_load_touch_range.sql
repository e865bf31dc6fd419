-- The mentions in one rowid range (see _load_touch_rowids.sql); warehouse.db joins one such
-- SELECT per range with UNION ALL and keeps the rows of the articles it asked for.
select rowid as mention_rowid, article_id, entity_id, sentence_idx
from main.mentions
where rowid between {lo} and {hi}
