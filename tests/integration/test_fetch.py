"""The fetcher against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import time

import pytest
from werkzeug import Response

from flows.config import Settings
from flows.fetch import Fetcher
from flows.sample_server import CaptureServer, url_variants


LOCAL = ["localhost", "127.0.0.1", "::1"]


def _fetcher(**kw) -> tuple[Fetcher, list[float]]:
    sleeps: list[float] = []
    settings = Settings(**{"retries": 2, "backoff_s": 0.01, "read_timeout_s": 0.5,
                           "connect_timeout_s": 0.5, "total_timeout_s": 2.0,
                           "per_host_delay_s": 0.0, "obey_robots": False,
                           "allow_hosts": LOCAL, **kw})
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


# --- headers, classification ------------------------------------------------------------------

def test_honest_user_agent_accept_and_compression_offered(httpserver):
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    fetcher, _ = _fetcher(user_agent="newsetl/0.1 (+mailto:desk@example.org)")
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/feed"), kind="feed")
    req = httpserver.log[-1][0]
    assert req.headers["User-Agent"] == "newsetl/0.1 (+mailto:desk@example.org)"
    assert "application/rss+xml" in req.headers["Accept"]
    assert set(req.headers["Accept-Encoding"].replace(" ", "").split(",")) == {"gzip", "deflate", "br"}
    assert res.ok and res.http_version in ("HTTP/1.0", "HTTP/1.1")  # werkzeug answers 1.0


def test_http2_is_offered():
    fetcher, _ = _fetcher()
    with fetcher:
        assert fetcher._client._transport._pool._http2 is True  # ALPN h2 on TLS connections


def test_conditional_get_with_last_modified(httpserver):
    stamp = "Wed, 21 Oct 2015 07:28:00 GMT"
    httpserver.expect_request("/feed", headers={"If-Modified-Since": stamp}).respond_with_data(
        "", status=304)
    fetcher, _ = _fetcher()
    with fetcher:
        res = fetcher.fetch(httpserver.url_for("/feed"), last_modified=stamp)
    assert res.reason == "not_modified" and res.error() is None


def test_errors_are_classified():
    from flows.fetch import FetchResult, TerminalFetchError, TransientFetchError
    assert isinstance(FetchResult("u", None, 503, "http_503", None).error(), TransientFetchError)
    assert isinstance(FetchResult("u", None, None, "timeout", None).error(), TransientFetchError)
    assert isinstance(FetchResult("u", None, None, "robots_unavailable", None).error(),
                      TransientFetchError)
    for reason, status in [("http_404", 404), ("http_410", 410), ("robots_disallowed", None),
                           ("blocked_address", None), ("too_large", 200)]:
        assert isinstance(FetchResult("u", None, status, reason, None).error(), TerminalFetchError)


def test_permanent_redirect_is_reported_temporary_is_not(httpserver):
    httpserver.expect_request("/moved").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/temp").respond_with_data("", status=302, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_data("here")
    fetcher, _ = _fetcher()
    with fetcher:
        moved = fetcher.fetch(httpserver.url_for("/moved"))
        temp = fetcher.fetch(httpserver.url_for("/temp"))
    assert moved.ok and moved.permanent_url == httpserver.url_for("/new")
    assert temp.ok and temp.permanent_url is None and temp.final_url == httpserver.url_for("/new")
    assert moved.log[0].redirects == 1


def test_interleaving_spreads_hosts():
    from flows.fetch import _interleave_by_host
    urls = ["https://a.org/1", "https://a.org/2", "https://a.org/3", "https://b.org/1",
            "https://c.org/1", "https://b.org/2"]
    assert [urls[i] for i in _interleave_by_host(urls)] == [
        "https://a.org/1", "https://b.org/1", "https://c.org/1", "https://a.org/2",
        "https://b.org/2", "https://a.org/3"]


# --- addresses: refused by default, allowed explicitly ------------------------------------------

def test_local_addresses_are_refused_by_default(httpserver):
    httpserver.expect_request("/x").respond_with_data("secret")
    fetcher, _ = _fetcher(allow_hosts=[])
    with fetcher:
        by_name = fetcher.fetch(httpserver.url_for("/x"))
        by_ip = fetcher.fetch(f"http://127.0.0.1:{httpserver.port}/x")
    assert by_name.reason == by_ip.reason == "blocked_address"
    assert not by_ip.transient and len(httpserver.log) == 0


def test_allow_list_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSETL_ALLOW_HOSTS", "127.0.0.1, 10.0.0.0/8,intranet.example")
    s = Settings()
    assert s.allow_hosts == ["127.0.0.1", "10.0.0.0/8", "intranet.example"]


@pytest.mark.parametrize("url,reason", [
    ("file:///etc/passwd", "blocked_scheme"), ("ftp://example.org/f", "blocked_scheme"),
    ("gopher://example.org/", "blocked_scheme"), ("http://127.0.0.1/", "blocked_address"),
    ("http://[::1]/", "blocked_address"), ("http://10.1.1.1/", "blocked_address"),
    ("http://172.16.0.1/", "blocked_address"), ("http://192.168.0.1/", "blocked_address"),
    ("http://169.254.169.254/", "blocked_address"), ("http://100.64.0.1/", "blocked_address"),
    ("http://[fe80::1]/", "blocked_address"), ("http://[fc00::1]/", "blocked_address"),
    ("http://[::ffff:127.0.0.1]/", "blocked_address"), ("http://0.0.0.0/", "blocked_address"),
    ("http://239.1.2.3/", "blocked_address"), ("http://240.0.0.1/", "blocked_address"),
    ("http://localhost/", "blocked_address"), ("http://app.localhost/", "blocked_address"),
    ("http://", "bad_url"),
])
def test_address_policy_refuses(url, reason):
    from flows.netguard import AddressPolicy, BlockedURL
    with pytest.raises(BlockedURL) as info:
        AddressPolicy().check_url(url)
    assert info.value.reason == reason


def test_address_policy_allows_public_and_listed():
    from flows.netguard import AddressPolicy
    AddressPolicy().check_url("https://93.184.216.34/x")
    AddressPolicy().check_url("https://example.org/x")  # names are checked at connect time
    policy = AddressPolicy(["10.0.0.0/8", "intranet.example"])
    policy.check_url("http://10.2.3.4/")
    assert policy.host_allowed("intranet.example") and policy.host_allowed("Intranet.Example.")
    assert policy.resolve("10.9.9.9", 80) == ["10.9.9.9"]


def test_a_name_resolving_to_a_private_address_is_refused_at_connect(monkeypatch):
    """DNS rebinding: the check happens where the connection is made, on the address used."""
    import socket

    from flows import netguard
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(netguard.socket, "getaddrinfo", fake)
    fetcher, _ = _fetcher(allow_hosts=[])
    with fetcher:
        res = fetcher.fetch("http://rebind.example/")
    assert res.reason == "blocked_address" and "10.0.0.5" in res.detail


def test_unresolvable_host():
    fetcher, _ = _fetcher(allow_hosts=[], retries=0)
    with fetcher:
        res = fetcher.fetch("http://does-not-exist.invalid/")
    assert res.reason == "dns_error" and res.transient


def test_rewrite_base_host_is_allowed_and_redirects_stay_in_original_url_space(tmp_path):
    from tests.integration.test_fetch_faults import ScriptedServer, reply
    with ScriptedServer({
        "/https/a.test/old": reply(301, b"", {"Location": "https://b.test/new?x=1"}),
        "/https/b.test/new": reply(200, b"<p>moved</p>"),
        "/https/a.test/rel": reply(302, b"", {"Location": "/https/a.test/target"}),
        "/https/a.test/target": reply(200, b"<p>rel</p>"),
    }) as server:
        fetcher, _ = _fetcher(rewrite_base=server.base, allow_hosts=[])
        with fetcher:
            moved = fetcher.fetch("https://a.test/old")
            rel = fetcher.fetch("https://a.test/rel")
    assert moved.ok and moved.final_url == "https://b.test/new?x=1"
    assert moved.permanent_url == "https://b.test/new?x=1"
    assert rel.ok and rel.final_url == "https://a.test/target"
