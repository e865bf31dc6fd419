"""Stories: after a load, fold duplicates and cluster the recent articles into stories.

Reads the run's window of articles and their mentions from the warehouse (warehouse.stories),
finds copies (transforms.dedupe) and stories (transforms.stories), and writes both back in one
transaction. Deterministic and idempotent: a rerun changes nothing.
"""


import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DataPaths, Settings
from flows.load import LOCK_WAIT_S
from transforms.dedupe import DedupeDoc, Duplicate, find_duplicates
from transforms.stories import Story, StoryDoc, cluster_stories
from warehouse import db, stories as wh_stories
from warehouse.schemas import ARTICLE_DUPLICATES


@dataclass(frozen=True, slots=True)
class StoriesSummary:
    run_id: str
    articles: int          # articles re-clustered (the window and the stories it touches)
    duplicates: int        # copies among them
    stories: int           # stories among them (stories of one included)
    multi_source: int      # stories with articles from two or more sources
    changed: int           # articles whose story or original changed
    seconds: float


def _docs(articles: pa.Table, mentions: pa.Table) -> tuple[list[DedupeDoc], dict[str, tuple[str, ...]], set[str]]:
    entities: dict[str, list[str]] = defaultdict(list)
    for article_id, entity_id in zip(mentions.column("article_id").to_pylist(),
                                     mentions.column("entity_id").to_pylist()):
        entities[article_id].append(entity_id)
    docs, in_window = [], set()
    for row in articles.to_pylist():
        docs.append(DedupeDoc(
            article_id=row["article_id"], source_id=row["source_id"], published_at=row["seen_at"],
            title=row["title"], text=row["text"] or "", content_sha256=row["content_sha256"],
            credits=tuple(c for c in row["credits"] if c)))
        if row["in_window"]:
            in_window.add(row["article_id"])
    return docs, {k: tuple(v) for k, v in entities.items()}, in_window


def cluster_window(articles: pa.Table, mentions: pa.Table) -> tuple[list[Duplicate], list[Story]]:
    """Duplicates and stories of the articles read by warehouse.stories.read_window."""
    docs, entities, in_window = _docs(articles, mentions)
    duplicates = find_duplicates(docs)
    original = {d.article_id: d.duplicate_of for d in duplicates}
    story_docs = [StoryDoc(d.article_id, d.source_id, d.published_at, d.title, d.text,
                           entities.get(d.article_id, ()), original.get(d.article_id)) for d in docs]
    return duplicates, cluster_stories(story_docs, reference=in_window)


def result_tables(run_id: str, duplicates: list[Duplicate], stories: list[Story]) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(assign, duplicates, stories) tables in the shapes warehouse.stories.write_stories takes."""
    original = {d.article_id: d.duplicate_of for d in duplicates}
    members = [(a, s.story_id) for s in stories for a in s.article_ids]
    assign = pa.table({"article_id": [a for a, _ in members], "story_id": [s for _, s in members],
                       "duplicate_of": [original.get(a) for a, _ in members]}, schema=wh_stories.ASSIGN)
    dups = pa.Table.from_pylist([{"article_id": d.article_id, "duplicate_of": d.duplicate_of,
                                  "kind": d.kind, "similarity": d.similarity, "run_id": run_id}
                                 for d in duplicates], schema=ARTICLE_DUPLICATES)
    rows = pa.Table.from_pylist([{
        "story_id": s.story_id, "headline": s.headline, "first_seen_at": s.first_seen_at,
        "last_seen_at": s.last_seen_at, "num_articles": s.num_articles, "num_sources": s.num_sources,
        "top_entity_ids": list(s.top_entities), "article_id": s.article_id, "run_id": run_id}
        for s in stories], schema=wh_stories.STORY_ROWS)
    return assign, dups, rows


def assign_stories_in_warehouse(run_id: str, db_path: Path, *, window_days: int = wh_stories.WINDOW_DAYS,
                                lock_wait_s: float = LOCK_WAIT_S) -> StoriesSummary:
    """The stories step without Prefect: read the window, dedupe, cluster, write back."""
    started = time.perf_counter()
    con = db.connect(db_path, wait_s=lock_wait_s)
    try:
        db.migrate(con)
        with db.transaction(con):
            articles, mentions = wh_stories.read_window(con, run_id, window_days)
            duplicates, stories = cluster_window(articles, mentions)
            changed = wh_stories.write_stories(con, *result_tables(run_id, duplicates, stories))
    finally:
        con.close()
    return StoriesSummary(run_id=run_id, articles=articles.num_rows, duplicates=len(duplicates),
                          stories=len(stories), multi_source=sum(s.num_sources > 1 for s in stories),
                          changed=changed, seconds=round(time.perf_counter() - started, 3))


@task(cache_policy=NO_CACHE)
def assign_stories(run_id: str, settings: Settings) -> StoriesSummary:
    """Fold duplicates and cluster the run's window of articles into stories."""
    summary = assign_stories_in_warehouse(run_id, DataPaths.of(settings).db)
    get_run_logger().info("stories: %d articles, %d duplicates, %d stories (%d multi-source), "
                          "%d changed", summary.articles, summary.duplicates, summary.stories,
                          summary.multi_source, summary.changed)
    return summary
