"""The stories step on a temp warehouse: two runs, a syndicated copy and a same-story article
from another outlet in the second; duplicates, stories, story events; reruns change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.stories import assign_stories_in_warehouse
from tests.integration.test_db import checksums, db_path, migrated_template  # noqa: F401 - fixtures
from warehouse import db, loader
from warehouse.lake import write_part
from warehouse.rows import to_table

DAY = dt.datetime(2024, 3, 5, tzinfo=dt.UTC)

WIRE = [
    "GENEVA (AP) — Delegations from Armenia and Azerbaijan signed a framework agreement on "
    "border demarcation in Geneva on Tuesday, ending months of stalled negotiations over the "
    "disputed frontier between the two neighbours.",
    "The agreement commits both governments to a joint commission that will survey the 1,000 "
    "kilometre border section by section, starting with villages in the Tavush region where "
    "clashes broke out two years ago.",
    "Swiss mediators who hosted the talks said the commission would meet for the first time "
    "within thirty days and report its progress to both parliaments every quarter.",
    "Armenian Prime Minister Nikol Pashinyan called the deal a historic step toward lasting "
    "peace, while Azerbaijani officials said it recognised the territorial integrity of both "
    "states along Soviet-era administrative lines.",
    "Opposition groups in Yerevan announced protests against the plan, accusing the government "
    "of conceding land without a referendum and vowing to block roads near the border.",
    "The European Union and the United States welcomed the signing and offered technical "
    "support, including satellite maps and legal experts, to the new border commission.",
]
OTHER = [
    "ARMENIA and Azerbaijan have agreed to start marking their shared border, the two "
    "governments said after talks in Geneva, a breakthrough that diplomats hope will open the "
    "way to a full peace treaty.",
    "Under the framework agreement signed on Tuesday, a joint commission will walk the frontier "
    "village by village, beginning in Tavush, where Armenian farmers lost fields to the dispute.",
    "Nikol Pashinyan, the Armenian prime minister, told reporters in Geneva that the border "
    "agreement was the most important since independence, and that critics at home misread it.",
    "Hundreds of protesters gathered in Yerevan on Tuesday evening, saying the demarcation "
    "would hand villages to Azerbaijan; police kept them away from the parliament building.",
]
UNRELATED = [
    "Heavy rain flooded streets across Lisbon on Tuesday, closing two metro lines and forcing "
    "the evacuation of dozens of homes near the Tagus river, the city's civil protection said.",
    "Firefighters pumped water from basements through the night while the national weather "
    "agency kept an orange warning in place for the capital and the Setubal district.",
    "The mayor said the drainage tunnel opened last year had prevented worse damage in the "
    "old town, where shops were shuttered but no injuries were reported.",
]


def _article(article_id: str, source_id: str, title: str, paragraphs: list[str], hours: float,
             agency: str | None = None, authors: tuple[str, ...] = ()) -> dict:
    import hashlib
    text = "\n".join(paragraphs)
    return {
        "article_id": article_id, "url": f"https://{source_id}.example/{article_id}",
        "canonical_url": f"https://{source_id}.example/{article_id}", "source_id": source_id,
        "title": title, "text": text, "word_count": len(text.split()), "authors": list(authors),
        "content_sha256": hashlib.sha256(text.encode()).hexdigest(), "dateline_agency": agency,
        "extractor": "test", "extractor_version": "1", "raw_sha256": "r" * 64,
        "published_at": DAY + dt.timedelta(hours=hours), "fetched_at": DAY + dt.timedelta(hours=hours + 1),
    }


def _mentions(article_id: str, entity_ids: list[str]) -> list[dict]:
    return [{"mention_id": f"{article_id}-m{k}", "article_id": article_id, "entity_id": e,
             "surface": e.split(":")[-1], "kind": e.split(":")[0], "sentence_idx": 0,
             "start_char": k, "end_char": k + 1, "confidence": 0.9} for k, e in enumerate(entity_ids)]


def _event(article_id: str) -> dict:
    """Armenia and Azerbaijan sign an agreement (CAMEO 057) on 5 March 2024."""
    return {
        "event_id": f"{article_id}-e1", "article_id": article_id, "event_date": DAY.date(),
        "date_precision": "day", "actor1_entity_id": "country:ARM", "actor1_name": "Armenia",
        "actor1_country": "ARM", "actor2_entity_id": "country:AZE", "actor2_name": "Azerbaijan",
        "actor2_country": "AZE", "cameo_code": "057", "cameo_root": "05", "quad_class": 1,
        "goldstein": 8.0, "sentence_idx": 0, "evidence": "signed", "start_char": 0, "end_char": 6,
        "temporal": "current", "factuality": "asserted", "confidence": 0.8,
    }


ENTITIES = [{"entity_id": f"country:{c}", "kind": "country", "canonical_name": name, "country_code": c}
            for c, name in (("ARM", "Armenia"), ("AZE", "Azerbaijan"), ("PRT", "Portugal"),
                            ("CHE", "Switzerland"))]
ARMENIA = ["country:ARM", "country:AZE", "country:CHE", "country:ARM", "country:AZE"]

RUN1 = {
    "articles": [
        _article("wire", "apnews", "Armenia, Azerbaijan sign border demarcation deal in Geneva", WIRE, 0,
                 agency="AP"),
        _article("flood", "lisbonpost", "Floods close Lisbon metro lines, homes evacuated", UNRELATED, 1),
    ],
    "entities": ENTITIES,
    "mentions": _mentions("wire", ARMENIA) + _mentions("flood", ["country:PRT"]),
    "events": [_event("wire")],
}
RUN2 = {
    "articles": [
        # the wire story on a regional site: new headline, byline added, last paragraph trimmed
        _article("copy", "dailyherald", "Historic Caucasus border pact signed, protests follow",
                 ["By Jane Roe, Associated Press"] + WIRE[:-1], 3, agency="AP",
                 authors=("Jane Roe, Associated Press",)),
        # the same event, written by another outlet
        _article("own", "caucasuswatch", "Armenia and Azerbaijan agree to mark border after Geneva talks",
                 OTHER, 5),
    ],
    "entities": ENTITIES,
    "mentions": _mentions("copy", ARMENIA) + _mentions("own", ARMENIA),
    "events": [_event("copy"), _event("own")],
}


def _load(db_file, lake, run_id: str, rows: dict) -> None:
    for table, table_rows in rows.items():
        write_part(lake, table, to_table(table, table_rows, run_id=run_id), date="2024-03-05", part=run_id)
    done = loader.load_run(db_file, lake, loader.RunFacts(run_id=run_id, started_at=DAY))
    assert done.problems == []


@pytest.fixture
def warehouse(db_path, tmp_path):  # noqa: F811 - the fixture from test_db
    lake = tmp_path / "lake"
    _load(db_path, lake, "r1", RUN1)
    first = assign_stories_in_warehouse("r1", db_path)
    _load(db_path, lake, "r2", RUN2)
    second = assign_stories_in_warehouse("r2", db_path)
    return db_path, first, second


def test_two_runs_fold_the_copy_and_cluster_the_story(warehouse):
    db_file, first, second = warehouse
    assert (first.articles, first.duplicates, first.stories) == (2, 0, 2)
    assert (second.articles, second.duplicates) == (4, 1)
    con = db.connect(db_file, read_only=True)
    try:
        articles = dict(con.execute("select article_id, story_id from articles").fetchall())
        assert articles["wire"] == articles["copy"] == articles["own"] != articles["flood"]
        assert con.execute("select article_id, duplicate_of from articles where duplicate_of is not null"
                           ).fetchall() == [("copy", "wire")]
        assert con.execute("select article_id, duplicate_of, kind from article_duplicates").fetchall() == [
            ("copy", "wire", "syndicated")]
        story = con.execute(
            "select story_id, headline, first_seen_at, last_seen_at, num_articles, num_sources, "
            "top_entities, article_id from stories where num_articles > 1").fetchall()
        assert len(story) == 1
        story_id, headline, first_seen, last_seen, n_articles, n_sources, top, rep = story[0]
        assert story_id == articles["wire"]
        assert (first_seen, last_seen) == (DAY, DAY + dt.timedelta(hours=5))
        assert (n_articles, n_sources) == (3, 3)
        assert top[:2] == ["Armenia", "Azerbaijan"]
        assert rep in ("wire", "own") and headline.startswith("Armenia")
        assert con.execute("select count(*) from stories").fetchone() == (2,)
        # events carry their article's story, and the one event is counted once
        assert con.execute("select count(*) from events where story_id = $s", {"s": story_id}).fetchone() == (3,)
        grouped = con.execute(
            "select event_id, num_mentions, num_articles, num_sources, num_original_articles "
            "from fct_story_events").fetchall()
        assert grouped == [("wire-e1", 3, 3, 3, 2)]
        gdelt = con.execute("select NumMentions, NumArticles, NumSources, SOURCEURL from gdelt_events").fetchall()
        assert gdelt == [(3, 3, 3, "https://apnews.example/wire")]
    finally:
        con.close()


def test_story_events_kept_by_the_stories_step_equal_a_full_rebuild(warehouse):
    db_file, _first, _second = warehouse
    con = db.connect(db_file)
    try:
        kept = con.execute("select * from fct_story_events order by all").fetchall()
        db.build_models(con)  # views + every model rebuilt from scratch
        assert con.execute("select * from fct_story_events order by all").fetchall() == kept
    finally:
        con.close()


def test_rerunning_the_stories_step_changes_nothing(warehouse):
    db_file, _first, second = warehouse
    con = db.connect(db_file, read_only=True)
    before = checksums(con)
    con.close()
    again = assign_stories_in_warehouse("r2", db_file)
    assert again.changed == 0 and (again.duplicates, again.stories) == (second.duplicates, second.stories)
    # the first run's step again (its window holds every article now): still the same answer
    assign_stories_in_warehouse("r1", db_file)
    con = db.connect(db_file, read_only=True)
    after = checksums(con)
    con.close()
    assert after == before
