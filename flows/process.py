"""Process: raw pages -> articles (extract + clean) -> entities, mentions and events.

Works in batches (a task per few hundred pages, never per article). Reads raw bytes from the
raw zone and writes Parquet parts to the lake itself; only paths and counts cross task
boundaries. `process` can rerun from the raw zone without fetching anything.

The batches run where `Settings.task_runner` says (flows.runner: threads, a local Dask cluster,
or Dask workers on other machines). So that a worker anywhere can read its batch, the run's page
list is put into the raw zone as a blob (content-addressed like the pages) and a batch is the
descriptor (list hash, start, stop): a few dozen bytes, and nothing for Prefect to hash
(NO_CACHE). Workers read the raw bytes and write their lake parts themselves; the spaCy model
and the gazetteers load once per worker process (cached in transforms), not once per batch.
"""


import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import progress, runner
from flows.config import DataPaths, Settings
from flows.ingest import quarantine
from flows.runs import read_jsonl, run_date
from transforms.annotate import annotate_texts
from transforms.article import ReadArticle, read_article
from transforms.contracts import Annotation, ArticleRow, Dateline, Entity
from transforms.encoding import DecodeError
from transforms.extract import ExtractionError, word_count
from transforms.ids import stable_id
from transforms.urls import canonicalize_url
from warehouse import lake
from warehouse.raw import RawBlobMissing, RawStore
from warehouse.rows import to_table

ANNOTATED_LANGUAGES = ("en",)  # the pinned spaCy model is English
# Far beyond any news article (a long one is ~50k characters); spaCy's own hard limit is 1M and
# its memory use grows with length, so bigger texts are stored but not annotated.
MAX_ANNOTATED_CHARS = 300_000


@dataclass(frozen=True, slots=True)
class ProcessSummary:
    run_id: str
    articles: int
    mentions: int
    entities: int
    events: int
    quarantined: int


def article_row(job: dict, read: ReadArticle) -> ArticleRow:
    """One `articles` row from a fetched page job and what the extract stage read."""
    page, cleaned = read.page, read.cleaned
    canonical = canonicalize_url(page.canonical_url or job.get("final_url") or job["url"])
    feed_published = job.get("feed_published_at")
    published = page.published_at or (
        datetime.fromisoformat(feed_published) if feed_published else None)
    dl = cleaned.dateline
    return ArticleRow(
        article_id=stable_id(canonical), url=job["url"], canonical_url=canonical,
        source_id=job["source_id"], publisher=page.site_name or job.get("publisher"),
        title=page.title, authors=page.authors, authors_raw=page.authors_raw,
        published_at=published, modified_at=page.modified_at, language=page.language,
        language_source=page.language_source,
        dateline_place=dl.place if dl else None, dateline_agency=dl.agency if dl else None,
        dateline_date=dl.date_text if dl else None,
        text=cleaned.text, word_count=word_count(cleaned.text),
        content_sha256=read.content_sha256, simhash=None, duplicate_of=None, story_id=None,
        extractor=page.extractor, extractor_version=page.extractor_version,
        raw_sha256=job["raw_sha256"], fetched_at=datetime.fromisoformat(job["fetched_at"]),
        removed_spans=tuple(f"{span.kind}: {span.text}" for span in cleaned.removed),
    )


def annotation_rows(article_id: str, ann: Annotation) -> tuple[list[dict], list[dict]]:
    """`mentions` and `events` rows of one article, with their deterministic keys."""
    mentions = [{
        "mention_id": stable_id(article_id, m.entity_id, m.start_char, m.end_char),
        "article_id": article_id, "entity_id": m.entity_id, "surface": m.surface,
        "kind": m.kind, "sentence_idx": m.sentence_idx, "start_char": m.start_char,
        "end_char": m.end_char, "confidence": m.confidence} for m in ann.mentions]
    events = []
    for e in ann.events:
        row = {name: getattr(e, name) for name in e.__slots__}
        row["event_id"] = stable_id(article_id, e.sentence_idx, e.actor1_entity_id,
                                    e.cameo_code, e.actor2_entity_id)
        row["article_id"] = article_id
        events.append(row)
    return mentions, events


def merge_entities(into: dict[str, Entity], found: tuple[Entity, ...]) -> None:
    """Keep one Entity per id within a batch, with the union of aliases seen."""
    for ent in found:
        prev = into.get(ent.entity_id)
        if prev is None:
            into[ent.entity_id] = ent
        elif not set(ent.aliases) <= set(prev.aliases):
            aliases = tuple(sorted(set(prev.aliases) | set(ent.aliases)))
            into[ent.entity_id] = Entity(prev.entity_id, prev.kind, prev.canonical_name,
                                         prev.country_code, prev.lat, prev.lon, aliases)


def process_pages(jobs: list[dict], store: RawStore) -> dict[str, list]:
    """The pure-ish core of a batch: pages in, table rows out (no Prefect, no lake)."""
    articles: dict[str, ArticleRow] = {}
    datelines: dict[str, Dateline | None] = {}
    bad = []
    for job in jobs:
        key = job["url"]
        try:
            data = store.get(job["raw_sha256"])
            read = read_article(data, job.get("final_url") or job["url"],
                                content_type=job.get("content_type"),
                                feed_language=job.get("feed_language"))
        except RawBlobMissing as exc:
            bad.append(quarantine("extract", key, "raw_missing", str(exc),
                                  source_id=job["source_id"]))
            continue
        except DecodeError as exc:
            bad.append(quarantine("extract", key, "decode_error", str(exc),
                                  source_id=job["source_id"], raw_sha256=job["raw_sha256"]))
            continue
        except ExtractionError as exc:
            bad.append(quarantine("extract", key, exc.reason, str(exc),
                                  source_id=job["source_id"], raw_sha256=job["raw_sha256"]))
            continue
        row = article_row(job, read)
        articles[row.article_id] = row  # two feed links to one canonical page: one article
        datelines[row.article_id] = read.cleaned.dateline
    to_annotate = []
    for art in articles.values():
        if (art.language or "en").split("-")[0] not in ANNOTATED_LANGUAGES:
            continue
        if len(art.text) > MAX_ANNOTATED_CHARS:
            bad.append(quarantine(
                "annotate", art.url, "text_too_long",
                f"{len(art.text):,} characters of text (limit {MAX_ANNOTATED_CHARS:,}): the "
                "article is stored, its entities and events are not coded", source_id=art.source_id,
                raw_sha256=art.raw_sha256))
            continue
        to_annotate.append(art)
    annotations = annotate_texts(
        [a.text for a in to_annotate],
        published=[_published_day(a) for a in to_annotate],
        datelines=[datelines[a.article_id] for a in to_annotate])
    mentions, events = [], []
    entities: dict[str, Entity] = {}
    for art, ann in zip(to_annotate, annotations):
        m, e = annotation_rows(art.article_id, ann)
        mentions += m
        events += e
        merge_entities(entities, ann.entities)
    return {"articles": list(articles.values()), "mentions": mentions, "events": events,
            "entities": list(entities.values()), "quarantine": bad}


def _published_day(article: ArticleRow) -> date | None:
    return article.published_at.date() if article.published_at else None


def process_to_lake(run_id: str, jobs: list[dict], paths: DataPaths, part: str) -> dict[str, int]:
    """Process a batch of page jobs and write its lake parts; returns row counts per table."""
    tables = process_pages(jobs, RawStore(paths.raw))
    for name, rows in tables.items():
        lake.write_part(paths.lake, name, to_table(name, rows, run_id=run_id),
                        date=run_date(run_id), part=f"{run_id}-{part}")
    return {name: len(rows) for name, rows in tables.items()}


def page_jobs(store: RawStore, pages_blob: str) -> list[dict]:
    """The page list a run put into the raw zone (JSON lines, as in its work file)."""
    return [json.loads(line) for line in store.get(pages_blob).decode("utf-8").splitlines()
            if line.strip()]


@task(cache_policy=NO_CACHE)
def process_batch(run_id: str, pages_blob: str, start: int, stop: int,
                  settings: Settings) -> dict[str, int]:
    """Process pages[start:stop] of the run's page list (a batch descriptor, not the pages)."""
    paths = DataPaths.of(settings)
    jobs = page_jobs(RawStore(paths.raw), pages_blob)[start:stop]
    return process_to_lake(run_id, jobs, paths, f"process-{start:07d}")


@flow(name="process")
def process(run_id: str, pages_file: str, settings: Settings) -> ProcessSummary:
    """Extract, clean and annotate every fetched page of a run, in batches."""
    logger = get_run_logger()
    total = len(read_jsonl(Path(pages_file)))
    pages_blob = RawStore(DataPaths.of(settings).raw).put(Path(pages_file).read_bytes())
    size = max(1, settings.batch_size)
    futures = [process_batch.submit(run_id, pages_blob, start, min(start + size, total), settings)
               for start in range(0, total, size)]
    counts: dict[str, int] = {}
    progress.advance("pages processed", 0, total=total)
    for fut in futures:
        for name, n in fut.result().items():
            counts[name] = counts.get(name, 0) + n
        progress.advance("pages processed", size)  # capped at total (the last batch is short)
    logger.info("processed %d pages in %d batch(es): %s", total, len(futures), counts)
    return ProcessSummary(run_id=run_id, articles=counts.get("articles", 0),
                          mentions=counts.get("mentions", 0), entities=counts.get("entities", 0),
                          events=counts.get("events", 0), quarantined=counts.get("quarantine", 0))


def run_process(run_id: str, pages_file: str, settings: Settings) -> ProcessSummary:
    """The process flow on the task runner `settings.task_runner` names (flows.runner)."""
    with runner.api_for_workers(settings):
        return process.with_options(task_runner=runner.task_runner(settings))(
            run_id, pages_file, settings)
