"""HTTP fetching with httpx: timeouts, a body-size cap, limited redirects, classified errors.

Transient failures (timeouts, connection errors, 429, 5xx) are retried with exponential
backoff and jitter, honouring Retry-After; terminal ones (other 4xx, too large) are not.
A fetch never raises for a bad URL or response: it returns a FetchResult whose `reason`
says what happened, so the caller can log and quarantine it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from flows.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch (after retries) produced. `body` is None unless the status was 200."""

    url: str
    final_url: str | None
    status: int | None
    reason: str  # ok / not_modified / http_<code> / timeout / connect_error / too_large / ...
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    elapsed_ms: int = 0
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.reason == "ok"

    @property
    def transient(self) -> bool:
        """Worth retrying later: timeouts, connection errors, 429 and 5xx. Everything else
        (404, 410, other 4xx, too large, bad URL) is terminal."""
        return self.reason in ("timeout", "connect_error", "http_429") or (
            self.status is not None and self.status >= 500)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


class Fetcher:
    """A pooled httpx client with politeness limits. Thread-safe; use as a context manager."""

    def __init__(self, settings: Settings, *, sleep: Callable[[float], None] = time.sleep):
        self.settings = settings
        self._sleep = sleep
        self._client = httpx.Client(
            headers={"User-Agent": settings.user_agent,
                     "Accept-Encoding": "gzip, deflate, br"},
            timeout=httpx.Timeout(connect=settings.connect_timeout_s, read=settings.read_timeout_s,
                                  write=settings.read_timeout_s, pool=settings.total_timeout_s),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            limits=httpx.Limits(max_connections=settings.concurrency),
        )
        self._host_locks: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(settings.per_host_concurrency))
        self._locks_guard = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
        """GET `url` with retries for transient failures; conditional when etag/last_modified."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        target = self._rewrite(url)
        host = urlsplit(url).hostname or ""
        with self._locks_guard:
            host_lock = self._host_locks[host]
        attempt = 0
        started = time.monotonic()
        while True:
            attempt += 1
            with host_lock:
                result = self._attempt(url, target, headers)
            elapsed = int((time.monotonic() - started) * 1000)
            if not result.transient or attempt > self.settings.retries:
                return FetchResult(result.url, result.final_url, result.status, result.reason,
                                   result.body, result.headers, elapsed, attempt)
            delay = self._delay(attempt, result.headers.get("retry-after"))
            log.info("retrying %s in %.1fs after %s (attempt %d)", url, delay, result.reason, attempt)
            self._sleep(delay)

    def fetch_many(self, urls: Iterable[str]) -> Iterator[FetchResult]:
        """Fetch concurrently (global and per-host limits); yields results in input order."""
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            yield from pool.map(self.fetch, urls)

    def _attempt(self, url: str, target: str, headers: dict[str, str]) -> FetchResult:
        max_bytes = self.settings.max_bytes
        deadline = time.monotonic() + self.settings.total_timeout_s
        try:
            with self._client.stream("GET", target, headers=headers) as resp:
                final_url = self._unrewrite(str(resp.url))
                hdrs = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code == 304:
                    return FetchResult(url, final_url, 304, "not_modified", None, hdrs)
                if resp.status_code != 200:
                    return FetchResult(url, final_url, resp.status_code,
                                       f"http_{resp.status_code}", None, hdrs)
                declared = hdrs.get("content-length")
                if declared and declared.isdigit() and int(declared) > max_bytes:
                    return FetchResult(url, final_url, 200, "too_large", None, hdrs)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        return FetchResult(url, final_url, 200, "too_large", None, hdrs)
                    if time.monotonic() > deadline:
                        return FetchResult(url, final_url, 200, "timeout", None, hdrs)
                    chunks.append(chunk)
                return FetchResult(url, final_url, 200, "ok", b"".join(chunks), hdrs)
        except httpx.TimeoutException:
            return FetchResult(url, None, None, "timeout", None)
        except httpx.TooManyRedirects:
            return FetchResult(url, None, None, "too_many_redirects", None)
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            log.debug("connection problem for %s: %s", url, exc)
            return FetchResult(url, None, None, "connect_error", None)
        except httpx.DecodingError:
            return FetchResult(url, None, None, "bad_content_encoding", None)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL):
            return FetchResult(url, None, None, "bad_url", None)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        base = self.settings.backoff_s * (2 ** (attempt - 1))
        if retry_after:
            wait = _retry_after_seconds(retry_after)
            if wait is not None:
                base = max(base, min(wait, 300.0))
        return base * (1 + random.random() * 0.25)

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


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
