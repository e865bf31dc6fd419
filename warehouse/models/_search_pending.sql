-- Search index, step 1: which articles of `search_source` (Arrow from Python: article_id,
-- title, text) are new or changed since they were indexed; their old documents are dropped
-- and new document ids handed out, in article_id order.
create or replace temp table search_new_docs as
with
source as (
    select article_id, hash(title, text) as content_hash from search_source
),

pending as (
    select source.article_id, source.content_hash
    from source
    left join search_docs using (article_id)
    where search_docs.article_id is null or search_docs.content_hash <> source.content_hash
),

final as (
    select
        (select next_docid from search_meta) + row_number() over (order by article_id) - 1 as docid,
        article_id,
        content_hash
    from pending
)

select * from final;

delete from search_docs where article_id in (select article_id from search_new_docs);

update search_meta set next_docid = next_docid + (select count(*) from search_new_docs);
