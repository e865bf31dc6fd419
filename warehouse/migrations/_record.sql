-- Record one applied migration (not a migration: no NNN_ prefix).
insert into schema_migrations (version, name) values ($version, $name);
