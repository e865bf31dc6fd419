"""Story clustering: articles from different outlets about the same real-world event.

Each article becomes one sparse vector with three blocks, weighted so that the dot product of
two vectors is the pair's score:
- words: content words of the title (counted TITLE_BOOST times) and of the first LEAD_WORDS
  words of the text (news puts the event in the lead), tf = 1 + log(count), smoothed idf over
  the articles clustered, L2-normalised, times sqrt(W_WORDS);
- title: the title's content words alone, weighted the same way, times sqrt(W_TITLE);
- entities: the entity ids of the article's mentions, the same way, times sqrt(W_ENTITIES).
So score = W_WORDS * cos(words) + W_TITLE * cos(title) + W_ENTITIES * cos(entities). Words with a document frequency
above max(DF_FLOOR, DF_SHARE * n) are dropped (too common to tell stories apart, and they would
make the all-pairs product quadratic), and each vector keeps its TOP_FEATURES heaviest features.

Pairs are scored with sparse matrix products over a sliding time window (articles bucketed by
UTC day, each day against itself and the WINDOW_DAYS before it), and articles whose score
reaches THRESHOLD are linked; a copy (transforms.dedupe) is always linked to its original.
Stories are the connected components (scipy). Everything is deterministic: a story's id hashes
its earliest article, so re-clustering the same articles gives the same ids.
Hand-written: the vectoriser (scikit-learn is not a dependency, and a dict vocabulary plus
scipy.sparse is about thirty lines) and the day-block product that keeps it subquadratic.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from transforms.ids import stable_id

__all__ = ["StoryDoc", "Story", "cluster_stories", "pair_scores", "story_id_of"]

LEAD_WORDS = 100
TITLE_BOOST = 3
# Weights and threshold chosen on ../shared/newsroom's story clusters (tests/unit/test_stories.py):
# the weakest link a true story needs scores 0.32 there, the strongest false pair (within the
# window) 0.20. Entities weigh little: the linker's noise (bylines and page furniture read as
# organisations) makes their overlap a weak signal on real pages.
W_WORDS = 0.4
W_TITLE = 0.5
W_ENTITIES = 0.1
THRESHOLD = 0.26
WINDOW_DAYS = 3             # articles more than this many UTC days apart are never linked
DF_FLOOR = 50
DF_SHARE = 0.01
TOP_FEATURES = 60
TOP_ENTITIES = 5

_WORD = re.compile(r"[^\W\d_]{3,}")
# Function words and newsroom furniture: frequent in every story, never what it is about.
_STOP = frozenset("""
about above after again against all also among and any are around because been before being
below between both but can could did does doing down during each even ever every few for from
further had has have having her here hers herself him himself his how however into its itself
just last least less like made make many may more most much must near new news next not now off
often once one only other our ours out over own per said same say says see she should since
some such than that the their theirs them then there these they this those through time told
too two under until upon very was way were what when where which while who whom whose why will
with within without would year years yet you your yours according added also reported report
reports told week day days today yesterday tomorrow monday tuesday wednesday thursday friday
saturday sunday people just still including first second third well back get got going
""".split())
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_NO_TIME = datetime.max.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class StoryDoc:
    """What clustering needs of one article."""

    article_id: str
    source_id: str
    published_at: datetime | None    # publication (or fetch) time, UTC
    title: str | None
    text: str
    entity_ids: tuple[str, ...] = ()  # one per mention: repeats weigh more
    duplicate_of: str | None = None   # transforms.dedupe: always in its original's story


@dataclass(frozen=True, slots=True)
class Story:
    """One cluster. `article_ids` are earliest first; `article_id` is the representative."""

    story_id: str
    article_ids: tuple[str, ...]
    article_id: str
    headline: str | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    num_articles: int
    num_sources: int
    top_entities: tuple[str, ...]


def _order(doc: StoryDoc) -> tuple[datetime, str]:
    return (doc.published_at or _NO_TIME, doc.article_id)


def story_id_of(earliest_article_id: str) -> str:
    """The id of the story whose earliest article is `earliest_article_id`."""
    return stable_id("story", earliest_article_id)


def _title_words(doc: StoryDoc) -> list[str]:
    return [w for w in _WORD.findall((doc.title or "").lower()) if w not in _STOP]


def _words(doc: StoryDoc, title: list[str]) -> list[str]:
    lead = doc.text[:LEAD_WORDS * 8].lower()
    body = [w for w in _WORD.findall(lead)[:LEAD_WORDS] if w not in _STOP]
    return title * TITLE_BOOST + body


class _Vocabulary(dict):
    """term -> column, numbered in order of first sight (mapped over all terms at C speed)."""

    def __missing__(self, term: str) -> int:
        self[term] = column = len(self)
        return column


def _block(bags: Sequence[Sequence[str]], weight: float,
           reference: np.ndarray | None = None) -> sp.csr_matrix:
    """tf-idf rows (1 + log tf, smoothed idf), common features dropped, top features kept,
    L2-normalised, times sqrt(weight). Document frequencies count the `reference` rows only
    (a boolean mask; None: all)."""
    vocab = _Vocabulary()
    lengths = np.fromiter((len(bag) for bag in bags), dtype=np.int64, count=len(bags))
    cols = np.fromiter(map(vocab.__getitem__, itertools.chain.from_iterable(bags)), dtype=np.int64,
                       count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(bags), dtype=np.int64), lengths)
    m = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)),
                      shape=(len(bags), max(len(vocab), 1)))
    m.sum_duplicates()
    m.data = 1.0 + np.log(m.data)
    ref = m if reference is None else m[np.nonzero(reference)[0]]
    n = ref.shape[0]
    df = np.bincount(ref.indices, minlength=m.shape[1])
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    idf[df > max(DF_FLOOR, DF_SHARE * n)] = 0.0   # too common: dropped
    m = (m @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m = (sp.diags((math.sqrt(weight) / norms).astype(np.float32)) @ m).tocsr()
    # Features of one article link nothing: dropped after normalising (they still count in
    # the norm, or two articles sharing their only common word would score 1).
    m = m @ sp.diags((df >= 2).astype(np.float32))
    m.eliminate_zeros()
    return _top_per_row(m.tocsr(), TOP_FEATURES)


def _top_per_row(m: sp.csr_matrix, k: int) -> sp.csr_matrix:
    counts = np.diff(m.indptr)
    if counts.size == 0 or counts.max() <= k:
        return m
    m = m.copy()
    for i in np.nonzero(counts > k)[0]:
        lo, hi = m.indptr[i], m.indptr[i + 1]
        row = m.data[lo:hi]
        # keep every feature at least as heavy as the k-th heaviest: ties all stay, so the
        # result does not depend on column numbers (the order terms were first seen in)
        kth = np.partition(row, len(row) - k)[len(row) - k]
        row[row < kth] = 0.0
    m.eliminate_zeros()
    return m


def vectors(docs: Sequence[StoryDoc], reference: np.ndarray | None = None) -> sp.csr_matrix:
    """One row per doc: the weighted word, title and entity blocks side by side. Term weights
    come from the `reference` docs (a boolean mask; None: all)."""
    title_words = [_title_words(d) for d in docs]
    words = _block([_words(d, t) for d, t in zip(docs, title_words)], W_WORDS, reference)
    titles = _block(title_words, W_TITLE, reference)
    entities = _block([d.entity_ids for d in docs], W_ENTITIES, reference)
    return sp.hstack([words, titles, entities], format="csr")


def _days(docs: Sequence[StoryDoc]) -> np.ndarray:
    """UTC day number of each doc; undated docs get their own far-away day (never linked)."""
    out = np.empty(len(docs), dtype=np.int64)
    for i, d in enumerate(docs):
        out[i] = (d.published_at - _EPOCH).days if d.published_at else 10**9 + i * (WINDOW_DAYS + 1)
    return out


def pair_scores(docs: Sequence[StoryDoc], x: sp.csr_matrix | None = None,
                threshold: float = THRESHOLD) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, score) of every pair i < j within WINDOW_DAYS whose score reaches `threshold`.

    Docs must be in time order (as cluster_stories orders them).
    """
    x = vectors(docs) if x is None else x
    days = _days(docs)
    starts = np.searchsorted(days, np.unique(days), side="left")
    ends = np.searchsorted(days, np.unique(days), side="right")
    out_i, out_j, out_s = [], [], []
    for lo, hi in zip(starts, ends):
        first = np.searchsorted(days, days[lo] - WINDOW_DAYS, side="left")
        block = x[lo:hi] @ x[first:hi].T    # this day's articles against the window up to it
        block = block.tocoo()
        keep = block.data >= threshold
        i = block.row[keep] + lo
        j = block.col[keep] + first
        earlier = j < i
        out_i.append(j[earlier])
        out_j.append(i[earlier])
        out_s.append(block.data[keep][earlier])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def cluster_stories(docs: Iterable[StoryDoc], *, threshold: float = THRESHOLD,
                    reference: Collection[str] | None = None) -> list[Story]:
    """Every doc in exactly one story (stories of one included), ordered by story id.

    `reference`: the article ids whose term statistics weigh words and entities (None: all).
    With it, a pair's score depends on the two articles and the reference set only, so adding
    or leaving out unrelated articles changes no other story.
    """
    ordered = sorted(docs, key=_order)
    n = len(ordered)
    if n == 0:
        return []
    mask = None if reference is None else np.array([d.article_id in reference for d in ordered])
    x = vectors(ordered, mask)
    pi, pj, ps = pair_scores(ordered, x, threshold)
    index = {d.article_id: k for k, d in enumerate(ordered)}
    dup = [(index[d.duplicate_of], k) for k, d in enumerate(ordered)
           if d.duplicate_of is not None and d.duplicate_of in index]
    if dup:
        di, dj = np.asarray(dup, dtype=np.int64).T
        pi, pj = np.concatenate([pi, di]), np.concatenate([pj, dj])
        ps = np.concatenate([ps, np.ones(len(dup), dtype=np.float32)])
    graph = sp.coo_matrix((np.ones(len(pi), dtype=np.int8), (pi, pj)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    strength = np.bincount(pi, weights=ps, minlength=n) + np.bincount(pj, weights=ps, minlength=n)
    members: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        members.setdefault(int(label), []).append(k)
    stories = [_story([ordered[k] for k in ks], strength[ks]) for ks in members.values()]
    return sorted(stories, key=lambda s: s.story_id)


def _story(members: list[StoryDoc], strength: np.ndarray) -> Story:
    """A story from its members (earliest first) and each member's summed link score."""
    originals = [k for k, d in enumerate(members) if d.duplicate_of is None and d.title]
    pool = originals or list(range(len(members)))
    rep = max(pool, key=lambda k: (round(float(strength[k]), 6), -k))  # most linked; earliest on ties
    times = [d.published_at for d in members if d.published_at is not None]
    per_article = Counter(e for d in members for e in set(d.entity_ids))
    per_mention = Counter(e for d in members for e in d.entity_ids)
    top = sorted(per_article, key=lambda e: (-per_article[e], -per_mention[e], e))[:TOP_ENTITIES]
    return Story(
        story_id=story_id_of(members[0].article_id),
        article_ids=tuple(d.article_id for d in members),
        article_id=members[rep].article_id,
        headline=members[rep].title,
        first_seen_at=min(times) if times else None,
        last_seen_at=max(times) if times else None,
        num_articles=len(members),
        num_sources=len({d.source_id for d in members}),
        top_entities=tuple(top),
    )
