-- Report: the most recent runs, newest first.
select
    run_id,
    coalesce(kind, 'pipeline') as kind,
    status,
    started_at,
    finished_at,
    date_diff('second', started_at, finished_at) as seconds,
    feeds,
    pages_fetched,
    articles,
    events,
    quarantined
from main.runs
where $since::date is null or started_at >= $since::date
order by started_at desc, run_id
limit 20
