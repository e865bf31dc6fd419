-- Entities that lost their last mention or event in this load (candidates in load_gc) go, so
-- the table holds what a fresh run from the same pages would hold. Mentions are looked up in
-- fct_entity_mentions_daily (already up to date when this runs, and a sixth of the size).
delete from entities
where entity_id in (select entity_id from load_gc)
    and entity_id not in (
        select entity_id from fct_entity_mentions_daily
        where entity_id in (select entity_id from load_gc)
    )
    and entity_id not in (
        select e from (
            select unnest([actor1_entity_id, actor2_entity_id, location_entity_id]) as e
            from events
        )
        where e in (select entity_id from load_gc)
    );
