"""Deterministic ids: reruns produce the same keys, so loads upsert instead of duplicating."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SEP = "\x1f"  # unit separator: cannot appear in ids or normal text parts


def stable_id(*parts: object, length: int = 16) -> str:
    """Hex digest of the parts (None becomes ""), `length` hex characters long."""
    joined = _SEP.join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]


def sha256_hex(data: bytes) -> str:
    """Full sha256 of raw bytes: the name of a blob in the raw zone."""
    return hashlib.sha256(data).hexdigest()


def slugify(text: str) -> str:
    """ASCII slug: 'Choe Son-Hui' -> 'choe-son-hui', 'Ukraine's Kuleba' -> 'ukraines-kuleba'."""
    norm = unicodedata.normalize("NFKD", text)
    ascii_text = norm.encode("ascii", "ignore").decode("ascii").lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
