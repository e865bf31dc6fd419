-- Articles in `child_article_ids` (Arrow, from Python) are about to be replaced or deleted.
-- Their mentions (with rowids, so deleting them does not take another pass), and the entities
-- their mentions and events name (they may be left with none, see _gc_entities.sql).
-- Two steps: the rowids first (a pass over article_id alone), then those rows by rowid (DuckDB
-- fetches a small set of rowids directly). One filtered scan reading the other columns as well
-- took 2-3x as long at 37.5 M mentions (0.4 s against 0.15 s).
create or replace temp table touched_rowids as
select rowid as mention_rowid
from main.mentions
where article_id in (select article_id from child_article_ids);

create or replace temp table touched_mentions as
select
    mentions.rowid as mention_rowid,
    mentions.article_id,
    mentions.entity_id,
    mentions.sentence_idx,
    articles.published_date
from main.mentions as mentions
inner join (
    -- filtered here too: a join to all of stg_articles builds a hash table of every article
    select article_id, published_date from stg_articles
    where article_id in (select article_id from child_article_ids)
) as articles using (article_id)
where mentions.rowid in (select mention_rowid from touched_rowids);

drop table touched_rowids;

insert into load_gc
select entity_id
from (
    select entity_id from touched_mentions
    union
    select unnest([actor1_entity_id, actor2_entity_id, location_entity_id]) from events
    where article_id in (select article_id from child_article_ids)
)
where entity_id is not null;
