"""End-to-end throughput of process + load, against a plain trafilatura-only loop, in one run.

The corpus repeats the bundled sample pages (flows/sample) until it has N articles; each copy
gets its own host name (in its URL and inside its HTML: canonical links, og:url, JSON-LD) so it
is a distinct article all the way into the warehouse. Prefect is not involved: this measures the stage code the tasks run
(flows.process.process_to_lake, flows.load.load_into_warehouse), in batches as the flow does.

    python bench/pipeline.py [--articles 2000] [--batch-size 200]

Prints a table, then one JSON line: articles, articles_per_s, reference_articles_per_s,
cpu-based rates, and peak_rss_mib. Product goal: 1M articles/day on 2 cores (>= 12 articles/s).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

from flows.config import DataPaths
from flows.demo import sample_dir
from flows.load import load_into_warehouse
from flows.process import process_to_lake
from transforms.annotate import annotate_texts
from warehouse.raw import RawStore

def corpus(n: int) -> list[tuple[str, bytes]]:
    root = sample_dir()
    entries = json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
    pages = [(e["url"], (root / e["path"]).read_bytes()) for e in entries if e["kind"] == "page"]
    out = []
    for i in range(n):
        url, html = pages[i % len(pages)]
        host = urlsplit(url).hostname or "example.invalid"
        copy_host = f"copy{i}.{host}"
        out.append((url.replace(host, copy_host, 1),
                    html.replace(host.encode(), copy_host.encode()) + f"<!-- copy {i} -->".encode()))
    return out


def run_newsetl(docs: list[tuple[str, bytes]], batch_size: int, data_dir: Path) -> dict:
    paths = DataPaths(data_dir)
    store = RawStore(paths.raw)
    now = datetime.now(timezone.utc).isoformat()
    jobs = [{"url": url, "fetch_url": url, "final_url": url, "source_id": "bench",
             "raw_sha256": store.put(html), "content_type": "text/html", "publisher": None,
             "feed_language": "en", "feed_published_at": None, "item_id": str(i),
             "fetched_at": now} for i, (url, html) in enumerate(docs)]
    annotate_texts(["Warm-up: load the spaCy model before timing."])
    run_id = "20000101T000000Z-bench0"
    wall0, cpu0 = time.perf_counter(), time.process_time()
    counts: dict[str, int] = {}
    for start in range(0, len(jobs), batch_size):
        got = process_to_lake(run_id, jobs[start:start + batch_size], paths, f"b{start:07d}")
        for k, v in got.items():
            counts[k] = counts.get(k, 0) + v
    wall1, cpu1 = time.perf_counter(), time.process_time()
    summary = load_into_warehouse(run_id, paths, datetime.now(timezone.utc), {})
    wall2, cpu2 = time.perf_counter(), time.process_time()
    return {"articles": summary.totals.get("articles", 0), "counts": counts,
            "process_wall_s": wall1 - wall0, "process_cpu_s": cpu1 - cpu0,
            "load_wall_s": wall2 - wall1, "load_cpu_s": cpu2 - cpu1,
            "wall_s": wall2 - wall0, "cpu_s": cpu2 - cpu0}


def run_reference(docs: list[tuple[str, bytes]]) -> dict:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    extracted = 0
    for url, html in docs:
        if trafilatura.extract(html.decode("utf-8", "replace"), url=url):
            extracted += 1
    return {"extracted": extracted, "wall_s": time.perf_counter() - wall0,
            "cpu_s": time.process_time() - cpu0}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=200)
    args = ap.parse_args(argv)
    docs = corpus(args.articles)
    ref = run_reference(docs)
    with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
        ours = run_newsetl(docs, args.batch_size, Path(tmp))
    n = len(docs)
    figures = {
        "articles": ours["articles"],
        "pages": n,
        "articles_per_s": round(n / ours["wall_s"], 2),
        "articles_per_cpu_s": round(n / ours["cpu_s"], 2),
        "process_cpu_s_per_article": round(ours["process_cpu_s"] / n, 4),
        "load_wall_s": round(ours["load_wall_s"], 2),
        "reference_articles_per_s": round(n / ref["wall_s"], 2),
        "reference_articles_per_cpu_s": round(n / ref["cpu_s"], 2),
        "goal_articles_per_s": 12,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "counts": ours["counts"],
    }
    print(f"{'':24}{'newsetl (process+load)':>24}{'trafilatura only':>20}", file=sys.stderr)
    print(f"{'articles/s (wall)':24}{figures['articles_per_s']:>24}"
          f"{figures['reference_articles_per_s']:>20}", file=sys.stderr)
    print(f"{'articles/CPU-s':24}{figures['articles_per_cpu_s']:>24}"
          f"{figures['reference_articles_per_cpu_s']:>20}", file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
