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
