-- Events with the keys fct_story_events groups them by: the story (the article's own key
-- outside any story), GDELT's day (the event's date when the text gives the day, else the
-- article's UTC publication day), the actors (entity id, else lower-cased name). The story
-- key and day are computed alike by _story_groups_of.sql, which finds the groups a load or
-- the stories step touched (warehouse.models.refresh_story_events).
create or replace view stg_story_events as
with
events as (
    select * from stg_events
),

final as (
    select
        events.*,
        story_key(story_id, article_id) as story_key,
        gdelt_day(date_precision, event_date, published_date) as event_day,
        coalesce(actor1_entity_id, lower(actor1_name), '') as actor1_key,
        coalesce(actor2_entity_id, lower(actor2_name), '') as actor2_key
    from events
)

select * from final;
