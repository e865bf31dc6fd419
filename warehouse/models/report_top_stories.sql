-- Report: the stories most widely reported (by sources, then articles) in the period.
select
    story_id,
    headline,
    first_seen_at,
    last_seen_at,
    num_articles,
    num_sources,
    top_entities
from stories
where $since::date is null or last_seen_at >= $since::date
order by num_sources desc, num_articles desc, last_seen_at desc, story_id
limit 20
