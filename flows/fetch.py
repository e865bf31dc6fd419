"""HTTP fetching with httpx: polite, bounded, fault-tolerant. Never raises for a bad URL or response.

Every fetch returns a FetchResult whose `reason` is a short code (`ok`, `not_modified`,
`http_404`, `timeout`, `too_large`, `robots_disallowed`, `blocked_address`, ...), so the caller
can log it and quarantine what failed. What each request is held to:

* time: connect, read (between bytes) and total timeouts; the total one is enforced at every
  socket read and write (flows.netguard), so a server dripping bytes cannot outlast it;
* size: a declared Content-Length over `max_bytes` is refused unread; a body is read in chunks
  and cut off past `max_bytes`, counted both on the wire and after gzip/deflate/brotli
  decompression (done here, incrementally, with an output limit: a decompression bomb stops
  at the cap instead of filling memory);
* addresses: only http(s), only public addresses unless allowed (flows.netguard), checked on
  every redirect hop; redirects are followed here, one hop at a time, with a limit and loop
  detection;
* politeness: robots.txt per origin (flows.robots), per-host concurrency and a least delay
  between request starts to one host (max of our setting and the host's Crawl-delay), a global
  concurrency limit (the worker pool and the connection pool);
* retries: only transient failures (timeouts, connection errors, truncated bodies, 408, 429,
  5xx) are retried, with exponential backoff and jitter, honouring Retry-After (a Retry-After
  longer than `max_retry_after_s` ends the attempts: next run). Terminal failures (404, 410,
  robots, refused addresses, too large, wrong content type) are not retried.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import brotli
import httpx

from flows.config import Settings
from flows.netguard import AddressPolicy, BlockedURL, GuardedBackend
from flows.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules, robots_url, rules_from_response

log = logging.getLogger(__name__)

REDIRECT_STATUSES = (301, 302, 303, 307, 308)
PERMANENT_REDIRECTS = (301, 308)
BODY_STATUSES = (200, 203)

# Worth another attempt within this run.
RETRY_NOW = frozenset({"timeout", "connect_error", "truncated_body", "http_408", "http_429"})
# Worth trying again in a later run (but not straight away).
TRANSIENT_LATER = frozenset({"dns_error", "robots_unavailable", "politeness_deferred"})

# Content types that are never a feed or an article page (checked before reading the body).
_REFUSED_TYPE_PREFIXES = ("image/", "audio/", "video/", "font/", "model/")
_REFUSED_TYPES = frozenset({
    "application/pdf", "application/zip", "application/x-zip-compressed",
    "application/x-rar-compressed", "application/x-7z-compressed", "application/x-tar",
    "application/java-archive", "application/x-shockwave-flash", "application/wasm",
    "application/msword", "application/x-msdownload", "application/x-bittorrent",
    "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
})

DETAILS = {
    "ok": "fetched",
    "not_modified": "not modified since the last fetch (conditional GET)",
    "timeout": "the server did not answer in time (connect, read or total timeout)",
    "connect_error": "could not connect, or the connection broke",
    "truncated_body": "the connection closed before the whole body arrived",
    "too_large": "the body is larger than NEWSETL_MAX_BYTES",
    "too_large_decompressed": "the body decompresses to more than NEWSETL_MAX_BYTES "
                              "(a decompression bomb, or just too big)",
    "bad_content_encoding": "the body does not decode with its Content-Encoding",
    "wrong_content_type": "the content type is not a document (image, audio, archive, ...)",
    "too_many_redirects": "more redirects than NEWSETL_MAX_REDIRECTS",
    "redirect_loop": "the redirects go round in a circle",
    "redirect_without_location": "a redirect status without a Location header",
    "robots_disallowed": "robots.txt disallows this URL for our user agent",
    "robots_unavailable": "robots.txt could not be read (5xx/429): the host counts as "
                          "disallowed for this run (RFC 9309)",
    "politeness_deferred": "the host's delay (Crawl-delay, Retry-After or queue) is longer than "
                           "NEWSETL_MAX_HOST_WAIT_S: left for the next run",
    "blocked_scheme": "not an http(s) URL",
    "blocked_address": "the address is loopback, private, link-local, multicast or reserved "
                       "(see NEWSETL_ALLOW_HOSTS)",
    "dns_error": "the host name does not resolve",
    "bad_url": "the URL cannot be parsed",
    "internal_error": "an unexpected error in newsetl (see the log)",
}


def is_transient(reason: str, status: int | None = None) -> bool:
    """Worth trying again later (this run or the next); everything else is terminal."""
    return reason in RETRY_NOW or reason in TRANSIENT_LATER or (
        status is not None and status >= 500 and reason.startswith("http_"))


class FetchError(Exception):
    """A failed fetch as an exception (for callers that prefer raising, e.g. Prefect retries)."""

    def __init__(self, result: FetchResult):
        super().__init__(f"{result.url}: {result.reason} ({result.detail})")
        self.result = result


class TransientFetchError(FetchError):
    """Timeouts, connection errors, 408/429/5xx, robots.txt unavailable: try again later."""


class TerminalFetchError(FetchError):
    """404, 410, other 4xx, robots disallow, refused address, too large: do not retry."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt (one GET and the redirect hops it took): a row of fetch_log."""

    number: int
    final_url: str | None
    status: int | None
    reason: str
    bytes: int
    elapsed_ms: int
    redirects: int = 0
    http_version: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch (after retries) produced. `body` is the content of a 200 response, or
    the first bytes of an error / wrong-type response (kept for the raw zone); None otherwise."""

    url: str
    final_url: str | None
    status: int | None
    reason: str  # see DETAILS
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0
    attempts: int = 1
    detail: str = ""
    permanent_url: str | None = None   # where every hop was a 301/308: the new address
    http_version: str | None = None
    retry_after_s: float | None = None
    log: tuple[Attempt, ...] = ()
    raw_sha256: str | None = None      # set when iter_fetch(keep=...) stored the body

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    @property
    def transient(self) -> bool:
        """Worth retrying later: timeouts, connection errors, 429, 5xx, robots unavailable,
        deferred for politeness. Everything else (404, 410, other 4xx, robots disallow, too
        large, refused address, bad URL) is terminal."""
        return is_transient(self.reason, self.status)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    def error(self) -> FetchError | None:
        """The failure as an exception of the right class; None when the fetch worked."""
        if self.reason in ("ok", "not_modified"):
            return None
        return TransientFetchError(self) if self.transient else TerminalFetchError(self)


@dataclass(slots=True)
class _Hop:
    """One HTTP request/response, before redirects are followed."""

    status: int | None
    reason: str
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None
    http_version: str | None = None
    detail: str = ""
    bytes: int = 0
    no_retry: bool = False  # known to fail again now (e.g. its host's robots.txt did)


class _Deferred(Exception):
    """The host cannot take this request within max_host_wait_s."""


class HostGate:
    """Per-host politeness: at most `slots` requests in flight, starts `delay` seconds apart."""

    def __init__(self, slots: int):
        self._sem = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._next_start = 0.0
        self.in_flight = 0
        self.max_in_flight = 0

    def acquire(self, delay: float, max_wait: float, sleep: Callable[[float], None]) -> None:
        asked = time.monotonic()
        if not self._sem.acquire(timeout=max(max_wait, 0.0)):
            raise _Deferred("no free slot for this host in time")
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            if start - asked > max_wait:
                self._sem.release()
                raise _Deferred(f"the host is busy for another {start - now:.0f} s")
            self._next_start = start + delay
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if start > now:
            sleep(start - now)

    def release(self) -> None:
        with self._lock:
            self.in_flight -= 1
        self._sem.release()

    def pause_until(self, when: float) -> None:
        """No new request to this host before `when` (time.monotonic()), e.g. after a 429."""
        with self._lock:
            self._next_start = max(self._next_start, when)


class _Decoder:
    """Incremental Content-Encoding decoder with an output limit (gzip, deflate, br)."""

    def __init__(self, encoding: str | None):
        names = [n.strip().lower() for n in (encoding or "").split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        for n in names:
            if n not in ("gzip", "x-gzip", "deflate", "br"):
                raise ValueError(f"unsupported Content-Encoding {n!r}")
        self.encoded = bool(names)
        self._stages = [self._new(n) for n in reversed(names)]  # last applied, first undone

    @staticmethod
    def _new(name: str):
        if name == "br":
            return ["br", brotli.Decompressor()]
        if name == "deflate":
            return ["deflate", zlib.decompressobj(zlib.MAX_WBITS | 32), True]
        return ["gzip", zlib.decompressobj(zlib.MAX_WBITS | 16)]

    def decode(self, data: bytes, limit: int) -> bytes:
        """Decode `data`; returns at most about `limit` + 1 bytes (more means: over the cap)."""
        for stage in self._stages:
            data = self._run(stage, data, limit)
        return data

    def flush(self, limit: int) -> bytes:
        """What the decoders still hold once the input has ended."""
        out = b""
        for stage in self._stages:
            data = self._run(stage, out, limit) if out else b""
            if stage[0] != "br":
                data += stage[1].flush()
            out = data
        return out

    @staticmethod
    def _run(stage: list, data: bytes, limit: int) -> bytes:
        kind, obj = stage[0], stage[1]
        cap = max(limit, 0) + 1
        if kind == "br":
            try:
                out = obj.process(data, output_buffer_limit=cap)
                # Output held back by the limit must be drained before more input goes in.
                while len(out) < cap and not obj.can_accept_more_data():
                    out += obj.process(b"", output_buffer_limit=cap - len(out))
            except brotli.error as exc:
                raise zlib.error(str(exc)) from None
            return out
        first = kind == "deflate" and stage[2]
        if first:
            stage[2] = False
        try:
            return obj.decompress(data, cap)
        except zlib.error:
            if not first:
                raise
            # Some servers send raw deflate (no zlib header) as "deflate".
            stage[1] = zlib.decompressobj(-zlib.MAX_WBITS)
            return stage[1].decompress(data, cap)


def _refused_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime.startswith(_REFUSED_TYPE_PREFIXES) or mime in _REFUSED_TYPES


def _header_dict(headers: httpx.Headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in headers.multi_items():
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out and key != "set-cookie" else value
    out.pop("set-cookie", None)
    return out


class Fetcher:
    """A pooled httpx client with politeness limits and address checks. Thread-safe; use as
    a context manager. `robots_log` collects the robots.txt fetches (for fetch_log)."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep
        allow = list(settings.allow_hosts)
        if settings.rewrite_base:
            host = urlsplit(settings.rewrite_base).hostname
            if host:
                allow.append(host)
        self.policy = AddressPolicy(allow)
        self._backend = GuardedBackend(self.policy)
        transport = httpx.HTTPTransport(
            http2=settings.http2, retries=0, trust_env=False,
            limits=httpx.Limits(max_connections=settings.concurrency,
                                max_keepalive_connections=settings.concurrency))
        pool = getattr(transport, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):  # pragma: no cover
            raise RuntimeError("httpx/httpcore internals changed: cannot install the address "
                               "guard (flows.netguard); check the pinned versions")
        pool._network_backend = self._backend
        self._client = httpx.Client(
            transport=transport, trust_env=False, follow_redirects=False,
            headers={"User-Agent": settings.user_agent,
                     "Accept-Encoding": "gzip, deflate, br"})
        self._gates: dict[str, HostGate] = defaultdict(
            lambda: HostGate(settings.per_host_concurrency))
        self._gates_lock = threading.Lock()
        self.robots = RobotsCache(self._fetch_robots)
        self.robots_log: list[tuple[str | None, FetchResult]] = []  # (owner, result)
        self._robots_log_lock = threading.Lock()
        self._local = threading.local()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # --- public API -------------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
              kind: str = "page", owner: str | None = None) -> FetchResult:
        """GET `url` (a feed, a page); conditional when etag/last_modified are given.

        `owner` (a source id) is attached to the robots.txt fetches this call triggers.
        """
        headers = {"Accept": _ACCEPT.get(kind, "*/*")}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self._local.owner = owner
        try:
            return self._fetch(url, headers, kind)
        except Exception as exc:  # noqa: BLE001 - a bug or an odd URL must not sink the batch:
            log.exception("unexpected error fetching %s", url)  # recorded as data, logged
            return FetchResult(url, None, None, "internal_error", None,
                               detail=f"{type(exc).__name__}: {exc}")
        finally:
            self._local.owner = None

    def iter_fetch(self, urls: Iterable[str], *, kind: str = "page",
                   owners: list[str] | None = None,
                   keep: Callable[[bytes], str] | None = None) -> Iterator[tuple[int, FetchResult]]:
        """Fetch concurrently; yields (index, result) as each finishes.

        The work is interleaved by host, so the workers spread over hosts instead of queueing
        behind one slow or rate-limited host. `keep` (e.g. RawStore.put) is called on each
        body in the worker thread, in parallel, and its return value (the raw hash) is put in
        `result.raw_sha256`.
        """
        urls = list(urls)
        order = _interleave_by_host(urls)
        window = 2 * self.settings.concurrency  # a short queue: results flow out steadily
        with ThreadPoolExecutor(max_workers=self.settings.concurrency,
                                thread_name_prefix="fetch") as pool:
            pending: dict[Future, int] = {}

            def fill(todo: Iterator[int]) -> None:
                for i in todo:
                    owner = owners[i] if owners else None
                    pending[pool.submit(self._fetch_and_keep, urls[i], kind, owner, keep)] = i
                    if len(pending) >= window:
                        return

            todo = iter(order)
            fill(todo)
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield pending.pop(fut), fut.result()
                fill(todo)

    def _fetch_and_keep(self, url: str, kind: str, owner: str | None,
                        keep: Callable[[bytes], str] | None) -> FetchResult:
        res = self.fetch(url, kind=kind, owner=owner)
        if keep is not None and res.body is not None:
            res = replace(res, raw_sha256=keep(res.body))
        return res

    def fetch_many(self, urls: Iterable[str], *, kind: str = "page") -> Iterator[FetchResult]:
        """Like iter_fetch, but yields the results in input order (holding them until then)."""
        results = dict(self.iter_fetch(urls, kind=kind))
        for i in range(len(results)):
            yield results[i]

    def gate(self, url: str) -> HostGate:
        """The politeness gate of a URL's host."""
        host = (urlsplit(url).hostname or "").lower()
        with self._gates_lock:
            return self._gates[host]

    # --- one fetch: attempts with retries ---------------------------------------------------

    def _fetch(self, url: str, headers: dict[str, str], kind: str) -> FetchResult:
        started = time.monotonic()
        attempts: list[Attempt] = []
        number = 0
        while True:
            number += 1
            t0 = time.monotonic()
            res = self._attempt(url, headers, kind)
            attempts.append(Attempt(number, res.final_url, res.status, res.reason,
                                    len(res.body or b""), int((time.monotonic() - t0) * 1000),
                                    res.redirects, res.http_version))
            retry_after = _retry_after_seconds(res.headers.get("retry-after")) if res.status in (
                429, 503) else None
            if retry_after is not None and res.final_url:
                self.gate(res.final_url).pause_until(time.monotonic() + min(
                    retry_after, self.settings.max_retry_after_s))
            retryable = not res.no_retry and (
                res.reason in RETRY_NOW or (res.status is not None and res.status >= 500))
            too_long = retry_after is not None and retry_after > self.settings.max_retry_after_s
            if not retryable or number > self.settings.retries or too_long:
                detail = res.detail or DETAILS.get(res.reason) or f"HTTP {res.status}"
                if too_long:
                    detail += f" (Retry-After {retry_after:.0f} s: left for the next run)"
                return FetchResult(
                    url, res.final_url, res.status, res.reason, res.body, res.headers,
                    int((time.monotonic() - started) * 1000), number, detail, res.permanent_url,
                    res.http_version, retry_after, tuple(attempts))
            delay = self.settings.backoff_s * (2 ** (number - 1)) * (1 + random.random() * 0.25)
            if retry_after is not None:
                delay = max(delay, retry_after)
            log.info("retrying %s in %.2fs after %s (attempt %d)", url, delay, res.reason, number)
            self._sleep(delay)

    def _attempt(self, url: str, headers: dict[str, str], kind: str,
                 max_redirects: int | None = None) -> _AttemptResult:
        """One GET with its redirect hops, each checked (address, robots, politeness)."""
        deadline = time.monotonic() + self.settings.total_timeout_s
        max_redirects = self.settings.max_redirects if max_redirects is None else max_redirects
        current, visited, permanent, hops = url, {url}, True, 0
        while True:
            hop = self._checked_hop(current, headers, kind, deadline)
            if hop.status in REDIRECT_STATUSES and hop.reason == "redirect":
                hops += 1
                target = self._next_url(current, hop.location or "")
                if hops > max_redirects:
                    return _AttemptResult.of(hop, current, "too_many_redirects", hops=hops)
                if target in visited:
                    return _AttemptResult.of(hop, current, "redirect_loop", hops=hops,
                                             detail=f"{current} redirects back to {target}")
                visited.add(target)
                permanent = permanent and hop.status in PERMANENT_REDIRECTS
                current = target
                continue
            res = _AttemptResult.of(hop, current, hop.reason, hops=hops)
            if permanent and hops and current != url:
                res.permanent_url = current
            return res

    def _checked_hop(self, url: str, headers: dict[str, str], kind: str,
                     deadline: float) -> _Hop:
        try:
            self.policy.check_url(url)
        except BlockedURL as exc:
            return _Hop(None, exc.reason, {}, detail=exc.detail)
        delay = self.settings.per_host_delay_s
        if self.settings.obey_robots and kind != "robots":
            rules = self.robots.rules(url)
            if rules.state == "unavailable":
                if rules.status is None:  # no answer at all (refused, timeout, refused
                    return _Hop(None, rules.reason, {}, no_retry=True,  # address): say so
                                detail=f"{robots_url(url)}: "
                                       f"{DETAILS.get(rules.reason, rules.reason)}")
                return _Hop(None, "robots_unavailable", {},
                            detail=f"{robots_url(url)} answered {rules.status}")
            if not rules.allowed(url, self.settings.robots_agent):
                return _Hop(None, "robots_disallowed", {},
                            detail=f"{robots_url(url)} disallows it for {self.settings.robots_agent}")
            delay = max(delay, rules.delay(self.settings.robots_agent))
        gate = self.gate(url)
        try:
            gate.acquire(delay, self.settings.max_host_wait_s, self._sleep)
        except _Deferred as exc:
            return _Hop(None, "politeness_deferred", {}, detail=str(exc))
        try:
            return self._send(url, headers, kind, deadline)
        finally:
            gate.release()

    def _next_url(self, current: str, location: str) -> str:
        """Absolute URL of a Location header, in the original (not rewritten) URL space."""
        location = location.strip()
        base = self.settings.rewrite_base
        if base:
            joined = urljoin(self._rewrite(current), location)
            joined = self._unrewrite(joined)
        else:
            joined = urljoin(current, location)
        parts = urlsplit(joined)
        return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))

    # --- one HTTP request -------------------------------------------------------------------

    def _send(self, url: str, headers: dict[str, str], kind: str, deadline: float) -> _Hop:
        s = self.settings
        left = deadline - time.monotonic()
        if left <= 0:
            return _Hop(None, "timeout", {}, detail="the total time limit was reached")
        timeout = httpx.Timeout(connect=min(s.connect_timeout_s, left),
                                read=min(s.read_timeout_s, left),
                                write=min(s.read_timeout_s, left), pool=left)
        max_bytes = ROBOTS_MAX_BYTES if kind == "robots" else s.max_bytes
        self._backend.local.deadline = deadline
        in_body = False
        hop = _Hop(None, "connect_error", {})
        try:
            with self._client.stream("GET", self._rewrite(url), headers=headers,
                                     timeout=timeout) as resp:
                hop = _Hop(resp.status_code, f"http_{resp.status_code}",
                           _header_dict(resp.headers), http_version=resp.http_version)
                status = resp.status_code
                if status in REDIRECT_STATUSES:
                    hop.location = hop.headers.get("location")
                    hop.reason = "redirect" if hop.location else "redirect_without_location"
                    return hop
                if status == 304:
                    hop.reason = "not_modified"
                    return hop
                in_body = True
                if status not in BODY_STATUSES:
                    hop.body = self._read_quietly(resp, s.max_error_body_bytes, deadline)
                    return hop
                if kind != "robots" and _refused_type(hop.headers.get("content-type")):
                    hop.reason = "wrong_content_type"
                    hop.detail = f"Content-Type {hop.headers.get('content-type')}"
                    hop.body = self._read_quietly(resp, s.max_error_body_bytes, deadline)
                    return hop
                declared = hop.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes and kind != "robots":
                    hop.reason = "too_large"
                    hop.detail = f"Content-Length {int(declared):,} > {max_bytes:,}"
                    return hop
                hop.reason, hop.body, hop.detail = self._read_body(
                    resp, max_bytes, deadline, truncate=(kind == "robots"))
                if hop.reason != "ok":
                    hop.body = hop.body if hop.reason == "bad_content_encoding" else None
                return hop
        except BlockedURL as exc:
            return _Hop(None, exc.reason, {}, detail=exc.detail)
        except httpx.TimeoutException as exc:
            return _Hop(hop.status, "timeout", hop.headers, detail=f"{type(exc).__name__}: {exc}")
        except httpx.RemoteProtocolError as exc:
            reason = "truncated_body" if in_body else "connect_error"
            return _Hop(hop.status, reason, hop.headers, detail=str(exc))
        except (httpx.TransportError, OSError) as exc:
            if isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
                return _Hop(None, "bad_url", {}, detail=str(exc))
            reason = "truncated_body" if in_body else "connect_error"
            return _Hop(hop.status, reason, hop.headers, detail=f"{type(exc).__name__}: {exc}")
        except httpx.InvalidURL as exc:
            return _Hop(None, "bad_url", {}, detail=str(exc))
        finally:
            self._backend.local.deadline = None

    def _read_body(self, resp: httpx.Response, max_bytes: int, deadline: float,
                   truncate: bool) -> tuple[str, bytes | None, str]:
        """(reason, body, detail): the decoded body, within the size and time caps."""
        try:
            decoder = _Decoder(resp.headers.get("content-encoding"))
        except ValueError as exc:
            return "bad_content_encoding", None, str(exc)
        chunks: list[bytes] = []
        raw_size = size = 0
        first_raw = b""  # evidence for the raw zone if the body does not decode
        try:
            for raw in resp.iter_raw():
                if not first_raw:
                    first_raw = raw[: self.settings.max_error_body_bytes]
                raw_size += len(raw)
                if raw_size > max_bytes:
                    if truncate:
                        break
                    return "too_large", None, f"more than {max_bytes:,} bytes on the wire"
                data = decoder.decode(raw, max_bytes - size)
                size += len(data)
                if size > max_bytes:
                    if truncate:
                        chunks.append(data[: max_bytes - (size - len(data))])
                        break
                    if decoder.encoded:
                        return ("too_large_decompressed", None,
                                f"{raw_size:,} bytes on the wire decompress to more than "
                                f"{max_bytes:,}")
                    return "too_large", None, f"more than {max_bytes:,} bytes"
                chunks.append(data)
                if time.monotonic() > deadline:
                    return "timeout", None, f"the total time limit was reached after {size:,} bytes"
            else:
                tail = decoder.flush(max_bytes - size)
                size += len(tail)
                if size > max_bytes and not truncate:
                    return "too_large_decompressed", None, f"decompresses to more than {max_bytes:,}"
                chunks.append(tail)
        except zlib.error as exc:
            return ("bad_content_encoding", first_raw or None,
                    f"{resp.headers.get('content-encoding')}: {exc}")
        body = b"".join(chunks)
        return "ok", body[:max_bytes], ""

    @staticmethod
    def _read_quietly(resp: httpx.Response, limit: int, deadline: float) -> bytes | None:
        """Up to `limit` bytes of an error body, decoded if possible; never raises."""
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_raw():
                chunks.append(chunk)
                size += len(chunk)
                if size >= limit or time.monotonic() > deadline:
                    break
        except (httpx.HTTPError, OSError, BlockedURL):
            pass
        raw = b"".join(chunks)[:limit]
        if not raw:
            return None
        try:
            decoded = _Decoder(resp.headers.get("content-encoding")).decode(raw, limit)
            return decoded[:limit] or raw
        except (ValueError, zlib.error):
            return raw

    # --- robots.txt -------------------------------------------------------------------------

    def _fetch_robots(self, origin: str) -> RobotsRules:
        url = origin + "/robots.txt"
        started = time.monotonic()
        res = self._attempt(url, {"Accept": "text/plain, */*;q=0.5"}, "robots", max_redirects=5)
        result = FetchResult(url, res.final_url, res.status, res.reason, res.body, res.headers,
                             int((time.monotonic() - started) * 1000), 1,
                             res.detail or DETAILS.get(res.reason, ""), None, res.http_version,
                             log=(Attempt(1, res.final_url, res.status, res.reason,
                                          len(res.body or b""),
                                          int((time.monotonic() - started) * 1000),
                                          res.redirects, res.http_version),))
        with self._robots_log_lock:
            self.robots_log.append((getattr(self._local, "owner", None), result))
        rules = rules_from_response(origin, res.status, res.reason,
                                    res.body if res.reason == "ok" else None)
        log.debug("robots.txt for %s: %s (%s)", origin, rules.state, res.reason)
        return rules

    def load_robots(self, path: Path) -> int:
        return self.robots.load(path)

    def save_robots(self, path: Path) -> None:
        self.robots.save(path)

    # --- the offline rewrite ----------------------------------------------------------------

    def _rewrite(self, url: str) -> str:
        base = self.settings.rewrite_base
        if not base:
            return url
        parts = urlsplit(url)
        path = f"/{parts.scheme}/{parts.netloc}{parts.path or '/'}"
        return base.rstrip("/") + path + (f"?{parts.query}" if parts.query else "")

    def _unrewrite(self, fetched: str) -> str:
        base = self.settings.rewrite_base
        if not base or not fetched.startswith(base.rstrip("/")):
            return fetched
        rest = fetched[len(base.rstrip("/")):].lstrip("/")
        scheme, _, remainder = rest.partition("/")
        return f"{scheme}://{remainder}"


@dataclass(slots=True)
class _AttemptResult:
    final_url: str | None
    status: int | None
    reason: str
    headers: dict[str, str]
    body: bytes | None
    detail: str
    redirects: int
    http_version: str | None
    permanent_url: str | None = None
    no_retry: bool = False

    @classmethod
    def of(cls, hop: _Hop, url: str, reason: str, *, hops: int = 0,
           detail: str | None = None) -> _AttemptResult:
        return cls(url, hop.status, reason, hop.headers, hop.body,
                   detail if detail is not None else hop.detail, hops, hop.http_version,
                   no_retry=hop.no_retry)


_ACCEPT = {
    "feed": "application/rss+xml, application/atom+xml, application/rdf+xml, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
    "page": "text/html, application/xhtml+xml, */*;q=0.5",
}


def _interleave_by_host(urls: list[str]) -> list[int]:
    """Indexes of `urls` in round-robin order over their hosts."""
    by_host: dict[str, list[int]] = defaultdict(list)
    for i, url in enumerate(urls):
        by_host[(urlsplit(url).hostname or "").lower()].append(i)
    queues = [iter(q) for q in by_host.values()]
    out: list[int] = []
    while queues:
        alive = []
        for q in queues:
            i = next(q, None)
            if i is not None:
                out.append(i)
                alive.append(q)
        queues = alive
    return out


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
