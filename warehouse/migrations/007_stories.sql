-- Stories (issue 8): duplicates folded and articles clustered into stories across outlets.
-- Both are derived in the warehouse by the stories step after each load (flows/stories.py):
-- they need articles of several runs, so they are not lake tables. articles.duplicate_of and
-- articles.story_id / events.story_id (columns since 001) are set by the same step.

-- One row per article that copies another: which one (the earliest copy of its group), how.
create table article_duplicates (
    article_id   varchar,
    duplicate_of varchar,
    kind         varchar,   -- exact (same text) / near (MinHash + containment) / syndicated (wire copy)
    similarity   float,     -- word 5-shingle containment against the original (1 for exact)
    run_id       varchar    -- the run whose stories step last changed the row
);

-- One row per story (stories of one article included). top_entities are canonical names,
-- top_entity_ids the same entities' ids, most widely mentioned across the story first.
create table stories (
    story_id       varchar,
    headline       varchar,
    first_seen_at  timestamptz,
    last_seen_at   timestamptz,
    num_articles   integer,
    num_sources    integer,
    top_entities   varchar[],
    top_entity_ids varchar[],
    article_id     varchar,  -- the representative article (its title is the headline)
    run_id         varchar
);
