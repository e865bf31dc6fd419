"""Ingest: fetch feeds over HTTP, parse them, fetch the pages they link to, keep raw bytes.

Network I/O and parsing are separate tasks. Every HTTP attempt becomes a `fetch_log` row, every
failure a `quarantine` row (with the raw bytes kept when there were any), and the pages to
process are handed to the process flow as a small JSON-lines work file.
"""


from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DataPaths, Settings, Source
from flows.fetch import Fetcher, FetchResult
from flows.runs import read_jsonl, run_date, utcnow, write_jsonl
from transforms.contracts import FetchRecord, QuarantineRecord
from transforms.feeds import FeedParseError, parse_feed
from transforms.ids import sha256_hex, stable_id
from warehouse import db, lake
from warehouse.raw import RawStore
from warehouse.rows import to_table


@dataclass(frozen=True, slots=True)
class IngestSummary:
    run_id: str
    feeds: int
    feeds_ok: int
    feed_items: int
    pages: int
    pages_ok: int
    quarantined: int
    pages_file: str


def quarantine(stage: str, key: str, reason: str, detail: str, *, source_id: str | None,
               raw_sha256: str | None = None) -> QuarantineRecord:
    """A quarantine row; its id is stable so a rerun with the same failure upserts it."""
    return QuarantineRecord(
        quarantine_id=stable_id(stage, key, reason), stage=stage, key=key, source_id=source_id,
        reason=reason, detail=detail, raw_sha256=raw_sha256, at=utcnow())


def fetch_record(run_id: str, kind: str, source_id: str, result: FetchResult,
                 raw_sha256: str | None, encoding: str | None = None) -> FetchRecord:
    return FetchRecord(
        fetch_id=stable_id(run_id, kind, result.url), url=result.url, final_url=result.final_url,
        kind=kind, source_id=source_id, status=result.status, reason=result.reason,
        bytes=len(result.body or b""), elapsed_ms=result.elapsed_ms,
        content_type=result.content_type, encoding=encoding, raw_sha256=raw_sha256,
        etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified"),
        fetched_at=utcnow())


def _fetch_detail(result: FetchResult) -> str:
    what = {"timeout": "the server did not answer in time",
            "connect_error": "could not connect",
            "too_large": "the body is larger than NEWSETL_MAX_BYTES",
            "not_modified": "not modified since the last fetch"}.get(result.reason)
    if what is None and result.status:
        what = f"HTTP {result.status}"
    retry = " (transient: will be retried next run)" if result.transient else ""
    return f"{what or result.reason} after {result.attempts} attempt(s){retry}"


def _write(paths: DataPaths, run_id: str, table: str, rows: list, part: str) -> None:
    lake.write_part(paths.lake, table, to_table(table, rows, run_id=run_id),
                    date=run_date(run_id), part=f"{run_id}-{part}")


def _previous_feed_state(paths: DataPaths) -> dict[str, dict]:
    """ETag/Last-Modified per source from the warehouse, for conditional GETs."""
    if not paths.db.exists():
        return {}
    try:
        con = db.connect(paths.db, read_only=True)
    except db.WarehouseLocked:
        return {}
    try:
        rows = con.execute("select source_id, url, etag, last_modified from feed_state").fetchall()
    finally:
        con.close()
    return {r[0]: {"url": r[1], "etag": r[2], "last_modified": r[3]} for r in rows}


@task(cache_policy=NO_CACHE)
def fetch_feeds(run_id: str, sources: list[Source], settings: Settings) -> list[dict]:
    """GET every feed (conditional when we have an ETag/Last-Modified); raw bytes to the raw zone."""
    logger = get_run_logger()
    paths = DataPaths(settings.data_dir)
    store = RawStore(paths.raw)
    state = _previous_feed_state(paths)
    records: list[FetchRecord] = []
    feed_states: list[dict] = []
    fetched: list[dict] = []
    now = utcnow()
    with Fetcher(settings) as fetcher:
        for source in sources:
            prev = state.get(source.id, {})
            same_url = prev.get("url") == source.url
            result = fetcher.fetch(source.url, etag=prev.get("etag") if same_url else None,
                                   last_modified=prev.get("last_modified") if same_url else None)
            sha = store.put(result.body) if result.body is not None else None
            records.append(fetch_record(run_id, "feed", source.id, result, sha))
            content_sha = sha256_hex(result.body) if result.body is not None else None
            feed_states.append({
                "source_id": source.id, "url": source.url,
                "etag": result.headers.get("etag") or (prev.get("etag") if result.status == 304 else None),
                "last_modified": result.headers.get("last-modified")
                or (prev.get("last_modified") if result.status == 304 else None),
                "content_sha256": content_sha, "last_status": result.status,
                "last_fetched_at": now, "next_due_at": now + timedelta(minutes=source.poll_minutes)})
            fetched.append({"source_id": source.id, "url": source.url, "reason": result.reason,
                            "status": result.status, "raw_sha256": sha,
                            "content_type": result.content_type,
                            "detail": _fetch_detail(result)})
            logger.info("feed %s: %s", source.id, result.reason)
    _write(paths, run_id, "fetch_log", records, "feeds")
    _write(paths, run_id, "feed_state", feed_states, "ingest")
    _write(paths, run_id, "sources", [
        {"source_id": s.id, "name": s.name, "url": s.url, "kind": s.kind,
         "publisher": s.publisher, "language": s.language, "country": s.country}
        for s in sources], "ingest")
    return fetched


@task(cache_policy=NO_CACHE)
def parse_feeds(run_id: str, fetched: list[dict], sources: list[Source],
                settings: Settings) -> dict:
    """Parse the fetched feeds into feed_items; returns the page work file and counts."""
    logger = get_run_logger()
    paths = DataPaths(settings.data_dir)
    store = RawStore(paths.raw)
    by_id = {s.id: s for s in sources}
    items, bad = [], []
    jobs: dict[str, dict] = {}
    for feed in fetched:
        source = by_id[feed["source_id"]]
        if feed["reason"] == "not_modified":
            continue
        if feed["raw_sha256"] is None:
            bad.append(quarantine("fetch", feed["url"], feed["reason"], feed["detail"],
                                  source_id=source.id))
            continue
        try:
            parsed = parse_feed(store.get(feed["raw_sha256"]), source_id=source.id,
                                url=feed["url"], content_type=feed["content_type"],
                                max_items=source.max_items)
        except FeedParseError as exc:
            logger.info("feed %s quarantined: %s", source.id, exc)
            bad.append(quarantine("parse_feed", feed["url"], exc.reason, exc.detail,
                                  source_id=source.id, raw_sha256=feed["raw_sha256"]))
            continue
        items.extend(parsed.items)
        for item in parsed.items:
            if not item.link:
                bad.append(quarantine("parse_feed", item.item_id, "item_without_link",
                                      f"item {item.title!r} has no link", source_id=source.id))
                continue
            target = item.canonical_link or item.link
            jobs.setdefault(target, {
                "item_id": item.item_id, "source_id": source.id, "url": item.link,
                "fetch_url": target, "publisher": source.publisher,
                "feed_language": parsed.language or source.language,
                "feed_published_at": item.published_at.isoformat() if item.published_at else None,
            })
    _write(paths, run_id, "feed_items", items, "ingest")
    _write(paths, run_id, "quarantine", bad, "feeds")
    jobs_file = write_jsonl(paths.work(run_id) / "page_jobs.jsonl", jobs.values())
    return {"jobs_file": str(jobs_file), "items": len(items), "jobs": len(jobs)}


@task(cache_policy=NO_CACHE)
def fetch_pages(run_id: str, jobs_file: str, settings: Settings) -> str:
    """GET every linked page concurrently; returns the path of the fetched-pages work file."""
    paths = DataPaths(settings.data_dir)
    store = RawStore(paths.raw)
    jobs = read_jsonl(Path(jobs_file))
    records, bad, fetched = [], [], []
    with Fetcher(settings) as fetcher:
        for job, result in zip(jobs, fetcher.fetch_many(j["fetch_url"] for j in jobs)):
            sha = store.put(result.body) if result.body is not None else None
            records.append(fetch_record(run_id, "page", job["source_id"], result, sha))
            if not result.ok:
                bad.append(quarantine("fetch", result.url, result.reason, _fetch_detail(result),
                                      source_id=job["source_id"]))
                continue
            fetched.append({**job, "raw_sha256": sha, "final_url": result.final_url,
                            "content_type": result.content_type,
                            "fetched_at": utcnow().isoformat()})
    _write(paths, run_id, "fetch_log", records, "pages")
    _write(paths, run_id, "quarantine", bad, "pages")
    return str(write_jsonl(paths.work(run_id) / "pages.jsonl", fetched))


@flow(name="ingest")
def ingest(run_id: str, sources: list[Source], settings: Settings) -> IngestSummary:
    """Fetch feeds and their pages; everything fetched is kept in the raw zone."""
    fetched = fetch_feeds(run_id, sources, settings)
    parsed = parse_feeds(run_id, fetched, sources, settings)
    pages_file = fetch_pages(run_id, parsed["jobs_file"], settings)
    paths = DataPaths(settings.data_dir)
    quarantined = lake.read_parts(lake.list_parts(paths.lake, "quarantine", run_id=run_id),
                                  "quarantine").num_rows
    return IngestSummary(
        run_id=run_id, feeds=len(sources),
        feeds_ok=sum(1 for f in fetched if f["reason"] in ("ok", "not_modified")),
        feed_items=parsed["items"], pages=parsed["jobs"],
        pages_ok=len(read_jsonl(Path(pages_file))), quarantined=quarantined,
        pages_file=pages_file)
