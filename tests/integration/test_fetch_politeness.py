"""Politeness, measured by the server: per-host and global concurrency, per-host delay,
robots.txt (rules, Crawl-delay, unavailable), and deferral when a host asks for too long a wait.

Requests go through Settings.rewrite_base to one scripted server, so each logical host
(a.test, b.test, ...) is a separate host for the fetcher and for the server's counters.
"""

from __future__ import annotations

import time

from flows.config import Settings
from flows.fetch import Fetcher
from tests.integration.test_fetch_faults import Behaviour, ScriptedServer, reply

PAGE = reply(200, b"<html><body><p>page</p></body></html>", delay_s=0.25)
SMALL_PAGE = reply(200, b"<p>x</p>")


def _robots(rules: bytes) -> Behaviour:
    return reply(200, rules, ctype="text/plain")


def _a_test(robots: Behaviour, pages: str = "*",
            page: Behaviour = SMALL_PAGE) -> dict[str, Behaviour]:
    """Routes of host a.test: its robots.txt, and `page` at every path matching `/<pages>`."""
    return {"/https/a.test/robots.txt": robots, f"/https/a.test/{pages}": page}


def _settings(server: ScriptedServer, **kw) -> Settings:
    return Settings(**{"rewrite_base": server.base, "retries": 0, "read_timeout_s": 2.0,
                       "connect_timeout_s": 1.0, "total_timeout_s": 5.0, "per_host_delay_s": 0.0,
                       "concurrency": 6, "per_host_concurrency": 2, **kw})


def _page_starts(server: ScriptedServer, host: str) -> list[float]:
    return sorted(h["start"] for h in server.hits_for(f"/https/{host}/p"))


def test_per_host_and_global_concurrency_hold():
    hosts = ["a.test", "b.test", "c.test"]
    with ScriptedServer({f"/https/{h}/p*": PAGE for h in hosts}) as server:
        urls = [f"https://{h}/p{i}" for h in hosts for i in range(6)]
        with Fetcher(_settings(server)) as fetcher:
            results = list(fetcher.fetch_many(urls))
    assert all(r.ok for r in results)
    assert all(server.max_in_flight[h] <= 2 for h in hosts), dict(server.max_in_flight)
    assert max(server.max_in_flight[h] for h in hosts) == 2  # the limit is reached, not just kept
    assert 3 <= server.max_total_in_flight <= 6  # hosts in parallel, never beyond the pool


def test_global_concurrency_limit():
    hosts = [f"h{i}.test" for i in range(8)]
    with ScriptedServer({f"/https/{h}/p*": PAGE for h in hosts}) as server:
        urls = [f"https://{h}/p{i}" for h in hosts for i in range(2)]
        with Fetcher(_settings(server, concurrency=3)) as fetcher:
            assert all(r.ok for r in fetcher.fetch_many(urls))
    assert server.max_total_in_flight == 3


def test_per_host_delay_between_request_starts():
    with ScriptedServer({"/https/a.test/p*": reply(200, b"<p>x</p>")}) as server:
        with Fetcher(_settings(server, per_host_delay_s=0.3)) as fetcher:
            assert all(r.ok for r in fetcher.fetch_many([f"https://a.test/p{i}" for i in range(4)]))
        starts = sorted(h["start"] for h in server.hits_for("/https/a.test/"))  # robots.txt too
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 5 and min(gaps) >= 0.28, gaps


def test_crawl_delay_from_robots_wins_over_a_shorter_setting():
    robots = b"User-agent: *\nCrawl-delay: 0.5\n"
    with ScriptedServer(_a_test(_robots(robots), pages="p*")) as server:
        with Fetcher(_settings(server, per_host_delay_s=0.1)) as fetcher:
            assert all(r.ok for r in fetcher.fetch_many([f"https://a.test/p{i}" for i in range(3)]))
        starts = _page_starts(server, "a.test")
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 3 and min(gaps) >= 0.48, gaps


def test_a_host_asking_for_too_long_a_wait_is_deferred_to_the_next_run():
    robots = b"User-agent: *\nCrawl-delay: 3600\n"
    with ScriptedServer(_a_test(_robots(robots), pages="p*")) as server:
        t0 = time.monotonic()
        with Fetcher(_settings(server, max_host_wait_s=1.0)) as fetcher:
            results = list(fetcher.fetch_many([f"https://a.test/p{i}" for i in range(4)]))
        elapsed = time.monotonic() - t0
    reasons = [r.reason for r in results]
    assert reasons.count("ok") == 1 and reasons.count("politeness_deferred") == 3, reasons
    assert all(r.transient for r in results if not r.ok)
    assert elapsed < 3


def test_robots_disallow_is_terminal_and_nothing_is_requested():
    robots = (b"User-agent: otherbot\nDisallow: /\n\n"
              b"User-agent: newsetl\nDisallow: /private\n")
    with ScriptedServer(_a_test(_robots(robots))) as server:
        with Fetcher(_settings(server)) as fetcher:
            private = fetcher.fetch("https://a.test/private/report")
            public = fetcher.fetch("https://a.test/public/story")
    assert private.reason == "robots_disallowed" and not private.transient
    assert public.ok
    assert not server.hits_for("/https/a.test/private")
    assert len(server.hits_for("/https/a.test/robots.txt")) == 1


def test_robots_on_a_redirect_target_is_checked_too():
    with ScriptedServer({
        "/https/a.test/go": reply(301, b"", {"Location": "https://b.test/private/x"}),
        "/https/b.test/robots.txt": reply(200, b"User-agent: *\nDisallow: /private\n",
                                          ctype="text/plain"),
        "/https/b.test/*": reply(200, b"<p>x</p>"),
    }) as server:
        with Fetcher(_settings(server)) as fetcher:
            res = fetcher.fetch("https://a.test/go")
    assert res.reason == "robots_disallowed" and res.final_url == "https://b.test/private/x"
    assert not server.hits_for("/https/b.test/private")


def test_robots_unavailable_means_no_page_requests_this_run():
    with ScriptedServer(_a_test(reply(503, b"down"))) as server:
        with Fetcher(_settings(server)) as fetcher:
            results = list(fetcher.fetch_many([f"https://a.test/p{i}" for i in range(3)]))
    assert {r.reason for r in results} == {"robots_unavailable"}
    assert all(r.transient for r in results)
    assert not server.hits_for("/https/a.test/p")
    assert len(server.hits_for("/https/a.test/robots.txt")) == 1


def test_robots_4xx_allows_everything():
    with ScriptedServer(_a_test(reply(403, b"no"))) as server:
        with Fetcher(_settings(server)) as fetcher:
            assert fetcher.fetch("https://a.test/anything").ok


def test_robots_fetched_once_per_host_and_shared_between_fetchers(tmp_path):
    slow = reply(200, b"<p>x</p>", delay_s=0.05)
    with ScriptedServer(_a_test(_robots(b"User-agent: *\nAllow: /\n"), page=slow)) as server:
        with Fetcher(_settings(server)) as fetcher:
            assert all(r.ok for r in fetcher.fetch_many([f"https://a.test/p{i}" for i in range(6)]))
            fetcher.save_robots(tmp_path / "robots.json")
            assert [r.url for _, r in fetcher.robots_log] == ["https://a.test/robots.txt"]
        with Fetcher(_settings(server)) as second:  # the pages task of the same run
            second.load_robots(tmp_path / "robots.json")
            assert second.fetch("https://a.test/later").ok
            assert second.robots_log == []
    assert len(server.hits_for("/https/a.test/robots.txt")) == 1


def test_a_429_pauses_the_whole_host():
    with ScriptedServer({"/https/a.test/limited": reply(429, b"", {"Retry-After": "1"}),
                         "/https/a.test/*": reply(200, b"<p>x</p>")}) as server:
        with Fetcher(_settings(server, max_retry_after_s=5.0)) as fetcher:
            first = fetcher.fetch("https://a.test/limited")
            second = fetcher.fetch("https://a.test/other")
        hits = [h for h in server.hits if h["path"] in ("/https/a.test/limited", "/https/a.test/other")]
    assert first.reason == "http_429" and second.ok
    assert hits[1]["start"] - hits[0]["start"] >= 0.95
