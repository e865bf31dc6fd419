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
