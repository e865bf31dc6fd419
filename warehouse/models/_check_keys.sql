-- Column tests every table gets. A template filled from warehouse.schemas KEYS: {table} and
-- {key_list} are quoted identifiers, {name} and {key_label} their plain-text labels.
-- Checks: the key is unique and not null, and every row carries a run_id.
-- Rows: table_name, column_name, check_name, failing (rows that fail).
with
duplicate_keys as (
    select {key_list}
    from {table}
    where not ({key_null})
    group by all
    having count(*) > 1
),

final as (
    select '{name}' as table_name, '{key_label}' as column_name, 'unique' as check_name,
        (select count(*) from duplicate_keys) as failing
    union all
    select '{name}', '{key_label}', 'not_null', count_if({key_null}) from {table}
    union all
    select '{name}', 'run_id', 'not_null', count_if(run_id is null) from {table}
)

select * from final;
