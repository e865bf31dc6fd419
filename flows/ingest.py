"""Ingest: fetch feeds over HTTP, parse them, fetch the pages they link to, keep raw bytes.

Network I/O and parsing are separate tasks. Every HTTP attempt becomes a `fetch_log` row (robots.txt
fetches included), every failure a `quarantine` row (with the raw bytes kept when there were
any), and the pages to process are handed to the process flow as a small JSON-lines work file.

Incremental by design (state read read-only from the warehouse):

* a source polled less than `poll_minutes` ago is skipped (`Settings.force` overrides);
* feeds are fetched conditionally (ETag / Last-Modified); a 304, or a 200 whose body hashes to
  what we had, skips parsing;
* a 301/308 chain on a feed moves its stored URL (`feed_state.url`; `source_url` remembers what
  sources.toml says, and editing it there wins);
* a page already fetched (ok, or failed for good) is not fetched again unless its feed item
  changed (title, link or dates: the item's fingerprint); items are written to `feed_items`
  only when new or changed;
* a page whose last fetch failed transiently (timeout, 5xx, 429, robots.txt unavailable,
  deferred for politeness) is tried again in the next runs of its source, feed changed or
  not, up to MAX_PAGE_TRIES attempts in all.

The plain functions (`fetch_sources`, `parse_sources`, `fetch_page_jobs`, `run_ingest`) hold the
work and take a logger; the Prefect tasks and flow are thin wrappers around them.
"""


import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import progress
from flows.config import DataPaths, Settings, Source
from flows.fetch import Attempt, Fetcher, FetchResult, is_transient
from flows.runs import read_jsonl, run_date, utcnow, write_jsonl
from transforms.contracts import FetchRecord, QuarantineRecord
from transforms.feeds import FeedParseError, read_feed
from transforms.ids import stable_id
from warehouse import db, lake
from warehouse.raw import RawStore
from warehouse.rows import to_table

module_log = logging.getLogger(__name__)

# A page that keeps failing transiently is given up after this many attempts (over runs).
MAX_PAGE_TRIES = 8


@dataclass(frozen=True, slots=True)
class IngestSummary:
    run_id: str
    feeds: int
    feeds_ok: int            # fetched ok, not modified, unchanged, or not due yet
    feed_items: int          # items written (new or changed)
    pages: int               # pages fetched this run (new or changed items)
    pages_ok: int
    quarantined: int
    pages_file: str
    feeds_not_due: int = 0
    feeds_unchanged: int = 0   # 304 or same body hash: not parsed
    pages_already_seen: int = 0


def quarantine(stage: str, key: str, reason: str, detail: str, *, source_id: str | None,
               raw_sha256: str | None = None) -> QuarantineRecord:
    """A quarantine row; its id is stable so a rerun with the same failure upserts it."""
    return QuarantineRecord(
        quarantine_id=stable_id(stage, key, reason), stage=stage, key=key, source_id=source_id,
        reason=reason, detail=detail, raw_sha256=raw_sha256, at=utcnow())


def fetch_records(run_id: str, kind: str, source_id: str, result: FetchResult,
                  raw_sha256: str | None, encoding: str | None = None,
                  encoding_source: str | None = None) -> list[FetchRecord]:
    """One fetch_log row per attempt; the last one carries the headers, raw hash and encoding."""
    attempts = result.log or (Attempt(result.attempts, result.final_url, result.status,
                                      result.reason, len(result.body or b""), result.elapsed_ms),)
    now = utcnow()
    rows = []
    for a in attempts:
        last = a is attempts[-1]
        rows.append(FetchRecord(
            fetch_id=stable_id(run_id, kind, result.url, a.number), url=result.url,
            final_url=a.final_url, kind=kind, source_id=source_id, status=a.status,
            reason=a.reason, bytes=a.bytes, elapsed_ms=a.elapsed_ms,
            content_type=result.content_type if last else None,
            encoding=encoding if last else None, raw_sha256=raw_sha256 if last else None,
            etag=result.headers.get("etag") if last else None,
            last_modified=result.headers.get("last-modified") if last else None,
            fetched_at=now, attempt=a.number, redirects=a.redirects,
            encoding_source=encoding_source if last else None, http_version=a.http_version))
    return rows


def fetch_record(run_id: str, kind: str, source_id: str, result: FetchResult,
                 raw_sha256: str | None, encoding: str | None = None) -> FetchRecord:
    """The fetch_log row of the last attempt of a fetch."""
    return fetch_records(run_id, kind, source_id, result, raw_sha256, encoding)[-1]


def _fetch_detail(result: FetchResult) -> str:
    what = result.detail or (f"HTTP {result.status}" if result.status else result.reason)
    retry = " (transient: will be retried next run)" if result.transient else ""
    return f"{what} after {result.attempts} attempt(s){retry}"


def _write(paths: DataPaths, run_id: str, table: str, rows: list, part: str) -> None:
    lake.write_part(paths.lake, table, to_table(table, rows, run_id=run_id),
                    date=run_date(run_id), part=f"{run_id}-{part}")


def _robots_rows(run_id: str, fetcher: Fetcher, default_owner: str,
                 done: int = 0) -> list[FetchRecord]:
    rows: list[FetchRecord] = []
    for owner, result in fetcher.robots_log[done:]:
        rows += fetch_records(run_id, "robots", owner or default_owner, result, None)
    return rows


# --- previous state (read-only from the warehouse) ----------------------------------------------

def _read(paths: DataPaths, sql: str, params: list, fallback_sql: str | None = None,
          log: logging.Logger = module_log) -> list[tuple]:
    """Rows from the warehouse, read-only; [] when there is no warehouse yet or it is busy."""
    if not paths.db.exists():
        return []
    try:
        con = db.connect(paths.db, read_only=True)
    except (db.WarehouseLocked, db.WarehouseMissing) as exc:
        log.warning("previous fetch state unavailable (%s): fetching as if new", exc)
        return []
    try:
        try:
            return con.execute(sql, params).fetchall()
        except duckdb.CatalogException:  # a table not there yet (a warehouse never loaded)
            return []
        except duckdb.BinderException:  # a warehouse from before migration 002
            return con.execute(fallback_sql, params).fetchall() if fallback_sql else []
    finally:
        con.close()


def previous_feed_state(paths: DataPaths, log: logging.Logger = module_log) -> dict[str, dict]:
    """feed_state per source: where to fetch, validators, content hash, when next due."""
    rows = _read(paths, """
        select source_id, url, etag, last_modified, content_sha256, next_due_at, source_url,
               failures, last_changed_at
        from feed_state""", [], """
        select source_id, url, etag, last_modified, content_sha256, next_due_at, url, 0, null
        from feed_state""", log)
    keys = ("url", "etag", "last_modified", "content_sha256", "next_due_at", "source_url",
            "failures", "last_changed_at")
    return {r[0]: dict(zip(keys, r[1:])) for r in rows}


def previous_items(paths: DataPaths, source_ids: list[str],
                   log: logging.Logger = module_log) -> dict[str, str | None]:
    """item_id -> fingerprint of the items already seen for these sources."""
    rows = _read(paths, "select item_id, fingerprint from feed_items where source_id in "
                        "(select unnest(?::varchar[]))", [source_ids],
                 "select item_id, null from feed_items where source_id in "
                 "(select unnest(?::varchar[]))", log)
    return dict(rows)


def previous_page_outcomes(paths: DataPaths, urls: list[str],
                           log: logging.Logger = module_log) -> dict[str, tuple[str, int | None]]:
    """url -> (reason, status) of the last fetch of each page URL."""
    if not urls:
        return {}
    rows = _read(paths, """
        select url, arg_max(reason, fetched_at), arg_max(status, fetched_at) from fetch_log
        where kind = 'page' and url in (select unnest(?::varchar[])) group by url""", [urls],
                 log=log)
    return {r[0]: (r[1], r[2]) for r in rows}


def pending_page_retries(paths: DataPaths, source_ids: list[str], max_tries: int,
                         log: logging.Logger = module_log) -> list[dict]:
    """Pages of these sources whose last fetch failed transiently (timeout, 5xx, 429, robots
    unavailable, deferred), tried fewer than `max_tries` times: fetched again even when their
    feed has not changed, so a bad moment of a server loses nothing."""
    if not source_ids:
        return []
    rows = _read(paths, """
        with last as (
            select url, source_id, arg_max(reason, fetched_at) as reason,
                   arg_max(status, fetched_at) as status, count(*) as tries
            from fetch_log
            where kind = 'page' and source_id in (select unnest(?::varchar[]))
            group by url, source_id
        )
        select last.url, last.source_id, last.reason, last.status, last.tries,
               any_value(fi.item_id), any_value(fi.link), max(fi.published_at)
        from last join feed_items fi
            on fi.canonical_link = last.url and fi.source_id = last.source_id
        where last.tries < ?
        group by all""", [source_ids, max_tries], log=log)
    return [{"fetch_url": url, "source_id": sid, "item_id": item_id, "url": link or url,
             "feed_published_at": published.isoformat() if published else None}
            for url, sid, reason, status, _, item_id, link, published in rows
            if is_transient(reason, status)]


# --- the work ----------------------------------------------------------------------------------

def fetch_sources(run_id: str, sources: list[Source], settings: Settings, *,
                  log: logging.Logger = module_log) -> list[dict]:
    """GET every feed that is due (conditional when we have validators); bytes to the raw zone.

    Returns one small record per source for parse_sources (no bodies: raw hashes)."""
    paths = DataPaths.of(settings)
    store = RawStore(paths.raw)
    state = previous_feed_state(paths, log)
    now = utcnow()
    plans: list[dict] = []
    for source in sources:
        prev = state.get(source.id, {})
        same_source = (prev.get("source_url") or prev.get("url")) == source.url
        due = prev.get("next_due_at")
        plan = {"source_id": source.id, "source_url": source.url,
                "fetch_url": prev.get("url") if same_source and prev.get("url") else source.url,
                "prev": _jsonable(prev if same_source else {}), "fetched_at": now.isoformat()}
        if same_source and due is not None and due > now and not settings.force:
            plan["skipped"] = "not_due"
            log.info("feed %s: not due until %s", source.id, due.isoformat())
        plans.append(plan)
    todo = [p for p in plans if "skipped" not in p]
    with Fetcher(settings) as fetcher:
        for plan, result in zip(todo, _fetch_feeds(fetcher, todo)):
            sha = store.put(result.body) if result.body is not None else None
            plan.update({
                "url": result.url, "final_url": result.final_url, "reason": result.reason,
                "status": result.status, "raw_sha256": sha, "ok": result.ok,
                "content_type": result.content_type, "detail": _fetch_detail(result),
                "transient": result.transient, "permanent_url": result.permanent_url,
                "retry_after_s": result.retry_after_s,
                "etag": result.headers.get("etag"),
                "last_modified": result.headers.get("last-modified"),
                "records": [_record_dict(r) for r in fetch_records(
                    run_id, "feed", plan["source_id"], result, sha)],
            })
            log.info("feed %s: %s", plan["source_id"], result.reason)
        robots = _robots_rows(run_id, fetcher, sources[0].id if sources else "robots")
        fetcher.save_robots(paths.work(run_id) / "robots.json")
    _write(paths, run_id, "fetch_log", robots, "robots-feeds")
    return plans


def _fetch_feeds(fetcher: Fetcher, plans: list[dict]) -> list[FetchResult]:
    """Feeds concurrently (global and per-host limits hold), conditional when we can."""
    def one(plan: dict) -> FetchResult:
        prev = plan["prev"]
        result = fetcher.fetch(plan["fetch_url"], etag=prev.get("etag"),
                               last_modified=prev.get("last_modified"), kind="feed",
                               owner=plan["source_id"])
        progress.advance("feeds fetched", total=len(plans))
        return result

    with ThreadPoolExecutor(max_workers=fetcher.settings.concurrency,
                            thread_name_prefix="feeds") as pool:
        return list(pool.map(one, plans))


def _record_dict(rec: FetchRecord) -> dict:
    return {name: getattr(rec, name) for name in rec.__slots__}


def _jsonable(d: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in d.items()}


def _next_due(now: datetime, source: Source, plan: dict, failures: int) -> datetime:
    poll = timedelta(minutes=source.poll_minutes)
    if plan.get("transient"):
        wait = min(poll, timedelta(minutes=5 * 2 ** max(failures - 1, 0)))
        if plan.get("retry_after_s"):
            wait = max(wait, timedelta(seconds=plan["retry_after_s"]))
        return now + wait
    return now + poll


def parse_sources(run_id: str, plans: list[dict], sources: list[Source], settings: Settings, *,
                  log: logging.Logger = module_log) -> dict:
    """Decode and parse the fetched feeds; write fetch_log, feed_state, sources, feed_items and
    quarantine rows; return the page work file and counts."""
    paths = DataPaths.of(settings)
    store = RawStore(paths.raw)
    by_id = {s.id: s for s in sources}
    now = utcnow()
    seen_items = previous_items(paths, [p["source_id"] for p in plans], log)
    records: list[dict] = []
    states, items, bad = [], [], []
    candidates: list[tuple[Source, object]] = []
    counts = {"not_due": 0, "unchanged": 0}
    for plan in plans:
        source = by_id[plan["source_id"]]
        prev = plan["prev"]
        if plan.get("skipped"):
            counts["not_due"] += 1
            continue
        records += plan["records"]
        reason = plan["reason"]
        content_sha = prev.get("content_sha256")
        changed_at = prev.get("last_changed_at")
        encoding = encoding_source = None
        if plan["ok"]:
            content_sha = plan["raw_sha256"]  # the raw zone names bodies by their sha256
            if content_sha == prev.get("content_sha256"):
                reason = "unchanged"
            else:
                changed_at = now.isoformat()
        failures = (int(prev.get("failures") or 0) + 1) if plan["transient"] else 0
        if reason == "ok":
            try:
                doc = read_feed(store.get(plan["raw_sha256"]), source_id=source.id,
                                url=plan["final_url"] or plan["url"],
                                content_type=plan["content_type"], max_items=source.max_items,
                                now=now)
            except FeedParseError as exc:
                log.info("feed %s quarantined: %s", source.id, exc)
                reason = exc.reason
                bad.append(quarantine("parse_feed", plan["url"], exc.reason, exc.detail,
                                      source_id=source.id, raw_sha256=plan["raw_sha256"]))
            else:
                encoding, encoding_source = doc.encoding, doc.encoding_source
                for warning in doc.feed.warnings:
                    log.debug("feed %s: %s", source.id, warning)
                candidates += [(source, item, doc.feed.language) for item in doc.feed.items]
        elif reason in ("unchanged", "not_modified"):
            counts["unchanged"] += 1
        else:
            bad.append(quarantine("fetch", plan["url"], reason, plan["detail"],
                                  source_id=source.id, raw_sha256=plan["raw_sha256"]))
        if encoding and records:
            records[-1] = {**records[-1], "encoding": encoding, "encoding_source": encoding_source}
        keep_validators = reason in ("not_modified",) or plan["transient"]
        states.append({
            "source_id": source.id,
            "url": plan["permanent_url"] or plan["fetch_url"],
            "source_url": source.url,
            "etag": plan["etag"] or (prev.get("etag") if keep_validators else None),
            "last_modified": plan["last_modified"]
            or (prev.get("last_modified") if keep_validators else None),
            "content_sha256": content_sha, "last_status": plan["status"], "last_reason": reason,
            "last_fetched_at": now, "next_due_at": _next_due(now, source, plan, failures),
            "last_changed_at": datetime.fromisoformat(changed_at) if changed_at else None,
            "failures": failures})
        if plan["permanent_url"]:
            log.info("feed %s moved permanently to %s", source.id, plan["permanent_url"])

    written, jobs, already = _page_jobs(paths, candidates, seen_items, bad, log)
    items = written
    active = [p["source_id"] for p in plans if not p.get("skipped")]
    queued = {j["fetch_url"] for j in jobs}
    for retry in pending_page_retries(paths, active, MAX_PAGE_TRIES, log):
        if retry["fetch_url"] in queued:
            continue
        source = by_id[retry["source_id"]]
        queued.add(retry["fetch_url"])
        jobs.append({**retry, "publisher": source.publisher, "feed_language": source.language})
        log.info("page %s: retried (its last fetch failed transiently)", retry["fetch_url"])
    _write(paths, run_id, "fetch_log", [FetchRecord(**r) for r in records], "feeds")
    _write(paths, run_id, "feed_state", states, "ingest")
    _write(paths, run_id, "sources", [
        {"source_id": s.id, "name": s.name, "url": s.url, "kind": s.kind,
         "publisher": s.publisher, "language": s.language, "country": s.country}
        for s in sources], "ingest")
    _write(paths, run_id, "feed_items", items, "ingest")
    _write(paths, run_id, "quarantine", bad, "feeds")
    jobs_file = write_jsonl(paths.work(run_id) / "page_jobs.jsonl", jobs)
    return {"jobs_file": str(jobs_file), "items": len(items), "jobs": len(jobs),
            "already_seen": already,
            "feeds_ok": sum(1 for p in plans if p.get("skipped") or p.get("ok")
                            or p.get("reason") == "not_modified"),
            "not_due": counts["not_due"], "unchanged": counts["unchanged"]}


def _page_jobs(paths: DataPaths, candidates: list, seen_items: dict[str, str | None],
               bad: list, log: logging.Logger) -> tuple[list, list[dict], int]:
    """Items to write (new or changed) and pages to fetch (not fetched before for good)."""
    targets = sorted({item.canonical_link or item.link for _, item, _ in candidates
                      if item.link})
    outcomes = previous_page_outcomes(paths, targets, log)
    written, jobs_by_target = [], {}
    already = 0
    for source, item, language in candidates:
        seen = item.item_id in seen_items
        changed = seen and seen_items[item.item_id] != item.fingerprint
        if not seen or changed:
            written.append(item)
        if not item.link:
            bad.append(quarantine("parse_feed", item.item_id, "item_without_link",
                                  f"item {item.title!r} has no http(s) link",
                                  source_id=source.id))
            continue
        target = item.canonical_link or item.link
        outcome = outcomes.get(target)
        if outcome is not None and not is_transient(*outcome) and not changed:
            already += 1  # fetched before (ok or for good): not again
            continue
        published_ok = item.published_at is not None
        jobs_by_target.setdefault(target, {
            "item_id": item.item_id, "source_id": source.id, "url": item.link,
            "fetch_url": target, "publisher": source.publisher,
            "feed_language": language or source.language,
            "feed_published_at": item.published_at.isoformat() if published_ok else None,
        })
    return written, list(jobs_by_target.values()), already


def fetch_page_jobs(run_id: str, jobs_file: str, settings: Settings, *,
                    log: logging.Logger = module_log) -> str:
    """GET every linked page concurrently; returns the path of the fetched-pages work file."""
    paths = DataPaths.of(settings)
    store = RawStore(paths.raw)
    jobs = read_jsonl(Path(jobs_file))
    records, bad = [], []
    fetched: dict[int, dict] = {}
    with Fetcher(settings) as fetcher:
        fetcher.load_robots(paths.work(run_id) / "robots.json")
        for i, result in fetcher.iter_fetch([j["fetch_url"] for j in jobs], kind="page",
                                            owners=[j["source_id"] for j in jobs],
                                            keep=store.put):  # raw zone writes in parallel
            progress.advance("pages fetched", total=len(jobs))
            job = jobs[i]
            sha = result.raw_sha256
            records += fetch_records(run_id, "page", job["source_id"], result, sha)
            if not result.ok:
                bad.append(quarantine("fetch", result.url, result.reason, _fetch_detail(result),
                                      source_id=job["source_id"], raw_sha256=sha))
                continue
            fetched[i] = {**job, "raw_sha256": sha, "final_url": result.final_url,
                          "content_type": result.content_type,
                          "fetched_at": utcnow().isoformat()}
        records += _robots_rows(run_id, fetcher, jobs[0]["source_id"] if jobs else "robots")
    log.info("pages: %d fetched, %d failed", len(fetched), len(bad))
    _write(paths, run_id, "fetch_log", records, "pages")
    _write(paths, run_id, "quarantine", bad, "pages")
    return str(write_jsonl(paths.work(run_id) / "pages.jsonl",
                           [fetched[i] for i in sorted(fetched)]))


def summarize(run_id: str, settings: Settings, sources: list[Source], parsed: dict,
              pages_file: str) -> IngestSummary:
    paths = DataPaths.of(settings)
    quarantined = lake.read_parts(lake.list_parts(paths.lake, "quarantine", run_id=run_id),
                                  "quarantine").num_rows
    return IngestSummary(
        run_id=run_id, feeds=len(sources), feeds_ok=parsed["feeds_ok"],
        feed_items=parsed["items"], pages=parsed["jobs"],
        pages_ok=len(read_jsonl(Path(pages_file))), quarantined=quarantined,
        pages_file=pages_file, feeds_not_due=parsed["not_due"],
        feeds_unchanged=parsed["unchanged"], pages_already_seen=parsed["already_seen"])


def run_ingest(run_id: str, sources: list[Source], settings: Settings, *,
               log: logging.Logger = module_log) -> IngestSummary:
    """The whole ingest without Prefect (tests, benchmarks): what the flow below does."""
    plans = fetch_sources(run_id, sources, settings, log=log)
    parsed = parse_sources(run_id, plans, sources, settings, log=log)
    pages_file = fetch_page_jobs(run_id, parsed["jobs_file"], settings, log=log)
    return summarize(run_id, settings, sources, parsed, pages_file)


# --- Prefect ------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE)
def fetch_feeds(run_id: str, sources: list[Source], settings: Settings) -> list[dict]:
    """GET every due feed (conditional when we have an ETag/Last-Modified); raw bytes kept."""
    return fetch_sources(run_id, sources, settings, log=get_run_logger())


@task(cache_policy=NO_CACHE)
def parse_feeds(run_id: str, fetched: list[dict], sources: list[Source],
                settings: Settings) -> dict:
    """Parse the fetched feeds into feed_items; returns the page work file and counts."""
    return parse_sources(run_id, fetched, sources, settings, log=get_run_logger())


@task(cache_policy=NO_CACHE)
def fetch_pages(run_id: str, jobs_file: str, settings: Settings) -> str:
    """GET every linked page concurrently; returns the path of the fetched-pages work file."""
    return fetch_page_jobs(run_id, jobs_file, settings, log=get_run_logger())


@flow(name="ingest")
def ingest(run_id: str, sources: list[Source], settings: Settings) -> IngestSummary:
    """Fetch feeds and their pages; everything fetched is kept in the raw zone."""
    fetched = fetch_feeds(run_id, sources, settings)
    parsed = parse_feeds(run_id, fetched, sources, settings)
    pages_file = fetch_pages(run_id, parsed["jobs_file"], settings)
    return summarize(run_id, settings, sources, parsed, pages_file)
