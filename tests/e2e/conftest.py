"""End-to-end fixtures: one Prefect test harness for the session, and a capture server over
../shared/newsroom with a small synthetic feed (labelled so) of captured pages."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from flows.demo import sample_dir
from flows.sample_server import CaptureServer, rss_document

SYNTH = "https://e2e.newsetl.invalid"
SEED_URL = f"{SYNTH}/seed/upi-2022-07-14-north-korea-recognizes-donetsk-lugansk.html"
GZIPPED_URL = f"{SYNTH}/broken/gzip-body.html"           # binary body where HTML was promised
MISLABELLED_URL = f"{SYNTH}/broken/latin1-says-utf8.html"  # latin-1 bytes, header says utf-8
PAGES = [  # captured English pages, with their original URLs from the newsroom manifest
    "pages/apnews.com/fundus-apnews_2023_04_28.html",
    "pages/www.voanews.com/fundus-voiceofamerica_2024_04_28.html",
    "pages/www.usatoday.com/aeb-776a1c046798.html",
    "pages/thehill.com/aeb-156770d676ce.html",
    "pages/www.spokesman.com/aeb-c13b9c0e04fb.html",
    "pages/www.aljazeera.com/aeb-7916ecca969f.html",
]


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for all e2e tests (a cold start took 18-60 s here)."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=240):
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def newsroom_server(shared_dir: Path):
    root = shared_dir / "newsroom"
    entries = json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
    urlmap = json.loads((root / "urlmap.json").read_text("utf-8"))
    by_path = {e["path"]: e for e in entries}
    seed_html = next((sample_dir() / "seed").glob("*.html")).read_bytes()
    latin1 = ("<html><head><title>Caf\u00e9 society</title></head><body><article>"
              + "".join(f"<p>Paragraph {i}: the caf\u00e9 in S\u00e3o Paulo served cr\u00e8me "
                        "br\u00fbl\u00e9e to the minister, who praised the na\u00efve "
                        "r\u00e9sum\u00e9 of the city council before the vote on Tuesday.</p>"
                        for i in range(6))
              + "</article></body></html>").encode("latin-1")
    items = [{"title": "seed", "link": SEED_URL, "published": "2022-07-14T03:41:00+00:00"}]
    items += [{"title": by_path[p]["publisher"], "link": by_path[p]["url"]} for p in PAGES]
    items += [{"title": "gzip body", "link": GZIPPED_URL},
              {"title": "mislabelled", "link": MISLABELLED_URL},
              {"title": "never captured", "link": f"{SYNTH}/missing/page.html"}]
    synthetic = {
        f"{SYNTH}/feeds/pages.xml": (rss_document("e2e: captured pages (synthetic feed)", SYNTH,
                                                  items), "application/rss+xml"),
        SEED_URL: (seed_html, "text/html"),
        GZIPPED_URL: (gzip.compress(b"<html>" + b"x" * 5000 + b"</html>"), "text/html"),
        MISLABELLED_URL: (latin1, "text/html; charset=utf-8"),
        f"{SYNTH}/feeds/malformed.xml": ((root / "feeds" / "dylanharris-malformed.xml").read_bytes(),
                                         "application/xml"),
    }
    with CaptureServer(root, urlmap, synthetic=synthetic) as server:
        yield server


@pytest.fixture(scope="session")
def e2e_sources(tmp_path_factory, newsroom_server) -> Path:
    path = tmp_path_factory.mktemp("sources") / "sources.toml"
    path.write_text(f"""
[defaults]
max_items = 3

[[sources]]
id = "e2e-pages"
name = "Captured pages (synthetic feed)"
url = "{SYNTH}/feeds/pages.xml"
max_items = 50

[[sources]]
id = "bbc-world"
name = "BBC World (real feed; its items were not captured)"
url = "https://feeds.bbci.co.uk/news/world/rss.xml"

[[sources]]
id = "malformed"
name = "A real malformed feed"
url = "{SYNTH}/feeds/malformed.xml"

[[sources]]
id = "truncated"
name = "Reuters, truncated mid-document"
url = "https://www.reuters.com/"

[[sources]]
id = "gone"
name = "A feed that is not there"
url = "{SYNTH}/feeds/not-there.xml"
""")
    return path
