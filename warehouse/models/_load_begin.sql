-- Bookkeeping of one load (temp tables, gone with the connection): publication days whose
-- incremental models must be rebuilt from scratch, and entities that may have lost their last
-- mention. warehouse.models adds one load_delta_<model> table per incremental model.
create or replace temp table load_days (day date);
create or replace temp table load_gc (entity_id varchar);
