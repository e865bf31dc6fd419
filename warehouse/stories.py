"""The warehouse side of the stories step: read the articles to re-cluster, write the answer.

The step runs after each load (flows/stories.py composes it: read here, dedupe and cluster with
transforms.dedupe / transforms.stories, write here), in one transaction of its own. It needs
articles of several runs, so it reads the warehouse, not the lake: the run's articles, those
seen within a window of days around them, and the rest of any story they are already in. What
it writes is derived and deterministic (story ids hash a story's earliest article), and only
differences are written, so a rerun changes nothing. SQL is in warehouse/models/_stories_*.sql.
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa

from warehouse import models
from warehouse.schemas import ARTICLE_DUPLICATES, STORIES
from warehouse.sql import execute, load_sql, run_script

log = logging.getLogger(__name__)

WINDOW_DAYS = 3
ASSIGN = pa.schema([("article_id", pa.string()), ("story_id", pa.string()),
                    ("duplicate_of", pa.string())])
STORY_ROWS = pa.schema([f for f in STORIES if f.name != "top_entities"])
_TEMP = ("story_window", "story_touched", "story_changed", "story_named", "story_groups")


def read_window(con: duckdb.DuckDBPyConnection, run_id: str,
                window_days: int = WINDOW_DAYS) -> tuple[pa.Table, pa.Table]:
    """(articles, mentions) to re-cluster for `run_id`; leaves the temp table story_window
    for write_stories. Articles: article_id, source_id, seen_at, title, text, content_sha256,
    credits, in_window; mentions: article_id, entity_id in text order."""
    run_script(con, load_sql("_stories_window"), {"run_id": run_id, "window_days": window_days})
    articles = con.execute(load_sql("_stories_articles")).fetch_arrow_table()
    mentions = con.execute(load_sql("_stories_mentions")).fetch_arrow_table()
    return articles, mentions


def write_stories(con: duckdb.DuckDBPyConnection, assign: pa.Table, duplicates: pa.Table,
                  stories: pa.Table) -> int:
    """Write assignments, duplicates and stories of the window read by read_window (in the
    caller's transaction). Tables: ASSIGN, ARTICLE_DUPLICATES and STORY_ROWS schemas.
    Returns how many articles changed story or original."""
    for name, table, schema in (("story_assign", assign, ASSIGN),
                                ("article_duplicates", duplicates, ARTICLE_DUPLICATES),
                                ("stories", stories, STORY_ROWS)):
        if not table.schema.equals(schema, check_metadata=False):
            raise ValueError(f"{name}: schema differs from warehouse.stories:\n{table.schema}")
    ids = assign.column("article_id").combine_chunks()
    models.start_story_groups(con)
    models.note_story_groups(con, ids)  # the (story, day) groups their events are in now
    row = run_script(con, load_sql("_stories_apply"), tables={
        "story_assign": assign, "story_dups": duplicates, "story_rows": stories}).fetchone()
    # Their events may have changed story or original: rebuild the groups they left and joined.
    models.note_story_groups(con, ids)
    models.refresh_story_events(con, "select story_key, day from story_groups")
    for name in _TEMP:
        con.execute(f"drop table if exists {name}")
    return int(row[0])


def story_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Stories, multi-article stories and duplicates in the warehouse."""
    row = execute(con, "select count(*), count(*) filter (where num_articles > 1) from stories").fetchone()
    dups = con.execute("select count(*) from article_duplicates").fetchone()[0]
    return {"stories": int(row[0]), "multi_article_stories": int(row[1]), "duplicates": int(dups)}
