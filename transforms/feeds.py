"""Feed parsing (RSS 0.9x/1.0/2.0, Atom) into FeedItem records: decode once, guard, parse.

The path of a feed document, in order:

1. a gzip body (a server that compressed twice, or a `.xml.gz` served as is) is unpacked, with
   a cap on the unpacked size;
2. the bytes are decoded once by transforms.encoding.decode_bytes (HTTP charset, BOM, XML
   declaration, detection; the encoding and how it was found are returned for fetch_log);
3. junk before the first `<`, the XML declaration (even a broken one such as
   `<?phpxml ...?>`) and empty `<item />` elements are dropped; the text is re-encoded as
   UTF-8 under a fresh declaration, so feedparser never second-guesses the encoding;
4. a document type with entity declarations is refused (`xml_entities_forbidden`): that is
   where external entities (XXE) and entity-expansion bombs ("billion laughs") live. The check
   uses defusedxml's expat parser, with a plain scan of the DOCTYPE as a backstop for
   documents expat cannot read;
5. feedparser reads the items (from a byte stream: never a str, which it could take for a URL
   or a file name), resolving relative links against xml:base or the feed's own URL;
6. each item gets its link resolved and canonicalised (feedburner/pheedo `origLink` followed,
   tracking parameters dropped, the original kept), its date read by transforms.feed_dates,
   and a stable key: the guid when it is stable, else the canonical link, else
   (title, published).

A document that yields no items and is not well formed, or is not a feed at all, raises
FeedParseError with a reason code for the quarantine table.
"""

from __future__ import annotations

import calendar
import io
import logging
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from xml.sax import SAXException

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.sax import parseString as defused_sax_parse

from transforms.contracts import FeedItem, ParsedFeed
from transforms.encoding import DecodeError, decode_bytes
from transforms.feed_dates import FeedDate, parse_feed_date
from transforms.ids import stable_id
from transforms.urls import canonicalize_url, is_http_url, resolve_url

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_XML_HEAD = b'<?xml version="1.0" encoding="utf-8"?>\n'
DEFAULT_MAX_BYTES = 50_000_000  # unpacked size of a gzip body
_LEADING_DECL = re.compile(r"^\s*<\?[A-Za-z0-9_-]*xml\b[^>]*?\?>", re.I)
_DOCTYPE = re.compile(r"<!DOCTYPE", re.I)
_EMPTY_ITEM = re.compile(r"<item\s*/>")
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';\s]+)", re.I)
_FLAGGED_DATES = ("future", "implausible", "invalid", "unparsed")


class FeedParseError(ValueError):
    """The document is not a usable feed. `reason` is a short code for the quarantine table."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class FeedDocument:
    """A parsed feed plus how its bytes were read (for fetch_log and feed-level checks)."""

    feed: ParsedFeed
    encoding: str
    encoding_source: str          # http / bom / declared / detected / fallback
    updated: FeedDate             # the feed's own lastBuildDate / updated
    gzipped: bool = False


def parse_feed(data: bytes, *, source_id: str, url: str, content_type: str | None = None,
               max_items: int | None = None, now: datetime | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from `url` (the final URL, after redirects)."""
    return read_feed(data, source_id=source_id, url=url, content_type=content_type,
                     max_items=max_items, now=now).feed


def read_feed(data: bytes, *, source_id: str, url: str, content_type: str | None = None,
              max_items: int | None = None, now: datetime | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> FeedDocument:
    """Parse feed bytes; also say which encoding was used and how it was found."""
    if not data.strip():
        raise FeedParseError("feed_empty", "the response body is empty")
    gzipped = data[:2] == _GZIP_MAGIC
    if gzipped:
        data = _gunzip(data, max_bytes)
    try:
        decoded = decode_bytes(data, http_charset=_charset(content_type), kind="xml")
    except DecodeError as exc:
        raise FeedParseError("decode_error", str(exc)) from None
    text, warnings = _prepare(decoded.text)
    if gzipped:
        warnings.append("the body was gzip data (compressed twice?); unpacked")
    _refuse_entities(text)
    document = _XML_HEAD + text.encode("utf-8", "surrogatepass")
    parsed = feedparser.parse(io.BytesIO(document),
                              response_headers={"content-location": url,
                                                "content-type": "application/xml; charset=utf-8"},
                              sanitize_html=False, resolve_relative_uris=True)
    if parsed.bozo and not isinstance(parsed.bozo_exception, feedparser.NonXMLContentType):
        warnings.append(f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}")
    entries = parsed.entries
    if not entries:
        if not parsed.version and not parsed.bozo:
            raise FeedParseError("not_a_feed", "the document is neither RSS nor Atom")
        if parsed.bozo:
            if _looks_like_html(text):
                raise FeedParseError("not_a_feed", "the document is an HTML page, not a feed")
            raise FeedParseError("feed_malformed",
                                 f"no items could be read; the parser said: {warnings[-1]}")
    items = _items(entries, source_id=source_id, feed_url=url,
                   channel_link=parsed.feed.get("link"), now=now, max_items=max_items)
    feed = ParsedFeed(
        title=_clean(parsed.feed.get("title")),
        link=parsed.feed.get("link"),
        language=_clean(parsed.feed.get("language")),
        kind=_kind(parsed.version),
        items=tuple(items),
        warnings=tuple(warnings),
    )
    updated_raw = parsed.feed.get("updated") or parsed.feed.get("published")
    return FeedDocument(feed, decoded.encoding, decoded.encoding_source,
                        parse_feed_date(updated_raw, now=now), gzipped)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _CHARSET.search(content_type)
    return m.group(1) if m else None


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    d = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        out = d.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise FeedParseError("not_a_feed", f"the body starts like gzip but is not: {exc}") from None
    if len(out) > max_bytes or d.unconsumed_tail:
        raise FeedParseError("too_large_decompressed",
                             f"the gzip body unpacks to more than {max_bytes:,} bytes")
    return out


def _prepare(text: str) -> tuple[str, list[str]]:
    """Drop junk before the first '<' and any XML declaration; return text and warnings."""
    warnings: list[str] = []
    start = text.find("<")
    if start < 0:
        raise FeedParseError("not_a_feed", "no markup at all in the document")
    if text[:start].strip():
        warnings.append(f"dropped {start} characters of junk before the document")
    text = text[start:]
    m = _LEADING_DECL.match(text)
    if m:
        if not m.group(0).lstrip().lower().startswith("<?xml"):
            warnings.append(f"broken XML declaration {m.group(0)[:40]!r} replaced")
        text = text[m.end():]
    # Feedburner-era feeds (pcmag-dvorak.xml) put an empty `<item />` inside each item, just
    # before its <feedburner:origLink>: feedparser starts a new, empty entry there and the
    # real item loses its real address. An empty item carries nothing: drop it.
    text, stray = _EMPTY_ITEM.subn("", text)
    if stray:
        warnings.append(f"dropped {stray} empty <item /> element(s)")
    return text.lstrip("\ufeff"), warnings


def _refuse_entities(text: str) -> None:
    """Raise FeedParseError when the document declares entities (XXE, entity bombs)."""
    m = _DOCTYPE.search(text, 0, 65_536)
    if not m:
        return
    try:
        # forbid_external=False: a DOCTYPE may *name* an external DTD (RSS 0.91's Netscape
        # one), which expat never loads; declaring an entity, external or not, is refused.
        defused_sax_parse(_XML_HEAD + text.encode("utf-8", "surrogatepass"), _NullHandler(),
                          forbid_dtd=False, forbid_entities=True, forbid_external=False)
    except DefusedXmlException as exc:
        raise FeedParseError("xml_entities_forbidden",
                             f"the document type declares entities ({type(exc).__name__}: "
                             f"{exc}); refused to protect against XXE and entity bombs") from None
    except (SAXException, ValueError):
        pass  # not well formed: feedparser's loose parser decides; the scan below still runs
    subset_end = text.find("]>", m.end())
    region = text[m.end(): subset_end if subset_end >= 0 else len(text)]
    if _ENTITY_DECL.search(region):
        raise FeedParseError("xml_entities_forbidden",
                             "the document type declares entities; refused to protect against "
                             "XXE and entity bombs")


class _NullHandler:
    """A SAX content handler that ignores everything (only the entity guard matters)."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head


def _items(entries, *, source_id: str, feed_url: str, channel_link: str | None,
           now: datetime | None, max_items: int | None) -> list[FeedItem]:
    # A guid is a key only when it tells items apart: one used for items with different
    # links (some CMSs give every item the feed's URL as guid) is dropped for all of them.
    links_by_guid: dict[str, set[str | None]] = {}
    for entry in entries:
        guid = _guid(entry)
        if guid:
            links_by_guid.setdefault(guid, set()).add(entry.get("link"))
    unstable = {g for g, links in links_by_guid.items() if len(links) > 1}
    unstable |= {g for g in links_by_guid
                 if g in (feed_url, channel_link) or (is_http_url(g) and
                                                      canonicalize_url(g) in _canon(feed_url, channel_link))}
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        item = _to_item(entry, source_id=source_id, feed_url=feed_url, unstable=unstable, now=now)
        if item.item_id in seen:  # some feeds repeat an item within one document
            continue
        seen.add(item.item_id)
        items.append(item)
        if max_items is not None and len(items) >= max_items:
            break
    return items


def _canon(*urls: str | None) -> set[str]:
    return {canonicalize_url(u) for u in urls if u}


def _guid(entry) -> str | None:
    guid = _clean(entry.get("id"))
    if guid is None or len(guid) < 4:  # empty, or a bare small number: not a usable key
        return None
    return guid


def _to_item(entry, *, source_id: str, feed_url: str, unstable: set[str],
             now: datetime | None) -> FeedItem:
    link = _link(entry.get("link"), feed_url)
    orig = entry.get("feedburner_origlink") or entry.get("pheedo_origlink")
    target = _link(orig, feed_url) or link
    canonical = canonicalize_url(target) if target else None
    guid = _guid(entry)
    if guid in unstable:
        guid = None
    title = _clean(entry.get("title"))
    date = _entry_date(entry, now)
    if guid:
        key = canonicalize_url(guid) if is_http_url(guid) else guid
    elif canonical:
        key = canonical
    else:
        key = f"{' '.join((title or '').casefold().split())}|{date.value.isoformat() if date.value else date.raw}"
    authors = tuple(a["name"].strip() for a in entry.get("authors", ())
                    if (a.get("name") or "").strip())
    updated_raw = entry.get("updated") if entry.get("published") else None
    fingerprint = stable_id(title, canonical, date.raw, updated_raw)
    return FeedItem(
        item_id=stable_id(source_id, key),
        source_id=source_id,
        guid=guid,
        title=title,
        summary=_clean(entry.get("summary")),
        link=link,
        canonical_link=canonical,
        published_at=date.value if date.flag not in _FLAGGED_DATES else None,
        published_raw=date.raw,
        authors=authors,
        published_flag=date.flag,
        fingerprint=fingerprint,
    )


def _link(raw: str | None, base: str) -> str | None:
    """An absolute http(s) link, or None (mailto:, javascript:, empty...)."""
    if not raw or not raw.strip():
        return None
    url = resolve_url(raw, base)
    return url if is_http_url(url) else None


def _entry_date(entry, now: datetime | None) -> FeedDate:
    """Our reading of the item's published (else updated) date; feedparser's only as a
    fallback when ours finds nothing."""
    raw = entry.get("published") or entry.get("updated")
    date = parse_feed_date(raw, now=now)
    if date.value is None and date.flag == "unparsed":
        struct = entry.get("published_parsed") or entry.get("updated_parsed")
        if struct:
            value = datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc)
            date = FeedDate(value, raw, "feedparser")
    return date


def _clean(value: str | None) -> str | None:
    """Whitespace collapsed (CNN wraps titles in newlines and CDATA); None when empty."""
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _kind(version: str) -> str:
    if version.startswith("atom"):
        return "atom"
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("rss"):
        return "rss"
    return "unknown"
