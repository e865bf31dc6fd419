from hypothesis import given, strategies as st

from transforms.urls import canonicalize_url, host_of, resolve_url


def test_tracking_parameters_removed_real_ones_kept():
    assert canonicalize_url("https://www.bbc.com/news/x?at_medium=RSS&at_campaign=rss") == \
        "https://www.bbc.com/news/x"
    assert canonicalize_url("https://www.nytimes.com/a.html?partner=rss&emc=rss") == \
        "https://www.nytimes.com/a.html"
    assert canonicalize_url("https://restofworld.org/x/?utm_source=rss&utm_medium=rss") == \
        "https://restofworld.org/x/"
    assert canonicalize_url("http://sports.espn.go.com/story?id=5461430&utm_source=x") == \
        "http://sports.espn.go.com/story?id=5461430"


def test_fragment_and_case():
    assert canonicalize_url("HTTPS://Example.COM/a#top") == "https://example.com/a"


def test_non_http_left_alone():
    assert canonicalize_url(" mailto:a@b.c ") == "mailto:a@b.c"


def test_resolve_and_host():
    assert resolve_url("/x/y", "http://tpm.com/feed") == "http://tpm.com/x/y"
    assert host_of("https://WWW.Example.org:8080/p") == "www.example.org"


@given(st.text(alphabet="abcxyz/?=&_-.", max_size=30))
def test_canonicalize_is_idempotent(path):
    url = canonicalize_url("https://example.org/" + path)
    assert canonicalize_url(url) == url


def test_dot_segments_default_ports_sessions_and_more_trackers():
    assert canonicalize_url("https://Example.org:443/a/./b/../c/?x=1") == "https://example.org/a/c/?x=1"
    assert canonicalize_url("http://example.org:80/a;jsessionid=ABC123?id=7") == "http://example.org/a?id=7"
    assert canonicalize_url("https://e.org/a?gclid=1&fbclid=2&mc_cid=3&id=9") == "https://e.org/a?id=9"
    assert canonicalize_url("https://e.org/a?PHPSESSID=abc") == "https://e.org/a"


def test_query_order_does_not_matter():
    assert canonicalize_url("https://e.org/s?b=2&a=1") == canonicalize_url("https://e.org/s?a=1&b=2")


def test_protocol_relative_and_whitespace():
    assert resolve_url("  //cdn.e.org/x ", "https://e.org/feed") == "https://cdn.e.org/x"
    assert resolve_url("../y", "https://e.org/a/b/feed") == "https://e.org/a/y"


def test_is_http_url():
    from transforms.urls import is_http_url
    assert is_http_url("https://e.org/") and is_http_url(" http://e.org ")
    assert not is_http_url("javascript:alert(1)") and not is_http_url("/relative")
    assert not is_http_url(None) and not is_http_url("https://")
