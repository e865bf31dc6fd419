-- The rest of _delta_apply.sql: the unknown day (null, merged apart: equality never matches
-- it), then the rows whose counts fell to zero go.
merge into {table}
using (
    select {key}, {sums}
    from {delta}
    where published_date is null
    group by all
) as delta
on {table}.published_date is null and {on}
when matched then update set {set}
when not matched then insert by name;

delete from {table} where {zero};
