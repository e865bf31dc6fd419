"""process_pages on real bytes in a temporary raw zone: articles, annotations, quarantine."""

from __future__ import annotations

from flows import process as proc
from flows.demo import sample_dir
from warehouse.raw import RawStore

SEED_HTML = next((sample_dir() / "seed").glob("*.html")).read_bytes()


def _job(store, url, data, **extra):
    return {"url": url, "final_url": url, "source_id": "s", "raw_sha256": store.put(data),
            "content_type": "text/html", "feed_language": "en", "feed_published_at": None,
            "publisher": None, "fetched_at": "2022-07-14T05:00:00+00:00", **extra}


def test_seed_page_becomes_article_mentions_and_events(tmp_path):
    store = RawStore(tmp_path / "raw")
    tables = proc.process_pages([_job(store, "https://x.invalid/seed", SEED_HTML)], store)
    (art,) = tables["articles"]
    assert art.dateline_place == "SEOUL" and art.published_at.date().isoformat() == "2022-07-14"
    assert any(r["entity_id"] == "country:PRK" for r in tables["mentions"])
    assert any(e["cameo_code"] == "054" and e["actor1_country"] == "PRK" for e in tables["events"])
    assert len({e["event_id"] for e in tables["events"]}) == len(tables["events"])
    assert tables["quarantine"] == []


def test_two_links_to_one_page_make_one_article(tmp_path):
    store = RawStore(tmp_path / "raw")
    jobs = [_job(store, "https://x.invalid/seed?utm_source=rss", SEED_HTML),
            _job(store, "https://x.invalid/seed", SEED_HTML)]
    assert len(proc.process_pages(jobs, store)["articles"]) == 1


def test_failures_are_quarantined_with_reasons(tmp_path, monkeypatch):
    store = RawStore(tmp_path / "raw")
    monkeypatch.setattr(proc, "MAX_ANNOTATED_CHARS", 500)
    jobs = [
        _job(store, "https://x.invalid/binary", b"\x00\x01\x02" * 400),
        _job(store, "https://x.invalid/empty", b"<html><body><nav>menu</nav></body></html>"),
        _job(store, "https://x.invalid/long", SEED_HTML),
        {**_job(store, "https://x.invalid/gone", b"x"), "raw_sha256": "0" * 64},
    ]
    tables = proc.process_pages(jobs, store)
    reasons = {q.key: (q.stage, q.reason) for q in tables["quarantine"]}
    assert reasons["https://x.invalid/binary"] == ("extract", "decode_error")
    assert reasons["https://x.invalid/empty"][1] in ("no_main_text", "too_short")
    assert reasons["https://x.invalid/long"] == ("annotate", "text_too_long")
    assert reasons["https://x.invalid/gone"] == ("extract", "raw_missing")
    assert [a.url for a in tables["articles"]] == ["https://x.invalid/long"]  # stored anyway
    assert tables["mentions"] == [] and tables["events"] == []
