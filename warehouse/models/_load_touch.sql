-- Articles in `child_article_ids` (Arrow, from Python) are about to be replaced or deleted.
-- Their mentions (with rowids, so deleting them does not take another pass), and the entities
-- their mentions and events name (they may be left with none, see _gc_entities.sql).
-- `touched_rows` (Arrow, from warehouse.db: _load_touch_range.sql or _load_touch_scan.sql) are
-- their mentions; here they get their articles' days.
create or replace temp table touched_mentions as
select
    touched_rows.mention_rowid,
    touched_rows.article_id,
    touched_rows.entity_id,
    touched_rows.sentence_idx,
    articles.published_date
from touched_rows
inner join (
    -- filtered here too: a join to all of stg_articles builds a hash table of every article
    select article_id, published_date from stg_articles
    where article_id in (select article_id from child_article_ids)
) as articles using (article_id);

insert into load_gc
select entity_id
from (
    select entity_id from touched_mentions
    union
    select unnest([actor1_entity_id, actor2_entity_id, location_entity_id]) from events
    where article_id in (select article_id from child_article_ids)
)
where entity_id is not null;
