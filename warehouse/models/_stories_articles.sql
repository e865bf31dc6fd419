-- The articles of story_window (see _stories_window.sql) with what dedupe and clustering read.
-- Credits: the dateline's agency, the authors and the credit lines clean-up removed.
select
    articles.article_id,
    articles.source_id,
    coalesce(articles.published_at, articles.fetched_at) as seen_at,
    articles.title,
    articles.text,
    articles.content_sha256,
    list_concat(
        [articles.dateline_agency],
        coalesce(articles.authors, []),
        list_filter(coalesce(articles.removed_spans, []), s -> starts_with(s, 'credit:'))
    ) as credits,
    story_window.in_window
from story_window
inner join articles using (article_id)
order by articles.article_id;
