-- The first load into an empty incremental model {table}: the summed delta {delta} inserted in
-- grain order (published_date first), not through MERGE, whose inserts come out in hash order.
-- Ordered rows give each row group a narrow range of days, so date filters read few of them:
-- at 200,000 articles an entity's last 30 days of co-occurrence went from every row group to
-- a handful. Column lists come from warehouse.models (GRAIN), never from input.
insert into {table} by name
select {key}, {sums}
from {delta}
group by all
having not ({zero})
order by all;
