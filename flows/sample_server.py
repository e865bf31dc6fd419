"""A local HTTP server (127.0.0.1 only) that serves captured feeds and pages by original URL.

Used by `newsetl demo` (with the bundled sample) and by the end-to-end tests (with
../shared/newsroom). The fetcher rewrites `https://host/path?q` to
`http://127.0.0.1:PORT/https/host/path?q` (Settings.rewrite_base); this server maps that back
to the original URL and looks it up: exact, then without fragment, then without query, then
with http/https, www./no www. and a trailing slash swapped. A miss is a 404, as for a page
that was never captured (robots.txt included: no rules). Synthetic documents (demo feeds,
robots.txt files) can be added by URL. Hits carry an ETag and Last-Modified and are answered
with 304 to a matching conditional request; `log` records what each request sent.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from email.utils import format_datetime
from datetime import datetime, timezone
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger(__name__)

CONTENT_TYPES = {".xml": "application/xml", ".html": "text/html", ".htm": "text/html"}


def url_variants(url: str) -> list[str]:
    """Lookup order for a URL in a capture map (see shared/newsroom/README.md)."""
    parts = urlsplit(url)
    no_frag = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    no_query = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    out = [url, no_frag, no_query]
    for base in (no_frag, no_query):
        p = urlsplit(base)
        schemes = {p.scheme, "https" if p.scheme == "http" else "http"}
        hosts = {p.netloc, p.netloc[4:] if p.netloc.startswith("www.") else "www." + p.netloc}
        paths = {p.path, p.path.rstrip("/") if p.path.endswith("/") else p.path + "/"}
        for s in sorted(schemes):
            for h in sorted(hosts):
                for pa in sorted(paths):
                    out.append(urlunsplit((s, h, pa, p.query, "")))
    seen: set[str] = set()
    return [u for u in out if not (u in seen or seen.add(u))]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a fetcher refusing a body, a closed keep-alive connection) is
    normal here: log it at debug level instead of printing a traceback."""

    def handle_error(self, request, client_address) -> None:
        log.debug("capture server: connection from %s ended abruptly", client_address,
                  exc_info=True)


class CaptureServer:
    """Serve files under `root` by original URL (`urlmap`: URL -> relative path)."""

    def __init__(self, root: Path, urlmap: dict[str, str], *,
                 synthetic: dict[str, tuple[bytes, str]] | None = None,
                 charset: dict[str, str] | None = None):
        self.root = root
        self.urlmap = dict(urlmap)
        self.synthetic = dict(synthetic or {})
        self.charset = dict(charset or {})  # path -> charset to announce (tests of wrong charsets)
        self.requests: list[str] = []  # original URL of every request, in order
        self.log: list[dict] = []       # the same, with the conditional headers sent
        # Every capture answers with an ETag (a hash of its bytes) and this Last-Modified, and
        # with 304 to a matching If-None-Match / If-Modified-Since, as a well-run server does.
        self.last_modified = format_datetime(datetime(2026, 1, 1, tzinfo=timezone.utc), usegmt=True)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def lookup(self, url: str) -> tuple[bytes, str] | None:
        for candidate in url_variants(url):
            if candidate in self.synthetic:
                return self.synthetic[candidate]
            rel = self.urlmap.get(candidate)
            if rel is not None:
                path = (self.root / rel).resolve()
                if self.root.resolve() in path.parents and path.is_file():
                    ctype = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
                    if rel in self.charset:
                        ctype += f"; charset={self.charset[rel]}"
                    return path.read_bytes(), ctype
        return None

    def __enter__(self) -> CaptureServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers and the fetcher's pool

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                rest = self.path.lstrip("/")
                scheme, _, remainder = rest.partition("/")
                original = f"{scheme}://{remainder}"
                hit = server.lookup(original) if scheme in ("http", "https") else None
                conditional = {"if_none_match": self.headers.get("If-None-Match"),
                               "if_modified_since": self.headers.get("If-Modified-Since")}
                with server._lock:
                    server.requests.append(original)
                    server.log.append({"url": original, **conditional,
                                       "user_agent": self.headers.get("User-Agent")})
                if hit is None:
                    self._send(404, b"not captured\n", "text/plain")
                    return
                body, ctype = hit
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                if conditional["if_none_match"] is not None:
                    fresh = etag in [t.strip() for t in conditional["if_none_match"].split(",")]
                else:
                    fresh = conditional["if_modified_since"] == server.last_modified
                if fresh:
                    self._send(304, b"", None, etag)
                    return
                self._send(200, body, ctype, etag)

            def _send(self, status: int, body: bytes, ctype: str | None,
                      etag: str | None = None) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", server.last_modified)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def log_message(self, fmt: str, *args) -> None:
                log.debug("capture server: " + fmt, *args)

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()


def rss_document(title: str, link: str, items: list[dict]) -> bytes:
    """A minimal RSS 2.0 document (for synthetic feeds): items need title, link, published."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>', '<rss version="2.0"><channel>',
             f"<title>{escape(title)}</title>", f"<link>{escape(link)}</link>",
             "<description>Synthetic feed built by newsetl from captured pages.</description>"]
    for item in items:
        parts.append("<item>")
        parts.append(f"<title>{escape(item['title'])}</title>")
        parts.append(f"<link>{escape(item['link'])}</link>")
        parts.append(f"<guid isPermaLink=\"true\">{escape(item['link'])}</guid>")
        if item.get("published"):
            parts.append(f"<pubDate>{format_datetime(_as_utc(item['published']))}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


def _as_utc(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)
