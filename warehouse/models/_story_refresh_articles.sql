-- The articles whose events can be in the (story, day) groups of the temp table refresh_groups:
-- an event's story_key is its own story_id, else its article's, else 'article:<article_id>'
-- (the story_key macro). A superset: _story_events_of_groups.sql keeps the groups' events only.
-- At most $limit of them: past that, warehouse.models reads every event instead.
select article_id
from (
    select article_id from main.articles
    where story_id in (select story_key from refresh_groups)
    union
    select article_id from events
    where story_id in (select story_key from refresh_groups)
    union
    select substr(story_key, 9) from refresh_groups
    where starts_with(story_key, 'article:')
)
limit $limit;
