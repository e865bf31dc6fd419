"""Fault injection against a scripted server on 127.0.0.1: every way a server can misbehave.

In every case the fetch (and the whole ingest run) finishes, the failure has the right reason
code, and memory stays bounded. `ScriptedServer` is imported by the other fetch/ingest tests.
"""

from __future__ import annotations

import gzip
import re
import socket
import threading
import time
import tracemalloc
import zlib
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import brotli
import pytest

from flows.config import Settings, Source
from flows.fetch import Fetcher
from flows.runs import new_run_id
from warehouse import lake

Behaviour = Callable[[BaseHTTPRequestHandler], None]
LOCAL = ["127.0.0.1"]


# --- the scripted server ----------------------------------------------------------------------

class ScriptedServer:
    """A threaded HTTP/1.1 server whose every path runs a scripted behaviour.

    Paths are matched longest-prefix first; unknown paths get a 404 (so robots.txt means
    "no rules"). With Settings.rewrite_base pointing here, `/<scheme>/<host>/...` paths carry a
    logical host: requests in flight are counted per such host (`max_in_flight`) and overall,
    and every request's start and end times are kept (`hits`).
    """

    def __init__(self, routes: dict[str, Behaviour] | None = None):
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.hits: list[dict] = []
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.total_in_flight = 0
        self.max_total_in_flight = 0
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits_for(self, prefix: str) -> list[dict]:
        return [h for h in self.hits if h["path"].startswith(prefix)]

    def _route(self, path: str) -> Behaviour | None:
        for prefix in sorted(self.routes, key=len, reverse=True):
            if path == prefix or path.startswith(prefix.rstrip("*")) and prefix.endswith("*"):
                return self.routes[prefix]
        return self.routes.get(path.split("?", 1)[0])

    def __enter__(self) -> ScriptedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                m = re.match(r"^/https?/([^/]+)/", self.path)
                key = m.group(1) if m else "local"
                hit = {"path": self.path, "key": key, "start": time.monotonic(),
                       "headers": dict(self.headers.items())}
                with server._lock:
                    server.hits.append(hit)
                    server.in_flight[key] += 1
                    server.total_in_flight += 1
                    server.max_in_flight[key] = max(server.max_in_flight[key], server.in_flight[key])
                    server.max_total_in_flight = max(server.max_total_in_flight,
                                                     server.total_in_flight)
                try:
                    behaviour = server._route(self.path) or reply(404, b"no such path\n")
                    behaviour(self)
                except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError):
                    self.close_connection = True
                finally:
                    with server._lock:
                        server.in_flight[key] -= 1
                        server.total_in_flight -= 1
                        hit["end"] = time.monotonic()

            def log_message(self, *args) -> None:
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # clients hanging up mid-response is what these tests are about

        self._httpd = Quiet(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def reply(status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
          delay_s: float = 0.0, ctype: str = "text/html; charset=utf-8") -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        if delay_s:
            time.sleep(delay_s)
        h.send_response(status)
        all_headers = {"Content-Type": ctype, "Content-Length": str(len(body)), **(headers or {})}
        for k, v in all_headers.items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)
    return run


def sequence(*behaviours: Behaviour) -> Behaviour:
    """The first request gets the first behaviour, and so on; the last one repeats."""
    calls = {"n": 0}
    lock = threading.Lock()

    def run(h: BaseHTTPRequestHandler) -> None:
        with lock:
            i = min(calls["n"], len(behaviours) - 1)
            calls["n"] += 1
        behaviours[i](h)
    return run


def _html_head(h: BaseHTTPRequestHandler, header: str, value: str) -> None:
    """A 200 status line and HTML headers, with the one header that frames the body (chunked,
    or a declared length): what the streaming behaviours below send before their body."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header(header, value)
    h.end_headers()


def slow_body(chunk: bytes = b"<p>drip</p>", every_s: float = 0.2, for_s: float = 5.0) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        _html_head(h, "Transfer-Encoding", "chunked")
        end = time.monotonic() + for_s
        while time.monotonic() < end:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()
            time.sleep(every_s)
        h.wfile.write(b"0\r\n\r\n")
    return run


def drip_headers(every_s: float = 0.1, for_s: float = 5.0) -> Behaviour:
    """A status line and then one header byte at a time: only a total timeout stops this."""
    def run(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        end = time.monotonic() + for_s
        while time.monotonic() < end:
            h.wfile.write(b"a")
            h.wfile.flush()
            time.sleep(every_s)
        h.close_connection = True
    return run


def endless_body(chunk_size: int = 65_536, for_s: float = 10.0) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        _html_head(h, "Transfer-Encoding", "chunked")
        chunk = b"x" * chunk_size
        end = time.monotonic() + for_s
        while time.monotonic() < end:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.close_connection = True
    return run


def declared_huge(size: int = 1_000_000_000) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        _html_head(h, "Content-Length", str(size))
        chunk = b"y" * 65_536
        end = time.monotonic() + 5
        while time.monotonic() < end:
            h.wfile.write(chunk)
        h.close_connection = True
    return run


def truncated(declared: int = 10_000, sent: int = 4_000) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        _html_head(h, "Content-Length", str(declared))
        h.wfile.write(b"<html>" + b"z" * (sent - 6))
        h.wfile.flush()
        h.close_connection = True
    return run


def redirect(location: str, status: int = 302) -> Behaviour:
    return reply(status, b"", {"Location": location})


def _gzip_bomb(size: int) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    return b"".join(c.compress(block) for _ in range(size >> 20)) + c.flush()


GZIP_BOMB = _gzip_bomb(64 << 20)            # 64 MB of zeros in ~64 KB
BROTLI_BOMB = brotli.compress(b"\0" * (64 << 20), quality=5)
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://example.org/a</link></item></channel></rss>"""


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>item {i}</title><link>{link}</link><guid>{link}</guid></item>"
                    for i, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>t</title><link>https://example.org/</link>{items}</channel></rss>").encode()


def settings(**kw) -> Settings:
    return Settings(**{"retries": 1, "backoff_s": 0.01, "read_timeout_s": 0.5,
                       "connect_timeout_s": 0.5, "total_timeout_s": 1.0, "max_bytes": 1_000_000,
                       "per_host_delay_s": 0.0, "max_retry_after_s": 2.0,
                       "allow_hosts": LOCAL, **kw})


def fetch_one(server: ScriptedServer, path: str, **kw):
    with Fetcher(settings(**kw)) as fetcher:
        return fetcher.fetch(server.url(path))


def peak_during(fn) -> tuple[object, int]:
    """(result, peak bytes of Python allocations while fn ran)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


# --- one fault at a time, at the fetcher ------------------------------------------------------

def test_slow_body_past_the_total_timeout():
    with ScriptedServer({"/slow": slow_body()}) as server:
        t0 = time.monotonic()
        res = fetch_one(server, "/slow", retries=0)
    assert res.reason == "timeout" and res.body is None and res.transient
    assert time.monotonic() - t0 < 2.5  # total_timeout_s=1.0, not the server's 5 s


def test_headers_dripped_byte_by_byte_hit_the_total_timeout():
    with ScriptedServer({"/drip": drip_headers()}) as server:
        t0 = time.monotonic()
        res = fetch_one(server, "/drip", retries=0)
    assert res.reason == "timeout"
    assert time.monotonic() - t0 < 2.5


def test_429_with_retry_after_is_waited_for_then_ok():
    with ScriptedServer({"/rl": sequence(reply(429, b"slow down", {"Retry-After": "1"}),
                                         reply(200, b"<html>ok</html>"))}) as server:
        t0 = time.monotonic()
        res = fetch_one(server, "/rl")
        waited = time.monotonic() - t0
        starts = [h["start"] for h in server.hits_for("/rl")]
    assert res.ok and res.attempts == 2 and res.body == b"<html>ok</html>"
    assert waited >= 1.0 and starts[1] - starts[0] >= 0.95
    assert [a.reason for a in res.log] == ["http_429", "ok"]


def test_retry_after_beyond_the_limit_is_left_for_the_next_run():
    with ScriptedServer({"/rl": reply(429, b"", {"Retry-After": "3600"})}) as server:
        t0 = time.monotonic()
        res = fetch_one(server, "/rl", retries=3)
    assert res.reason == "http_429" and res.transient and res.attempts == 1
    assert res.retry_after_s == 3600 and "next run" in res.detail
    assert time.monotonic() - t0 < 1.0


def test_500_then_200():
    with ScriptedServer({"/flaky": sequence(reply(500, b"oops"), reply(200, b"fine"))}) as server:
        res = fetch_one(server, "/flaky")
    assert res.ok and res.body == b"fine" and res.attempts == 2
    assert [(a.number, a.status) for a in res.log] == [(1, 500), (2, 200)]


def test_redirect_loop():
    with ScriptedServer({"/a": redirect("/b"), "/b": redirect("/a")}) as server:
        res = fetch_one(server, "/a")
    assert res.reason == "redirect_loop" and not res.transient and res.attempts == 1


def test_too_many_redirects():
    routes = {f"/hop{i}": redirect(f"/hop{i + 1}") for i in range(10)}
    with ScriptedServer(routes) as server:
        res = fetch_one(server, "/hop0", max_redirects=3)
    assert res.reason == "too_many_redirects" and len(server.hits_for("/hop")) == 4


@pytest.mark.parametrize("location", [
    "http://10.0.0.7/internal", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8080/", "http://localhost/admin", "http://0.0.0.0/", "http://224.0.0.1/",
    "file:///etc/passwd", "ftp://example.org/x",
])
def test_redirect_to_a_private_address_or_other_scheme_is_refused(location):
    with ScriptedServer({"/go": redirect(location)}) as server:
        res = fetch_one(server, "/go")
    assert res.reason in ("blocked_address", "blocked_scheme"), res
    assert not res.transient and res.attempts == 1
    assert res.final_url.startswith(location.split(":")[0])  # the hop that was refused


def test_truncated_body():
    with ScriptedServer({"/cut": truncated()}) as server:
        res = fetch_one(server, "/cut", retries=1)
    assert res.reason == "truncated_body" and res.transient and res.attempts == 2
    assert res.body is None


def test_declared_gigabyte_is_refused_unread():
    with ScriptedServer({"/big": declared_huge()}) as server:
        (res, peak) = peak_during(lambda: fetch_one(server, "/big"))
    assert res.reason == "too_large" and res.body is None and not res.transient
    assert "Content-Length 1,000,000,000" in res.detail
    assert peak < 4_000_000


def test_endless_body_is_cut_at_the_cap():
    with ScriptedServer({"/endless": endless_body()}) as server:
        (res, peak) = peak_during(lambda: fetch_one(server, "/endless", total_timeout_s=5.0))
    assert res.reason == "too_large" and res.body is None
    assert peak < 4 * 1_000_000


@pytest.mark.parametrize("encoding,bomb", [("gzip", GZIP_BOMB), ("br", BROTLI_BOMB),
                                           ("deflate", zlib.compress(b"\0" * (64 << 20), 9))])
def test_decompression_bomb_stops_at_the_cap(encoding, bomb):
    headers = {"Content-Encoding": encoding}
    with ScriptedServer({"/bomb": reply(200, bomb, headers)}) as server:
        (res, peak) = peak_during(lambda: fetch_one(server, "/bomb", total_timeout_s=5.0))
    assert res.reason == "too_large_decompressed" and res.body is None and not res.transient
    assert peak < 4 * 1_000_000  # 64 MB would have been unpacked without the cap


@pytest.mark.parametrize("encoding,packed", [
    ("gzip", gzip.compress(b"<rss>" + b"a" * 300_000 + b"</rss>")),
    ("br", brotli.compress(b"<rss>" + b"a" * 300_000 + b"</rss>")),
    ("deflate", zlib.compress(b"<rss>" + b"a" * 300_000 + b"</rss>")),
    ("deflate", zlib.compress(b"<rss>" + b"a" * 300_000 + b"</rss>")[2:-4]),  # raw deflate
])
def test_compressed_bodies_are_decoded(encoding, packed):
    with ScriptedServer({"/z": reply(200, packed, {"Content-Encoding": encoding})}) as server:
        res = fetch_one(server, "/z")
    assert res.ok and res.body == b"<rss>" + b"a" * 300_000 + b"</rss>"


def test_bad_content_encoding_keeps_the_bytes():
    with ScriptedServer({"/z": reply(200, b"not gzip at all", {"Content-Encoding": "gzip"})}) as server:
        res = fetch_one(server, "/z")
    assert res.reason == "bad_content_encoding" and not res.transient
    assert res.body == b"not gzip at all"


@pytest.mark.parametrize("ctype", ["image/jpeg", "application/pdf", "video/mp4",
                                   "application/zip"])
def test_wrong_content_type_is_refused_with_its_first_bytes_kept(ctype):
    body = b"\xff\xd8\xff" + b"\0" * 200_000
    with ScriptedServer({"/img": reply(200, body, ctype=ctype)}) as server:
        res = fetch_one(server, "/img")
    assert res.reason == "wrong_content_type" and not res.transient
    assert res.body is not None and 0 < len(res.body) <= 65_536


def test_error_bodies_are_kept_for_the_raw_zone():
    with ScriptedServer({"/gone": reply(410, b"<html>gone for good</html>")}) as server:
        res = fetch_one(server, "/gone")
    assert res.reason == "http_410" and not res.transient and res.body == b"<html>gone for good</html>"


def test_connection_refused_is_transient():
    res_settings = settings(retries=0)
    with Fetcher(res_settings) as fetcher:
        res = fetcher.fetch("http://127.0.0.1:9/nothing")
    assert res.reason == "connect_error" and res.transient


# --- all of it in one ingest run ----------------------------------------------------------------

FAULT_PAGES = {
    "/p/slow": slow_body(),
    "/p/ratelimited": reply(429, b"", {"Retry-After": "3600"}),
    "/p/flaky": sequence(reply(500, b"oops"), reply(200, b"<html><body><p>fine</p></body></html>")),
    "/p/loop-a": redirect("/p/loop-b"), "/p/loop-b": redirect("/p/loop-a"),
    "/p/to-private": redirect("http://10.1.2.3/secret"),
    "/p/truncated": truncated(),
    "/p/huge": declared_huge(),
    "/p/endless": endless_body(),
    "/p/gzip-bomb": reply(200, GZIP_BOMB, {"Content-Encoding": "gzip"}),
    "/p/image": reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 1000, ctype="image/png"),
    "/p/not-found": reply(404, b"nope"),
}
EXPECTED_PAGE_REASONS = {
    "/p/slow": "timeout", "/p/ratelimited": "http_429", "/p/loop-a": "redirect_loop",
    "/p/to-private": "blocked_address", "/p/truncated": "truncated_body", "/p/huge": "too_large",
    "/p/endless": "too_large", "/p/gzip-bomb": "too_large_decompressed",
    "/p/image": "wrong_content_type", "/p/not-found": "http_404",
}
FAULT_FEEDS = {
    "billion-laughs": (reply(200, BILLION_LAUGHS, ctype="application/rss+xml"), "parse_feed",
                       "xml_entities_forbidden"),
    "xxe": (reply(200, b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       b"<rss version=\"2.0\"><channel><title>&x;</title></channel></rss>",
                  ctype="application/xml"), "parse_feed", "xml_entities_forbidden"),
    "gzip-bomb-feed": (reply(200, GZIP_BOMB, {"Content-Encoding": "gzip"}), "fetch",
                       "too_large_decompressed"),
    "html-not-feed": (reply(200, b"<html><body><p>Sign in</p></body></html>"), "parse_feed",
                      "not_a_feed"),
    "image-feed": (reply(200, b"GIF89a" + b"\0" * 100, ctype="image/gif"), "fetch",
                   "wrong_content_type"),
    "rate-limited-feed": (reply(503, b"busy", {"Retry-After": "3600"}), "fetch", "http_503"),
}


def test_a_run_full_of_faults_finishes_with_a_reason_for_each(tmp_path):
    routes = dict(FAULT_PAGES)
    with ScriptedServer(routes) as server:
        routes["/feeds/pages.xml"] = reply(200, rss(*(server.url(p) for p in EXPECTED_PAGE_REASONS),
                                                    server.url("/p/flaky")),
                                           ctype="application/rss+xml")
        for name, (behaviour, _, _) in FAULT_FEEDS.items():
            routes[f"/feeds/{name}.xml"] = behaviour
        server.routes = routes
        sources = [Source(id="pages", name="pages", url=server.url("/feeds/pages.xml"))]
        sources += [Source(id=name, name=name, url=server.url(f"/feeds/{name}.xml"))
                    for name in FAULT_FEEDS]
        run_id = new_run_id()
        from flows.ingest import run_ingest
        s = settings(data_dir=tmp_path, total_timeout_s=1.5)
        t0 = time.monotonic()
        (summary, peak) = peak_during(lambda: run_ingest(run_id, sources, s))
        elapsed = time.monotonic() - t0
    rows = lake.read_parts(lake.list_parts(tmp_path / "lake", "quarantine", run_id=run_id),
                           "quarantine").to_pylist()
    by_key = {(r["key"].replace(server.base, "")): r for r in rows}
    for path, reason in EXPECTED_PAGE_REASONS.items():
        assert by_key[path]["reason"] == reason, (path, by_key.get(path))
        assert by_key[path]["stage"] == "fetch"
    for name, (_, stage, reason) in FAULT_FEEDS.items():
        row = by_key[f"/feeds/{name}.xml"]
        assert (row["stage"], row["reason"]) == (stage, reason), row
    # raw bytes kept where there were any
    assert by_key["/feeds/billion-laughs.xml"]["raw_sha256"]
    assert by_key["/p/image"]["raw_sha256"] and by_key["/p/not-found"]["raw_sha256"]
    assert summary.pages_ok == 1  # /p/flaky, on its second attempt
    assert peak < 8 * 1_000_000
    assert elapsed < 30
