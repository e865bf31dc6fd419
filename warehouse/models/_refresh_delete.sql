-- Day-refreshed models: drop the rows of the days being rebuilt ({table} is a model name and
-- {day} its day column, from warehouse.models, never input). `refresh_days` is a temp table
-- of day_key dates, with 0001-01-01 standing for an unknown day.
delete from {table}
where coalesce({day}, date '0001-01-01') in (select day_key from refresh_days);
