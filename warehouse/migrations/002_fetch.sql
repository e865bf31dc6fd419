-- Fetch stage (issue 3): incremental state, one fetch_log row per attempt, feed item flags.
-- Columns are appended (after run_id), in the order of warehouse/schemas.py.

alter table feed_state add column source_url varchar;
alter table feed_state add column last_reason varchar;
alter table feed_state add column last_changed_at timestamptz;
alter table feed_state add column failures integer;

alter table fetch_log add column attempt integer;
alter table fetch_log add column redirects integer;
alter table fetch_log add column encoding_source varchar;
alter table fetch_log add column http_version varchar;

alter table feed_items add column published_flag varchar;
alter table feed_items add column fingerprint varchar;
