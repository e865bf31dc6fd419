"""`newsetl report`: one self-contained HTML file an analyst can open anywhere (no network).

Every number comes from a query in `warehouse/models/report_*.sql` and links to that query's
text, printed at the end of the report with the parameters it ran with. Charts are matplotlib
figures inlined as SVG; the template is `flows/templates/report.html.j2` (jinja2). A section
whose tables are missing (a warehouse never loaded, no `stories` table yet) or empty says so.
"""

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb
from markupsafe import Markup

from warehouse import db
from warehouse.sql import load_sql, run_script

# Each query of the report and the relations (tables or views) it needs.
QUERIES: dict[str, tuple[str, ...]] = {
    "report_totals": ("stg_articles", "stg_events", "fct_entity_mentions_daily", "runs",
                      "quarantine"),
    "report_runs": ("runs",),
    "report_source_health": ("stg_fetch_outcomes", "quarantine", "stg_articles"),
    "report_quarantine_reasons": ("quarantine",),
    "report_events_by_quad": ("fct_events_daily_country_pair",),
    "report_country_pairs": ("fct_events_daily_country_pair",),
    "report_top_entities": ("fct_entity_mentions_daily", "entities"),
    "report_top_stories": ("stories",),
    "report_event_locations": ("stg_events",),
}

QUAD_CLASSES = {1: "Verbal cooperation", 2: "Material cooperation", 3: "Verbal conflict",
                4: "Material conflict"}
QUAD_COLORS = {1: "#7fbf7b", 2: "#1b7837", 3: "#f1a340", 4: "#b2182b"}
MATRIX_COUNTRIES = 12  # the country-pair matrix shows the countries with the most events
DASH = "\u2014"


@dataclass(frozen=True, slots=True)
class QueryResult:
    """What one report query returned, with its SQL text (shown in the report)."""
    name: str
    sql: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()
    missing: tuple[str, ...] = ()  # relations the warehouse does not have: not run

    @property
    def records(self) -> list[dict]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    @property
    def anchor(self) -> str:
        return f"sql-{self.name}"


@dataclass(frozen=True, slots=True)
class ReportData:
    generated_at: datetime
    db_path: str
    since: date | None
    results: dict[str, QueryResult] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No article, event, run or fetch at all (a new or never-loaded warehouse)."""
        totals = self.results["report_totals"].records
        health = self.results["report_source_health"].rows
        if not totals:
            return not health
        t = totals[0]
        return not (t["articles"] or t["events"] or t["runs"] or t["quarantined"] or health)


# --- queries -------------------------------------------------------------------------------------

def relations(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views in the warehouse's main schema."""
    return {name for (name,) in run_script(con, load_sql("report_relations")).fetchall()}


def run_query(con: duckdb.DuckDBPyConnection, name: str, since: date | None,
              have: set[str]) -> QueryResult:
    """Run one report query (or not, when a relation it needs is missing)."""
    sql = load_sql(name)
    missing = tuple(r for r in QUERIES[name] if r not in have)
    if missing:
        return QueryResult(name, sql, missing=missing)
    cur = run_script(con, sql, {"since": since})
    return QueryResult(name, sql, tuple(d[0] for d in cur.description),
                       tuple(tuple(r) for r in cur.fetchall()))


def collect(con: duckdb.DuckDBPyConnection, since: date | None, db_path: str = "",
            now: datetime | None = None) -> ReportData:
    """Every query of the report against an open (read-only) warehouse."""
    have = relations(con)
    results = {name: run_query(con, name, since, have) for name in QUERIES}
    return ReportData(generated_at=now or datetime.now(timezone.utc), db_path=db_path,
                      since=since, results=results)


# --- formatting ----------------------------------------------------------------------------------

def format_number(value, digits: int | None = None) -> str:
    """1234 -> '1,234'; 2.5 -> '2.50'; None or NaN -> an em dash; dates as ISO (UTC times)."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return DASH
        if digits is None:
            if value.is_integer():
                return f"{int(value):,}"
            digits = 2
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def format_percent(value) -> str:
    """0.954 -> '95.4%'; None -> an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{float(value) * 100:.1f}%"


def format_ms(value) -> str:
    """Milliseconds: 85 -> '85 ms', 1530 -> '1.53 s'; None -> an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    value = float(value)
    return f"{value:,.0f} ms" if value < 1000 else f"{value / 1000:,.2f} s"


def number_link(value, query: str, key: str | None = None, kind: str = "number",
                digits: int | None = None) -> Markup:
    """A number as a link to the SQL that produced it (`key`: a data-key for tests and tools;
    `kind`: number, percent or ms)."""
    if kind == "percent":
        text = format_percent(value)
    elif kind == "ms":
        text = format_ms(value)
    else:
        text = format_number(value, digits)
    data = Markup(' data-key="{}" data-value="{}"').format(key, "" if value is None else value) \
        if key else Markup("")
    return Markup('<a class="num" href="#sql-{}" title="from {}.sql"{}>{}</a>').format(
        query, query, data, text)


# --- charts --------------------------------------------------------------------------------------

def _figure(width: float, height: float):
    from matplotlib.figure import Figure
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def svg_of(fig, name: str) -> str:
    """The figure as an inline <svg> element (no XML prolog), text kept as text.

    matplotlib names elements `figure_1`, `axes_1`, ... in every figure; inlined together they
    would share ids (and a clip path could point into another chart), so every id and every
    reference to one (`url(#..)`, `href="#.."`) gets the chart's name as a prefix."""
    import matplotlib
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return (text.replace(' id="', f' id="{name}-').replace("url(#", f"url(#{name}-")
            .replace('href="#', f'href="#{name}-'))


def time_bucket(days: Sequence[date]) -> str:
    """How to bin days for a readable bar chart: 'day' over two months at most, 'month' over
    six years at most, else 'year'."""
    span = (max(days) - min(days)).days if days else 0
    return "day" if span <= 62 else "month" if span <= 6 * 366 else "year"


def bucket_start(day: date, bucket: str) -> date:
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "year":
        return day.replace(month=1, day=1)
    return day


BAR_WIDTH_DAYS = {"day": 0.8, "month": 25, "year": 300}


def chart_events_over_time(rows: Sequence[Mapping]) -> str | None:
    """Stacked bars: events per day (or month, or year, as the span asks) by quad class.
    None when there are no events."""
    if not rows:
        return None
    bucket = time_bucket([r["day"] for r in rows])
    rows = [{**r, "day": bucket_start(r["day"], bucket)} for r in rows]
    days = sorted({r["day"] for r in rows})
    index = {d: i for i, d in enumerate(days)}
    fig = _figure(8, 3)
    ax = fig.add_subplot()
    bottom = [0] * len(days)
    for quad, label in QUAD_CLASSES.items():
        heights = [0] * len(days)
        for r in rows:
            if r["quad_class"] == quad:
                heights[index[r["day"]]] += int(r["events"])
        if any(heights):
            ax.bar(days, heights, bottom=bottom, color=QUAD_COLORS[quad], label=label,
                   width=BAR_WIDTH_DAYS[bucket])
            bottom = [b + h for b, h in zip(bottom, heights)]
    other = [0] * len(days)
    for r in rows:
        if r["quad_class"] not in QUAD_CLASSES:
            other[index[r["day"]]] += int(r["events"])
    if any(other):
        ax.bar(days, other, bottom=bottom, color="#999999", label="No quad class",
               width=BAR_WIDTH_DAYS[bucket])
    ax.set_ylabel(f"events per {bucket}")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    return svg_of(fig, "events_over_time")


def matrix_countries(rows: Sequence[Mapping], limit: int = MATRIX_COUNTRIES) -> list[str]:
    """The countries with the most events (as either actor), most first."""
    totals: dict[str, int] = {}
    for r in rows:
        for c in (r["actor1_country"], r["actor2_country"]):
            totals[c] = totals.get(c, 0) + int(r["events"])
    return sorted(totals, key=lambda c: (-totals[c], c))[:limit]


def chart_country_matrix(rows: Sequence[Mapping]) -> str | None:
    """A heatmap of mean Goldstein score per actor1 -> actor2 country pair, cells labelled with
    their event counts. None when no event has two countries."""
    if not rows:
        return None
    countries = matrix_countries(rows)
    pos = {c: i for i, c in enumerate(countries)}
    n = len(countries)
    grid = [[math.nan] * n for _ in range(n)]
    counts = [[0] * n for _ in range(n)]
    for r in rows:
        a, b = r["actor1_country"], r["actor2_country"]
        if a in pos and b in pos:
            grid[pos[a]][pos[b]] = float(r["goldstein_avg"])
            counts[pos[a]][pos[b]] = int(r["events"])
    size = 2.5 + 0.45 * n
    fig = _figure(size + 1.2, size)
    ax = fig.add_subplot()
    image = ax.imshow(grid, cmap="RdYlGn", vmin=-10, vmax=10)
    ax.set_xticks(range(n), countries, rotation=90, fontsize=8)
    ax.set_yticks(range(n), countries, fontsize=8)
    ax.set_xlabel("actor 2 (target)")
    ax.set_ylabel("actor 1 (source)")
    for i in range(n):
        for j in range(n):
            if counts[i][j]:
                ax.text(j, i, str(counts[i][j]), ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, shrink=0.8, label="mean Goldstein (conflict < 0 < cooperation)")
    return svg_of(fig, "country_matrix")


def chart_top_entities(rows: Sequence[Mapping]) -> str | None:
    """Horizontal bars: mentions of the most-mentioned entities."""
    if not rows:
        return None
    rows = list(rows)[::-1]
    fig = _figure(7, 0.8 + 0.25 * len(rows))
    ax = fig.add_subplot()
    ax.barh([r["name"] for r in rows], [int(r["mentions"]) for r in rows], color="#4c72b0")
    ax.set_xlabel("mentions")
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_of(fig, "top_entities")


def chart_source_health(rows: Sequence[Mapping]) -> str | None:
    """Horizontal stacked bars per source: fetches ok, not modified, failed."""
    rows = [r for r in rows if r["fetches"]]
    if not rows:
        return None
    rows = rows[::-1]
    names = [r["source_id"] for r in rows]
    fig = _figure(7, 0.8 + 0.3 * len(rows))
    ax = fig.add_subplot()
    left = [0] * len(rows)
    for column, color, label in (("ok", "#1b7837", "ok"), ("not_modified", "#92c5de",
                                                            "not modified"),
                                 ("failures", "#b2182b", "failed")):
        values = [int(r[column]) for r in rows]
        if any(values):
            ax.barh(names, values, left=left, color=color, label=label)
            left = [a + b for a, b in zip(left, values)]
    ax.set_xlabel("HTTP fetches (feeds, pages, robots.txt)")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return svg_of(fig, "source_health")


def chart_event_map(rows: Sequence[Mapping]) -> str | None:
    """Event locations on an equirectangular lon/lat plot with a 30-degree graticule (no map
    tiles, no coastline data: nothing to download). Marker area grows with the event count."""
    points = [r for r in rows if r["lat"] is not None and r["lon"] is not None]
    if not points:
        return None
    fig = _figure(8, 4.3)
    ax = fig.add_subplot()
    ax.set_xlim(-180, 180)
    ax.set_ylim(-90, 90)
    ax.set_aspect("equal")
    ax.set_xticks(range(-180, 181, 30))
    ax.set_yticks(range(-90, 91, 30))
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#cccccc", linewidth=0.5)
    ax.axhline(0, color="#999999", linewidth=0.7)
    ax.set_facecolor("#f4f8fb")
    sizes = [12 + 10 * math.sqrt(int(r["events"])) for r in points]
    ax.scatter([float(r["lon"]) for r in points], [float(r["lat"]) for r in points], s=sizes,
               color="#b2182b", alpha=0.6, edgecolors="#5a0c16", linewidths=0.5)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    return svg_of(fig, "event_map")


# --- rendering -----------------------------------------------------------------------------------

def _environment():
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    env = Environment(loader=PackageLoader("flows", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(num=format_number, pct=format_percent, ms=format_ms)
    env.globals.update(link=number_link, quad_classes=QUAD_CLASSES)
    return env


def render_html(data: ReportData) -> str:
    """The report as one HTML document (inline CSS and SVG, no external resources)."""
    r = {name: res.records for name, res in data.results.items()}
    charts = {
        "source_health": chart_source_health(r["report_source_health"]),
        "events_over_time": chart_events_over_time(r["report_events_by_quad"]),
        "country_matrix": chart_country_matrix(r["report_country_pairs"]),
        "top_entities": chart_top_entities(r["report_top_entities"]),
        "event_map": chart_event_map(r["report_event_locations"]),
    }
    totals = r["report_totals"][0] if r["report_totals"] else None
    quad_totals: dict[int, int] = {}
    for row in r["report_events_by_quad"]:
        quad_totals[row["quad_class"]] = quad_totals.get(row["quad_class"], 0) + int(row["events"])
    return _environment().get_template("report.html.j2").render(
        data=data, results=data.results, r=r, totals=totals, quad_totals=quad_totals,
        charts={k: Markup(v) if v else None for k, v in charts.items()},
        matrix_countries=matrix_countries(r["report_country_pairs"]),
        bucket=time_bucket([row["day"] for row in r["report_events_by_quad"]]),
        since=data.since, params={"since": data.since.isoformat() if data.since else "null"})


def write_report(db_path: Path, out: Path, since: date | None = None, wait_s: float = 0.0,
                 now: datetime | None = None) -> ReportData:
    """Open the warehouse read-only, run the report's queries, write the HTML to `out`
    (atomically). Raises db.WarehouseMissing / db.WarehouseLocked with a clear message."""
    con = db.connect(db_path, read_only=True, wait_s=wait_s, sandbox=True)
    try:
        data = collect(con, since, str(db_path), now)
    finally:
        con.close()
    html = render_html(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, "utf-8")
    tmp.replace(out)
    return data
