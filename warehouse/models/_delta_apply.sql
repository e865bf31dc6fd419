-- Add a load's changes (the temp table {delta}: rows of the model, negative for what the load
-- removed) to the incremental model {table}, for the days $lo..$hi. The column lists and
-- conditions come from warehouse.models (GRAIN), never from input. warehouse.models runs this
-- once per run of nearby days in the delta: with plain equality on published_date DuckDB
-- reads only the row groups within the delta's min..max days (1.25 s -> 0.015 s at a million
-- articles), and one changed article from last year would otherwise stretch that to the whole
-- table (1.45 s per load). Unknown days and zero counts: _delta_apply_undated.sql.
merge into {table}
using (
    select {key}, {sums}
    from {delta}
    where published_date between $lo and $hi
    group by all
) as delta
on {table}.published_date = delta.published_date and {on}
when matched then update set {set}
when not matched then insert by name;
