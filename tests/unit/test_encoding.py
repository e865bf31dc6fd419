"""transforms.encoding: one decision per document, with the evidence recorded."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.encoding import DecodeError, decode_bytes, normalise_charset

SOURCES = {"http", "bom", "declared", "detected", "fallback"}

PORTUGUESE = (
    "Últimas Notícias: o governo português anunciou hoje novas medidas económicas para a região "
    "do Alentejo, com investimentos em educação, saúde e habitação. A população está satisfeita."
)


def _feed(shared_dir: Path, name: str) -> bytes:
    return (shared_dir / "newsroom" / "feeds" / name).read_bytes()


# --- real feeds -------------------------------------------------------------------------------------

def test_windows_1251_feed_uses_its_declaration(shared_dir: Path) -> None:
    decoded = decode_bytes(_feed(shared_dir, "oren-ru-cp1251.xml"), kind="xml")
    assert (decoded.encoding, decoded.encoding_source) == ("cp1251", "declared")
    assert "Новости Оренбурга" in decoded.text


def test_gb2312_declaration_is_read_as_gb18030(shared_dir: Path) -> None:
    decoded = decode_bytes(_feed(shared_dir, "kc0011-gb18030.xml"), kind="xml")
    assert (decoded.encoding, decoded.encoding_source) == ("gb18030", "declared")
    assert "投资资讯网" in decoded.text
    assert "\ufffd" not in decoded.text


def test_undeclared_cp1252_feed_is_detected(shared_dir: Path) -> None:
    decoded = decode_bytes(_feed(shared_dir, "uol-noticias-nodecl.xml"), kind="xml")
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "detected")
    assert "Últimas Notícias" in decoded.text


def test_declared_latin1_is_read_as_cp1252(shared_dir: Path) -> None:
    decoded = decode_bytes(_feed(shared_dir, "jn-pt-latin1.xml"), kind="xml")
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "declared")
    assert "Jornal de Notícias" in decoded.text


def test_latin1_label_on_utf8_bytes_trusts_the_bytes(shared_dir: Path) -> None:
    # Declares ISO-8859-1, but the bytes are UTF-8 ("©" is C2 A9): reading them as declared
    # would give "Â©".
    decoded = decode_bytes(_feed(shared_dir, "dailymail-ushome-snippet.xml"), kind="xml")
    assert (decoded.encoding, decoded.encoding_source) == ("utf-8", "detected")
    assert "© Bettmann" in decoded.text and "Â©" not in decoded.text


def test_gzip_body_is_rejected_with_a_reason(shared_dir: Path) -> None:
    with pytest.raises(DecodeError, match="gzip"):
        decode_bytes(_feed(shared_dir, "nshipster-gzipped-body.xml"), kind="xml")


def test_every_newsroom_feed_decodes_or_is_gzip(shared_dir: Path) -> None:
    for path in sorted((shared_dir / "newsroom" / "feeds").glob("*.xml")):
        data = path.read_bytes()
        if data.startswith(b"\x1f\x8b"):
            continue
        decoded = decode_bytes(data, kind="xml")
        assert decoded.encoding_source in SOURCES, path.name
        assert decoded.encoding_source != "fallback", path.name


# --- pages ------------------------------------------------------------------------------------------

def test_page_with_wrong_meta_charset_is_detected(shared_dir: Path) -> None:
    # People's Daily page: <meta ... charset=GB2312>, stored by Fundus as UTF-8.
    newsroom = shared_dir / "newsroom"
    page = newsroom / "pages" / "politics.people.com.cn" / "fundus-people_2024_04_24.html"
    expected_path = newsroom / "expected" / "politics.people.com.cn" / "fundus-people_2024_04_24.json"
    expected = json.loads(expected_path.read_text("utf-8"))
    decoded = decode_bytes(page.read_bytes())
    assert (decoded.encoding, decoded.encoding_source) == ("utf-8", "detected")
    assert expected["title"][:12] in decoded.text


def test_utf8_page_declaring_latin1_is_not_mojibake() -> None:
    data = f'<html><head><meta charset="iso-8859-1"></head><body><p>{PORTUGUESE}</p></body></html>'.encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert "Notícias" in decoded.text and "Ã" not in decoded.text


def test_meta_http_equiv_charset() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    html = f"<html><head>{head}</head><p>{PORTUGUESE}</p>"
    decoded = decode_bytes(html.encode("cp1252"))
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "declared")
    assert PORTUGUESE in decoded.text


def test_meta_beats_xml_declaration_in_html_but_not_in_xml() -> None:
    data = ('<?xml version="1.0" encoding="utf-8"?><html><head><meta charset="windows-1251"></head>'
            "<p>Привет, мир</p></html>").encode("cp1251")
    assert decode_bytes(data, kind="html").encoding == "cp1251"
    # In a feed only the XML declaration counts; utf-8 fails strictly, so detection takes over.
    assert decode_bytes(data, kind="xml").encoding_source == "detected"


# --- HTTP charset and BOM ------------------------------------------------------------------------

def test_http_charset_wins_when_it_decodes() -> None:
    decoded = decode_bytes(f"<p>{PORTUGUESE}</p>".encode("cp1252"), http_charset="windows-1252")
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "http")


def test_unknown_http_charset_is_ignored() -> None:
    data = f'<meta charset="utf-8"><p>{PORTUGUESE}</p>'.encode()
    decoded = decode_bytes(data, http_charset="x-no-such-codec")
    assert (decoded.encoding, decoded.encoding_source) == ("utf-8", "declared")


def test_http_charset_that_fails_falls_through() -> None:
    data = f'<meta charset="windows-1252"><p>{PORTUGUESE}</p>'.encode("cp1252")
    decoded = decode_bytes(data, http_charset="utf-8")
    assert (decoded.encoding, decoded.encoding_source) == ("cp1252", "declared")


def test_utf8_bom_is_used_and_stripped() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + "<p>héllo</p>".encode())
    assert decoded == decoded.__class__("<p>héllo</p>", "utf-8", "bom")


def test_utf16_with_bom_is_not_binary() -> None:
    decoded = decode_bytes(codecs.BOM_UTF16_LE + "<p>héllo wörld</p>".encode("utf-16-le"))
    assert (decoded.text, decoded.encoding_source) == ("<p>héllo wörld</p>", "bom")


def test_bom_beats_a_contradicting_http_charset() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + "<p>héllo</p>".encode(), http_charset="iso-8859-1")
    assert decoded.text == "<p>héllo</p>"


def test_utf16_header_on_ascii_bytes_is_ignored() -> None:
    decoded = decode_bytes(b"<html><p>hello world</p></html>", http_charset="utf-16")
    assert decoded.text == "<html><p>hello world</p></html>"
    assert decoded.encoding == "utf-8"


def test_utf16_header_without_bom_is_used_on_utf16_bytes() -> None:
    decoded = decode_bytes("<p>héllo</p>".encode("utf-16-le"), http_charset="utf-16-le")
    assert (decoded.text, decoded.encoding_source) == ("<p>héllo</p>", "http")


# --- binary -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"<html>\x00\x00\x00\x01\x02", "NUL"),
    ],
)
def test_binary_bytes_raise_decode_error(data: bytes, what: str) -> None:
    with pytest.raises(DecodeError, match=what):
        decode_bytes(data)


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(DecodeError, ValueError)


def test_invalid_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        decode_bytes(b"<p>x</p>", kind="json")


def test_empty_bytes_decode_to_empty_text() -> None:
    assert decode_bytes(b"").text == ""


# --- labels -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("GB2312", "gb18030"),
        ("windows-1251", "cp1251"),
        ("UTF-8", "utf-8"),
        ("utf8mb4", "utf-8"),
        ("Shift_JIS", "shift_jis"),
        (' "utf-8" ', "utf-8"),
        ("base64", None),
        ("rot13", None),
        ("no-such-thing", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_charset(label: str | None, codec: str | None) -> None:
    assert normalise_charset(label) == codec


# --- properties ---------------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "iso-8859-1", "gb2312", "bogus"]),
       st.sampled_from(["html", "xml"]))
def test_decode_bytes_never_raises_anything_but_decode_error(data: bytes, http: str | None, kind: str) -> None:
    try:
        decoded = decode_bytes(data, http_charset=http, kind=kind)
    except DecodeError:
        return
    assert isinstance(decoded.text, str)
    assert decoded.encoding_source in SOURCES
    assert normalise_charset(decoded.encoding) is not None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300).filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
def test_utf8_text_round_trips(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")).text == text



# --- big input ------------------------------------------------------------------------------------------

def test_big_undeclared_legacy_page_is_detected_from_a_sample() -> None:
    """charset-normalizer on all of a 20 MB page costs seconds; it reads the first MB only."""
    import time

    body = ("<p>" + PORTUGUESE + "</p>\n").encode("cp1252")
    data = b"<html><body>" + body * (20_000_000 // len(body)) + b"</body></html>"
    start = time.process_time()
    decoded = decode_bytes(data)
    assert time.process_time() - start < 5.0
    assert decoded.encoding_source == "detected" and decoded.encoding != "utf-8"
    assert len(decoded.text) == len(data)  # a single-byte codec: one character per byte


def test_detection_sample_never_splits_a_character() -> None:
    from transforms.encoding import _DETECT_SAMPLE_BYTES, _detection_sample

    data = "été à ".encode("utf-8") * _DETECT_SAMPLE_BYTES
    sample = _detection_sample(data)
    assert len(sample) <= _DETECT_SAMPLE_BYTES
    assert sample[-1] < 0x80
    sample.decode("utf-8", errors="strict")  # ends on a whole character
    assert _detection_sample(b"short") == b"short"
