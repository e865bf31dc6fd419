-- Who is mentioned with whom: two entities named in the same sentence, per publication day.
-- Materialized: incremental table (migration 004); grain: published_date x entity_a x entity_b,
-- entity_a < entity_b (query both columns, or union the pair both ways, to find an entity's
-- companions). Sentence-level on purpose: article-level pairs are ~380 per article (22 distinct
-- entities each on the bundled sample), 380 M rows at a million articles, and weaker evidence.
-- A template over a relation of mentions, kept up to date like fct_entity_mentions_daily: num_sentences
-- and num_articles (articles with the pair in some sentence) add up across articles.
with
sentence_entities as (
    select distinct article_id, sentence_idx, entity_id, published_date
    from {mentions}
),

-- per article first: two plain aggregations cost less than one count(distinct)
pairs_per_article as (
    select
        a.published_date,
        a.entity_id as entity_a,
        b.entity_id as entity_b,
        a.article_id,
        count(*) as num_sentences
    from sentence_entities as a
    inner join sentence_entities as b
        on a.article_id = b.article_id
        and a.sentence_idx = b.sentence_idx
        and a.entity_id < b.entity_id
    group by all
),

final as (
    select
        published_date,
        entity_a,
        entity_b,
        sum(num_sentences) as num_sentences,
        count(*) as num_articles
    from pairs_per_article
    group by published_date, entity_a, entity_b
)

select * from final
