-- Which of the articles in `child_article_ids` (Arrow, from Python) are already loaded.
select article_id from articles where article_id in (select article_id from child_article_ids);
