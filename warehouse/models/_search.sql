-- Full-text search over articles (title + text) with the BM25 index built by rebuild_fts().
with
scored as (
    select
        article_id,
        title,
        fts_main_articles.match_bm25(article_id, $query) as score
    from articles
),

final as (
    select article_id, title, score
    from scored
    where score is not null
    order by score desc, article_id
    limit $limit
)

select * from final;
