-- Column tests beside the models (dbt-style): required columns, accepted values and
-- relationships. Rows: table_name, column_name, check_name, failing (rows that fail).
-- Key uniqueness / not-null for every table lives in _check_keys.sql. A template: {articles},
-- {mentions}, ... are the rows under test (the table, or one run's rows, from
-- warehouse.models); the targets of relationships are always whole tables.
with
articles_required as (
    unpivot (
        select count(*) - count(columns(c -> c in (
            'url', 'canonical_url', 'source_id', 'text', 'word_count', 'content_sha256',
            'extractor', 'extractor_version', 'raw_sha256', 'fetched_at'
        )))
        from {articles}
    ) on columns(*) into name column_name value failing
),

mentions_required as (
    unpivot (
        select count(*) - count(columns(c -> c in (
            'article_id', 'entity_id', 'surface', 'kind', 'sentence_idx', 'start_char',
            'end_char', 'confidence'
        )))
        from {mentions}
    ) on columns(*) into name column_name value failing
),

events_required as (
    unpivot (
        select count(*) - count(columns(c -> c in (
            'article_id', 'date_precision', 'cameo_code', 'cameo_root', 'quad_class',
            'goldstein', 'sentence_idx', 'evidence', 'start_char', 'end_char', 'temporal',
            'factuality', 'confidence'
        )))
        from {events}
    ) on columns(*) into name column_name value failing
),

entities_required as (
    unpivot (
        select count(*) - count(columns(c -> c in ('kind', 'canonical_name')))
        from {entities}
    ) on columns(*) into name column_name value failing
),

fetch_log_required as (
    unpivot (
        select count(*) - count(columns(c -> c in (
            'url', 'kind', 'source_id', 'reason', 'bytes', 'elapsed_ms', 'fetched_at'
        )))
        from {fetch_log}
    ) on columns(*) into name column_name value failing
),

quarantine_required as (
    unpivot (
        select count(*) - count(columns(c -> c in ('stage', 'key', 'reason', 'at')))
        from {quarantine}
    ) on columns(*) into name column_name value failing
),

not_null as (
    select 'articles' as table_name, column_name, failing from articles_required
    union all
    select 'mentions', column_name, failing from mentions_required
    union all
    select 'events', column_name, failing from events_required
    union all
    select 'entities', column_name, failing from entities_required
    union all
    select 'fetch_log', column_name, failing from fetch_log_required
    union all
    select 'quarantine', column_name, failing from quarantine_required
),

accepted_values as (
    select 'events' as table_name, 'date_precision' as column_name,
        count_if(date_precision not in ('day', 'month', 'year', 'unstated')) as failing
    from {events}
    union all
    select 'events', 'temporal', count_if(temporal not in ('current', 'background'))
    from {events}
    union all
    select 'events', 'factuality',
        count_if(factuality not in ('asserted', 'reported', 'claimed', 'negated'))
    from {events}
    union all
    select 'events', 'quad_class', count_if(quad_class not between 1 and 4)
    from {events}
    union all
    select 'events', 'start_char', count_if(start_char > end_char)
    from {events}
    union all
    select 'mentions', 'start_char', count_if(start_char > end_char)
    from {mentions}
),

relationships as (
    select 'mentions' as table_name, 'article_id' as column_name, count(*) as failing
    from {mentions}
    anti join articles using (article_id)
    union all
    select 'mentions', 'entity_id', count(*)
    from {mentions}
    anti join entities using (entity_id)
    union all
    select 'events', 'article_id', count(*)
    from {events}
    anti join articles using (article_id)
),

final as (
    select table_name, column_name, 'not_null' as check_name, failing from not_null
    union all
    select table_name, column_name, 'accepted_values', failing from accepted_values
    union all
    select table_name, column_name, 'relationships', failing from relationships
)

select * from final;
