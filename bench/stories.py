"""Benchmark: duplicates + story clustering at 100,000 articles, and quality on real pages.

1. newsroom: the 151 extractable pages of ../shared/newsroom through the extract stage and the
   entity recogniser, clustered; pairwise F1 against the manifest's six story clusters (pages of
   one URL captured twice count as one article), plus cross-story merges (must be 0).
2. synthetic: N articles (default 100,000) over 30 days, generated in bulk from the newsroom
   texts' own word frequencies: stories of 1-20 articles (geometric sizes, mean ~4) from
   different sources within two days, each story with its own rare words and entities mixed
   into everyday text, headlines reworded per outlet, and 8% syndicated copies (byline added,
   last paragraph trimmed, new headline). Timed: transforms.dedupe.find_duplicates +
   transforms.stories.cluster_stories on all of them (CPU and wall, median of --repeat runs),
   with pairwise precision/recall against the generated stories on the first 3,000 articles
   (whole stories; their labels from the 100k run).
3. peer, same run: the naive approach, rapidfuzz token_set_ratio between every pair of article
   leads (process.cdist), on a --peer-n subsample; its time is extrapolated quadratically to N.

Last line: one JSON object (newsroom_pairwise_f1, cluster_100k_s, ...).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from transforms.dedupe import DedupeDoc, find_duplicates  # noqa: E402
from transforms.stories import StoryDoc, cluster_stories  # noqa: E402

SHARED = REPO.parent / "shared" / "newsroom"
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def newsroom_pages() -> list[dict]:
    from transforms import nlp
    from transforms.article import read_article
    from transforms.entities import extract_entities
    from transforms.extract import ExtractionError
    manifest = json.loads((SHARED / "manifest.json").read_text("utf-8"))
    pages = []
    for entry in manifest["entries"]:
        if entry["kind"] != "page":
            continue
        try:
            article = read_article((SHARED / entry["path"]).read_bytes(), entry["url"])
        except ExtractionError:
            continue
        pages.append({"path": entry["path"], "url": entry["url"], "cluster": entry.get("story_cluster"),
                      "title": article.page.title, "text": article.cleaned.text,
                      "published_at": article.page.published_at, "language": article.page.language,
                      "entities": ()})
    english = [p for p in pages if (p["language"] or "en").split("-")[0] == "en"]
    for page, doc in zip(english, nlp.recognize([p["text"] for p in english])):
        page["entities"] = tuple(m.entity_id for m in extract_entities(doc).final_mentions())
    return pages


def pairwise(labels_true: list, labels_pred: list, same_item=None) -> tuple[float, float, float, int]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(range(len(labels_true)), 2):
        t = labels_true[a] is not None and labels_true[a] == labels_true[b]
        p = labels_pred[a] == labels_pred[b]
        if same_item is not None and not t and same_item(a, b):
            continue
        tp += t and p
        fp += p and not t
        fn += t and not p
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, fp


def newsroom_f1(pages: list[dict]) -> tuple[float, int]:
    docs = [StoryDoc(p["path"], p["path"].split("/")[1], p["published_at"], p["title"], p["text"],
                     p["entities"]) for p in pages]
    story = {a: s.story_id for s in cluster_stories(docs) for a in s.article_ids}
    _, _, f1, fp = pairwise([p["cluster"] for p in pages], [story[p["path"]] for p in pages],
                            lambda a, b: pages[a]["url"] == pages[b]["url"])
    return f1, fp


# --- synthetic articles ---------------------------------------------------------------------------

def synthetic(n: int, pages: list[dict], seed: int = 8) -> tuple[list[StoryDoc], list[DedupeDoc], list[int]]:
    """n articles, their dedupe view and their true story numbers."""
    rng = np.random.default_rng(seed)
    counts = Counter(w for p in pages for w in re.findall(r"[a-z]{3,}", p["text"].lower()))
    words = np.array(sorted(counts, key=lambda w: (-counts[w], w)))
    freq = np.array([counts[w] for w in words], dtype=float)
    common_p = freq / freq.sum()
    rare = words[len(words) // 4:]            # story words: the long tail
    entity_pool = np.array([f"org:e{i}" for i in range(30_000)])
    entity_p = 1.0 / np.arange(1, len(entity_pool) + 1) ** 0.8
    entity_cdf = np.minimum(np.cumsum(entity_p / entity_p.sum()), 1.0 - 1e-12)
    sources = [f"site{i}" for i in range(400)]
    vocabulary = words.tolist()
    # bulk draws (indices, same stream as drawing the words), sliced per article
    background = rng.choice(len(words), size=n * 320, p=common_p)
    bg = 0
    story_docs, dedupe_docs, truth = [], [], []
    story = 0
    while len(story_docs) < n:
        size = min(int(rng.geometric(0.25)), 20, n - len(story_docs))
        topic = rare[np.unique(rng.integers(len(rare), size=14))]
        ents = entity_pool[np.unique(np.searchsorted(entity_cdf, rng.random(5)))]
        start = START + dt.timedelta(seconds=float(rng.uniform(0, 30 * 86400)))
        originals: list[tuple[str, list[str]]] = []
        for k in range(size):
            at = start + dt.timedelta(seconds=float(rng.uniform(0, 2 * 86400)))
            source = sources[int(rng.integers(len(sources)))]
            aid = f"a{len(story_docs)}"
            title_words = list(topic[rng.permutation(min(6, len(topic)))[:4]]) + [
                vocabulary[i] for i in background[bg:bg + 4]]
            bg += 4
            if originals and rng.random() < 0.08:          # a syndicated copy of an earlier article
                text_of, paragraphs = originals[int(rng.integers(len(originals)))]
                paragraphs = [f"By Staff, {source}"] + paragraphs[:-1]
                credits = ("Associated Press",)
            else:
                body = [vocabulary[i] for i in background[bg:bg + 300]]
                bg += 300
                for pos in rng.choice(300, size=60, replace=False):   # a fifth of the text on topic
                    body[int(pos)] = str(topic[int(rng.integers(len(topic)))])
                paragraphs = [" ".join(body[i:i + 50]) + "." for i in range(0, 300, 50)]
                originals.append((aid, paragraphs))
                credits = ()
            text = "\n".join(paragraphs)
            mentions = tuple(ents[rng.integers(len(ents), size=6)]) + tuple(
                entity_pool[np.searchsorted(entity_cdf, rng.random(2))])
            title = " ".join(str(w) for w in title_words).capitalize()
            story_docs.append(StoryDoc(aid, source, at, title, text, mentions))
            dedupe_docs.append(DedupeDoc(aid, source, at, title, text, None, credits))
            truth.append(story)
        story += 1
        if bg > len(background) - 400:
            bg = 0
    return story_docs, dedupe_docs, truth


def run_ours(story_docs: list[StoryDoc], dedupe_docs: list[DedupeDoc]) -> tuple[float, float, dict, list]:
    wall, cpu = time.perf_counter(), time.process_time()
    dups = find_duplicates(dedupe_docs)
    t_dedupe = time.perf_counter() - wall
    original = {d.article_id: d.duplicate_of for d in dups}
    docs = [StoryDoc(d.article_id, d.source_id, d.published_at, d.title, d.text, d.entity_ids,
                     original.get(d.article_id)) for d in story_docs]
    stories = cluster_stories(docs)
    return (time.perf_counter() - wall, time.process_time() - cpu,
            {"dedupe_s": round(t_dedupe, 2), "duplicates": len(dups), "stories": len(stories)}, stories)


def run_peer(story_docs: list[StoryDoc], truth: list[int], m: int, n_total: int) -> dict:
    from rapidfuzz import fuzz, process
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    idx = np.arange(m)
    leads = [(story_docs[i].title or "") + " " + " ".join(story_docs[i].text.split()[:100]) for i in idx]
    wall, cpu = time.perf_counter(), time.process_time()
    scores = process.cdist(leads, leads, scorer=fuzz.token_set_ratio, score_cutoff=60, dtype=np.uint8, workers=1)
    rows, cols = np.nonzero(scores)
    _, labels = connected_components(coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m)), directed=False)
    elapsed, cpu_s = time.perf_counter() - wall, time.process_time() - cpu
    p, r, f1, _ = pairwise([truth[i] for i in idx], list(labels))
    return {"peer": "rapidfuzz token_set_ratio all pairs (leads)", "peer_n": m,
            "peer_s": round(elapsed, 2), "peer_cpu_s": round(cpu_s, 2),
            "peer_100k_extrapolated_s": round(elapsed * (n_total / m) ** 2, 1),
            "peer_sample_precision": round(p, 3), "peer_sample_recall": round(r, 3), "peer_sample_f1": round(f1, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peer-n", type=int, default=2_000)
    args = parser.parse_args()
    started = time.perf_counter()
    pages = newsroom_pages()
    f1, cross = newsroom_f1(pages)
    print(f"newsroom: {len(pages)} pages, pairwise F1 {f1:.3f}, cross-story merges {cross}", flush=True)
    gen = time.perf_counter()
    story_docs, dedupe_docs, truth = synthetic(args.n, pages)
    print(f"synthetic: {len(story_docs)} articles, {max(truth) + 1} stories, generated in "
          f"{time.perf_counter() - gen:.1f} s", flush=True)
    walls, cpus = [], []
    for k in range(args.repeat):
        wall, cpu, info, stories = run_ours(story_docs, dedupe_docs)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {k + 1}: wall {wall:.1f} s, CPU {cpu:.1f} s, {info}", flush=True)
    story_of = {a: s.story_id for s in stories for a in s.article_ids}
    sample = list(range(min(3000, len(story_docs))))  # whole stories (generated one after another)
    p, r, sf1, _ = pairwise([truth[i] for i in sample], [story_of[story_docs[i].article_id] for i in sample])
    ours_peer = _ours_on_prefix(story_docs, dedupe_docs, truth, args.peer_n)
    peer = run_peer(story_docs, truth, args.peer_n, args.n)
    print(f"peer: {peer}", flush=True)
    figures = {
        "newsroom_pairwise_f1": round(f1, 3), "newsroom_cross_story_merges": cross,
        "n": len(story_docs), "cluster_100k_s": round(statistics.median(walls), 2),
        "cluster_100k_cpu_s": round(statistics.median(cpus), 2), "runs": args.repeat,
        "synthetic_precision": round(p, 3), "synthetic_recall": round(r, 3), "synthetic_f1": round(sf1, 3),
        **info, **ours_peer, **peer, "total_s": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(figures))


def _ours_on_prefix(story_docs, dedupe_docs, truth, m: int) -> dict:
    """Ours on the same articles the peer sees (the first m), for a like-for-like F1 and time."""
    wall = time.perf_counter()
    _, _, _, stories = run_ours(story_docs[:m], dedupe_docs[:m])
    elapsed = time.perf_counter() - wall
    story_of = {a: s.story_id for s in stories for a in s.article_ids}
    p, r, f1, _ = pairwise(truth[:m], [story_of[d.article_id] for d in story_docs[:m]])
    return {"ours_sample_s": round(elapsed, 2), "ours_sample_precision": round(p, 3),
            "ours_sample_recall": round(r, 3), "ours_sample_f1": round(f1, 3)}


if __name__ == "__main__":
    main()
