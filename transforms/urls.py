"""URL canonicalisation: one article, one key, whatever tracking parameters a feed adds.

The original URL is always kept beside the canonical one (FeedItem.link / canonical_link,
articles.url / canonical_url): canonicalisation is for keys and de-duplication, never for
fetching on the publisher's behalf something other than what it published.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import courlan

# courlan's non-strict mode drops utm_*, fbclid, ref...; news feeds add more of their own.
# (Its strict mode also drops real parameters such as ?q=, so we extend the loose mode instead.)
_NEWS_TRACKING = frozenset({
    "at_medium", "at_campaign", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
    "partner", "emc", "maca", "cmp", "ocid", "ito", "smid", "smtyp", "rss", "feed", "feedtype",
    "mc_cid", "mc_eid", "wprss", "icid", "wt_mc", "wt_zmc", "cmpid", "src", "ns_mchannel",
    "ns_source", "ns_campaign", "ns_linkname", "gclid", "dclid", "msclkid", "yclid", "igshid",
    "mkt_tok", "_hsenc", "_hsmi", "oly_enc_id", "oly_anon_id", "vero_id", "s_cid", "ftag",
    "sr_share", "xtor", "_ga", "guccounter", "fbclid",
})
# Session ids in the query or as a ;path parameter: never part of an article's identity.
_SESSION = frozenset({"jsessionid", "phpsessid", "sessionid", "sid", "aspsessionid"})
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/?#;]*", re.I)


def resolve_url(link: str, base: str | None) -> str:
    """Absolute URL of a (possibly relative or protocol-relative) link in a document from `base`."""
    link = link.strip()
    return urljoin(base, link) if base else link


def is_http_url(url: str | None) -> bool:
    """An absolute http(s) URL with a host."""
    if not url:
        return False
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def canonicalize_url(url: str) -> str:
    """Key form of a URL: lower-case scheme and host, no fragment, no default port, no
    `.`/`..` segments, no session ids, no tracking parameters; the other query parameters
    sorted (courlan). Returns the input stripped of whitespace when it is not an http(s) URL.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    url = _PATH_SESSION.sub("", url)  # before courlan, which escapes the ';'
    try:
        normalized = courlan.normalize_url(url)
    except ValueError:
        normalized = url
    parts = urlsplit(normalized)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _is_tracking(k)]
    path = _remove_dot_segments(parts.path or "/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in _NEWS_TRACKING or key in _SESSION or key.startswith(("utm_", "at_"))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4, keeping a trailing slash: '/a/./b/../c/' -> '/a/c/'."""
    if "/." not in path:
        return path
    trailing = path.endswith(("/", "/.", "/.."))
    out = posixpath.normpath(path)
    if out.startswith("//"):  # normpath keeps a leading '//' (POSIX): one is enough here
        out = "/" + out.lstrip("/")
    if trailing and not out.endswith("/"):
        out += "/"
    return out


def host_of(url: str) -> str:
    """Lower-case host name of a URL ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()
