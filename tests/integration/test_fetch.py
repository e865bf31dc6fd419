"""The fetcher against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import time

from werkzeug import Response

from flows.config import Settings
from flows.fetch import Fetcher
from flows.sample_server import CaptureServer, url_variants


def _fetcher(**kw) -> tuple[Fetcher, list[float]]:
    sleeps: list[float] = []
    settings = Settings(**{"retries": 2, "backoff_s": 0.01, "read_timeout_s": 0.5,
                           "connect_timeout_s": 0.5, "total_timeout_s": 2.0, **kw})
    return Fetcher(settings, sleep=sleeps.append), sleeps


def test_ok_body_and_headers(httpserver):
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", content_type="application/rss+xml; charset=utf-8", headers={"ETag": '"v1"'})
    fetcher, _ = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/feed"))
    assert res.ok and res.status == 200 and res.body == b"<rss/>"
    assert res.headers["etag"] == '"v1"' and res.content_type.startswith("application/rss+xml")


def test_404_is_terminal_and_not_retried(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    fetcher, sleeps = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/gone"))
    assert res.reason == "http_404" and not res.transient and res.attempts == 1 and sleeps == []


def test_500_is_retried_with_backoff_then_given_up(httpserver):
    httpserver.expect_request("/boom").respond_with_data("err", status=503)
    fetcher, sleeps = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/boom"))
    assert res.reason == "http_503" and res.transient and res.attempts == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_retry_after_is_honoured(httpserver):
    httpserver.expect_request("/slow-down").respond_with_data(
        "wait", status=429, headers={"Retry-After": "7"})
    fetcher, sleeps = _fetcher(retries=1)
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/slow-down"))
    assert res.reason == "http_429" and sleeps and sleeps[0] >= 7


def test_transient_then_ok(httpserver):
    httpserver.expect_ordered_request("/flaky").respond_with_data("err", status=500)
    httpserver.expect_ordered_request("/flaky").respond_with_data("fine")
    fetcher, _ = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/flaky"))
    assert res.ok and res.attempts == 2 and res.body == b"fine"


def test_timeout(httpserver):
    def slow(_request):
        time.sleep(1.5)
        return Response("late")
    httpserver.expect_request("/hang").respond_with_handler(slow)
    fetcher, _ = _fetcher(retries=0)
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/hang"))
    assert res.reason == "timeout" and res.body is None and res.transient


def test_body_over_the_cap_is_refused(httpserver):
    httpserver.expect_request("/huge").respond_with_data(b"x" * 50_000)
    fetcher, _ = _fetcher(max_bytes=10_000)
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/huge"))
    assert res.reason == "too_large" and res.body is None


def test_redirects_followed_and_final_url_kept(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301,
                                                        headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("moved here")
    fetcher, _ = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/old"))
    assert res.ok and res.final_url.endswith("/new")


def test_conditional_get_304(httpserver):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    fetcher, _ = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/feed"), etag='"v1"')
    assert res.reason == "not_modified" and res.body is None and not res.transient


def test_connection_refused_is_transient():
    fetcher, _ = _fetcher(retries=0)
    with fetcher:
        res = fetcher.fetch("http://127.0.0.1:9/nothing-listens-here")
    assert res.reason == "connect_error" and res.status is None and res.transient


def test_rewrite_through_capture_server(tmp_path):
    (tmp_path / "a.html").write_bytes(b"<html>captured</html>")
    urlmap = {"https://www.example.org/news/a": "a.html"}
    with CaptureServer(tmp_path, urlmap) as server:
        fetcher, _ = _fetcher(rewrite_base=server.base_url)
        with fetcher:
            hit = fetcher.fetch("https://www.example.org/news/a?utm_source=rss")
            miss = fetcher.fetch("https://www.example.org/news/b")
    assert hit.ok and hit.body == b"<html>captured</html>"
    assert hit.final_url == "https://www.example.org/news/a?utm_source=rss"
    assert miss.reason == "http_404"


def test_fetch_many_keeps_input_order(httpserver):
    for i in range(6):
        httpserver.expect_request(f"/p{i}").respond_with_data(str(i))
    fetcher, _ = _fetcher()
    with fetcher:
        bodies = [r.body for r in fetcher.fetch_many(httpserver.url_for(f"/p{i}") for i in range(6))]
    assert bodies == [str(i).encode() for i in range(6)]


def test_url_variants_order():
    v = url_variants("https://www.x.org/a/?utm=1#f")
    assert v[0] == "https://www.x.org/a/?utm=1#f"
    assert "https://www.x.org/a/" in v and "http://x.org/a" in v
