-- Report: events per day and quad class (1 verbal cooperation, 2 material cooperation,
-- 3 verbal conflict, 4 material conflict). The day is the event's own date when the text
-- gives one, else its article's UTC publication day; events with neither are left out.
with
events as (
    select coalesce(event_date, published_date) as day, quad_class, num_events
    from fct_events_daily_country_pair
    where $since::date is null or published_date >= $since::date
),

final as (
    select day, quad_class, sum(num_events) as events
    from events
    where day is not null
    group by day, quad_class
)

select * from final
order by day, quad_class
