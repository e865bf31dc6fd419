-- Write one stories step back (in the caller's transaction). Inputs, Arrow from Python:
-- story_assign (article_id, story_id, duplicate_of) for every article in story_window;
-- story_dups (article_duplicates rows) and story_rows (stories rows without top_entities).
-- Only what differs is written: a rerun over the same articles changes nothing, run_id included.

-- Stories the articles belonged to before: their rows are replaced or dropped.
create or replace temp table story_touched as
select distinct story_id from articles
where article_id in (select article_id from story_assign) and story_id is not null;

create or replace temp table story_changed as
select story_assign.*
from story_assign
inner join articles using (article_id)
where articles.story_id is distinct from story_assign.story_id
    or articles.duplicate_of is distinct from story_assign.duplicate_of;

update articles
set story_id = story_changed.story_id, duplicate_of = story_changed.duplicate_of
from story_changed
where articles.article_id = story_changed.article_id;

update events
set story_id = articles.story_id
from articles
where events.article_id = articles.article_id
    and articles.article_id in (select article_id from story_assign)
    and events.story_id is distinct from articles.story_id;

delete from article_duplicates
where article_id in (select article_id from story_assign)
    and article_id not in (select article_id from story_dups);

merge into article_duplicates
using story_dups
on article_duplicates.article_id = story_dups.article_id
when matched and (article_duplicates.duplicate_of is distinct from story_dups.duplicate_of
        or article_duplicates.kind is distinct from story_dups.kind
        or article_duplicates.similarity is distinct from story_dups.similarity)
    then update set duplicate_of = story_dups.duplicate_of, kind = story_dups.kind,
        similarity = story_dups.similarity, run_id = story_dups.run_id
when not matched then insert by name;

delete from stories
where story_id in (select story_id from story_touched)
    and story_id not in (select story_id from story_rows);

create or replace temp table story_named as
with
ids as (
    select story_id, unnest(top_entity_ids) as entity_id, generate_subscripts(top_entity_ids, 1) as pos
    from story_rows
),

named as (
    select ids.story_id, list(coalesce(entities.canonical_name, ids.entity_id) order by ids.pos) as names
    from ids
    left join entities using (entity_id)
    group by ids.story_id
)

select story_rows.*, coalesce(named.names, []::varchar[]) as top_entities
from story_rows
left join named using (story_id);

merge into stories
using story_named
on stories.story_id = story_named.story_id
when matched and (stories.headline is distinct from story_named.headline
        or stories.first_seen_at is distinct from story_named.first_seen_at
        or stories.last_seen_at is distinct from story_named.last_seen_at
        or stories.num_articles is distinct from story_named.num_articles
        or stories.num_sources is distinct from story_named.num_sources
        or stories.top_entities is distinct from story_named.top_entities
        or stories.top_entity_ids is distinct from story_named.top_entity_ids
        or stories.article_id is distinct from story_named.article_id)
    then update by name
when not matched then insert by name;

select
    (select count(*) from story_changed) as articles_changed,
    (select count(*) from story_changed where duplicate_of is not null) as duplicates_changed;
