-- One row per fetch attempt (feed, page or robots.txt: all classified alike), so that the
-- models counting outcomes (mart_source_health, report_source_health, report_run_sources)
-- agree on them: `ok`, `not_modified` (neither a success nor a failure), or a failure (any
-- other reason). A null reason leaves the three flags null: the attempt counts, as neither.
create or replace view stg_fetch_outcomes as
with
source as (
    select * from fetch_log
),

final as (
    select
        fetch_id,
        source_id,
        run_id,
        kind,
        reason,
        reason = 'ok' as is_ok,
        reason = 'not_modified' as is_not_modified,
        reason not in ('ok', 'not_modified') as is_failure,
        elapsed_ms,
        bytes,
        fetched_at
    from source
)

select * from final;
