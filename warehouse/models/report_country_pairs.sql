-- Report: events between two actor countries (actor1 -> actor2), with Goldstein scores
-- (-10 most conflictual .. +10 most cooperative). Events missing either country are left out.
select
    actor1_country,
    actor2_country,
    sum(num_events) as events,
    sum(goldstein_sum) as goldstein_sum,
    sum(goldstein_sum) / sum(num_events) as goldstein_avg
from fct_events_daily_country_pair
where actor1_country is not null and actor2_country is not null
    and ($since::date is null or published_date >= $since::date)
group by actor1_country, actor2_country
order by events desc, actor1_country, actor2_country
