-- Entity mentions of the articles in story_window, in text order (one row per mention).
select mentions.article_id, mentions.entity_id
from mentions
semi join story_window using (article_id)
order by mentions.article_id, mentions.start_char, mentions.mention_id;
