-- The mentions of the articles in `child_article_ids` in one filtered pass over the table, for
-- loads that change too many articles to read them range by range (_load_touch_rowids.sql).
select rowid as mention_rowid, article_id, entity_id, sentence_idx
from main.mentions
where article_id in (select article_id from child_article_ids)
