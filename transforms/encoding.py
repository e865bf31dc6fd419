"""Decode raw feed and page bytes to text, once, recording which encoding was used and why.

Order of evidence (first that works wins):

1. the HTTP ``charset`` parameter, if it names a real text codec and decodes without errors
   (unless a byte-order mark contradicts it: then the BOM wins, as in browsers);
2. a byte-order mark;
3. what the document declares in its first 4 KB (``<?xml encoding=...?>``, ``<meta charset>``,
   ``<meta http-equiv="content-type">``), if it decodes without errors;
4. detection: strict UTF-8, then charset-normalizer (on the first MB only, so a huge
   undeclared page costs a fraction of a second, not seconds);
5. UTF-8 with replacement characters ("fallback").

Declared names are mapped the way browsers map them (WHATWG): latin-1 / iso-8859-1 / ascii
mean windows-1252, gb2312 / gbk mean gb18030, a utf-16 label inside ASCII-compatible bytes
means utf-8. A legacy single-byte label (http or declared) on bytes that are valid,
non-ASCII UTF-8 is a lie told by a server or template: the bytes win ("detected").
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

from transforms.contracts import DecodedText

logger = logging.getLogger(__name__)

__all__ = ["DecodeError", "decode_bytes", "normalise_charset"]

_SNIFF_BYTES = 4096
# charset-normalizer's cost grows with the input (~7 CPU-s for 50 MB); it guesses as well
# from the first megabyte.
_DETECT_SAMPLE_BYTES = 1_000_000
_BINARY_SNIFF_BYTES = 1024

# Magic numbers of formats that are never text; checked before anything else.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
)

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels browsers treat as something else (WHATWG Encoding Standard), plus common junk.
_LABEL_ALIASES: dict[str, str] = {
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "iso88591": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "utf8mb4": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-sjis": "shift_jis",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
}

_XML_DECL = re.compile(rb"""^\s*<\?[a-z]*xml[^>]*?\bencoding\s*=\s*["']?\s*([a-z0-9._:\-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+?\bcharset\s*=\s*["']?\s*([a-z0-9._:\-]+)""", re.I)


# Encodings by share of web pages (W3Techs order): the tie-breaker between equally clean
# detector guesses.
_WEB_RANK: dict[str, int] = {
    name: rank
    for rank, name in enumerate(
        (
            "utf-8", "cp1252", "cp1251", "shift_jis", "gb18030", "cp949", "euc_jp", "cp1250",
            "big5", "cp1256", "cp1254", "cp1253", "cp1255", "cp874", "koi8-r", "iso8859-15",
            "iso8859-2", "cp1258",
        )
    )
}


# Python text codecs that no web page or feed is written in; a label naming one is junk.
_NOT_DOCUMENT_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "utf-7", "undefined", "palmos"}
)


class DecodeError(ValueError):
    """The bytes are not text (compressed, an image, binary): nothing sensible to decode."""


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a charset label as browsers read it; None when not a text codec."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if not key:
        return None
    key = _LABEL_ALIASES.get(key, key)
    try:
        name = codecs.lookup(key).name
        b"a".decode(name)  # LookupError for bytes-to-bytes codecs such as base64 or zlib
        "a".encode(name)  # LookupError for str-to-str codecs such as rot13
    except LookupError:
        return None
    except UnicodeError:  # a real charset that cannot represent "a" (utf-16 and friends do)
        pass
    if name in _NOT_DOCUMENT_CHARSETS:
        return None
    return _LABEL_ALIASES.get(name, name)  # lookup("latin1").name is "iso8859-1"


def decode_bytes(data: bytes, *, http_charset: str | None = None, kind: str = "html") -> DecodedText:
    """Decode feed (kind="xml") or page (kind="html") bytes once; raise DecodeError on binary."""
    if kind not in ("html", "xml"):
        raise ValueError(f"kind must be 'html' or 'xml', not {kind!r}")
    _reject_binary_magic(data)

    bom = _bom_codec(data)
    http = normalise_charset(http_charset)
    if http_charset and http is None:
        logger.debug("ignoring unknown HTTP charset %r", http_charset)
    if http and bom and not _same_family(http, bom):
        # A BOM is unambiguous; a header that contradicts it is a server default.
        logger.debug("BOM says %s, HTTP says %s: trusting the BOM", bom, http)
        http = None
    if http and http.startswith(("utf-16", "utf-32")) and not bom and b"\x00" not in data[:_BINARY_SNIFF_BYTES]:
        # UTF-16 text of any script has NUL bytes; ASCII-range bytes would "decode" as CJK.
        logger.debug("HTTP says %s but the bytes are not UTF-16/32: ignoring it", http)
        http = None
    if http:
        result = _try_label(data, http, "http")
        if result is not None:
            return result

    if bom:
        text = data.decode(bom, errors="replace")
        return DecodedText(text.lstrip("\ufeff"), bom, "bom")

    head = data[:_BINARY_SNIFF_BYTES]
    if b"\x00" in head:
        raise DecodeError(
            f"looks binary: NUL bytes in the first {_BINARY_SNIFF_BYTES} bytes and no byte-order mark"
        )

    declared_label = _declared_label(data[:_SNIFF_BYTES], kind)
    if declared_label is not None:
        declared = normalise_charset(declared_label.decode("ascii", "replace"))
        if declared is None:
            logger.debug("ignoring unknown declared charset %r", declared_label)
        else:
            if declared.startswith(("utf-16", "utf-32")):
                # We read the label as ASCII, so the bytes cannot be UTF-16/32.
                declared = "utf-8"
            result = _try_label(data, declared, "declared")
            if result is not None:
                return result

    return _detect(data)


def _reject_binary_magic(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"looks like {what} (starts with {magic[:4]!r}), not text")
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":  # "BZh" alone could be text
        raise DecodeError("looks like bzip2-compressed data (starts with b'BZh'), not text")


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _same_family(a: str, b: str) -> bool:
    """'utf-16' and 'utf-16-le' are one family; 'utf-8' and 'utf-16-le' are not."""
    return re.sub(r"[-_](?:le|be|sig)$", "", a) == re.sub(r"[-_](?:le|be|sig)$", "", b)


def _is_single_byte(codec: str) -> bool:
    try:
        return len("\u00e9\u0416\u4e2d".encode(codec, errors="replace")) == 3
    except LookupError:
        return False


def _has_utf8_multibyte(data: bytes) -> bool:
    """True when the bytes are valid UTF-8 and not plain ASCII."""
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try_label(data: bytes, codec: str, source: str) -> DecodedText | None:
    """Decode strictly with a labelled codec; None when it fails (the caller moves on)."""
    if codec != "utf-8" and _is_single_byte(codec) and _has_utf8_multibyte(data):
        logger.debug("%s charset %s on valid UTF-8 bytes: using utf-8", source, codec)
        return DecodedText(data.decode("utf-8").lstrip("\ufeff"), "utf-8", "detected")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        logger.debug("%s charset %s does not decode: %s", source, codec, exc)
        return None
    return DecodedText(text.lstrip("\ufeff"), codec, source)


def _declared_label(head: bytes, kind: str) -> bytes | None:
    xml = _XML_DECL.search(head)
    meta = _META_CHARSET.search(head) if kind == "html" else None
    # HTML parsers ignore the XML declaration, so a <meta> wins in a page.
    if meta:
        return meta.group(1)
    if xml:
        return xml.group(1)
    return None


def _pick_detected(matches: charset_normalizer.CharsetMatches) -> str | None:
    """charset-normalizer's best guess, unless it is a rare codec and a common web encoding
    fits the bytes as cleanly (it calls cp1252 Portuguese "cp1257": the chaos ties)."""
    candidates = [(normalise_charset(m.encoding), m.chaos) for m in matches]
    candidates = [(codec, chaos) for codec, chaos in candidates if codec]
    if not candidates:
        return None
    best, best_chaos = candidates[0]
    if best in _WEB_RANK:
        return best
    tied = [codec for codec, chaos in candidates if codec in _WEB_RANK and chaos <= best_chaos + 0.005]
    if tied:
        choice = min(tied, key=_WEB_RANK.__getitem__)
        logger.debug("detector said %s; %s fits as well and is far more common", best, choice)
        return choice
    return best


def _detection_sample(data: bytes) -> bytes:
    """At most _DETECT_SAMPLE_BYTES, cut just after an ASCII byte when there is one in the last
    64, so a multi-byte character is not split (the detector tolerates it if it is)."""
    if len(data) <= _DETECT_SAMPLE_BYTES:
        return data
    cut = _DETECT_SAMPLE_BYTES
    while cut > _DETECT_SAMPLE_BYTES - 64 and data[cut - 1] >= 0x80:
        cut -= 1
    return data[:cut]


def _detect(data: bytes) -> DecodedText:
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", "detected")
    except UnicodeDecodeError:
        pass
    codec = _pick_detected(charset_normalizer.from_bytes(_detection_sample(data)))
    if codec:
        try:
            return DecodedText(data.decode(codec).lstrip("\ufeff"), codec, "detected")
        except UnicodeDecodeError as exc:  # latin-1 read as cp1252 leaves 5 bytes undefined
            logger.debug("detected %s but it does not decode strictly: %s", codec, exc)
            return DecodedText(data.decode(codec, errors="replace"), codec, "detected")
    logger.debug("no encoding detected: utf-8 with replacement")
    return DecodedText(data.decode("utf-8", errors="replace"), "utf-8", "fallback")
