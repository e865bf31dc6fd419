"""The `newsetl` command line. Prefect is imported only by the commands that run flows."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newsetl: news feeds -> clean articles, entities and events -> DuckDB.")
console = Console(stderr=True)
out = Console()

DataDir = Annotated[Path, typer.Option("--data-dir", help="Raw zone, lake and warehouse.",
                                       envvar="NEWSETL_DATA_DIR")]


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")]
TaskRunnerOpt = Annotated[Optional[str], typer.Option(
    "--task-runner", help="Where processing runs: threads, processes (all local cores, via a "
                          "local Dask cluster) or dask://host:port (docs/SCALE.md). Default: "
                          "NEWSETL_TASK_RUNNER, else threads.")]


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _quiet_prefect(verbose: bool) -> None:
    """Before Prefect is imported: nothing leaves 127.0.0.1, and logs stay short unless asked."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def demo(data_dir: DataDir = Path("data"),
         verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
         quiet: Quiet = False, task_runner: TaskRunnerOpt = None) -> None:
    """Run the whole pipeline offline on the bundled sample of real news (127.0.0.1 only)."""
    _quiet_prefect(verbose)
    _writable_or_fail(data_dir)
    from flows.demo import DEMO_QUERIES, demo_server, sample_sources

    with demo_server() as server:
        settings = _settings(data_dir=data_dir, rewrite_base=server.base_url, backoff_s=0.05,
                             retries=1, task_runner=task_runner)
        summary = _run_pipeline(str(sample_sources()), settings, quiet)
    _print_summary(summary)
    from warehouse import db
    con = db.connect(settings.data_dir / "news.duckdb", read_only=True)
    try:
        for title, sql in DEMO_QUERIES:
            out.print(f"\n[bold]{title}[/]\n[dim]{sql}[/]")
            cur = con.execute(sql)
            _print_rows([d[0] for d in cur.description], cur.fetchall(), Fmt.table)
    finally:
        con.close()
    out.print(f"\nQuery it yourself: [bold]newsetl sql \"select count(*) from articles\" "
              f"--data-dir {data_dir}[/] or [bold]duckdb -readonly {settings.data_dir / 'news.duckdb'}[/]")


@app.command()
def run(sources: Annotated[Path, typer.Option("--sources", help="sources.toml")],
        data_dir: DataDir = Path("data"),
        verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
        quiet: Quiet = False, task_runner: TaskRunnerOpt = None) -> None:
    """One run against real feeds: fetch, process, load."""
    _quiet_prefect(verbose)
    from flows.config import SourcesError, load_sources
    try:
        load_sources(sources)
    except SourcesError as exc:
        _fail(str(exc))
    _writable_or_fail(data_dir)
    summary = _run_pipeline(str(sources), _settings(data_dir=data_dir, task_runner=task_runner), quiet)
    _print_summary(summary)


def _settings(task_runner: str | None = None, **fields):
    """Settings from the environment and these fields; --task-runner only when given."""
    from pydantic import ValidationError

    from flows.config import Settings
    if task_runner is not None:
        fields["task_runner"] = task_runner
    try:
        return Settings(**fields)
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}"
                        for e in exc.errors()))


def _writable_or_fail(data_dir: Path) -> None:
    """Before a run starts: a clear message, not a stack trace, when another process has the
    warehouse open (one writer, or readers; DuckDB allows one or the other)."""
    from warehouse import db
    path = data_dir / "news.duckdb"
    if not path.exists():
        return
    try:
        db.connect(path).close()
    except db.WarehouseLocked as exc:
        _fail(str(exc))


@contextmanager
def _progress(status: str, quiet: bool) -> Iterator[None]:
    """Progress bars on stderr for the stages of a run (flows call flows.progress.advance);
    nothing under --quiet."""
    if quiet:
        yield
        return
    from flows import progress
    with progress.RichProgress(console, status) as bars, progress.use(bars):
        yield


def _run_pipeline(sources_file: str, settings, quiet: bool = False):
    from warehouse import db
    with _progress("Running the pipeline (Prefect's local API may take up to a minute to "
                   "start on the first run)", quiet):
        from flows.pipeline import pipeline
        try:
            return pipeline(sources_file, settings)
        except db.WarehouseLocked as exc:
            _fail(f"the run fetched and processed its pages but could not load them: {exc}. "
                  "Its lake parts are kept: `newsetl load RUN_ID` loads them later.")


@app.command()
def load(run_id: Annotated[str, typer.Argument(help="The run whose lake parts to load.")],
         data_dir: DataDir = Path("data"),
         reload: Annotated[bool, typer.Option(
             help="Load it again even if it is recorded as completed.")] = False) -> None:
    """Load a run's lake parts into the warehouse (after a load failed or was killed)."""
    from flows.config import DataPaths
    from flows.load import load_into_warehouse
    from flows.runs import utcnow
    from warehouse import db, lake
    paths = DataPaths.of(_settings(data_dir=data_dir))  # the lake may be on S3 (NEWSETL_LAKE_URL)
    if not any(lake.list_parts(paths.lake, t, run_id=run_id) for t in ("articles", "fetch_log", "quarantine")):
        _fail(f"no lake parts of run {run_id!r} under {paths.lake}")
    _writable_or_fail(data_dir)
    try:
        summary = load_into_warehouse(run_id, paths, utcnow(), {}, kind="load", reload=reload)
    except db.WarehouseLocked as exc:
        _fail(str(exc))
    if summary.already_loaded:
        out.print(f"run {run_id} was already loaded (use --reload to load it again)")
        return
    from flows.stories import assign_stories_in_warehouse
    stories = assign_stories_in_warehouse(run_id, paths.db)  # as a pipeline run does after its load
    table = Table(title=f"newsetl load {run_id}")
    table.add_column("table")
    table.add_column("rows merged", justify="right")
    table.add_column("warehouse", justify="right")
    for name, n in summary.loaded.items():
        table.add_row(name, str(n), str(summary.totals.get(name, "")))
    out.print(table)
    out.print(f"stories: {stories.articles} articles clustered, {stories.duplicates} duplicates, "
              f"{stories.multi_source} multi-source stories")
    for problem in summary.problems:
        console.print(f"[yellow]column test failed:[/] {problem}")


@app.command()
def reprocess(data_dir: DataDir = Path("data"),
              since: Annotated[Optional[str], typer.Option(
                  help="First fetch day to reprocess (YYYY-MM-DD, UTC).")] = None,
              until: Annotated[Optional[str], typer.Option(
                  help="Last fetch day to reprocess (YYYY-MM-DD, UTC, inclusive).")] = None,
              everything: Annotated[bool, typer.Option(
                  "--all", help="Reprocess every page in the raw zone.")] = False,
              verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
              quiet: Quiet = False) -> None:
    """Process and load again from the raw zone (no fetching): a day range, or --all."""
    if everything and (since or until):
        _fail("--all and --since/--until do not go together: pick one")
    if not everything and not (since or until):
        _fail("say what to reprocess: --all, or --since DATE and/or --until DATE")
    first = _parse_day(since) if since else None
    last = _parse_day(until) if until else None
    if first and last and first > last:
        _fail(f"--since {first} is after --until {last}")
    if not (data_dir / "work").is_dir():
        _fail(f"nothing to reprocess: {data_dir / 'work'} does not exist (no run has fetched "
              "anything into this data dir)")
    _quiet_prefect(verbose)
    _writable_or_fail(data_dir)
    from flows.config import Settings
    from warehouse import db
    with _progress("Reprocessing from the raw zone", quiet):
        from flows.reprocess import reprocess as reprocess_flow
        try:
            summary = reprocess_flow(Settings(data_dir=data_dir), first, last)
        except db.WarehouseLocked as exc:
            _fail(str(exc))
    proc, ld = summary.process, summary.load
    table = Table(title=f"newsetl reprocess {summary.run_id} ({summary.scope})")
    table.add_column("what")
    table.add_column("this run", justify="right")
    table.add_column("warehouse", justify="right")
    tot = ld.totals
    for what, now, total in [
        ("pages processed again", summary.pages, None),
        ("pages without raw bytes (kept as they were)", summary.missing_raw, None),
        ("old articles replaced", ld.replaced_articles, None),
        ("articles", proc.articles, tot.get("articles")),
        ("mentions", proc.mentions, tot.get("mentions")),
        ("entities", proc.entities, tot.get("entities")),
        ("events", proc.events, tot.get("events")),
        ("quarantined", proc.quarantined, tot.get("quarantine")),
    ]:
        table.add_row(what, str(now), "" if total is None else str(total))
    out.print(table)
    for problem in ld.problems:
        console.print(f"[yellow]column test failed:[/] {problem}")


def _print_summary(summary) -> None:
    ing, proc, ld = summary.ingest, summary.process, summary.load
    table = Table(title=f"newsetl run {summary.run_id}", show_header=True)
    table.add_column("stage")
    table.add_column("what")
    table.add_column("this run", justify="right")
    table.add_column("warehouse", justify="right")
    tot = ld.totals
    rows = [
        ("ingest", "feeds (fetched ok)", f"{ing.feeds} ({ing.feeds_ok})", tot.get("sources")),
        ("ingest", "feed items", ing.feed_items, tot.get("feed_items")),
        ("ingest", "pages fetched", f"{ing.pages_ok} of {ing.pages}", None),
        ("process", "articles", proc.articles, tot.get("articles")),
        ("process", "mentions", proc.mentions, tot.get("mentions")),
        ("process", "entities", proc.entities, tot.get("entities")),
        ("process", "events", proc.events, tot.get("events")),
        ("all", "quarantined", ing.quarantined + proc.quarantined, tot.get("quarantine")),
    ]
    for stage, what, now, total in rows:
        table.add_row(stage, what, str(now), "" if total is None else str(total))
    out.print(table)
    for problem in ld.problems:
        console.print(f"[yellow]column test failed:[/] {problem}")


@app.command()
def serve(sources: Annotated[Path, typer.Option("--sources", help="sources.toml")],
          data_dir: DataDir = Path("data"),
          cron: Annotated[str, typer.Option(help="When to run (cron, UTC).")] = "0 * * * *",
          interval: Annotated[Optional[int], typer.Option(
              help="Run every N seconds instead of the cron schedule.")] = None,
          server_port: Annotated[int, typer.Option(
              help="Port of the local Prefect server started when PREFECT_API_URL is unset.")] = 4200,
          ) -> None:
    """Scheduled runs: serve the pipeline deployment against a standing Prefect server."""
    from flows.serve import serve_pipeline
    serve_pipeline(sources=sources.resolve(), data_dir=data_dir.resolve(), cron=cron,
                   interval=interval, server_port=server_port)


Wait = Annotated[float, typer.Option(
    "--wait", help="Seconds to wait while a load has the warehouse open.")]


def _open_read_only(data_dir: Path, wait: float):
    from warehouse import db
    try:
        return db.connect(data_dir / "news.duckdb", read_only=True, wait_s=wait, sandbox=True)
    except (db.WarehouseMissing, db.WarehouseLocked) as exc:
        _fail(str(exc))


@app.command()
def sql(query: Annotated[str, typer.Argument(help="SQL to run (read-only).")],
        data_dir: DataDir = Path("data"),
        fmt: Annotated[Fmt, typer.Option("--format", help="table, csv or json")] = Fmt.table,
        max_rows: Annotated[int, typer.Option(
            help="Rows shown as a table (csv and json print all).")] = 100,
        wait: Wait = 10.0,
        ) -> None:
    """Query the warehouse read-only (no writes, no files: the database only)."""
    import duckdb

    con = _open_read_only(data_dir, wait)
    try:
        cur = con.execute(query)
        if cur.description is None:
            return
        columns = [d[0] for d in cur.description]
        if fmt is Fmt.table:
            rows = cur.fetchmany(max_rows + 1)
            _print_rows(columns, rows[:max_rows], fmt)
            if len(rows) > max_rows:
                console.print("[dim]more rows not shown: add a LIMIT, raise --max-rows, or use "
                              "--format csv|json[/]")
        else:
            _print_rows(columns, cur.fetchall(), fmt)
    except duckdb.PermissionException as exc:
        _fail(f"the query failed: {exc}. `newsetl sql` reads the warehouse only; for files "
              "(the Parquet lake) use duckdb or pyarrow directly")
    except duckdb.Error as exc:
        _fail(f"the query failed: {exc}")
    finally:
        con.close()


@app.command()
def search(query: Annotated[str, typer.Argument(help="Words to look for in titles and texts.")],
           data_dir: DataDir = Path("data"),
           limit: Annotated[int, typer.Option(help="How many articles.")] = 10,
           wait: Wait = 10.0) -> None:
    """Full-text search over articles (BM25)."""
    from warehouse import db
    con = _open_read_only(data_dir, wait)
    try:
        rows = db.search(con, query, limit=limit)
    except db.SearchIndexMissing as exc:
        _fail(str(exc))
    finally:
        con.close()
    _print_rows(["article_id", "title", "score"], [tuple(r) for r in rows], Fmt.table)


@app.command()
def report(data_dir: DataDir = Path("data"),
           out_file: Annotated[Path, typer.Option(
               "--out", help="The HTML file to write.")] = Path("report.html"),
           since: Annotated[Optional[str], typer.Option(
               help="Only articles published (and runs, fetches, quarantine) since this day "
                    "(YYYY-MM-DD, UTC).")] = None,
           wait: Wait = 10.0) -> None:
    """One self-contained HTML report: run and source health, events, country pairs,
    entities, stories, a map; every number links to its SQL. Reads the warehouse read-only."""
    from flows.report import write_report
    from warehouse import db
    first = _parse_day(since) if since else None
    try:
        data = write_report(data_dir / "news.duckdb", out_file, first, wait_s=wait)
    except (db.WarehouseMissing, db.WarehouseLocked) as exc:
        _fail(str(exc))
    note = "" if not data.empty else f" (nothing since {first})" if first else " (the warehouse is empty)"
    out.print(f"wrote {out_file}{note}", soft_wrap=True, highlight=False)


def _print_rows(columns: list[str], rows: list[tuple], fmt: Fmt) -> None:
    if fmt is Fmt.json:
        sys.stdout.write(json.dumps([dict(zip(columns, r)) for r in rows], default=str,
                                    ensure_ascii=False) + "\n")
    elif fmt is Fmt.csv:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        table = Table(*columns)
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        out.print(table)


MAX_CELL = 200  # characters of one value shown in a table (an article text is thousands)


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "\u2026"


@app.command()
def extract(files: Annotated[list[Path], typer.Argument(help="HTML or .html.gz files.")]) -> None:
    """Extract and clean articles from HTML files: one JSON object per line, in input order."""
    from transforms.article import read_article
    from transforms.encoding import DecodeError
    from transforms.extract import ExtractionError
    for path in files:
        record: dict = {"path": str(path)}
        try:
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            read = read_article(data, path.resolve().as_uri())
        except (OSError, DecodeError, ExtractionError) as exc:
            record["error"] = f"{type(exc).__name__}: {exc}"
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        page, dl = read.page, read.cleaned.dateline
        record.update({
            "url": page.canonical_url or page.url, "title": page.title,
            "authors": list(page.authors),
            "published_at": page.published_at.isoformat() if page.published_at else None,
            "language": page.language, "text": read.cleaned.text,
            "dateline": {"place": dl.place, "date": dl.date_text, "agency": dl.agency,
                         "raw": dl.raw} if dl else None})
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


@app.command()
def annotate(source: Annotated[str, typer.Argument(help="A text file, or - for stdin.")] = "-",
             published: Annotated[Optional[str], typer.Option(
                 help="Publication date (YYYY-MM-DD) that relative dates resolve against.")] = None,
             jsonl: Annotated[bool, typer.Option(
                 "--jsonl", help="One JSON object per line: text, optional id and published.")] = False,
             ) -> None:
    """Entities, mentions and events of plain text, as JSON (one object per text)."""
    from transforms.annotate import annotate_texts
    raw = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8")
    default_day = _parse_day(published) if published else None
    if jsonl:
        inputs = [json.loads(line) for line in raw.splitlines() if line.strip()]
    else:
        inputs = [{"text": raw}]
    days = [_parse_day(i["published"]) if i.get("published") else default_day for i in inputs]
    results = annotate_texts([i["text"] for i in inputs], published=days)
    for item, ann in zip(inputs, results):
        sys.stdout.write(json.dumps(annotation_json(ann, item.get("id")), ensure_ascii=False,
                                    default=str) + "\n")


def annotation_json(ann, item_id=None) -> dict:
    """The JSON shape of `newsetl annotate` (and of what the pipeline stores)."""
    record: dict = {} if item_id is None else {"id": item_id}
    record["entities"] = [{"entity_id": e.entity_id, "kind": e.kind, "name": e.canonical_name,
                           "country_code": e.country_code, "lat": e.lat, "lon": e.lon,
                           "aliases": list(e.aliases)} for e in ann.entities]
    record["mentions"] = [{"entity_id": m.entity_id, "surface": m.surface, "kind": m.kind,
                           "start_char": m.start_char, "end_char": m.end_char,
                           "sentence_idx": m.sentence_idx} for m in ann.mentions]
    record["events"] = [{
        "actor1": {"entity_id": e.actor1_entity_id, "name": e.actor1_name,
                   "country_code": e.actor1_country, "role": e.actor1_role},
        "actor2": {"entity_id": e.actor2_entity_id, "name": e.actor2_name,
                   "country_code": e.actor2_country, "role": e.actor2_role},
        "cameo_code": e.cameo_code, "cameo_root": e.cameo_root, "quad_class": e.quad_class,
        "goldstein": e.goldstein, "plover_type": e.plover_type, "plover_mode": e.plover_mode,
        "event_date": e.event_date.isoformat() if e.event_date else None,
        "date_precision": e.date_precision, "evidence": e.evidence,
        "start_char": e.start_char, "end_char": e.end_char, "sentence_idx": e.sentence_idx,
        "temporal": e.temporal, "factuality": e.factuality, "confidence": e.confidence,
    } for e in ann.events]
    return record


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        _fail(f"not a date: {value!r} (expected YYYY-MM-DD)")
        raise


def main() -> None:
    app()


if __name__ == "__main__":
    main()
