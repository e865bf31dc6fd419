"""The offline demo: serve the bundled sample on 127.0.0.1 and run the real pipeline against it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from flows.sample_server import CaptureServer, rss_document

DEMO_HOST = "https://demo.newsetl.invalid"


def sample_dir() -> Path:
    """The bundled sample (flows/sample): a few MB of real captured feeds and pages."""
    return Path(str(resources.files("flows") / "sample"))


def sample_sources() -> Path:
    return sample_dir() / "sources.toml"


def demo_server(root: Path | None = None) -> CaptureServer:
    """A CaptureServer for the sample, with the two synthetic demo feeds built from its manifest."""
    root = root or sample_dir()
    entries = json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
    urlmap = {e["url"]: e["path"] for e in entries}
    pages = [e for e in entries if e["kind"] == "page"]
    seed = [e for e in pages if e["path"].startswith("seed/")]
    others = [e for e in pages if not e["path"].startswith("seed/")]

    def feed(title: str, link: str, chosen: list[dict]) -> tuple[bytes, str]:
        items = [{"title": e["title"], "link": e["url"], "published": e.get("published")}
                 for e in chosen]
        return rss_document(title, link, items), "application/rss+xml"

    synthetic = {
        f"{DEMO_HOST}/feeds/seed.xml": feed("newsetl demo: the seed article (synthetic feed)",
                                             DEMO_HOST, seed),
        f"{DEMO_HOST}/feeds/sample-pages.xml": feed(
            "newsetl demo: captured news pages (synthetic feed)", DEMO_HOST, others),
    }
    return CaptureServer(root, urlmap, synthetic=synthetic)


DEMO_QUERIES = [
    ("Who did what to whom, and when (events between countries)",
     "select actor1_country as c1, actor1_name as actor1, cameo_code as code, "
     "plover_type as plover, actor2_name as actor2, actor2_country as c2, "
     "event_date as date, date_precision as prec from events "
     "where actor1_country is not null and actor2_country is not null "
     "order by event_date nulls last, c1, actor2 limit 10"),
    ("Most-mentioned entities",
     "select e.entity_id, e.canonical_name, count(*) as mentions "
     "from mentions m join entities e using (entity_id) "
     "group by all order by mentions desc, e.entity_id limit 8"),
    ("Why items were quarantined",
     "select stage, reason, count(*) as items from quarantine group by all order by items desc"),
]
