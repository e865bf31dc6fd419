"""The extract stage as one call: raw page bytes -> decoded, extracted and cleaned article.

The pipeline's process flow and `newsetl extract` both call `read_article`, so the CLI shows
exactly what the pipeline stores.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from transforms.clean import clean_text
from transforms.contracts import CleanedText, DecodedText, ExtractedPage
from transforms.encoding import decode_bytes
from transforms.extract import extract_article


@dataclass(frozen=True, slots=True)
class ReadArticle:
    """Everything the extract stage learns about one page."""

    decoded: DecodedText
    page: ExtractedPage
    cleaned: CleanedText

    @property
    def content_sha256(self) -> str:
        """Hash of the cleaned text: equal bodies, equal hash (exact-duplicate detection)."""
        return hashlib.sha256(self.cleaned.text.encode("utf-8")).hexdigest()


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"\'')
    return None


def read_article(data: bytes, url: str, *, content_type: str | None = None,
                 feed_language: str | None = None) -> ReadArticle:
    """Decode, extract and clean one page. Raises DecodeError or ExtractionError (with reasons)."""
    decoded = decode_bytes(data, http_charset=charset_of(content_type), kind="html")
    page = extract_article(decoded.text, url, feed_language=feed_language)
    cleaned = clean_text(page.text)
    return ReadArticle(decoded=decoded, page=page, cleaned=cleaned)
