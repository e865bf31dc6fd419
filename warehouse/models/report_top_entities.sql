-- Report: the most-mentioned entities of the period.
with
mentions as (
    select entity_id, sum(num_mentions) as mentions, sum(num_articles) as articles
    from fct_entity_mentions_daily
    where $since::date is null or published_date >= $since::date
    group by entity_id
),

final as (
    select
        mentions.entity_id,
        entities.kind,
        coalesce(entities.canonical_name, mentions.entity_id) as name,
        entities.country_code,
        mentions.mentions,
        mentions.articles
    from mentions
    left join main.entities as entities using (entity_id)
    where mentions.mentions > 0
)

select * from final
order by mentions desc, articles desc, entity_id
limit 20
