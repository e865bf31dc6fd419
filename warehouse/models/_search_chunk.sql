-- Search index rebuild: one chunk of articles, by article_id range.
select article_id, title, text
from articles
where article_id >= $lo and ($hi is null or article_id < $hi);
