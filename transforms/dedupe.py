"""Exact and near-duplicate articles, and which copies are syndicated wire stories.

- Exact: the same cleaned text (content_sha256).
- Near: MinHash (datasketch, 32 permutations over half the shingles, affine32 scheme) over word
  5-shingles, candidate pairs by LSH banding with the bands MinHashLSH picks for LSH_THRESHOLD
  (signatures and bands computed in bulk, see signatures()), each confirmed on the shingle
  sets themselves: the containment |A & B| / min(|A|, |B|) must reach NEAR_CONTAINMENT. Containment rather than
  Jaccard because syndication trims: a site runs the wire text with its last paragraphs cut,
  a new headline and a byline added, so the copy's shingles sit inside the original's.
- Short texts (fewer than MIN_SHINGLES shingles, repeats counted: teasers, stubs) are never near-duplicates on
  text alone; they pair only when their titles are nearly equal (rapidfuzz) within a time window
  and their texts overlap.
- Syndicated: a copy from another source in a group that shows a wire agency (the dateline's
  agency, a byline or credit naming one; the names are transforms.clean.KNOWN_AGENCIES).

Every copy points at the earliest member of its group (publication time, then article id), so
the answer does not depend on the order articles arrive in. Nothing is ever deleted.
Hand-written parts: the shingle hashing and the bulk MinHash and banding (numpy: datasketch's
per-object API costs ~1 ms of Python per article, too slow for 100k in a minute; a test checks
the signatures equal datasketch's), and the union-find over confirmed pairs (a dozen lines).
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from datasketch.minhash import _fmix
from rapidfuzz import fuzz, process

from transforms.clean import KNOWN_AGENCIES

__all__ = ["DedupeDoc", "Duplicate", "find_duplicates", "shingle_hashes", "wire_agency",
           "containment", "order_key"]

SHINGLE = 5                 # words per shingle
MAX_WORDS = 2000            # shingle the first words only: enough to tell copies apart
MIN_SHINGLES = 25           # below this, the text alone never makes a near-duplicate
NUM_PERM = 32
LSH_THRESHOLD = 0.5         # Jaccard estimate for a candidate; confirmed on the sets below
SAMPLE = 2                  # MinHash sees the shingles whose hash is 0 mod SAMPLE (the same
                            # ones in every text, so the estimate stays unbiased), for speed
NEAR_CONTAINMENT = 0.8      # |A & B| / min(|A|, |B|) of the shingle sets
TITLE_RATIO = 92.0          # rapidfuzz token_sort_ratio for the short-text fallback
SHORT_TEXT_OVERLAP = 0.5    # ... plus this much text containment
WINDOW = timedelta(days=7)  # copies further apart in time are not paired
SHORT_BLOCK = 2000
SEED = 8

EXACT, NEAR, SYNDICATED = "exact", "near", "syndicated"
_WORDS = re.compile(r"\w+")
_WIRE = re.compile(r"(?<!\w)(?:" + "|".join(
    re.escape(a) for a in sorted(KNOWN_AGENCIES | {"Agence France-Presse", "Agence France Presse",
                                                   "Thomson Reuters", "The Associated Press"},
                                 key=len, reverse=True)) + r")(?!\w)")
_FAR_FUTURE = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class DedupeDoc:
    """What duplicate detection needs of one article."""

    article_id: str
    source_id: str
    published_at: datetime | None   # publication (or fetch) time; None sorts last
    title: str | None
    text: str
    content_sha256: str | None = None
    credits: tuple[str, ...] = ()   # dateline agency, authors, removed credit lines


@dataclass(frozen=True, slots=True)
class Duplicate:
    """`article_id` is a copy of `duplicate_of`, the earliest article of its group."""

    article_id: str
    duplicate_of: str
    kind: str          # exact / near / syndicated
    similarity: float  # shingle containment against the original (1.0 for exact copies)


def order_key(doc: DedupeDoc) -> tuple[datetime, str]:
    """Earliest first: publication time, then article id (None times last)."""
    return (doc.published_at or _FAR_FUTURE, doc.article_id)


class _WordHashes(dict):
    """word -> crc32, filled on first sight (mapped over a text's words at C speed)."""

    def __missing__(self, word: str) -> int:
        value = zlib.crc32(word.encode("utf-8"))
        if len(self) < 1 << 20:
            self[word] = value
        return value


_WORD_HASHES = _WordHashes()


def _flat_shingles(texts: Sequence[str], k: int = SHINGLE,
                   max_words: int = MAX_WORDS) -> tuple[np.ndarray, np.ndarray]:
    """The word k-shingle hashes (uint32) of all texts in one array, text after text, repeats
    kept, and each text's offsets into it (len(texts) + 1). One pass of numpy over every word
    of every text: per-text numpy calls cost more than the arithmetic at 100k texts."""
    # pyarrow's string kernels split and number the words of all texts at C speed; only the
    # distinct words are hashed in Python (crc32 of the word: the same in every run).
    lowered = pc.utf8_lower(pa.array(texts, type=pa.large_string()))
    # split on white space (a regex split on punctuation costs 2.5x more; copies carry the
    # same punctuation, so "said." and "said" being different words does not matter here)
    words = pc.list_slice(pc.utf8_split_whitespace(lowered), 0, max_words)
    flat = pc.drop_null(pc.list_flatten(words))
    flat = flat.filter(pc.not_equal(flat, ""))
    counts = _texts_word_counts(words)
    encoded = pc.dictionary_encode(flat).combine_chunks() if isinstance(flat, pa.ChunkedArray) \
        else pc.dictionary_encode(flat)
    word_hashes = np.fromiter(map(_WORD_HASHES.__getitem__, encoded.dictionary.to_pylist()),
                              dtype=np.uint64, count=len(encoded.dictionary))
    h = word_hashes[encoded.indices.to_numpy(zero_copy_only=False)]
    per_text = np.maximum(counts - k + 1, 0)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(per_text, out=offsets[1:])
    if offsets[-1] == 0:
        return np.zeros(0, dtype=np.uint32), offsets
    n = len(h) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # polynomial rolling combination, wrapping in 64 bits
        acc = acc * np.uint64(1_000_003) + h[j:j + n]
    # windows that start in a text and end in it: text i's first word, plus 0 .. per_text[i]-1
    first_word = np.repeat(np.cumsum(counts) - counts, per_text)
    within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], per_text)
    acc = acc[first_word + within]
    return (acc ^ (acc >> np.uint64(32))).astype(np.uint32), offsets


def _texts_word_counts(words: pa.ListArray) -> np.ndarray:
    """Non-empty words per text."""
    parents = pc.list_parent_indices(words).to_numpy()
    values = pc.list_flatten(words)
    nonempty = pc.not_equal(values, "").to_numpy(zero_copy_only=False)
    return np.bincount(parents[nonempty], minlength=len(words)).astype(np.int64)


class _Shingles:
    """The texts' shingles: the flat array for bulk work, each text's set on demand."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.flat, self.offsets = _flat_shingles(texts)
        self.counts = np.diff(self.offsets)
        self._sets: dict[int, np.ndarray] = {}

    def __getitem__(self, i: int) -> np.ndarray:
        found = self._sets.get(i)
        if found is None:
            found = self._sets[i] = np.unique(self.flat[self.offsets[i]:self.offsets[i + 1]])
        return found


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word 5-shingles of `text` (lower-cased words)."""
    return _Shingles([text])[0]


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """|a & b| / min(|a|, |b|) of two sorted unique hash arrays (0 when either is empty)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(len(a), len(b))


def wire_agency(credits: Iterable[str]) -> str | None:
    """The first wire agency named in a dateline agency, byline or credit line, if any."""
    for credit in credits:
        if credit:
            match = _WIRE.search(credit)
            if match:
                return match.group()
    return None


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _identity(value: int) -> int:
    return value


def minhash(shingles: np.ndarray) -> MinHash:
    """datasketch's MinHash of precomputed shingle hashes (the hash function is the identity);
    signatures() computes the same values for many texts at once."""
    m = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_identity, permutations=_permutations(),
                scheme="affine32")
    m.update_batch(shingles[shingles % SAMPLE == 0].tolist())
    return m


def _signatures_flat(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """MinHash signatures (n x NUM_PERM, uint32) of the texts whose shingles are
    flat[offsets[i]:offsets[i+1]], equal to datasketch's MinHash of the same shingles (affine32
    scheme: murmur3 finaliser, then a * h + b mod 2^32, minimum), computed in bulk with numpy:
    one datasketch object per article costs ~1 ms of Python, 100 s at 100k."""
    a, b = _permutations()
    n = len(offsets) - 1
    out = np.full((n, NUM_PERM), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    keep = flat % SAMPLE == 0
    text_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))[keep]
    lengths = np.bincount(text_of, minlength=n)
    rows = np.nonzero(lengths)[0]
    if rows.size == 0:
        return out
    hv = _fmix(flat[keep].astype(np.uint32), 32)
    starts = (np.cumsum(lengths) - lengths)[rows]
    for p in range(NUM_PERM):
        out[rows, p] = np.minimum.reduceat(a[p] * hv + b[p], starts)
    return out


def signatures(shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
    """MinHash signatures of shingle sets (see _signatures_flat)."""
    offsets = np.zeros(len(shingle_sets) + 1, dtype=np.int64)
    np.cumsum([len(x) for x in shingle_sets], out=offsets[1:])
    flat = np.concatenate(list(shingle_sets)) if len(shingle_sets) else np.zeros(0, np.uint32)
    return _signatures_flat(flat.astype(np.uint32), offsets)


def _bands() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH would pick for LSH_THRESHOLD."""
    return _optimal_param(LSH_THRESHOLD, NUM_PERM, 0.5, 0.5)


def _candidates(sigs: np.ndarray, eligible: np.ndarray) -> set[tuple[int, int]]:
    """Pairs (i < j) of eligible rows that agree on every row of at least one band: MinHashLSH's
    candidates, found with one sort per band instead of a dict insert and query per article."""
    bands, rows = _bands()
    idx = np.nonzero(eligible)[0]
    pairs: set[tuple[int, int]] = set()
    if idx.size < 2:
        return pairs
    for band in range(bands):
        part = sigs[idx, band * rows:(band + 1) * rows].astype(np.uint64)
        key = np.zeros(len(idx), dtype=np.uint64)
        for col in range(rows):
            key = key * np.uint64(0x100000001B3) + part[:, col]
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        same = np.nonzero(sorted_keys[1:] == sorted_keys[:-1])[0]
        if same.size == 0:
            continue
        # runs of equal keys: every pair within a run (runs are small: copies of one text)
        run_start = same[np.r_[True, np.diff(same) > 1]]
        for start in run_start:
            end = start + 1
            while end < len(sorted_keys) and sorted_keys[end] == sorted_keys[start]:
                end += 1
            members = sorted(idx[order[start:end]].tolist())
            pairs.update(itertools.combinations(members, 2))
    return pairs


def _near_pairs(docs: Sequence[DedupeDoc], shingles: _Shingles) -> list[tuple[int, int]]:
    """Confirmed near-duplicate pairs (i, j), i earlier than j, among the ordered docs."""
    eligible = shingles.counts >= MIN_SHINGLES
    pairs = []
    for i, j in sorted(_candidates(_signatures_flat(shingles.flat, shingles.offsets), eligible)):
        if _close(docs[i], docs[j]) and containment(shingles[i], shingles[j]) >= NEAR_CONTAINMENT:
            pairs.append((i, j))
    return pairs


class _UnionFind:
    """Groups with the earliest member (lowest rank) as root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _close(a: DedupeDoc, b: DedupeDoc) -> bool:
    if a.published_at is None or b.published_at is None:
        return True
    return abs(a.published_at - b.published_at) <= WINDOW


def _norm_title(title: str | None) -> str:
    return " ".join(_WORDS.findall((title or "").lower()))


def _short_pairs(docs: Sequence[DedupeDoc], shingles: _Shingles) -> list[tuple[int, int]]:
    """Short texts: nearly equal titles (rapidfuzz) within the window, and overlapping texts.

    Short texts are few, so their titles are compared all against all in blocks of
    SHORT_BLOCK (in time order, each block against itself and the next).
    """
    short = [i for i, doc in enumerate(docs) if shingles.counts[i] < MIN_SHINGLES and _norm_title(doc.title)]
    titles = [_norm_title(docs[i].title) for i in short]
    pairs = set()
    for start in range(0, max(len(short), 1), SHORT_BLOCK):
        rows = titles[start:start + SHORT_BLOCK]
        cols = titles[start:start + 2 * SHORT_BLOCK]
        if not rows:
            break
        scores = process.cdist(rows, cols, scorer=fuzz.token_sort_ratio, score_cutoff=TITLE_RATIO,
                               dtype=np.uint8)
        for r, c in zip(*np.nonzero(scores)):
            i, j = short[start + int(r)], short[start + int(c)]
            if i < j and _close(docs[i], docs[j]) and \
                    containment(shingles[i], shingles[j]) >= SHORT_TEXT_OVERLAP:
                pairs.add((i, j))
    return sorted(pairs)


def find_duplicates(docs: Iterable[DedupeDoc]) -> list[Duplicate]:
    """Every copy among `docs`, pointing at the earliest article of its group (deterministic)."""
    ordered = sorted(docs, key=order_key)
    n = len(ordered)
    uf = _UnionFind(n)
    first_of_hash: dict[str, int] = {}
    for i, doc in enumerate(ordered):
        if doc.content_sha256 and doc.text.strip():
            j = first_of_hash.setdefault(doc.content_sha256, i)
            if j != i:
                uf.union(j, i)
    shingles = _Shingles([doc.text for doc in ordered])
    for i, j in _near_pairs(ordered, shingles) + _short_pairs(ordered, shingles):
        uf.union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    out = []
    for root, members in groups.items():
        if len(members) < 2:
            continue
        original = ordered[root]
        wire = wire_agency(c for i in members for c in ordered[i].credits)
        for i in members[1:]:
            copy = ordered[i]
            exact = bool(copy.content_sha256) and copy.content_sha256 == original.content_sha256
            if wire and copy.source_id != original.source_id:
                kind = SYNDICATED
            else:
                kind = EXACT if exact else NEAR
            similarity = 1.0 if exact else round(containment(shingles[root], shingles[i]), 4)
            out.append(Duplicate(copy.article_id, original.article_id, kind, similarity))
    return sorted(out, key=lambda d: d.article_id)
