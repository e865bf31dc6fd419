-- The current publication days of the articles in `child_article_ids` (Arrow, from Python):
-- days whose incremental models are rebuilt from scratch at the end of the load (articles
-- re-loaded without their mentions, mentions loaded without their articles).
insert into load_days
select utc_day(published_at)
from articles
where article_id in (select article_id from child_article_ids);
