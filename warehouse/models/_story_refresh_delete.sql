-- fct_story_events: drop the rows of the (story, day) groups being rebuilt (temp table
-- refresh_groups, day_key 0001-01-01 for an unknown day).
delete from fct_story_events
using refresh_groups
where fct_story_events.story_key = refresh_groups.story_key
    and coalesce(fct_story_events.event_day, date '0001-01-01') = refresh_groups.day_key;
