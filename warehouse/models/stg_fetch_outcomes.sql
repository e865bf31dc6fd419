-- One row per fetch attempt (feed, page or robots.txt: all classified alike), so that the
-- models counting outcomes (mart_source_health, report_source_health, report_run_sources)
-- agree on them: `ok`, `not_modified` (neither a success nor a failure), or a failure (any
-- other reason). A null reason leaves the three flags null: the attempt counts, as neither.
-- A robots.txt answered with a 4xx is no failure: RFC 9309 reads it as "no rules" (flows.robots
-- crawls the host), so it counts as ok; 5xx and network errors on robots.txt stay failures.
create or replace view stg_fetch_outcomes as
with
source as (
    select
        *,
        coalesce(kind = 'robots' and status between 400 and 499, false) as robots_absent
    from fetch_log
),

final as (
    select
        fetch_id,
        source_id,
        run_id,
        kind,
        reason,
        reason = 'ok' or robots_absent as is_ok,
        reason = 'not_modified' as is_not_modified,
        reason not in ('ok', 'not_modified') and not robots_absent as is_failure,
        elapsed_ms,
        bytes,
        fetched_at
    from source
)

select * from final;
