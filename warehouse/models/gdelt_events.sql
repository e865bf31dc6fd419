-- GDELT 2.0 Event table shape: the 61 columns, names, order and types of GDELT's codebook
-- (../shared/reference/gdelt_events_v2_columns.csv), so SQL written for GDELT runs here.
-- One row per event as GDELT counts them: the same actors, code and day within one story are
-- one event (fct_story_events), shown by its representative coded event, with NumMentions,
-- NumSources and NumArticles counted over the story's articles (1 before the stories step).
-- What each column holds, and the columns we cannot fill (always null), are in docs/GDELT.md.
create or replace view gdelt_events as
with
-- GDELT's Day is the event's date as resolved, mostly the publication day: ours when the text
-- gives the day, else the article's UTC publication day: fct_story_events' event_day, a key of
-- its grouping, so a filter on Day / MonthYear / Year reaches the events before they are
-- grouped (a month of GDELT SQL at a million articles: 1.0 s -> 0.2 s).
events as (
    select
        stg_events.*,
        grouped.num_mentions,
        grouped.num_sources,
        grouped.num_articles,
        grouped.event_day as gdelt_day
    from stg_events
    inner join fct_story_events as grouped using (event_id)
),

places as (
    select entity_id, kind, canonical_name, country_code from main.entities
),

fips as (
    select iso3, fips from ref_countries
),

located as (
    select
        events.*,
        events.article_url as source_url,
        events.article_fetched_at as fetched_at,
        places.canonical_name as place_name,
        case places.kind when 'country' then 1 when 'place' then 4 end as place_type,
        fips.fips as place_fips
    from events
    left join places on places.entity_id = events.location_entity_id
    left join fips on fips.iso3 = places.country_code
),

final as (
    select
        coalesce(
            try_cast(('0x' || left(event_id, 15)) as bigint),
            cast(hash(event_id) >> 1 as bigint)
        ) as GlobalEventID,
        cast(year(gdelt_day) * 10000 + month(gdelt_day) * 100 + day(gdelt_day) as integer) as Day,
        cast(year(gdelt_day) * 100 + month(gdelt_day) as integer) as MonthYear,
        cast(year(gdelt_day) as integer) as Year,
        cast(round(year(gdelt_day) + (month(gdelt_day) * 30 + day(gdelt_day)) / 365.0, 4) as double)
            as FractionDate,

        nullif(coalesce(actor1_country, '') || coalesce(actor1_role, ''), '') as Actor1Code,
        upper(actor1_name) as Actor1Name,
        actor1_country as Actor1CountryCode,
        cast(null as varchar) as Actor1KnownGroupCode,
        cast(null as varchar) as Actor1EthnicCode,
        cast(null as varchar) as Actor1Religion1Code,
        cast(null as varchar) as Actor1Religion2Code,
        actor1_role as Actor1Type1Code,
        cast(null as varchar) as Actor1Type2Code,
        cast(null as varchar) as Actor1Type3Code,

        nullif(coalesce(actor2_country, '') || coalesce(actor2_role, ''), '') as Actor2Code,
        upper(actor2_name) as Actor2Name,
        actor2_country as Actor2CountryCode,
        cast(null as varchar) as Actor2KnownGroupCode,
        cast(null as varchar) as Actor2EthnicCode,
        cast(null as varchar) as Actor2Religion1Code,
        cast(null as varchar) as Actor2Religion2Code,
        actor2_role as Actor2Type1Code,
        cast(null as varchar) as Actor2Type2Code,
        cast(null as varchar) as Actor2Type3Code,

        cast(case when sentence_idx = 0 then 1 else 0 end as integer) as IsRootEvent,
        cameo_code as EventCode,
        left(cameo_code, 3) as EventBaseCode,
        cameo_root as EventRootCode,
        cast(quad_class as integer) as QuadClass,
        cast(goldstein as double) as GoldsteinScale,
        cast(num_mentions as integer) as NumMentions,
        cast(num_sources as integer) as NumSources,
        cast(num_articles as integer) as NumArticles,
        cast(null as double) as AvgTone,

        cast(null as integer) as Actor1Geo_Type,
        cast(null as varchar) as Actor1Geo_Fullname,
        cast(null as varchar) as Actor1Geo_CountryCode,
        cast(null as varchar) as Actor1Geo_ADM1Code,
        cast(null as varchar) as Actor1Geo_ADM2Code,
        cast(null as double) as Actor1Geo_Lat,
        cast(null as double) as Actor1Geo_Long,
        cast(null as varchar) as Actor1Geo_FeatureID,

        cast(null as integer) as Actor2Geo_Type,
        cast(null as varchar) as Actor2Geo_Fullname,
        cast(null as varchar) as Actor2Geo_CountryCode,
        cast(null as varchar) as Actor2Geo_ADM1Code,
        cast(null as varchar) as Actor2Geo_ADM2Code,
        cast(null as double) as Actor2Geo_Lat,
        cast(null as double) as Actor2Geo_Long,
        cast(null as varchar) as Actor2Geo_FeatureID,

        cast(place_type as integer) as ActionGeo_Type,
        place_name as ActionGeo_Fullname,
        place_fips as ActionGeo_CountryCode,
        case when place_type = 1 then place_fips end as ActionGeo_ADM1Code,
        cast(null as varchar) as ActionGeo_ADM2Code,
        cast(lat as double) as ActionGeo_Lat,
        cast(lon as double) as ActionGeo_Long,
        cast(null as varchar) as ActionGeo_FeatureID,

        cast(strftime(timezone('UTC', fetched_at), '%Y%m%d%H%M%S') as bigint) as DATEADDED,
        source_url as SOURCEURL
    from located
)

select * from final;
