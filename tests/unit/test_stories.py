"""Duplicates and story clusters on real pages of ../shared/newsroom.

The pages go through the extract stage as the pipeline runs it (transforms.article.read_article,
then transforms.annotate for English texts), once per module (about 25 CPU-seconds).
- Stories: the November 2019 benchmark pages hold six same-event clusters across outlets
  (`story_cluster` in the manifest); the clusterer must recover them (pairwise F1 >= 0.8) and
  link no two pages of different stories among all 151 extractable pages.
- Duplicates: real articles turned into syndicated copies the way regional sites do it (new
  headline, last paragraph trimmed, a byline and a credit line added) are all found, as
  syndicated; different articles on the same event are not flagged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from transforms import nlp
from transforms.article import read_article
from transforms.entities import extract_entities
from transforms.dedupe import DedupeDoc, find_duplicates, shingle_hashes, wire_agency
from transforms.extract import ExtractionError
from transforms.stories import StoryDoc, cluster_stories, story_id_of


@dataclass(frozen=True)
class Page:
    path: str
    url: str
    host: str
    cluster: str | None
    title: str | None
    text: str
    published_at: dt.datetime | None
    agency: str | None
    entity_ids: tuple[str, ...]


@pytest.fixture(scope="module")
def pages(shared_dir: Path) -> list[Page]:
    root = shared_dir / "newsroom"
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    read = []
    for entry in manifest["entries"]:
        if entry["kind"] != "page":
            continue
        try:
            article = read_article((root / entry["path"]).read_bytes(), entry["url"])
        except ExtractionError:  # the pipeline quarantines these (a paywalled WSJ stub)
            continue
        read.append((entry, article))
    # Entities as the annotate stage finds them (recogniser and linker; the parser only codes
    # events, which clustering does not read), for the English texts as in flows/process.py.
    english = [i for i, (_, a) in enumerate(read) if (a.page.language or "en").split("-")[0] == "en"]
    docs = nlp.recognize([read[i][1].cleaned.text for i in english])
    mentions = {i: tuple(m.entity_id for m in extract_entities(doc).final_mentions())
                for i, doc in zip(english, docs)}
    out = []
    for i, (entry, article) in enumerate(read):
        dateline = article.cleaned.dateline
        out.append(Page(entry["path"], entry["url"], entry["path"].split("/")[1], entry.get("story_cluster"),
                        article.page.title, article.cleaned.text, article.page.published_at,
                        dateline.agency if dateline else None, mentions.get(i, ())))
    return out


def _story_docs(pages: list[Page]) -> list[StoryDoc]:
    return [StoryDoc(p.path, p.host, p.published_at, p.title, p.text, p.entity_ids) for p in pages]


def test_newsroom_story_clusters_are_recovered_without_cross_story_merges(pages):
    assert len(pages) >= 150
    clusters = {p.cluster for p in pages if p.cluster}
    assert len([c for c in clusters if sum(p.cluster == c for p in pages) > 1]) == 6
    stories = cluster_stories(_story_docs(pages))
    story_of = {a: s.story_id for s in stories for a in s.article_ids}
    assert len(story_of) == len(pages)
    tp = fp = fn = 0
    wrong = []
    for a, b in itertools.combinations(pages, 2):
        same_truth = a.cluster is not None and a.cluster == b.cluster
        same_page = a.url == b.url  # one page captured twice by two projects: one article
        linked = story_of[a.path] == story_of[b.path]
        if same_truth:
            tp, fn = tp + linked, fn + (not linked)
        elif linked and not same_page:
            fp += 1
            wrong.append((a.path, b.path))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert wrong == [], f"cross-story merges: {wrong}"
    assert f1 >= 0.8, f"pairwise F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f})"


def test_story_attributes_on_the_plague_cluster(pages):
    plague = [p for p in pages if p.cluster == "bubonic-plague-china-2019-11"]
    stories = cluster_stories(_story_docs(pages))
    (story,) = [s for s in stories if plague[0].path in s.article_ids]
    earliest = min(plague, key=lambda p: (p.published_at, p.path))
    assert story.story_id == story_id_of(earliest.path)
    assert story.article_ids[0] == earliest.path
    assert (story.num_articles, story.num_sources) == (4, 4)
    assert story.first_seen_at == earliest.published_at
    assert "plague" in story.headline.lower()
    assert story.top_entities[0] == "country:CHN"
    # deterministic, whatever the input order
    assert cluster_stories(_story_docs(pages[::-1])) == stories


# --- duplicates ---------------------------------------------------------------------------------

SYNDICATORS = ("dailyherald.example", "valleynews.example")


def _syndicate(page: Page, site: str, hours: int) -> DedupeDoc:
    """A regional site's copy: new headline, last paragraph trimmed, byline and credit added."""
    paragraphs = page.text.split("\n")
    text = "\n".join([f"By Staff and wire reports | {site}"] + paragraphs[:-1]
                     + ["Copyright 2019 The Associated Press. All rights reserved."])
    return DedupeDoc(f"{site}/{page.path}", site, page.published_at + dt.timedelta(hours=hours),
                     f"Local view: {page.title.split(':')[0][:40]}", text, None,
                     ("Staff and wire reports", "The Associated Press"))


def _dedupe_doc(page: Page) -> DedupeDoc:
    return DedupeDoc(page.path, page.host, page.published_at, page.title, page.text, None,
                     (page.agency or "",))


def test_syndicated_copies_of_real_articles_are_all_found(pages):
    originals = [p for p in pages if p.cluster and p.published_at and len(p.text.split("\n")) >= 4]
    assert len(originals) >= 10
    copies = [_syndicate(p, site, hours) for p in originals
              for hours, site in enumerate(SYNDICATORS, start=2)]
    found = find_duplicates([_dedupe_doc(p) for p in pages] + copies)
    by_copy = {d.article_id: d for d in found}
    for page in originals:
        for site in SYNDICATORS:
            dup = by_copy.get(f"{site}/{page.path}")
            assert dup is not None, f"copy of {page.path} on {site} not found"
            assert (dup.duplicate_of, dup.kind) == (page.path, "syndicated")
            assert dup.similarity >= 0.8
    # nothing else is flagged: the pages of one story are different articles; only the page
    # captured twice by two projects (the same URL) is a copy
    others = [d for d in found if d.article_id not in {c.article_id for c in copies}]
    urls = {p.path: p.url for p in pages}
    assert all(urls[d.article_id] == urls[d.duplicate_of] for d in others), others
    assert len(others) <= 1


def test_exact_and_near_copies_on_one_site_are_not_syndicated(pages):
    page = max((p for p in pages if p.cluster), key=lambda p: len(p.text))
    base = _dedupe_doc(page)
    later = base.published_at + dt.timedelta(hours=1)
    exact = DedupeDoc("amp/" + page.path, page.host, later, page.title, page.text, "same-hash")
    first = DedupeDoc(base.article_id, base.source_id, base.published_at, base.title, base.text, "same-hash")
    edited = DedupeDoc("edit/" + page.path, page.host, later, page.title,
                       page.text.replace(".", ";", 3), None)
    found = {d.article_id: d for d in find_duplicates([edited, exact, first])}
    assert (found[exact.article_id].kind, found[exact.article_id].duplicate_of) == ("exact", page.path)
    assert (found[edited.article_id].kind, found[edited.article_id].duplicate_of) == ("near", page.path)
    # more than a week apart: not paired
    old = DedupeDoc("old", "x", base.published_at - dt.timedelta(days=30), page.title, page.text)
    assert [d.article_id for d in find_duplicates([old, base])] == []


def test_short_texts_pair_only_on_nearly_equal_titles():
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    a = DedupeDoc("a", "s1", now, "Quake of magnitude 6.1 hits central Chile", "A strong quake hit central Chile.")
    b = DedupeDoc("b", "s2", now, "Quake of magnitude 6.1 hits central Chile!", "A strong quake hit central Chile today.")
    c = DedupeDoc("c", "s3", now, "Chile central bank holds rates", "A strong quake hit central Chile.")
    assert [(d.article_id, d.duplicate_of, d.kind) for d in find_duplicates([c, b, a])] == [("b", "a", "near")]


def test_shingles_and_wire_agency():
    assert len(shingle_hashes("one two three four")) == 0
    assert len(shingle_hashes("one two three four five six")) == 2
    assert wire_agency(["By Jane Roe, Associated Press"]) == "Associated Press"
    assert wire_agency(["", "Jane Roe/Reuters"]) == "Reuters"
    assert wire_agency(["By Jane Roe, Staff writer", "rapid"]) is None


def test_bulk_signatures_equal_datasketch_minhash(pages):
    from transforms.dedupe import minhash, signatures
    sets = [shingle_hashes(p.text) for p in pages[:30]] + [shingle_hashes("")]
    bulk = signatures(sets)
    for row, shingles in zip(bulk, sets):
        assert (row == minhash(shingles).hashvalues).all()


def test_a_story_does_not_depend_on_unrelated_articles_beside_it(pages):
    """Term weights come from the reference articles (the window), so articles that come along
    without linking to them (the rest of older stories) change none of their stories."""
    docs = _story_docs(pages)
    reference = {d.article_id for d in docs if "/aeb-" in d.article_id}
    alone = cluster_stories([d for d in docs if d.article_id in reference], reference=reference)
    beside = cluster_stories(docs, reference=reference)
    assert [s for s in beside if set(s.article_ids) & reference] == alone
