import pytest

from flows.config import SourcesError, load_sources
from flows.demo import sample_sources


def test_demo_sources_are_valid():
    sources = load_sources(sample_sources())
    assert len(sources) >= 5
    assert len({s.id for s in sources}) == len(sources)


def test_defaults_apply(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[defaults]\nmax_items = 7\n[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org/rss"\n')
    (src,) = load_sources(p)
    assert src.max_items == 7 and src.kind == "rss"


@pytest.mark.parametrize("body,needle", [
    ('[[sources]]\nid = "Bad Id"\nname = "A"\nurl = "https://a.org/rss"\n', "source Bad Id: id"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "ftp://a.org/rss"\n', "url"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org"\nmax_itmes = 3\n', "max_itmes"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org"\n'
     '[[sources]]\nid = "a"\nname = "B"\nurl = "https://b.org"\n', "used twice"),
    ('[[sources]\n', "not valid TOML"),
    ('title = "x"\n', "no [[sources]]"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://user:pw@a.org/rss"\n', "user name or password"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org/r ss"\n', "without spaces"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org/rss"\npoll_minutes = 0\n', "poll_minutes"),
    ('[defaults]\npoll_minuts = 5\n[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org"\n',
     "[defaults]: unknown or per-source-only key(s) ['poll_minuts']"),
    ('[default]\n[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org"\n', "unknown top-level"),
    ('[[sources]]\nid = "a"\nname = "A"\nurl = "https://a.org"\n'
     '[[sources]]\nid = "b"\nname = "B"\nurl = "https://a.org"\n', "used by more than one source"),
])
def test_invalid_sources_say_what_is_wrong(tmp_path, body, needle):
    p = tmp_path / "s.toml"
    p.write_text(body)
    with pytest.raises(SourcesError) as info:
        load_sources(p)
    assert needle in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(SourcesError, match="no such file"):
        load_sources(tmp_path / "nope.toml")


def test_all_problems_are_reported_at_once(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text('[[sources]]\nid = "Bad"\nname = "A"\nurl = "ftp://x"\n'
                 '[[sources]]\nid = "ok"\nurl = "https://b.org"\n')
    with pytest.raises(SourcesError) as info:
        load_sources(p)
    message = str(info.value)
    assert "source Bad: id" in message and "source Bad: url" in message and "source ok: name" in message


def test_the_shipped_example_is_valid():
    from tests.conftest import REPO
    sources = load_sources(REPO / "docs" / "sources.example.toml")
    assert len(sources) >= 10
    assert all(s.url.startswith("https://") or s.url.startswith("http://") for s in sources)
    assert {s.kind for s in sources} <= {"rss", "atom", "rdf"}


def test_allow_hosts_from_the_environment(monkeypatch):
    from flows.config import Settings
    monkeypatch.setenv("NEWSETL_ALLOW_HOSTS", "127.0.0.1,10.0.0.0/8")
    assert Settings().allow_hosts == ["127.0.0.1", "10.0.0.0/8"]
    monkeypatch.setenv("NEWSETL_ALLOW_HOSTS", '["::1", "localhost"]')
    assert Settings().allow_hosts == ["::1", "localhost"]
    monkeypatch.setenv("NEWSETL_ALLOW_HOSTS", "")
    assert Settings().allow_hosts == []


def test_robots_agent_is_the_product_token():
    from flows.config import Settings
    assert Settings().robots_agent == "newsetl"
    assert Settings(user_agent="MyBot/2.0 (+https://me.example)").robots_agent == "MyBot"
