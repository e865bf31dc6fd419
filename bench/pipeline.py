"""End-to-end throughput of process + load, against a plain trafilatura-only loop, in one run.

The corpus repeats the bundled sample pages (flows/sample) until it has N articles; each copy
gets its own host name (in its URL and inside its HTML: canonical links, og:url, JSON-LD) so it
is a distinct article all the way into the warehouse. By default Prefect is not involved: this
measures the stage code the tasks run (flows.process.process_to_lake,
flows.load.load_into_warehouse), in batches as the flow does. Run it as a module
(`python -m bench.pipeline`): as a script, bench/warehouse.py would shadow the package.

    python -m bench.pipeline [--articles 2000] [--batch-size 200]

Prints a table, then one JSON line: articles, articles_per_s, reference_articles_per_s,
cpu-based rates, and peak_rss_mib. Product goal: 1M articles/day on 2 cores (>= 12 articles/s).

    python -m bench.pipeline --task-runner processes [--articles 1500] [--batch-size 50] [--repeat 3]

compares task runners instead: the Prefect `process` flow (flows.process.run_process, on
Prefect's ephemeral local API) on `threads` and on the runner named, over the same corpus,
alternating which goes first, each followed by the load. `processes` pays in every run for its
Dask cluster start and its workers' model loads; `threads` finds the models already loaded in
this process (as a long-lived `newsetl serve` would). CPU seconds count the worker processes
too (reaped children). The JSON line gives the median articles/s of each, the median of the
same-repetition wall ratios, and a CPU ratio (the speed-up if each side had its cores alone).
"""

from __future__ import annotations

import os as _os

# Before Prefect is imported: nothing leaves 127.0.0.1, and short logs.
_os.environ.setdefault("DO_NOT_TRACK", "1")
_os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
_os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import argparse
import json
import os
import resource
import statistics
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


def _cpu_s() -> float:
    """CPU seconds of this process and of its children that have exited (Dask workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_flow(docs: list[tuple[str, bytes]], batch_size: int, data_dir: Path, runner: str,
             workers: int | None) -> dict:
    """process (on `runner`) + load of the corpus, as `newsetl run` does after fetching."""
    from flows.config import Settings
    from flows.process import run_process
    from flows.runs import write_jsonl

    settings = Settings(data_dir=data_dir, batch_size=batch_size, task_runner=runner,
                        workers=workers)
    paths = DataPaths.of(settings)
    store = RawStore(paths.raw)
    now = datetime.now(timezone.utc).isoformat()
    run_id = "20000101T000000Z-bench-" + runner.replace(":", "").replace("/", "")
    jobs = [{"url": url, "fetch_url": url, "final_url": url, "source_id": "bench",
             "raw_sha256": store.put(html), "content_type": "text/html", "publisher": None,
             "feed_language": "en", "feed_published_at": None, "item_id": str(i),
             "fetched_at": now} for i, (url, html) in enumerate(docs)]
    pages_file = write_jsonl(paths.work(run_id) / "pages.jsonl", jobs)
    load0 = os.getloadavg()[0]
    wall0, cpu0 = time.perf_counter(), _cpu_s()
    proc = run_process(run_id, str(pages_file), settings)
    wall1, cpu1 = time.perf_counter(), _cpu_s()
    summary = load_into_warehouse(run_id, paths, datetime.now(timezone.utc), {})
    wall2 = time.perf_counter()
    return {"runner": runner, "articles": summary.totals.get("articles", 0),
            "processed": proc.articles, "process_wall_s": round(wall1 - wall0, 2),
            "process_cpu_s": round(cpu1 - cpu0, 2), "load_wall_s": round(wall2 - wall1, 2),
            "articles_per_s": round(len(docs) / (wall2 - wall0), 2),
            "loadavg_before": round(load0, 2), "loadavg_after": round(os.getloadavg()[0], 2)}


def compare_runners(docs: list[tuple[str, bytes]], batch_size: int, runner: str,
                    workers: int | None, repeat: int) -> dict:
    """`threads` against `runner`, `repeat` times, alternating which runs first.

    Before timing: Prefect's local API is started and this process loads the models, so the
    threads runs never pay for them (a `newsetl serve` process keeps them too), while every
    `processes` run pays for its cluster start and its workers' model loads: conservative."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.hello()  # starts Prefect's ephemeral API server, once
    annotate_texts(["Warm-up: load the spaCy model before timing."])
    rounds = []
    for rep in range(repeat):
        order = ["threads", runner] if rep % 2 == 0 else [runner, "threads"]
        got = {}
        for name in order:
            with tempfile.TemporaryDirectory(prefix="newsetl-bench-") as tmp:
                got[name] = run_flow(docs, batch_size, Path(tmp), name, workers)
            print(json.dumps(got[name]), file=sys.stderr)
        got["ratio"] = round(got[runner]["articles_per_s"] / got["threads"]["articles_per_s"], 3)
        # On a shared box the two sides get different shares of the cores, so also: the ratio
        # if each process had a core to itself (threads: its CPU time on one core; workers:
        # their CPU time, start-up and model loads included, spread over `workers` cores).
        n = workers or os.cpu_count() or 1
        got["cpu_ratio"] = round(got["threads"]["process_cpu_s"]
                                 / (got[runner]["process_cpu_s"] / n), 3)
        rounds.append(got)
    median = statistics.median
    return {
        "articles": rounds[0][runner]["articles"], "pages": len(docs), "batch_size": batch_size,
        "task_runner": runner, "workers": workers or os.cpu_count(), "repeat": repeat,
        "threads_articles_per_s": median(r["threads"]["articles_per_s"] for r in rounds),
        "runner_articles_per_s": median(r[runner]["articles_per_s"] for r in rounds),
        "ratio_median": median(r["ratio"] for r in rounds),
        "ratios": [r["ratio"] for r in rounds],
        "cpu_ratio_median": median(r["cpu_ratio"] for r in rounds),
        "cpu_ratios": [r["cpu_ratio"] for r in rounds],
        "threads_process_cpu_s": median(r["threads"]["process_cpu_s"] for r in rounds),
        "runner_process_cpu_s": median(r[runner]["process_cpu_s"] for r in rounds),
        "threads_process_wall_s": median(r["threads"]["process_wall_s"] for r in rounds),
        "runner_process_wall_s": median(r[runner]["process_wall_s"] for r in rounds),
        "loadavg": [r[n]["loadavg_before"] for r in rounds for n in ("threads", runner)],
        "same_warehouse_rows": all(r[runner]["articles"] == r["threads"]["articles"]
                                   for r in rounds),
    }


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
    ap.add_argument("--task-runner", default=None,
                    help="compare this runner (processes, dask://host:port) with threads")
    ap.add_argument("--workers", type=int, default=None, help="processes: worker count")
    ap.add_argument("--repeat", type=int, default=3, help="runner comparisons: repetitions")
    args = ap.parse_args(argv)
    docs = corpus(args.articles)
    if args.task_runner:
        figures = compare_runners(docs, args.batch_size, args.task_runner, args.workers,
                                  args.repeat)
        print(f"articles/s: threads {figures['threads_articles_per_s']}, {args.task_runner} "
              f"{figures['runner_articles_per_s']}, ratio (median of same-run ratios) "
              f"{figures['ratio_median']}", file=sys.stderr)
        print(json.dumps(figures))
        return
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
