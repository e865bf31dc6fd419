"""Feed parsing (RSS 0.9x/1.0/2.0, Atom) with feedparser, into FeedItem records.

feedparser does its own encoding detection from the bytes and HTTP headers, so the raw bytes
are passed as they came. A document that yields no items and is not well formed, or is not a
feed at all, raises FeedParseError with a reason code for the quarantine table.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timezone

import feedparser

from transforms.contracts import FeedItem, ParsedFeed
from transforms.ids import stable_id
from transforms.urls import canonicalize_url, resolve_url

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"


class FeedParseError(ValueError):
    """The document is not a usable feed. `reason` is a short code for the quarantine table."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def parse_feed(data: bytes, *, source_id: str, url: str, content_type: str | None = None,
               max_items: int | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from `url`; relative links resolve against the feed's base."""
    if not data.strip():
        raise FeedParseError("feed_empty", "the response body is empty")
    if data[:2] == _GZIP_MAGIC:
        raise FeedParseError("not_a_feed", "the body is gzip data, not XML (double-compressed?)")
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=True)
    warnings: list[str] = []
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.NonXMLContentType):
        warnings.append(f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}")
    entries = parsed.entries
    if not entries:
        if warnings:
            raise FeedParseError("feed_malformed",
                                 f"no items could be read; the parser said: {warnings[0]}")
        if not parsed.version:
            raise FeedParseError("not_a_feed", "the document is neither RSS nor Atom")
    base = parsed.feed.get("link") or url
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        item = _to_item(entry, source_id=source_id, feed_url=url, base=base)
        if item.item_id in seen:  # some feeds repeat an item within one document
            continue
        seen.add(item.item_id)
        items.append(item)
        if max_items is not None and len(items) >= max_items:
            break
    return ParsedFeed(
        title=_clean(parsed.feed.get("title")),
        link=parsed.feed.get("link"),
        language=_clean(parsed.feed.get("language")),
        kind=_kind(parsed.version),
        items=tuple(items),
        warnings=tuple(warnings),
    )


def _to_item(entry, *, source_id: str, feed_url: str, base: str) -> FeedItem:
    raw_link = entry.get("feedburner_origlink") or entry.get("pheedo_origlink") or entry.get("link")
    link = resolve_url(entry.get("link"), feed_url) if entry.get("link") else None
    target = resolve_url(raw_link, feed_url) if raw_link else None
    canonical = canonicalize_url(target) if target else None
    guid = _clean(entry.get("id"))
    title = _clean(entry.get("title"))
    published_raw = entry.get("published") or entry.get("updated")
    published_at = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    if guid and not _looks_stable(guid):
        guid = None
    key = guid or canonical or f"{title}|{published_raw}"
    authors = tuple(a["name"].strip() for a in entry.get("authors", ()) if a.get("name", "").strip())
    return FeedItem(
        item_id=stable_id(source_id, key),
        source_id=source_id,
        guid=guid,
        title=title,
        summary=_clean(entry.get("summary")),
        link=link,
        canonical_link=canonical,
        published_at=published_at,
        published_raw=published_raw,
        authors=authors,
    )


def _looks_stable(guid: str) -> bool:
    """A guid that is empty or a bare number under 4 digits is not a usable key."""
    return len(guid) >= 4


def _utc(struct) -> datetime | None:
    """feedparser's parsed dates are UTC struct_time values."""
    if not struct:
        return None
    return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _kind(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("rss"):
        return "rss"
    return "unknown"
