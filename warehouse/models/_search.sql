-- Full-text search over articles (title + text): BM25 (k1 = 1.2, b = 0.75) over the index
-- kept by warehouse.search. Query words are split, stop-worded and stemmed exactly as
-- _search_words.sql does for documents; any query term may match (OR).
with
query_words as (
    select unnest(regexp_split_to_array(lower(strip_accents($query)), '[^\pL\pN]+')) as word
),

query_terms as (
    select distinct terms.term_id
    from (
        select stem(word, 'porter') as term
        from query_words
        where word <> '' and word not in (select word from search_stopwords)
    ) as stemmed
    inner join search_terms as terms using (term)
),

postings as (
    select term_id, docid, tf from search_postings semi join query_terms using (term_id)
    union all
    select term_id, docid, tf from search_postings_recent semi join query_terms using (term_id)
),

live as (
    select postings.term_id, postings.tf, docs.article_id, docs.doc_len
    from postings
    inner join search_docs as docs using (docid)
),

stats as (
    select count(*) as num_docs, greatest(avg(doc_len), 1) as avg_len from search_docs
),

doc_freq as (
    select term_id, count(*) as df from live group by term_id
),

scored as (
    select
        live.article_id,
        sum(
            ln(1 + (stats.num_docs - doc_freq.df + 0.5) / (doc_freq.df + 0.5))
            * live.tf * (1.2 + 1)
            / (live.tf + 1.2 * (1 - 0.75 + 0.75 * live.doc_len / stats.avg_len))
        ) as score
    from live
    inner join doc_freq using (term_id)
    cross join stats
    group by live.article_id
),

top as (
    select article_id, score from scored order by score desc, article_id limit $limit
),

final as (
    select top.article_id, articles.title, top.score
    from top
    inner join articles using (article_id)
    order by top.score desc, top.article_id
)

select * from final;
