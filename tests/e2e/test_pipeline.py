"""The whole pipeline, over HTTP on 127.0.0.1, through Prefect, into DuckDB."""

from __future__ import annotations

import pytest

from flows.config import Settings
from tests.e2e.conftest import GZIPPED_URL, MISLABELLED_URL, SEED_URL
from warehouse import db

pytestmark = pytest.mark.e2e

CORE = ("articles", "mentions", "entities", "events")


@pytest.fixture(scope="module")
def first_run(prefect_harness, newsroom_server, e2e_sources, tmp_path_factory):
    from flows.pipeline import pipeline
    data_dir = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=data_dir, rewrite_base=newsroom_server.base_url,
                        backoff_s=0.01, retries=1, per_host_delay_s=0.0)
    summary = pipeline(str(e2e_sources), settings)
    return settings, summary


def _query(settings, sql, *params):
    con = db.connect(settings.data_dir / "news.duckdb", read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def test_core_tables_are_filled(first_run):
    settings, summary = first_run
    counts = {t: _query(settings, f"select count(*) from {t}")[0][0] for t in CORE}
    assert all(n > 0 for n in counts.values()), counts
    assert summary.load.problems == []
    assert summary.process.articles >= 7  # 6 captured pages + seed + the mislabelled page


def test_bad_input_is_quarantined_not_fatal(first_run):
    settings, _ = first_run
    rows = _query(settings, "select stage, key, reason, raw_sha256 from quarantine")
    reasons = {(stage, reason) for stage, _, reason, _ in rows}
    assert ("parse_feed", "feed_malformed") in reasons       # dylanharris-malformed.xml
    assert ("fetch", "http_404") in reasons                  # items never captured, a missing feed
    by_key = {key: (stage, reason, sha) for stage, key, reason, sha in rows}
    assert by_key[GZIPPED_URL][1] == "decode_error"
    assert by_key[GZIPPED_URL][2] is not None  # raw bytes kept for reprocessing
    malformed = [r for r in rows if r[2] == "feed_malformed"]
    assert all(r[3] for r in malformed)


def test_mislabelled_encoding_is_decoded_from_the_bytes(first_run):
    settings, _ = first_run
    (text,) = _query(settings, "select text from articles where url = ?", MISLABELLED_URL)[0]
    assert "café" in text and "Ã" not in text


def test_seed_article(first_run):
    settings, _ = first_run
    art = _query(settings, """select article_id, text, dateline_place, dateline_agency,
                                     dateline_date from articles where url = ?""", SEED_URL)
    assert art, "the seed article was not loaded"
    article_id, text, place, agency, dl_date = art[0]
    assert "1 of 3" not in text and "File Photo by" not in text
    assert (place, agency, dl_date) == ("SEOUL", "UPI", "July 14")
    assert text.startswith("North Korea formally recognized")
    ids = {r[0] for r in _query(settings, "select distinct entity_id from mentions where article_id = ?",
                                article_id)}
    assert {"country:PRK", "country:UKR", "country:RUS", "country:SYR", "country:CHN"} <= ids
    people = _query(settings, """select distinct e.entity_id from mentions m join entities e
        using (entity_id) where m.article_id = ? and lower(m.surface) like 'choe%'""", article_id)
    assert len(people) == 1
    events = _query(settings, """select actor1_country, cameo_code, event_date, evidence
        from events where article_id = ? and cameo_code = '054' and actor1_country = 'PRK'""",
                    article_id)
    assert events
    assert any(str(e[2]) in ("2022-07-13", "2022-07-14") and e[3] for e in events)


def test_rerun_is_idempotent(first_run, newsroom_server, e2e_sources):
    from flows.pipeline import pipeline
    settings, _ = first_run
    before = {t: _query(settings, f"select count(*) from {t}")[0][0] for t in CORE + ("quarantine",)}
    pipeline(str(e2e_sources), settings)
    after = {t: _query(settings, f"select count(*) from {t}")[0][0] for t in CORE + ("quarantine",)}
    assert after == before
    assert _query(settings, "select count(*) from runs")[0][0] == 2


def test_forced_rerun_of_unchanged_feeds_makes_only_conditional_requests(
        first_run, newsroom_server, e2e_sources):
    from flows.config import load_sources
    from flows.pipeline import pipeline
    settings, _ = first_run
    before = {t: _query(settings, f"select count(*) from {t}")[0][0]
              for t in CORE + ("feed_items", "quarantine")}
    mark = len(newsroom_server.log)
    summary = pipeline(str(e2e_sources), settings.model_copy(update={"force": True}))
    asked = [r for r in newsroom_server.log[mark:] if not r["url"].endswith("/robots.txt")]
    feeds = {s.url: s.id for s in load_sources(e2e_sources)}
    assert sorted(r["url"] for r in asked) == sorted(feeds)  # feeds only: no page again
    for r in asked:
        if feeds[r["url"]] != "gone":  # the 404 feed has no validators to send
            assert r["if_none_match"], r
    assert summary.ingest.feeds_unchanged == 4 and summary.ingest.pages == 0
    assert summary.process.articles == 0
    after = {t: _query(settings, f"select count(*) from {t}")[0][0]
             for t in CORE + ("feed_items", "quarantine")}
    assert after == before
    reasons = _query(settings, """select reason, count(*) from fetch_log where kind = 'feed'
                                  and run_id = ? group by all order by reason""", summary.run_id)
    assert reasons == [("http_404", 1), ("not_modified", 4)]
