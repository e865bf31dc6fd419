-- Warehouse (issue 7): what each run did, stage by stage. Columns are appended (after
-- data_version), in the order of warehouse/schemas.py RUNS.

alter table runs add column kind varchar;                          -- pipeline / load / reprocess
alter table runs add column scope varchar;                         -- reprocess: all, or since..until
alter table runs add column pages_processed integer;               -- pages handed to process
alter table runs add column quarantined_by_stage map(varchar, integer);
alter table runs add column loaded_rows map(varchar, bigint);      -- rows merged per table
alter table runs add column replaced_articles integer;             -- reprocess: old articles dropped
alter table runs add column step_seconds map(varchar, double);     -- load steps: merge, models, ...
