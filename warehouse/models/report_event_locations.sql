-- Report: where events happened (the coordinates of their location), one row per place.
select
    lat,
    lon,
    any_value(location_entity_id) as location_entity_id,
    count(*) as events
from stg_events
where lat is not null and lon is not null
    and ($since::date is null or published_date >= $since::date)
group by lat, lon
order by events desc, lat, lon
