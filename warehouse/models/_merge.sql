-- Upsert one batch into a table (a template: {table} and {on} come from warehouse.schemas,
-- never from input). `merge_source` is an Arrow table from warehouse.db, already
-- deduplicated on the key, so each target row matches at most one source row.
-- BY NAME: in DuckDB 1.5 `UPDATE SET *` / `INSERT *` match columns by position.
merge into {table}
using merge_source
on {on}
when matched then update by name
when not matched then insert by name;
