-- story_key(story_id, article_id): the story an event is counted in by fct_story_events: its
-- story, or for an article outside any story, the article itself ('article:<article_id>').
-- One rule for stg_story_events and the loads that find which groups to rebuild
-- (_story_groups_of.sql; _story_refresh_articles.sql reads the article id back).
create or replace macro story_key(story_id, article_id) as
    coalesce(story_id, 'article:' || article_id);
