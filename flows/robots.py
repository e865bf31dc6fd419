"""robots.txt: fetched once per host per run, parsed with protego, consulted before each request.

What a robots.txt answer means follows RFC 9309:

* 2xx: the rules apply (the first 500 KiB are parsed; `Crawl-delay` and `Request-rate` set the
  least time between two requests to the host, if longer than our own per-host delay);
* 4xx (401, 403, 404, 410, ...): there are no rules, everything may be fetched;
* 5xx, 429, or no answer at all (timeout, refused connection): the host is treated as fully
  disallowed for this run. A page on such a host is not fetched; it is quarantined as
  transient (`robots_unavailable`, or the network failure itself) and tried again next run.

The cache can be saved to and loaded from a JSON file, so the tasks of one run (feeds, then
pages) share what they learned without asking a host twice.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from protego import Protego

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least 500 KiB


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased: the scope of one robots.txt."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    return origin(url) + "/robots.txt"


@dataclass
class RobotsRules:
    """What one origin's robots.txt says. `state`: rules / allow_all / unavailable."""

    origin: str
    state: str
    reason: str                # the fetch reason code (ok, http_404, timeout, ...)
    status: int | None = None
    body: str | None = None
    _parser: Protego | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.state == "rules" and self.body is not None and self._parser is None:
            try:
                self._parser = Protego.parse(self.body)
            except Exception as exc:  # noqa: BLE001 - protego raises assorted errors on junk
                log.info("robots.txt of %s does not parse (%s): treated as allow-all",
                         self.origin, exc)
                self.state = "allow_all"

    def allowed(self, url: str, agent: str) -> bool:
        if self.state == "allow_all":
            return True
        if self.state == "unavailable":
            return False
        assert self._parser is not None
        return bool(self._parser.can_fetch(url, agent))

    def delay(self, agent: str) -> float:
        """Seconds between requests this host asks for (0 when it asks for nothing)."""
        if self._parser is None:
            return 0.0
        delay = self._parser.crawl_delay(agent) or 0.0
        rate = self._parser.request_rate(agent)
        if rate is not None and rate.requests:
            delay = max(delay, rate.seconds / rate.requests)
        return float(delay)

    def to_dict(self) -> dict:
        return {"origin": self.origin, "state": self.state, "reason": self.reason,
                "status": self.status, "body": self.body}


def rules_from_response(origin_: str, status: int | None, reason: str,
                        body: bytes | None) -> RobotsRules:
    """Interpret one robots.txt fetch (after redirects) as RFC 9309 says."""
    if status is not None and 200 <= status < 300 and body is not None:
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(origin_, "rules", reason, status, text)
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(origin_, "allow_all", reason, status)
    if reason in ("too_large", "too_large_decompressed", "wrong_content_type",
                  "bad_content_encoding", "too_many_redirects", "redirect_loop",
                  "redirect_without_location", "blocked_scheme", "bad_url"):
        # Nothing sensible to read; RFC 9309 lets a crawler treat it as "unavailable" (4xx).
        return RobotsRules(origin_, "allow_all", reason, status)
    return RobotsRules(origin_, "unavailable", reason, status)


class RobotsCache:
    """Rules per origin, fetched on first use (one fetch per origin even under threads)."""

    def __init__(self, fetch: Callable[[str], RobotsRules]):
        self._fetch = fetch
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def rules(self, url: str) -> RobotsRules:
        key = origin(url)
        found = self._rules.get(key)
        if found is not None:
            return found
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            found = self._rules.get(key)
            if found is None:
                found = self._fetch(key)
                self._rules[key] = found
        return found

    def __len__(self) -> int:
        return len(self._rules)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps([r.to_dict() for r in self._rules.values()]), "utf-8")

    def load(self, path: Path) -> int:
        """Add the rules saved by an earlier task of the same run; returns how many."""
        if not path.is_file():
            return 0
        for entry in json.loads(path.read_text("utf-8")):
            self._rules.setdefault(entry["origin"], RobotsRules(**entry))
        return len(self._rules)
