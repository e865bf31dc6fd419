"""All 66 captured feeds in ../shared/newsroom/feeds through our parse path, checked against the
feed-rs / rss-parser outputs kept beside them, and each known oddity by the file that has it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import cache

import pytest

from tests.conftest import SHARED
from transforms.feeds import FeedParseError, read_feed
from transforms.urls import canonicalize_url

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)  # after the newest capture (February 2026)
BROKEN = {"feeds/dylanharris-malformed.xml": "feed_malformed",
          "feeds/reuters-mostread-truncated.xml": "feed_malformed"}


@cache
def _manifest() -> dict[str, dict]:
    path = SHARED / "newsroom" / "manifest.json"
    if not path.is_file():
        return {}
    entries = json.loads(path.read_text("utf-8"))["entries"]
    return {e["path"]: e for e in entries if e["kind"] == "feed"}


@cache
def _read(path: str):
    entry = _manifest()[path]
    return read_feed((SHARED / "newsroom" / path).read_bytes(), source_id="s",
                     url=entry["url"] or "https://example.org/feed", now=NOW)


def _items(name: str):
    return _read(f"feeds/{name}").feed.items


def _oracle(entry: dict) -> list[tuple[str | None, str | None, str | None]]:
    """(link, title, ISO date) per item from the feed-rs or rss-parser output."""
    raw = (SHARED / "newsroom" / entry["expected"]).read_bytes()
    try:
        doc = json.loads(raw)
    except UnicodeDecodeError:  # one rss-parser output was saved as Latin-1
        doc = json.loads(raw.decode("latin-1"))
    if "entries" in doc:  # feed-rs
        return [((e["links"] or [{}])[0].get("href"), (e["title"] or {}).get("content"),
                 e.get("published") or e.get("updated")) for e in doc["entries"]]
    return [(i.get("link"), i.get("title"), i.get("isoDate")) for i in doc["feed"]["items"]]


FEEDS = sorted(_manifest())
ORACLES = [p for p in FEEDS if _manifest()[p]["expected"]]


def test_the_corpus_is_all_there(shared_dir):
    assert len(FEEDS) == 66 and len(ORACLES) == 19


@pytest.mark.parametrize("path", FEEDS)
def test_every_feed_goes_through_without_an_exception(shared_dir, path):
    entry = _manifest()[path]
    if path in BROKEN:
        with pytest.raises(FeedParseError) as info:
            _read(path)
        assert info.value.reason == BROKEN[path]
        return
    doc = _read(path)
    items = doc.feed.items
    assert 0 < len(items) <= entry["items"]  # repeats inside one feed are folded
    assert len({i.item_id for i in items}) == len(items)
    for item in items:
        assert item.link is None or item.link.startswith(("http://", "https://"))
        assert item.published_at is None or item.published_at.utcoffset().total_seconds() == 0
        assert item.published_flag in (None, "no_timezone")  # nothing future or unreadable
    assert doc.encoding and doc.encoding_source in ("http", "bom", "declared", "detected")


@pytest.mark.parametrize("path", ORACLES)
def test_items_match_the_reference_parser(shared_dir, path):
    expected = _oracle(_manifest()[path])
    got = _read(path).feed.items
    assert len(got) == len(expected)
    for item, (link, title, date) in zip(got, expected):
        assert item.link == link
        if "uol-noticias" not in path:  # rss-parser mis-decoded UOL's Latin-1: ours is right
            assert item.title == " ".join((title or "").split())
        if date:
            assert item.published_at == datetime.fromisoformat(date.replace("Z", "+00:00"))


def test_uol_no_declaration_latin1_bytes(shared_dir):
    doc = _read("feeds/uol-noticias-nodecl.xml")
    assert (doc.encoding, doc.encoding_source) == ("cp1252", "detected")
    assert doc.feed.items[0].title.startswith("Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simula\u00e7\u00f5es")
    # Portuguese day and month names: 'Seg, 24 Set 2018 19:42:40 -0300'
    assert doc.feed.items[0].published_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=timezone.utc)


@pytest.mark.parametrize("name,encoding", [
    ("oren-ru-cp1251.xml", "cp1251"), ("kc0011-gb18030.xml", "gb18030"),
    ("jn-pt-latin1.xml", "cp1252"), ("golem-rdf-latin1-snippet.xml", "cp1252"),
    ("davidbau-rdf-latin1.xml", "cp1252"), ("inovacaotecnologica-latin1-snippet.xml", "cp1252"),
    ("tjrs-rss091-latin1-snippet.xml", "cp1252"),
])
def test_legacy_encodings_from_the_declaration(shared_dir, name, encoding):
    doc = _read(f"feeds/{name}")
    assert (doc.encoding, doc.encoding_source) == (encoding, "declared")
    text = " ".join(i.title or "" for i in doc.feed.items)
    assert "\ufffd" not in text and "\u00c3" not in text  # no replacement chars, no mojibake


def test_cp1251_titles_are_cyrillic(shared_dir):
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in i.title) for i in _items("oren-ru-cp1251.xml"))


def test_gb2312_declared_read_as_gb18030(shared_dir):
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in i.title) for i in _items("kc0011-gb18030.xml"))


def test_broken_php_declaration(shared_dir):
    doc = _read("feeds/fcutrecht-nl.xml")
    assert len(doc.feed.items) == 20
    assert any("broken XML declaration" in w for w in doc.feed.warnings)


@pytest.mark.parametrize("name", ["aljazeera-all.xml", "ndtv-search.xml", "cnn-hp-hero-2022.xml",
                                  "koreatimes-2022.xml", "ilmessaggero-mondo-snippet.xml",
                                  "macworld.xml", "mercopress.xml"])
def test_no_declaration_or_blank_lines_before_it(shared_dir, name):
    entry = _manifest()[f"feeds/{name}"]
    assert len(_items(name)) == entry["items"]


def test_gzip_body(shared_dir):
    doc = _read("feeds/nshipster-gzipped-body.xml")
    assert doc.gzipped and len(doc.feed.items) == 25


def test_truncated_feed(shared_dir):
    with pytest.raises(FeedParseError) as info:
        _read("feeds/reuters-mostread-truncated.xml")
    assert info.value.reason == "feed_malformed" and "no items" in info.value.detail


def test_malformed_feed(shared_dir):
    with pytest.raises(FeedParseError) as info:
        _read("feeds/dylanharris-malformed.xml")
    assert info.value.reason == "feed_malformed"


@pytest.mark.parametrize("name,missing", [("cnn-hp-hero-2022.xml", 17),
                                          ("tjrs-rss091-latin1-snippet.xml", 1)])
def test_missing_dates_stay_missing(shared_dir, name, missing):
    undated = [i for i in _items(name) if i.published_raw is None]
    assert len(undated) == missing
    assert all(i.published_at is None and i.published_flag is None for i in undated)


def test_pcmag_stray_empty_items_dropped_and_orig_links_kept(shared_dir):
    """pcmag-dvorak.xml: 20 <item>s by count, 10 of them empty `<item />` without a date,
    each just before the real item's feedburner:origLink."""
    doc = _read("feeds/pcmag-dvorak.xml")
    assert len(doc.feed.items) == 10 and all(i.published_at for i in doc.feed.items)
    assert all("www.pcmag.com/article2/" in i.canonical_link for i in doc.feed.items)
    assert any("empty <item />" in w for w in doc.feed.warnings)


@pytest.mark.parametrize("name,raw,iso,flag", [
    ("koreatimes-2022.xml", "Thu,28 Jul 2022 4:35:5 GMT+9", "2022-07-27T19:35:05", None),
    ("nbcnewyork-snippet.xml", "Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33", "no_timezone"),
    ("ilmessaggero-mondo-snippet.xml", "mer, 16 nov 2022 00:38:15 +0100", "2022-11-15T23:38:15", None),
    ("kc0011-gb18030.xml", "2020/1/10 14:33:00", "2020-01-10T14:33:00", "no_timezone"),
    ("uol-noticias-nodecl.xml", "Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40", None),
    ("ilgiornale-cronache-snippet.xml", "Tue, 15 Nov 2022 20:15:04 Z", "2022-11-15T20:15:04", None),
    ("medscape-family-medicine.xml", "Wed, 5 Nov 2025 13:52:10  EST", "2025-11-05T18:52:10", None),
])
def test_odd_date_forms(shared_dir, name, raw, iso, flag):
    (item,) = [i for i in _items(name) if i.published_raw == raw][:1]
    assert item.published_at == datetime.fromisoformat(iso).replace(tzinfo=timezone.utc)
    assert item.published_flag == flag


def test_ndtv_last_build_date_in_cdata_with_spaces(shared_dir):
    raw = (SHARED / "newsroom" / "feeds" / "ndtv-search.xml").read_text("utf-8")
    assert "<lastBuildDate><![CDATA[" in raw.replace(" ", "").replace("\n", "")
    updated = _read("feeds/ndtv-search.xml").updated
    assert updated.value == datetime(2026, 2, 18, 1, 58, 13, tzinfo=timezone.utc)


def test_relative_links_resolved_against_the_feed_url(shared_dir):
    items = _items("talkingpointsmemo-atom.xml")
    assert len(items) == 20 and all(i.link.startswith("http://talkingpointsmemo.com/") for i in items)


@pytest.mark.parametrize("name,param", [
    ("bbc-news-world.xml", "at_medium"), ("dw-english-rdf.xml", "maca"),
    ("restofworld.xml", "utm_"), ("mercopress.xml", "utm_"),
    ("nyt-homepage-snippet.xml", "partner"),
])
def test_tracking_parameters_stripped_original_kept(shared_dir, name, param):
    items = _items(name)
    tracked = [i for i in items if param in i.link]
    assert tracked, "the feed should carry the tracking parameter"
    assert all(param not in i.canonical_link for i in items)
    assert all(i.canonical_link == canonicalize_url(i.canonical_link) for i in items)


@pytest.mark.parametrize("name,target", [("jn-pt-latin1.xml", "www.jn.pt"),
                                         ("pcmag-dvorak.xml", "www.pcmag.com"),
                                         ("washingtonpost-wellness.xml", "www.washingtonpost.com")])
def test_orig_link_followed(shared_dir, name, target):
    linked = [i for i in _items(name) if i.link]
    followed = [i for i in linked if target in (i.canonical_link or "")]
    assert len(followed) >= 0.8 * len(linked)
    assert all(i.link != i.canonical_link for i in followed)  # the redirect link is kept too


def test_time_stories_in_two_feeds_share_canonical_links(shared_dir):
    world = {i.canonical_link for i in _items("time-world.xml")}
    tech = {i.canonical_link for i in _items("time-tech.xml")}
    assert len(world & tech) == 4


def test_al_monitor_repeats_are_folded(shared_dir):
    items = _items("al-monitor.xml")
    assert len(items) == 11 < _manifest()["feeds/al-monitor.xml"]["items"] == 20


def test_cnn_titles_wrapped_in_whitespace_and_cdata(shared_dir):
    raw = (SHARED / "newsroom" / "feeds" / "cnn-hp-hero-2022.xml").read_text("utf-8")
    assert "<title><![CDATA[" in raw.replace("\n", "").replace(" ", "")
    assert all(i.title == i.title.strip() and "\n" not in i.title for i in _items("cnn-hp-hero-2022.xml"))
