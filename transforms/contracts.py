"""Records passed between stages. Each has an Arrow twin in warehouse/schemas.py.

Frozen and slotted: records are values. Timestamps are tz-aware UTC and named `*_at`.
Row records (`*Row`) are flat so they map one to one onto table columns; the columns a
table adds on top (article_id, run_id, ...) are listed in warehouse/schemas.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


# --- ingest ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a parsed feed. `item_id` = stable_id(source_id, guid or canonical link)."""

    item_id: str
    source_id: str
    guid: str | None
    title: str | None
    summary: str | None
    link: str | None            # absolute, as published (tracking parameters kept)
    canonical_link: str | None  # tracking parameters stripped, origLink followed
    published_at: datetime | None  # UTC; None when missing, unreadable or flagged future/implausible
    published_raw: str | None
    authors: tuple[str, ...] = ()
    published_flag: str | None = None  # no_timezone / future / implausible / invalid / unparsed / feedparser
    fingerprint: str | None = None     # hash(title, canonical link, dates): changes when the item is edited


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What transforms.feeds.parse_feed returns: items plus feed-level facts."""

    title: str | None
    link: str | None
    language: str | None
    kind: str                     # rss / atom / rdf / unknown
    items: tuple[FeedItem, ...]
    warnings: tuple[str, ...] = ()  # feedparser "bozo" reasons that did not stop parsing


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Bytes decoded once, with the encoding used and how it was chosen."""

    text: str
    encoding: str
    encoding_source: str  # http / bom / declared / detected / fallback


# --- process: extraction and cleaning ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Dateline:
    """`SEOUL, July 14 (UPI) --` -> place='SEOUL', date_text='July 14', agency='UPI'."""

    place: str | None
    date_text: str | None
    agency: str | None
    raw: str


@dataclass(frozen=True, slots=True)
class RemovedSpan:
    """A piece of text the cleaner took out, kept so nothing is silently lost."""

    kind: str    # caption / credit / dateline / promo / share / advert / bio / boilerplate
    text: str
    reason: str  # the rule that fired


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """Main text and metadata of one HTML page, before news clean-up."""

    url: str
    canonical_url: str | None
    title: str | None
    authors: tuple[str, ...]
    authors_raw: str | None
    published_at: datetime | None
    modified_at: datetime | None
    language: str | None
    language_source: str | None  # html-lang / meta / json-ld / detected / feed
    description: str | None
    site_name: str | None
    text: str                    # main text, paragraphs separated by "\n"
    extractor: str               # e.g. "trafilatura+jsonld"
    extractor_version: str


@dataclass(frozen=True, slots=True)
class CleanedText:
    """Text after news clean-up; `removed` says what went and why."""

    text: str
    dateline: Dateline | None
    removed: tuple[RemovedSpan, ...] = ()


# --- process: entities and events -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical thing: `country:PRK`, `place:geonames:703448`, `org:nato`, `person:choe-son-hui`."""

    entity_id: str
    kind: str                 # country / place / org / person / group
    canonical_name: str
    country_code: str | None  # ISO 3166 alpha-3
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One surface form of an entity in the cleaned text (character offsets into it)."""

    entity_id: str
    surface: str
    kind: str
    sentence_idx: int
    start_char: int
    end_char: int
    confidence: float


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what to whom, when and where, with the evidence sentence. Flat: one row."""

    actor1_entity_id: str | None
    actor1_name: str | None
    actor1_country: str | None
    actor1_role: str | None
    actor2_entity_id: str | None
    actor2_name: str | None
    actor2_country: str | None
    actor2_role: str | None
    cameo_code: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover_type: str | None
    plover_mode: str | None
    event_date: date | None      # first day of the period; None when the text gives no date
    date_precision: str          # day / month / year / unstated
    location_entity_id: str | None
    lat: float | None
    lon: float | None
    sentence_idx: int
    evidence: str
    start_char: int
    end_char: int
    temporal: str                # current / background
    factuality: str              # asserted / reported / claimed / negated
    confidence: float


@dataclass(frozen=True, slots=True)
class Annotation:
    """Entities, mentions and events of one text: what transforms.annotate returns."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    events: tuple[Event, ...]


# --- rows written by the flows ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One row of `articles`. article_id = stable_id(canonical URL)."""

    article_id: str
    url: str
    canonical_url: str
    source_id: str
    publisher: str | None
    title: str | None
    authors: tuple[str, ...]
    authors_raw: str | None
    published_at: datetime | None
    modified_at: datetime | None
    language: str | None
    language_source: str | None
    dateline_place: str | None
    dateline_agency: str | None
    dateline_date: str | None
    text: str
    word_count: int
    content_sha256: str
    simhash: int | None
    duplicate_of: str | None
    story_id: str | None
    extractor: str
    extractor_version: str
    raw_sha256: str
    fetched_at: datetime
    removed_spans: tuple[str, ...] = field(default=())  # "kind: text" of what clean-up removed


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One HTTP attempt (one row of `fetch_log`): a GET and the redirect hops it followed.
    `url` is the URL asked for, `final_url` where the last hop went."""

    fetch_id: str
    url: str
    final_url: str | None
    kind: str                 # feed / page
    source_id: str
    status: int | None        # None when no response (timeout, refused)
    reason: str               # ok / not_modified / http_404 / timeout / too_large / ...
    bytes: int
    elapsed_ms: int
    content_type: str | None
    encoding: str | None
    raw_sha256: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime
    attempt: int = 1                   # 1 for the first try, 2.. for retries of the same URL
    redirects: int = 0                 # redirect hops this attempt followed
    encoding_source: str | None = None  # how `encoding` was found: http / bom / declared / detected / fallback
    http_version: str | None = None    # HTTP/1.1, HTTP/2


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    """An item that could not go through a stage: what, why, and where its raw bytes are."""

    quarantine_id: str        # stable_id(stage, key, reason)
    stage: str                # fetch / parse_feed / extract / annotate / load
    key: str                  # url or item id
    source_id: str | None
    reason: str               # short code: http_404, feed_malformed, decode_error, ...
    detail: str
    raw_sha256: str | None
    at: datetime
