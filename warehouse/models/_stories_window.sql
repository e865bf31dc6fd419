-- The stories step of run $run_id re-clusters these articles (a temp table, story_window):
-- those seen (published, else fetched) within $window_days days of the run's own articles
-- (in_window), plus every article already in a story with one of them (not in_window), so a
-- story crossing the window's edge is re-clustered whole. Word weights are computed over the
-- in_window articles only: the answer for a story does not depend on which others came along.
create or replace temp table story_window as
with
run_span as (
    select
        min(coalesce(published_at, fetched_at)) as lo,
        max(coalesce(published_at, fetched_at)) as hi
    from articles
    where run_id = $run_id
),

windowed as (
    select articles.article_id, articles.story_id
    from articles, run_span
    where coalesce(articles.published_at, articles.fetched_at)
        between run_span.lo - to_days(cast($window_days as integer))
        and run_span.hi + to_days(cast($window_days as integer))
),

expanded as (
    select articles.article_id
    from articles
    where articles.story_id in (select story_id from windowed where story_id is not null)
        and articles.article_id not in (select article_id from windowed)
),

final as (
    select article_id, true as in_window from windowed
    union all
    select article_id, false as in_window from expanded
)

select * from final;
