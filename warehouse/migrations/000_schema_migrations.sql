-- Bookkeeping for numbered migrations: which ran, and when.
-- Idempotent on purpose: it runs before the applied versions can be read.
create table if not exists schema_migrations (
    version    integer not null,
    name       varchar not null,
    applied_at timestamptz not null default current_timestamp
);
