"""Incremental ingest: what a second run asks for, and what it does not.

Runs the ingest work (flows.ingest.run_ingest, no Prefect) and the load into a temporary
DuckDB (flows.load.load_into_warehouse), twice or more, against local servers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows.config import DataPaths, Settings, Source
from flows.ingest import run_ingest
from flows.load import load_into_warehouse
from flows.runs import new_run_id, read_jsonl, utcnow
from flows.sample_server import CaptureServer, rss_document
from tests.integration.test_fetch_faults import Behaviour, ScriptedServer, reply, sequence
from warehouse import db, lake

SYNTH = "https://incremental.newsetl.invalid"


def _run(sources: list[Source], settings: Settings):
    run_id = new_run_id()
    summary = run_ingest(run_id, sources, settings)
    load_into_warehouse(run_id, DataPaths(settings.data_dir), utcnow(), {})
    return run_id, summary


def _query(settings: Settings, sql: str, *params):
    con = db.connect(settings.data_dir / "news.duckdb", read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _settings(tmp_path: Path, base: str, **kw) -> Settings:
    return Settings(**{"data_dir": tmp_path / "data", "rewrite_base": base, "retries": 0,
                       "backoff_s": 0.01, "per_host_delay_s": 0.0, "total_timeout_s": 5.0,
                       **kw})


@pytest.fixture
def newsroom(shared_dir):
    root = shared_dir / "newsroom"
    urlmap = json.loads((root / "urlmap.json").read_text("utf-8"))
    entries = json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
    pages = [e for e in entries if e["kind"] == "page" and urlmap.get(e["url"]) == e["path"]][:4]
    items = [{"title": e["publisher"], "link": e["url"]} for e in pages]
    synthetic = {f"{SYNTH}/feeds/pages.xml": (
        rss_document("incremental test: captured pages (synthetic feed)", SYNTH, items),
        "application/rss+xml")}
    with CaptureServer(root, urlmap, synthetic=synthetic) as server:
        yield server, pages


NEWSROOM_SOURCES = [
    Source(id="pages", name="synthetic", url=f"{SYNTH}/feeds/pages.xml"),
    Source(id="bbc", name="BBC", url="https://feeds.bbci.co.uk/news/world/rss.xml", max_items=3),
    Source(id="dw", name="DW", url="https://www.dw.com/english/?maca=en-rss-en-all-1573-rdf",
           max_items=3),
]


def test_second_run_against_unchanged_feeds_makes_only_conditional_requests(tmp_path, newsroom):
    server, pages = newsroom
    settings = _settings(tmp_path, server.base_url)
    first_id, first = _run(NEWSROOM_SOURCES, settings)
    assert first.feeds_ok == 3 and first.feed_items == 4 + 3 + 3
    assert first.pages_ok == 4  # the captured pages; the BBC and DW links were never captured
    feed_urls = {s.url for s in NEWSROOM_SOURCES}
    first_feed_requests = [r for r in server.log if r["url"] in feed_urls]
    assert all(r["if_none_match"] is None for r in first_feed_requests)
    items_before = _query(settings, "select count(*) from feed_items")[0][0]

    mark = len(server.log)
    second_id, second = _run(NEWSROOM_SOURCES, settings.model_copy(update={"force": True}))
    requests = server.log[mark:]
    content = [r for r in requests if not r["url"].endswith("/robots.txt")]
    assert sorted(r["url"] for r in content) == sorted(feed_urls)  # no page requested again
    assert all(r["if_none_match"] and r["if_modified_since"] for r in content)
    assert second.feeds_unchanged == 3 and second.feed_items == 0 and second.pages == 0
    assert read_jsonl(Path(second.pages_file)) == []  # nothing for process: no new articles
    assert _query(settings, "select count(*) from feed_items")[0][0] == items_before
    reasons = _query(settings, "select reason, count(*) from fetch_log where run_id = ? "
                               "and kind = 'feed' group by all", second_id)
    assert reasons == [("not_modified", 3)]
    states = _query(settings, "select last_reason, etag is not null from feed_state")
    assert states == [("not_modified", True)] * 3


def test_a_source_polled_too_early_is_skipped_without_a_request(tmp_path, newsroom):
    server, _ = newsroom
    settings = _settings(tmp_path, server.base_url)
    _run(NEWSROOM_SOURCES[:1], settings)
    mark = len(server.log)
    _, second = _run(NEWSROOM_SOURCES[:1], settings)
    assert server.log[mark:] == []
    assert second.feeds_not_due == 1 and second.feeds_ok == 1
    # a changed URL in sources.toml is a new source: fetched at once
    moved = Source(id="pages", name="synthetic", url=f"{SYNTH}/feeds/pages.xml?v=2")
    _run([moved], settings)
    assert any(r["url"] == moved.url for r in server.log[mark:])


FEED_V1 = [("item-a", "https://news.test/a", "First title"),
           ("item-b", "https://news.test/b", "Second")]
NEWS = Source(id="news", name="news", url="https://news.test/feed")


def _feed(entries) -> Behaviour:
    items = "".join(f"<item><guid isPermaLink=\"false\">{g}</guid><title>{t}</title>"
                    f"<link>{link}?utm_source=rss</link></item>" for g, link, t in entries)
    return reply(200, (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                       f"<link>https://news.test/</link>{items}</channel></rss>").encode(),
                 ctype="application/rss+xml")


def _page(text: str) -> Behaviour:
    return reply(200, f"<html><body><article><p>{text}</p></article></body></html>".encode())


@contextmanager
def _scripted(tmp_path: Path, routes: dict[str, Behaviour],
              **kw) -> Iterator[tuple[ScriptedServer, Settings]]:
    """A scripted server for `routes`, and settings that send every request to it."""
    with ScriptedServer(routes) as server:
        yield server, _settings(tmp_path, server.base, **kw)


def test_unchanged_body_without_validators_skips_parsing(tmp_path):
    routes = {"/https/news.test/feed": _feed(FEED_V1),
              "/https/news.test/a": _page("a"), "/https/news.test/b": _page("b")}
    with _scripted(tmp_path, routes, force=True) as (server, settings):
        _, first = _run([NEWS], settings)
        assert first.pages_ok == 2
        mark = len(server.hits)
        second_id, second = _run([NEWS], settings)
        paths = [h["path"] for h in server.hits[mark:]]
    assert paths == ["/https/news.test/robots.txt", "/https/news.test/feed"]
    assert second.feeds_unchanged == 1 and second.feed_items == 0 and second.pages == 0
    assert _query(settings, "select last_reason from feed_state") == [("unchanged",)]


def test_only_new_or_changed_items_are_fetched_again(tmp_path):
    routes = {"/https/news.test/feed": _feed(FEED_V1),
              "/https/news.test/*": _page("page")}
    with _scripted(tmp_path, routes, force=True) as (server, settings):
        _run([NEWS], settings)
        v2 = [("item-a", "https://news.test/a", "First title, updated"), FEED_V1[1],
              ("item-c", "https://news.test/c", "Third")]
        server.routes["/https/news.test/feed"] = _feed(v2)
        mark = len(server.hits)
        _, second = _run([NEWS], settings)
        pages = sorted(h["path"] for h in server.hits[mark:] if "/feed" not in h["path"]
                       and "robots" not in h["path"])
    assert pages == ["/https/news.test/a", "/https/news.test/c"]  # b is unchanged: not again
    assert second.feed_items == 2 and second.pages_already_seen == 1
    ids = _query(settings, "select guid, title from feed_items order by guid")
    assert ids == [("item-a", "First title, updated"), ("item-b", "Second"),
                   ("item-c", "Third")]


def test_a_page_that_failed_transiently_is_retried_next_run_even_if_the_feed_is_unchanged(tmp_path):
    routes = {"/https/news.test/feed": _feed(FEED_V1),
              "/https/news.test/a": sequence(reply(503, b"busy"), _page("a")),
              "/https/news.test/b": _page("b")}
    with _scripted(tmp_path, routes, force=True) as (server, settings):
        _, first = _run([NEWS], settings)
        assert first.pages_ok == 1
        mark = len(server.hits)
        _, second = _run([NEWS], settings)
        pages = [h["path"] for h in server.hits[mark:] if h["path"].endswith(("/a", "/b"))]
    assert second.feeds_unchanged == 1
    assert pages == ["/https/news.test/a"] and second.pages_ok == 1


def test_a_permanent_redirect_moves_the_stored_feed_url(tmp_path):
    routes = {"/https/old.test/feed": reply(301, b"", {"Location": "https://new.test/feed.xml"}),
              "/https/new.test/feed.xml": _feed(FEED_V1),
              "/https/news.test/*": _page("page")}
    with _scripted(tmp_path, routes, force=True) as (server, settings):
        source = [Source(id="moved", name="moved", url="https://old.test/feed")]
        _run(source, settings)
        assert _query(settings, "select url, source_url from feed_state") == [
            ("https://new.test/feed.xml", "https://old.test/feed")]
        mark = len(server.hits)
        _run(source, settings)
        asked = [h["path"] for h in server.hits[mark:] if "robots" not in h["path"]]
    assert asked == ["/https/new.test/feed.xml"]


def test_a_temporary_redirect_does_not_move_it(tmp_path):
    routes = {"/https/old.test/feed": reply(302, b"", {"Location": "https://new.test/feed.xml"}),
              "/https/new.test/feed.xml": _feed(FEED_V1),
              "/https/news.test/*": _page("page")}
    with _scripted(tmp_path, routes) as (_, settings):
        _run([Source(id="moved", name="moved", url="https://old.test/feed")], settings)
    assert _query(settings, "select url from feed_state") == [("https://old.test/feed",)]


def test_fetch_log_has_a_row_per_attempt_with_encoding_for_feeds(tmp_path):
    latin1 = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel>'
              "<title>Not\u00edcias</title><item><title>Caf\u00e9</title>"
              "<link>https://news.test/a</link></item></channel></rss>").encode("latin-1")
    routes = {"/https/news.test/feed": sequence(reply(500, b"oops"),
                                                reply(200, latin1, ctype="application/xml")),
              "/https/news.test/*": _page("page")}
    with _scripted(tmp_path, routes, retries=1) as (_, settings):
        run_id, _ = _run([NEWS], settings)
    rows = _query(settings, """select kind, attempt, status, reason, encoding, encoding_source,
                                      raw_sha256 is not null from fetch_log
                               where run_id = ? order by kind, attempt""", run_id)
    assert ("feed", 1, 500, "http_500", None, None, False) in rows
    assert ("feed", 2, 200, "ok", "cp1252", "declared", True) in rows
    assert [r for r in rows if r[0] == "robots"] and [r for r in rows if r[0] == "page"]
    assert _query(settings, "select title from feed_items") == [("Caf\u00e9",)]


def test_quarantine_rows_keep_the_raw_bytes_of_bad_feeds(tmp_path):
    routes = {"/https/bad.test/feed": reply(200, b"<rss version='2.0'><channel><title>broken</tit",
                                            ctype="application/xml")}
    with _scripted(tmp_path, routes) as (_, settings):
        run_id, _ = _run([Source(id="bad", name="bad", url="https://bad.test/feed")], settings)
    rows = lake.read_parts(lake.list_parts(settings.data_dir / "lake", "quarantine", run_id=run_id),
                           "quarantine").to_pylist()
    assert [(r["stage"], r["reason"]) for r in rows] == [("parse_feed", "feed_malformed")]
    from warehouse.raw import RawStore
    assert RawStore(settings.data_dir / "raw").get(rows[0]["raw_sha256"]).startswith(b"<rss ")
