-- The events (stg_story_events rows) of the (story, day) groups in the temp table
-- refresh_groups (day_key 0001-01-01 for an unknown day), for fct_story_events.sql.
-- The filter on stg_story_events is filled in by warehouse.models: none, or `where article_id
-- in (...)` with a literal list of the candidate articles (_story_refresh_articles.sql).
-- DuckDB pushes a literal list below the view's join of events to articles, not a subquery:
-- a few thousand rows joined instead of every event to every article (0.05 s against
-- 0.3-0.7 s at a million).
select story_events.*
from (select * from stg_story_events {where}) as story_events
semi join refresh_groups
    on story_events.story_key = refresh_groups.story_key
    and coalesce(story_events.event_day, date '0001-01-01') = refresh_groups.day_key
