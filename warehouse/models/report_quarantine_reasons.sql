-- Report: why items were quarantined, per source, stage and reason.
select
    coalesce(source_id, '(none)') as source_id,
    stage,
    reason,
    count(*) as items
from quarantine
where $since::date is null or "at" >= $since::date
group by all
order by items desc, source_id, stage, reason
