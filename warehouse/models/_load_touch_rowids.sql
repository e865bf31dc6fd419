-- Where the mentions of the articles in `child_article_ids` (Arrow, about to be replaced or
-- deleted) are: their rowids, from a pass over article_id alone. A load appends an article's
-- mentions together, so they fall in a few short ranges that _load_touch_range.sql then
-- reads. At 37.5 M mentions, from a cold start: 0.4 s for both, against 0.6-0.7 s for one
-- pass reading all four columns (_load_touch_scan.sql, for loads changing many articles).
-- A semi join with the rowid list read every row group: DuckDB skips row groups for a rowid
-- range, not for a list of rowids.
select rowid as mention_rowid
from main.mentions
where article_id in (select article_id from child_article_ids);
