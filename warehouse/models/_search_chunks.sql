-- Search index rebuild: the first article_id of each chunk of $chunk articles, in id order.
select article_id
from (select article_id, row_number() over (order by article_id) - 1 as n from articles)
where n % $chunk = 0
order by article_id;
