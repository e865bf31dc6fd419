-- Column tests every table gets. A template filled from warehouse.schemas KEYS: {key_list} is
-- quoted identifiers, {name} and {key_label} plain-text labels, {scoped} the rows under test
-- (the table, or one run's rows) and {dup_source} where duplicates of their keys can be (the
-- table, or for one run: the table's rows with the run's keys; for mentions and events the
-- run's rows alone, since a load replaces all of an article's rows and their keys hash it).
-- Checks: the key is unique and not null, and every row carries a run_id.
-- Rows: table_name, column_name, check_name, failing (rows that fail).
with
duplicate_keys as (
    select {key_list}
    from {dup_source}
    where not ({key_null})
    group by all
    having count(*) > 1
),

final as (
    select '{name}' as table_name, '{key_label}' as column_name, 'unique' as check_name,
        (select count(*) from duplicate_keys) as failing
    union all
    select '{name}', '{key_label}', 'not_null', count_if({key_null}) from {scoped}
    union all
    select '{name}', 'run_id', 'not_null', count_if(run_id is null) from {scoped}
)

select * from final;
