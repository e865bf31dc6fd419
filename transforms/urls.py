"""URL canonicalisation: one article, one key, whatever tracking parameters a feed adds."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import courlan

# courlan's non-strict mode drops utm_*, fbclid, ref...; news feeds add more of their own.
# (Its strict mode also drops real parameters such as ?q=, so we extend the loose mode instead.)
_NEWS_TRACKING = frozenset({
    "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    "partner", "emc", "maca", "cmp", "ocid", "ito", "smid", "smtyp", "rss", "feed", "feedtype",
    "mc_cid", "mc_eid", "wprss", "icid", "wt_mc", "wt_zmc", "cmpid", "src", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
})


def resolve_url(link: str, base: str | None) -> str:
    """Absolute URL of a (possibly relative) link found in a document fetched from `base`."""
    link = link.strip()
    return urljoin(base, link) if base else link


def canonicalize_url(url: str) -> str:
    """Key form of a URL: lower-case host, no fragment, no default port, no tracking parameters.

    Returns the input stripped of whitespace when it is not an http(s) URL.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    try:
        normalized = courlan.normalize_url(url)
    except ValueError:
        normalized = url
    parts = urlsplit(normalized)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _NEWS_TRACKING and not k.lower().startswith(("utm_", "at_"))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def host_of(url: str) -> str:
    """Lower-case host name of a URL ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()
