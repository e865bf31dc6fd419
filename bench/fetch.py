"""Throughput and CPU cost of the fetch path, against a plain httpx loop, in one run.

A local server (a separate process, so its CPU is not counted) serves N article pages
(the bundled sample pages, gzip-compressed as real servers send them) spread over H host
names through Settings.rewrite_base. Two clients fetch the same URLs with the same number of
threads:

* newsetl: flows.fetch.Fetcher.iter_fetch, everything on (address checks at connect time,
  robots.txt per host, per-host gates, bounded incremental decompression, retry policy),
  except the per-host *delay* (0 here: a politeness delay measures the sleep, not the code);
* peer: httpx.Client.get in a thread pool (follow_redirects, default decoding), nothing else;
* then newsetl again with the raw-zone write that fetch_page_jobs does for every body
  (gzip + fsync, in the worker threads), to show what ingest costs per page in all.

    python bench/fetch.py [--pages 2000] [--hosts 50] [--concurrency 8]

Prints a table, then one JSON line (the last line) with pages_per_s, cpu_ms_per_page for
newsetl and the peer, the ratios, the same with the raw-zone write, and peak RSS. CPU is process CPU time of
the client process (all threads); on a shared box compare the ratios more than the absolutes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _pages() -> list[bytes]:
    from flows.demo import sample_dir
    root = sample_dir()
    entries = json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
    return [(root / e["path"]).read_bytes() for e in entries if e["kind"] == "page"]


def serve() -> None:
    """The server process: every /<scheme>/<host>/<path> is a page, robots.txt is a 404."""
    bodies = [gzip.compress(p, 6) for p in _pages()]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802
            if self.path.endswith("/robots.txt"):
                body, extra = b"no robots here\n", {}
            else:
                n = int(hashlib.md5(self.path.encode()).hexdigest()[:8], 16)
                body, extra = bodies[n % len(bodies)], {"Content-Encoding": "gzip"}
                if "gzip" not in self.headers.get("Accept-Encoding", ""):
                    body, extra = gzip.decompress(body), {}
            self.send_response(404 if not extra and self.path.endswith("robots.txt") else 200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 256

        def handle_error(self, request, client_address) -> None:
            pass  # a client closing a keep-alive connection

    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    print(httpd.server_address[1], flush=True)
    httpd.serve_forever()


def _urls(pages: int, hosts: int, tag: str) -> list[str]:
    return [f"https://host{i % hosts}.bench.invalid/{tag}/article/{i}.html" for i in range(pages)]


def run_newsetl(base: str, urls: list[str], concurrency: int, store_dir: Path | None) -> dict:
    """The fetch path as fetch_page_jobs runs it; with `store_dir`, bodies also go to a raw
    zone there (in the worker threads, as in ingest)."""
    from flows.config import Settings
    from flows.fetch import Fetcher
    from warehouse.raw import RawStore
    settings = Settings(rewrite_base=base, concurrency=concurrency, per_host_concurrency=2,
                        per_host_delay_s=0.0, retries=1, backoff_s=0.05)
    keep = None
    if store_dir is not None:
        store = RawStore(store_dir / "raw")
        # the sample has ~30 distinct pages: make each body unique, as real ones are, so
        # every write hashes *and* compresses
        keep = lambda body: store.put(body + hashlib.sha1(body).digest() + os.urandom(8))  # noqa: E731
    ok = nbytes = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with Fetcher(settings) as fetcher:
        for _, res in fetcher.iter_fetch(urls, kind="page", keep=keep):
            if res.ok:
                ok += 1
                nbytes += len(res.body)
    return {"ok": ok, "bytes": nbytes, "wall_s": time.perf_counter() - wall0,
            "cpu_s": time.process_time() - cpu0}


def run_peer(base: str, urls: list[str], concurrency: int) -> dict:
    import httpx
    targets = [base + "/https/" + u.split("://", 1)[1] for u in urls]
    ok = nbytes = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with httpx.Client(timeout=20.0, follow_redirects=True,
                      limits=httpx.Limits(max_connections=concurrency)) as client:
        def get(url: str) -> bytes | None:
            try:
                r = client.get(url)
            except httpx.HTTPError:
                return None
            return r.content if r.status_code == 200 else None

        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for body in pool.map(get, targets):
                if body is not None:
                    ok += 1
                    nbytes += len(body)
    return {"ok": ok, "bytes": nbytes, "wall_s": time.perf_counter() - wall0,
            "cpu_s": time.process_time() - cpu0}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve()
        return
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE,
                              text=True)
    try:
        port = int(server.stdout.readline())
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            # warm-up: imports, connection set-up, the server's caches
            run_newsetl(base, _urls(100, 10, "warm"), args.concurrency, None)
            run_peer(base, _urls(100, 10, "warm"), args.concurrency)
            ours = run_newsetl(base, _urls(args.pages, args.hosts, "a"), args.concurrency, None)
            peer = run_peer(base, _urls(args.pages, args.hosts, "b"), args.concurrency)
            stored = run_newsetl(base, _urls(args.pages, args.hosts, "c"), args.concurrency,
                                 Path(tmp))
    finally:
        server.terminate()
        server.wait(timeout=10)

    def rates(r: dict) -> tuple[float, float]:
        return r["ok"] / r["wall_s"], 1000 * r["cpu_s"] / max(r["ok"], 1)

    ours_pps, ours_cpu = rates(ours)
    peer_pps, peer_cpu = rates(peer)
    stored_pps, stored_cpu = rates(stored)
    kib = ours["bytes"] / ours["ok"] / 1024 if ours["ok"] else 0
    print(f"{args.pages} pages ({kib:.0f} KiB each decoded, gzip on the wire) over {args.hosts} "
          f"hosts, {args.concurrency} threads")
    print(f"{'client':<26}{'ok':>7}{'pages/s':>10}{'CPU ms/page':>13}")
    print(f"{'newsetl fetch path':<26}{ours['ok']:>7}{ours_pps:>10.0f}{ours_cpu:>13.2f}")
    print(f"{'httpx thread pool (peer)':<26}{peer['ok']:>7}{peer_pps:>10.0f}{peer_cpu:>13.2f}")
    print(f"{'newsetl + raw zone write':<26}{stored['ok']:>7}{stored_pps:>10.0f}{stored_cpu:>13.2f}")
    print(json.dumps({
        "pages": args.pages, "hosts": args.hosts, "concurrency": args.concurrency,
        "ok": ours["ok"], "pages_per_s": round(ours_pps, 1),
        "cpu_ms_per_page": round(ours_cpu, 3),
        "peer": "httpx.Client thread pool", "peer_ok": peer["ok"],
        "peer_pages_per_s": round(peer_pps, 1), "peer_cpu_ms_per_page": round(peer_cpu, 3),
        "pages_per_s_ratio": round(ours_pps / peer_pps, 3) if peer_pps else None,
        "cpu_ratio": round(ours_cpu / peer_cpu, 3) if peer_cpu else None,
        "with_raw_store_pages_per_s": round(stored_pps, 1),
        "with_raw_store_cpu_ms_per_page": round(stored_cpu, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }))


if __name__ == "__main__":
    main()
