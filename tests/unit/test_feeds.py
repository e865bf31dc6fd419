"""Feed parsing on real captured feeds from ../shared/newsroom (and a few built here)."""

from __future__ import annotations

import json

import pytest

from transforms.feeds import FeedParseError, parse_feed


def _feed(shared_dir, name: str) -> bytes:
    return (shared_dir / "newsroom" / "feeds" / name).read_bytes()


def _manifest(shared_dir) -> dict[str, dict]:
    entries = json.loads((shared_dir / "newsroom" / "manifest.json").read_text())["entries"]
    return {e["path"]: e for e in entries if e["kind"] == "feed"}


def test_every_well_formed_feed_yields_its_items(shared_dir):
    broken = {"feeds/dylanharris-malformed.xml", "feeds/reuters-mostread-truncated.xml",
              "feeds/nshipster-gzipped-body.xml"}
    for path, entry in _manifest(shared_dir).items():
        if path in broken:
            continue
        parsed = parse_feed((shared_dir / "newsroom" / path).read_bytes(), source_id="s",
                            url=entry["url"] or "https://example.org/feed")
        # items repeated inside one feed (Al-Monitor) are folded, so <= the manifest's count
        assert 0 < len(parsed.items) <= entry["items"], path
        # pcmag-dvorak has a stray <item /> before each real item: those have no link
        with_links = [i for i in parsed.items if i.link]
        assert len(with_links) >= len(parsed.items) // 2, path
        assert all(i.link.startswith("http") for i in with_links), path


@pytest.mark.parametrize("name,reason", [
    ("dylanharris-malformed.xml", "feed_malformed"),
    ("reuters-mostread-truncated.xml", "feed_malformed"),
    ("nshipster-gzipped-body.xml", "not_a_feed"),
])
def test_broken_feeds_raise_with_a_reason(shared_dir, name, reason):
    with pytest.raises(FeedParseError) as info:
        parse_feed(_feed(shared_dir, name), source_id="s", url="https://example.org/feed")
    assert info.value.reason == reason
    assert info.value.detail


def test_html_page_is_not_a_feed():
    with pytest.raises(FeedParseError) as info:
        parse_feed(b"<html><body><p>hello</p></body></html>", source_id="s",
                   url="https://example.org/")
    assert info.value.reason in ("not_a_feed", "feed_malformed")


def test_empty_body():
    with pytest.raises(FeedParseError) as info:
        parse_feed(b"  \n", source_id="s", url="https://example.org/")
    assert info.value.reason == "feed_empty"


def test_tracking_parameters_stripped_and_ids_stable(shared_dir):
    data = _feed(shared_dir, "bbc-news-world.xml")
    a = parse_feed(data, source_id="bbc", url="https://feeds.bbci.co.uk/news/world/rss.xml")
    b = parse_feed(data, source_id="bbc", url="https://feeds.bbci.co.uk/news/world/rss.xml")
    assert [i.item_id for i in a.items] == [i.item_id for i in b.items]
    assert len({i.item_id for i in a.items}) == len(a.items)
    first = a.items[0]
    assert "at_medium" in first.link and "at_medium" not in first.canonical_link
    assert first.published_at is not None and first.published_at.utcoffset().total_seconds() == 0


def test_relative_links_resolved_against_the_feed(shared_dir):
    url = "http://talkingpointsmemo.com/feed/all"
    parsed = parse_feed(_feed(shared_dir, "talkingpointsmemo-atom.xml"), source_id="tpm", url=url)
    assert all(i.link.startswith("http://talkingpointsmemo.com/") for i in parsed.items)


@pytest.mark.parametrize("name,redirector,target", [
    ("jn-pt-latin1.xml", "feeds.jn.pt", "www.jn.pt"),                        # feedburner:origLink
    ("washingtonpost-wellness.xml", "click.phdo", "www.washingtonpost.com"),  # pheedo:origLink
])
def test_origlink_followed(shared_dir, name, redirector, target):
    parsed = parse_feed(_feed(shared_dir, name), source_id="s", url="https://example.org/feed")
    assert all(redirector in i.link for i in parsed.items)
    followed = [i for i in parsed.items if target in i.canonical_link]  # ad items have none
    assert len(followed) >= 0.8 * len(parsed.items)
    assert not any("wprss" in i.canonical_link for i in followed)


def test_repeated_items_within_a_feed_are_folded(shared_dir):
    parsed = parse_feed(_feed(shared_dir, "al-monitor.xml"), source_id="am",
                        url="https://www.al-monitor.com/rss")
    assert len({i.item_id for i in parsed.items}) == len(parsed.items)


def test_legacy_encodings_decode(shared_dir):
    parsed = parse_feed(_feed(shared_dir, "oren-ru-cp1251.xml"), source_id="oren",
                        url="http://www.oren.ru/rss")
    assert any(any("\u0400" <= ch <= "\u04ff" for ch in (i.title or "")) for i in parsed.items)


def test_max_items():
    items = "".join(f"<item><title>t{i}</title><link>https://e.org/{i}</link></item>"
                    for i in range(10))
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    parsed = parse_feed(doc.encode(), source_id="s", url="https://e.org/feed", max_items=3)
    assert [i.title for i in parsed.items] == ["t0", "t1", "t2"]
