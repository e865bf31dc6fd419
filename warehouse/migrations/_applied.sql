-- Versions already applied (not a migration: no NNN_ prefix).
select version from schema_migrations order by version;
