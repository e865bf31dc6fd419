"""The warehouse at scale: load N synthetic articles, time ten analyst queries and an incremental run.

    python bench/warehouse.py [--articles 1000000] [--incremental 1000] [--data-dir DIR] [--keep]

The rows are synthetic but shaped like the real tables, with the ratios of the bundled sample's
warehouse (`newsetl demo`: 30 articles, 511 words and 3.1k characters of text each, 38 mentions
of 22 distinct entities, 0.73 events, ~1.6 fetches): texts of Zipf-distributed words (English
stop words as the commonest, so the search index is realistic), entities of Zipf popularity
(countries the most mentioned), CAMEO codes with their Goldstein scores and quad classes from
transforms/data, a year of publication days, story clusters, duplicates, fetch failures. They
are generated in bulk with numpy and pyarrow (no Python loop per row), written to the lake with
warehouse.lake (zstd Parquet, atomic parts) and loaded with warehouse.loader.load_run, the code
`newsetl run` loads with: one transaction, MERGE on keys, incremental models, search index.

Then, on a read-only connection as an analyst would open, ten queries (median of --repeat runs):

  1. events_between_countries_week  what happened between Russia and Ukraine in the last week
  2. country_pair_90_days           daily event counts and Goldstein sums for a pair, 90 days
  3. top_entities_week              the 20 most-mentioned entities of the last week, with names
  4. entity_timeline                one entity's mentions per day over the year
  5. mentioned_with                 who was named in the same sentence as an entity, 30 days
  6. stories_that_grew              stories with the most new articles this week vs the last
  7. search_two_words               full-text search (BM25), two mid-frequency words
  8. search_common_word             full-text search for a word in a quarter of the articles
  9. source_health                  fetch success, latency and quarantine per source
 10. gdelt_monthly_pairs            GDELT-style SQL on the gdelt_events view, one month

and an incremental run: --incremental new articles (plus 2% of them re-fetched existing
articles, changed) loaded into the big warehouse, timed end to end (load_run: merge, models,
search index, column tests). The last line printed is one JSON object: articles, load_s,
max_query_s, peak_rss_mib, incremental_load_s and the details.

Targets (issue 7, on the 2-core box): load < 60 s, each query < 1 s, peak memory < 4 GiB,
incremental load < 5 s. `--floor` also times DuckDB alone copying the bulk run's Parquet into
bare tables (no keys, marts, index or tests): what writing the rows costs at all.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

# `python bench/warehouse.py` puts bench/ first on sys.path, where this file would shadow the
# warehouse package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pycountry  # noqa: E402

from warehouse import db, lake, loader  # noqa: E402
from warehouse.schemas import SCHEMAS  # noqa: E402

END_DAY = date(2026, 6, 30)          # the last publication day of the bulk archive
DAYS = 365
SOURCES = 200
WORDS_MEDIAN = 480                   # word counts: lognormal, mean ~511 as in the sample
MENTIONS_MEAN, POOL = 38, 22         # mentions per article, entities each article draws from
EVENTS_MEAN = 0.73
STOP = ("the to of and a in that said for on is was with he it as at by from his be have has "
        "are but an not they who were been which this its their will would after also had more "
        "one or than about when there new last all could up she we over into two some other no "
        "can i year first out people so before only just our during years what if most them "
        "while against because where then those her any my how such being between now any").split()
SYLLABLES = ("ka lo mi ra te su no vi de pa ro ni sa ke mu ta li be go fa ze hu ri po la ve "
             "do si tu na me ko ba").split()
HOSTS = [f"news{n:03d}.example" for n in range(SOURCES)]
_HEX = np.frombuffer(b"".join(f"{i:02x}".encode() for i in range(256)), dtype=np.uint8).reshape(256, 2)


# --- vectorised helpers --------------------------------------------------------------------------

def mix64(keys: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 of keys: well-spread 64-bit values from counters (deterministic)."""
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) + np.uint64((salt * 0x9E3779B97F4A7C15) & (2**64 - 1))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def hex_ids(keys: np.ndarray, salt: int, width: int = 16) -> pa.Array:
    """16 (or 32, 64) hex characters per key, like transforms.ids.stable_id."""
    parts = [mix64(keys, salt + k).astype(">u8").view(np.uint8).reshape(-1, 8) for k in range(width // 16)]
    raw = np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]
    chars = _HEX[raw].reshape(-1)
    n = len(keys)
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars))


def zipf_cdf(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return np.cumsum(weights) / weights.sum()


def concat(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


class Vocabulary:
    """Stop words first, then pseudo-words; texts are Zipf draws, joined with numpy."""

    def __init__(self, size: int, rng: np.random.Generator):
        words = list(dict.fromkeys(STOP))
        seen = set(words)
        while len(words) < size:
            k = int(rng.integers(2, 5))
            word = "".join(rng.choice(SYLLABLES, k))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        self.tokens = np.array([w.encode() + b" " for w in words], dtype=object)
        self.lengths = np.array([len(w) + 1 for w in words], dtype=np.int64)
        self.cdf = zipf_cdf(size, 1.07)

    def texts(self, lengths: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """One text per entry of `lengths` (words), as one Arrow string array."""
        idx = np.searchsorted(self.cdf, rng.random(int(lengths.sum())))
        data = b"".join(self.tokens[idx])
        ends = np.cumsum(self.lengths[idx])
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        offsets = np.concatenate([[0], ends])[bounds].astype(np.int64)
        return pa.LargeStringArray.from_buffers(len(lengths), pa.py_buffer(offsets),
                                                pa.py_buffer(data)).cast(pa.string())


def table(table_name: str, n: int, /, **columns) -> pa.Table:
    """A table with exactly the contract schema: given columns cast, the others null."""
    schema = SCHEMAS[table_name]
    unknown = set(columns) - set(schema.names)
    assert not unknown, (table_name, unknown)
    arrays = []
    for field in schema:
        value = columns.get(field.name)
        if value is None:
            arrays.append(pa.nulls(n, field.type))
        elif isinstance(value, (str, int, float)):
            arrays.append(pa.repeat(pa.scalar(value, field.type), n))
        elif isinstance(value, np.ndarray):
            arrays.append(pa.array(value).cast(field.type))
        else:
            arrays.append(value.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


# --- the synthetic world -------------------------------------------------------------------------

class World:
    """Entities, sources, CAMEO codes: fixed for a run of the bench."""

    def __init__(self, articles: int, seed: int):
        rng = np.random.default_rng(seed)
        self.vocab = Vocabulary(60_000, rng)
        countries = sorted(c.alpha_3 for c in pycountry.countries)
        # The commonest in the news first (as on the sample), the rest in a fixed shuffle.
        top = ["USA", "RUS", "UKR", "CHN", "ISR", "GBR", "IRN", "FRA", "DEU", "PRK", "IND", "SYR"]
        rest = [c for c in countries if c not in top]
        rng.shuffle(rest)
        self.countries = top + rest
        n_ent = max(2_000, min(250_000, articles // 4))
        kinds = rng.choice(["org", "person", "place", "group"], n_ent, p=[0.42, 0.27, 0.28, 0.03])
        names, ids, codes = [], [], []
        words = self.vocab.words[len(STOP):]
        for i in range(n_ent):
            if i < len(self.countries):
                code = self.countries[i]
                kinds[i] = "country"
                names.append(pycountry.countries.get(alpha_3=code).name)
                ids.append(f"country:{code}")
                codes.append(code)
                continue
            a, b = words[(i * 7) % len(words)], words[(i * 13 + 5) % len(words)]
            name = f"{a.title()} {b.title()}"
            names.append(name)
            ids.append(f"{kinds[i]}:{a}-{b}-{i}")
            codes.append(self.countries[int(rng.integers(0, 40))] if rng.random() < 0.6 else None)
        self.entity_ids = pa.array(ids, pa.string())
        self.entity_names = pa.array(names, pa.string())
        self.entity_kinds = pa.array(kinds.tolist(), pa.string())
        self.entity_codes = pa.array(codes, pa.string())
        self.entity_cdf = zipf_cdf(n_ent, 1.0)
        self.country_cdf = zipf_cdf(len(self.countries), 1.2)
        self.source_cdf = zipf_cdf(SOURCES, 0.8)
        codes_file = Path(__file__).resolve().parents[1] / "transforms" / "data" / "cameo_codes.csv"
        with codes_file.open(encoding="utf-8") as fh:
            rows = [r for r in csv.DictReader(fh) if len(r["code"]) >= 3]
        self.cameo = pa.table({
            "code": [r["code"] for r in rows], "root": [r["root"] for r in rows],
            "goldstein": [float(r["goldstein"]) for r in rows],
            "quad": [int(r["quad_class"]) for r in rows],
            "plover_type": [r["plover_type"] or None for r in rows],
            "plover_mode": [r["plover_mode"] or None for r in rows]})
        weights = np.where(np.array(self.cameo.column("quad").to_pylist()) == 1, 4.0, 1.0)
        self.cameo_cdf = np.cumsum(weights) / weights.sum()

    def entities(self, idx: np.ndarray, run_id: str) -> pa.Table:
        idx = np.unique(idx)
        kinds = pc.take(self.entity_kinds, idx)
        places = pc.is_in(kinds, value_set=pa.array(["place", "country"]))
        rng = np.random.default_rng(int(idx[0]) if len(idx) else 0)
        lat = np.where(places.to_numpy(zero_copy_only=False), rng.uniform(-60, 70, len(idx)), np.nan)
        lon = np.where(places.to_numpy(zero_copy_only=False), rng.uniform(-180, 180, len(idx)), np.nan)
        names = pc.take(self.entity_names, idx)
        aliases = pa.ListArray.from_arrays(pa.array(np.arange(len(idx) + 1, dtype=np.int32)), names)
        return table("entities", len(idx), entity_id=pc.take(self.entity_ids, idx), kind=kinds,
                     canonical_name=names, country_code=pc.take(self.entity_codes, idx),
                     lat=pa.array(lat, from_pandas=True), lon=pa.array(lon, from_pandas=True),
                     aliases=aliases, run_id=run_id)


def batch(world: World, first: int, n: int, run_id: str, seed: int, *, days: tuple[date, int],
          refetch: np.ndarray | None = None) -> dict[str, pa.Table]:
    """Rows of every table for articles first..first+n (or re-fetches of `refetch` ids)."""
    rng = np.random.default_rng(seed)
    keys = np.arange(first, first + n, dtype=np.uint64) if refetch is None else refetch.astype(np.uint64)
    article_id = hex_ids(keys, 1)
    source = np.searchsorted(world.source_cdf, rng.random(n))
    host = pc.take(pa.array(HOSTS), source)
    last_day, span = days
    day_offset = rng.integers(0, span, n)
    published = (np.datetime64(last_day.isoformat()) - day_offset.astype("timedelta64[D]")).astype(
        "datetime64[s]") + rng.integers(0, 86_400, n).astype("timedelta64[s]")
    published_at = pa.array(published.astype("datetime64[us]")).cast(pa.timestamp("us", tz="UTC"))
    fetched_at = pa.array((published + rng.integers(600, 7200, n).astype("timedelta64[s]")).astype(
        "datetime64[us]")).cast(pa.timestamp("us", tz="UTC"))
    url = concat("https://", host, "/news/", article_id)
    words = np.clip(rng.lognormal(np.log(WORDS_MEDIAN), 0.4, n), 60, 4000).astype(np.int64)
    text = world.vocab.texts(words, rng)
    if refetch is not None:
        text = concat(text, " updated")
    title = world.vocab.texts(rng.integers(6, 14, n), rng)
    story = np.where(rng.random(n) < 0.3, day_offset * 50 + rng.integers(0, 50, n), -1)
    story_id = pa.array(np.where(story >= 0, story, 0)).cast(pa.string())
    story_id = pc.if_else(pa.array(story >= 0), concat("story-", story_id), pa.nulls(n, pa.string()))
    dup = rng.random(n) < 0.03
    duplicate_of = pc.if_else(pa.array(dup), hex_ids(np.maximum(keys.astype(np.int64) - 1, 0), 1),
                              pa.nulls(n, pa.string()))
    authors = pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)),
                                       world.vocab.texts(np.full(n, 2), rng))
    articles = table(
        "articles", n, article_id=article_id, url=url, canonical_url=url,
        source_id=concat("src-", pa.array(source).cast(pa.string())),
        publisher=concat("Publisher ", pa.array(source).cast(pa.string())), title=title,
        authors=authors, published_at=published_at, language="en", language_source="html-lang",
        dateline_place=pc.if_else(pa.array(rng.random(n) < 0.3), "KYIV", pa.nulls(n, pa.string())),
        text=text, word_count=words, content_sha256=hex_ids(keys, 2, 64),
        simhash=mix64(keys, 3), duplicate_of=duplicate_of, story_id=story_id,
        extractor="trafilatura+jsonld", extractor_version="2.3.1",
        raw_sha256=hex_ids(keys + np.uint64(seed), 4, 64), fetched_at=fetched_at, run_id=run_id)

    # mentions: ~38 per article, drawn from a pool of 22 entities per article
    per = np.clip(rng.normal(MENTIONS_MEAN, 12, n), 3, 150).astype(np.int64)
    pool = np.searchsorted(world.entity_cdf, rng.random((n, POOL)))
    owner = np.repeat(np.arange(n), per)
    ent = pool[owner, rng.integers(0, POOL, len(owner))]
    sentences = np.maximum(words // 20, 1)
    sentence_idx = (rng.random(len(owner)) * sentences[owner]).astype(np.int32)
    start = sentence_idx * 120 + rng.integers(0, 100, len(owner)).astype(np.int32)
    surface = pc.take(world.entity_names, ent)
    mention_keys = (keys[owner] << np.uint64(8)) + np.arange(len(owner), dtype=np.uint64) % np.uint64(256)
    mentions = table(
        "mentions", len(owner), mention_id=hex_ids(mention_keys, 5),
        article_id=pc.take(article_id, owner), entity_id=pc.take(world.entity_ids, ent),
        surface=surface, kind=pc.take(world.entity_kinds, ent), sentence_idx=sentence_idx,
        start_char=start, end_char=start + pc.utf8_length(surface).to_numpy(),
        confidence=rng.uniform(0.5, 1.0, len(owner)).astype(np.float32), run_id=run_id)

    # events: ~0.73 per article, between countries, coded with real CAMEO codes
    per_ev = rng.poisson(EVENTS_MEAN, n)
    ev_owner = np.repeat(np.arange(n), per_ev)
    m = len(ev_owner)
    c1 = np.searchsorted(world.country_cdf, rng.random(m))
    c2 = np.searchsorted(world.country_cdf, rng.random(m))
    c2 = np.where(c1 == c2, (c2 + 1) % len(world.countries), c2)
    countries = pa.array(world.countries)
    code = np.searchsorted(world.cameo_cdf, rng.random(m))
    cameo = world.cameo.take(code)
    precision = rng.choice(["day", "month", "year", "unstated"], m, p=[0.7, 0.15, 0.05, 0.1])
    pub_day = pc.cast(pc.take(published_at, ev_owner), pa.date32()).to_numpy(zero_copy_only=False)
    event_day = pub_day - rng.integers(0, 3, m).astype("timedelta64[D]")
    event_date = pc.if_else(pa.array(precision == "unstated"), pa.nulls(m, pa.date32()),
                            pa.array(event_day).cast(pa.date32()))
    roles = pa.array(["GOV", "MIL", "REB", "OPP", "BUS", None])
    evidence = world.vocab.texts(rng.integers(12, 40, m), rng)
    ev_keys = (keys[ev_owner] << np.uint64(4)) + np.arange(m, dtype=np.uint64) % np.uint64(16)
    a1 = pc.take(countries, c1)
    a2 = pc.take(countries, c2)
    events = table(
        "events", m, event_id=hex_ids(ev_keys, 6), article_id=pc.take(article_id, ev_owner),
        story_id=pc.take(story_id, ev_owner), event_date=event_date, date_precision=pa.array(precision),
        actor1_entity_id=concat("country:", a1), actor1_name=a1, actor1_country=a1,
        actor1_role=pc.take(roles, rng.integers(0, 6, m)),
        actor2_entity_id=concat("country:", a2), actor2_name=a2, actor2_country=a2,
        actor2_role=pc.take(roles, rng.integers(0, 6, m)),
        cameo_code=cameo.column("code"), cameo_root=cameo.column("root"),
        quad_class=cameo.column("quad"), goldstein=cameo.column("goldstein"),
        plover_type=cameo.column("plover_type"), plover_mode=cameo.column("plover_mode"),
        sentence_idx=rng.integers(0, 25, m).astype(np.int32), evidence=evidence,
        start_char=np.zeros(m, np.int32), end_char=pc.utf8_length(evidence),
        temporal=pa.array(rng.choice(["current", "background"], m, p=[0.85, 0.15])),
        factuality=pa.array(rng.choice(["asserted", "reported", "claimed", "negated"], m,
                                       p=[0.6, 0.3, 0.08, 0.02])),
        confidence=rng.uniform(0.3, 1.0, m).astype(np.float32), run_id=run_id)
    # the first entities are the countries, in world.countries order: events name them
    entities = world.entities(np.concatenate([ent, c1, c2]), run_id)

    # fetch_log: a page fetch per article (5% failed, their quarantine rows), a feed per 20
    failed = rng.random(n) < 0.05
    reasons = pa.array(np.where(failed, rng.choice(["http_404", "timeout", "http_503"], n), "ok"))
    status = pa.array(np.where(failed, 404, 200)).cast(pa.int32())
    # A fetch (and its quarantine row) is keyed by its run, as flows.ingest keys it: a re-fetch
    # is a new row, not an update of the first fetch's.
    again = 0 if refetch is None else 100
    fetch_log = table(
        "fetch_log", n, fetch_id=hex_ids(keys, 7 + again), url=url, final_url=url, kind="page",
        source_id=articles.column("source_id"), status=status, reason=reasons,
        bytes=rng.integers(20_000, 400_000, n), elapsed_ms=rng.lognormal(5.5, 0.7, n).astype(np.int64),
        content_type="text/html; charset=utf-8", encoding="utf-8",
        raw_sha256=articles.column("raw_sha256"), fetched_at=fetched_at, run_id=run_id)
    bad = np.flatnonzero(failed)
    quarantine = table(
        "quarantine", len(bad), quarantine_id=hex_ids(keys[bad], 8 + again), stage="fetch",
        key=pc.take(url, bad), source_id=pc.take(articles.column("source_id"), bad),
        reason=pc.take(reasons, bad), detail="synthetic failure", at=pc.take(fetched_at, bad),
        run_id=run_id)
    feed_items = table(
        "feed_items", n, item_id=hex_ids(keys, 9), source_id=articles.column("source_id"),
        guid=url, title=title, link=url, canonical_link=url, published_at=published_at, run_id=run_id)
    return {"articles": articles, "mentions": mentions, "events": events, "entities": entities,
            "fetch_log": fetch_log, "quarantine": quarantine, "feed_items": feed_items}


def sources_table(run_id: str) -> pa.Table:
    ids = pa.array([f"src-{i}" for i in range(SOURCES)])
    return table("sources", SOURCES, source_id=ids, name=concat("Source ", ids),
                 url=concat("https://", pa.array(HOSTS), "/rss.xml"), kind="rss",
                 publisher=concat("Publisher ", ids), language="en", run_id=run_id)


def write_run(world: World, lake_dir: Path, run_id: str, first: int, n: int, batch_size: int,
              seed: int, days: tuple[date, int], refetch: np.ndarray | None = None) -> dict[str, int]:
    """Generate and write one run's parts; returns rows per table."""
    rows: dict[str, int] = {}
    run_day = f"{run_id[0:4]}-{run_id[4:6]}-{run_id[6:8]}"
    lake.write_part(lake_dir, "sources", sources_table(run_id), date=run_day, part=f"{run_id}-ingest")
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        chosen = None if refetch is None else refetch[start:start + size]
        tables = batch(world, first + start, size, run_id, seed + start, days=days, refetch=chosen)
        for name, data in tables.items():
            lake.write_part(lake_dir, name, data, date=run_day, part=f"{run_id}-process-{start:07d}")
            rows[name] = rows.get(name, 0) + data.num_rows
    return rows


# --- queries --------------------------------------------------------------------------------------

def queries(world: World, last: date) -> list[tuple[str, str, dict]]:
    week, fortnight = last - timedelta(days=6), last - timedelta(days=13)
    vocab = world.vocab.words
    mid1, mid2, common = vocab[3000], vocab[4200], vocab[len(STOP) + 40]
    return [
        ("events_between_countries_week", """
            select actor1_country, actor2_country, cameo_root, count(*) as events,
                   sum(goldstein) as goldstein
            from stg_events
            where published_date between $week and $last
              and ((actor1_country = 'RUS' and actor2_country = 'UKR')
                or (actor1_country = 'UKR' and actor2_country = 'RUS'))
            group by all order by events desc""", {"week": week, "last": last}),
        ("country_pair_90_days", """
            select published_date, sum(num_events) as events, sum(goldstein_sum) as goldstein
            from fct_events_daily_country_pair
            where actor1_country = 'USA' and actor2_country = 'CHN'
              and published_date > $since
            group by all order by 1""", {"since": last - timedelta(days=90)}),
        ("top_entities_week", """
            select d.entity_id, e.canonical_name, e.kind, sum(d.num_mentions) as mentions
            from fct_entity_mentions_daily d join entities e using (entity_id)
            where d.published_date between $week and $last
            group by all order by mentions desc limit 20""", {"week": week, "last": last}),
        ("entity_timeline", """
            select published_date, num_mentions, num_articles from fct_entity_mentions_daily
            where entity_id = 'country:UKR' order by published_date""", {}),
        ("mentioned_with", """
            with pairs as (
                select entity_b as other, num_sentences from fct_entity_cooccurrence
                where entity_a = $entity and published_date > $since
                union all
                select entity_a, num_sentences from fct_entity_cooccurrence
                where entity_b = $entity and published_date > $since)
            select other, e.canonical_name, sum(num_sentences) as sentences
            from pairs join entities e on e.entity_id = pairs.other
            group by all order by sentences desc limit 20""",
         {"entity": "country:RUS", "since": last - timedelta(days=30)}),
        ("stories_that_grew", """
            select story_id,
                   count(*) filter (where published_date >= $week) as this_week,
                   count(*) filter (where published_date < $week) as last_week
            from stg_articles
            where story_id is not null and published_date between $fortnight and $last
            group by story_id order by this_week - last_week desc, story_id limit 20""",
         {"week": week, "fortnight": fortnight, "last": last}),
        ("search_two_words", "search", {"query": f"{mid1} {mid2}"}),
        ("search_common_word", "search", {"query": common}),
        ("source_health", """
            select source_id, fetches, ok, failures, failures_by_reason, median_elapsed_ms,
                   quarantined, articles
            from mart_source_health order by failures desc, source_id limit 20""", {}),
        ("gdelt_monthly_pairs", """
            SELECT Actor1CountryCode, Actor2CountryCode, EventRootCode, COUNT(*) AS Events,
                   SUM(GoldsteinScale) AS Goldstein, SUM(NumArticles) AS Articles
            FROM gdelt_events
            WHERE Day BETWEEN $first AND $last_int AND Actor1CountryCode IS NOT NULL
            GROUP BY 1, 2, 3 ORDER BY Events DESC LIMIT 20""",
         {"first": int((last - timedelta(days=30)).strftime("%Y%m%d")),
          "last_int": int(last.strftime("%Y%m%d"))}),
    ]


def run_queries(db_path: Path, world: World, last: date, repeat: int) -> dict[str, dict]:
    con = db.connect(db_path, read_only=True)
    results = {}
    try:
        for name, sql, params in queries(world, last):
            times, rows = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                if sql == "search":
                    rows = len(db.search(con, params["query"], limit=10))
                else:
                    rows = len(con.execute(sql, params).fetchall())
                times.append(time.perf_counter() - started)
            results[name] = {"median_s": round(statistics.median(times), 4),
                             "first_s": round(times[0], 4), "rows": rows}
    finally:
        con.close()
    return results


# --- the floor: DuckDB alone --------------------------------------------------------------------

FLOOR_TABLES = ("articles", "mentions", "events", "entities", "fetch_log", "feed_items")


def floor_copy(lake_dir: Path, run_id: str, db_path: Path) -> dict[str, float]:
    """What writing the rows costs at all: DuckDB copying the run's Parquet parts into bare
    tables (no keys, merge, mart, index or test), each table checkpointed. Wall and CPU-s."""
    import duckdb

    con = duckdb.connect(str(db_path))
    con.execute("set memory_limit = '2GB'")
    try:
        with Stopwatch() as took:
            for name in FLOOR_TABLES:
                files = [str(p) for p in lake.list_parts(lake_dir, name, run_id=run_id)]
                con.execute(f"create table {name} as select * from read_parquet($files)", {"files": files})
                con.execute("checkpoint")
    finally:
        con.close()
    return {"floor_s": round(took.wall, 1), "floor_cpu_s": round(took.cpu, 1)}


# --- main -----------------------------------------------------------------------------------------

def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stopwatch:
    """Wall and CPU seconds of a `with` block: `.wall`, `.cpu` once it ends."""

    def __enter__(self) -> "Stopwatch":
        self._wall, self._cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self._wall, _cpu() - self._cpu


def _mib(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--incremental", type=int, default=1_000)
    parser.add_argument("--batch-size", type=int, default=20_000, help="articles per lake part")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each query (median)")
    parser.add_argument("--data-dir", type=Path, help="keep everything here (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="do not delete the temp dir")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--floor", action="store_true",
                        help="also time DuckDB alone copying the same Parquet into bare tables")
    args = parser.parse_args()

    root = args.data_dir or Path(tempfile.mkdtemp(prefix="newsetl-bench-"))
    lake_dir, db_path = root / "lake", root / "news.duckdb"
    if db_path.exists() or lake_dir.exists():
        raise SystemExit(f"{root} already holds a warehouse or lake: give an empty --data-dir")
    root.mkdir(parents=True, exist_ok=True)
    print(f"data dir: {root}")
    try:
        with Stopwatch() as took:
            world = World(args.articles, args.seed)
            bulk_run = "20260630T230000Z-bench0"
            rows = write_run(world, lake_dir, bulk_run, 0, args.articles, args.batch_size, args.seed,
                             (END_DAY, DAYS))
        gen_s, gen_cpu = took.wall, took.cpu
        print(f"generated and wrote the lake: {rows} in {gen_s:.1f} s ({gen_cpu:.1f} CPU-s)")

        with Stopwatch() as took:
            bulk = loader.load_run(db_path, lake_dir, loader.RunFacts(
                run_id=bulk_run, started_at=datetime.now(timezone.utc), kind="load"))
        load_s, load_cpu = took.wall, took.cpu
        print(f"loaded {bulk.result.rows['articles']:,} articles in {load_s:.1f} s "
              f"({load_cpu:.1f} CPU-s); steps {bulk.seconds}; problems {bulk.problems}")

        floor = floor_copy(lake_dir, bulk_run, root / "floor.duckdb") if args.floor else {}
        if floor:
            print(f"floor (DuckDB copying the same Parquet into bare tables): {floor['floor_s']} s "
                  f"({floor['floor_cpu_s']} CPU-s)")
            (root / "floor.duckdb").unlink()

        query_results = run_queries(db_path, world, END_DAY, args.repeat)

        inc_run = "20260701T230000Z-bench1"
        refetched = max(1, args.incremental // 50)
        inc_rows = write_run(world, lake_dir, inc_run, args.articles, args.incremental,
                             args.batch_size, args.seed + 1, (END_DAY + timedelta(days=1), 2))
        picks = np.random.default_rng(args.seed).choice(args.articles, refetched, replace=False)
        write_run(world, lake_dir / "refetch", inc_run, 0, refetched, args.batch_size,
                  args.seed + 2, (END_DAY, 30), refetch=np.sort(picks))
        for path in (lake_dir / "refetch").rglob("*.parquet"):  # the same run, another batch
            table_name = path.parent.parent.name
            dest = lake_dir / table_name / path.parent.name / path.name.replace("process-", "refetch-")
            if table_name != "sources":
                dest.parent.mkdir(parents=True, exist_ok=True)
                path.replace(dest)
        shutil.rmtree(lake_dir / "refetch")
        with Stopwatch() as took:
            inc = loader.load_run(db_path, lake_dir, loader.RunFacts(
                run_id=inc_run, started_at=datetime.now(timezone.utc), kind="pipeline"))
        inc_s, inc_cpu = took.wall, took.cpu
        print(f"incremental: {inc_rows['articles']:,} new + {refetched} changed articles loaded in "
              f"{inc_s:.2f} s ({inc_cpu:.2f} CPU-s); steps {inc.seconds}; problems {inc.problems}")

        after = run_queries(db_path, world, END_DAY + timedelta(days=1), max(1, args.repeat // 2))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lake_mib, db_mib = _mib(lake_dir), _mib(db_path)
        width = max(len(n) for n in query_results)
        print(f"\n{'query':<{width}}  median_s  first_s   rows  after-incremental_s")
        for name, res in query_results.items():
            print(f"{name:<{width}}  {res['median_s']:8.3f}  {res['first_s']:7.3f}  {res['rows']:5d}"
                  f"  {after[name]['median_s']:8.3f}")
        print(f"\nlake {lake_mib:,.0f} MiB, warehouse {db_mib:,.0f} MiB, peak RSS {peak:,.0f} MiB")
        summary = {
            "articles": bulk.result.rows["articles"],
            "mentions": bulk.result.rows["mentions"], "events": bulk.result.rows["events"],
            "load_s": round(load_s, 1), "load_cpu_s": round(load_cpu, 1),
            "load_steps_s": bulk.seconds,
            "max_query_s": max(r["median_s"] for r in query_results.values()),
            "query_median_s": {n: r["median_s"] for n, r in query_results.items()},
            "max_query_after_incremental_s": max(r["median_s"] for r in after.values()),
            "incremental_articles": inc.result.rows["articles"],
            "incremental_load_s": round(inc_s, 2), "incremental_load_cpu_s": round(inc_cpu, 2),
            "incremental_steps_s": inc.seconds,
            "peak_rss_mib": round(peak), "lake_mib": round(lake_mib), "db_mib": round(db_mib),
            "generate_s": round(gen_s, 1), "problems": bulk.problems + inc.problems, **floor,
        }
    finally:
        if args.data_dir is None and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
