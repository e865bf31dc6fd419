"""Settings (env prefix NEWSETL_) and sources.toml loading, validated with clear messages."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from warehouse.storage import Location, S3Options

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
TASK_RUNNERS = ("threads", "processes")  # or dask://host:port (tcp://host:port also taken)


class Settings(BaseSettings):
    """Run settings. Every field can be set as NEWSETL_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSETL_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Raw zone, lake and warehouse live here.")
    user_agent: str = Field(
        "newsetl/0.1 (batch news ETL; set NEWSETL_USER_AGENT to add a contact address)",
        description="Sent with every request; say who you are so publishers can reach you. "
                    "Its first word (before '/') is the name matched in robots.txt.")
    connect_timeout_s: float = Field(10.0, description="TCP/TLS connect timeout per request.")
    read_timeout_s: float = Field(20.0, description="Timeout between bytes of a response.")
    total_timeout_s: float = Field(60.0, description="Hard cap on one request, redirects and "
                                                     "body included (enforced at every read).")
    max_bytes: int = Field(10_000_000, description="Larger bodies (on the wire or once "
                                                   "decompressed) are cut off and quarantined.")
    max_error_body_bytes: int = Field(65_536, description="Bytes kept of an error or "
                                                          "wrong-type response, for the raw zone.")
    max_redirects: int = Field(5, description="Redirects followed per request (each hop is "
                                              "checked against the address rules and robots.txt).")
    retries: int = Field(2, description="Extra attempts for transient failures (timeout, 429, 5xx).")
    backoff_s: float = Field(1.0, description="First retry delay; doubles each attempt, with jitter.")
    max_retry_after_s: float = Field(
        120.0, description="A Retry-After longer than this is not waited for in this run: the "
                           "failure is recorded as transient and the next run tries again.")
    http2: bool = Field(True, description="Offer HTTP/2 (used where a TLS server agrees to it).")
    concurrency: int = Field(8, ge=1, description="Requests in flight at once, all hosts together.")
    per_host_concurrency: int = Field(2, ge=1, description="Requests in flight at once to one host.")
    per_host_delay_s: float = Field(
        1.0, ge=0, description="Least time between two request starts to one host; a robots.txt "
                               "Crawl-delay that is longer wins.")
    max_host_wait_s: float = Field(
        300.0, description="A request that would have to wait longer than this for its host "
                           "(Crawl-delay, Retry-After, a long queue) is deferred to the next run "
                           "(quarantine reason politeness_deferred).")
    obey_robots: bool = Field(True, description="Check robots.txt (fetched once per host per "
                                                "run) before every request.")
    allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names, IP addresses or CIDR networks that may be fetched although they "
                    "are loopback, private, link-local or otherwise non-public (refused by "
                    "default). Comma-separated in the environment. The host of rewrite_base is "
                    "always allowed.")
    force: bool = Field(False, description="Fetch every source now, even one polled less than "
                                           "poll_minutes ago.")
    batch_size: int = Field(200, description="Articles per processing task.")
    task_runner: str = Field(
        "threads", description="Where processing batches run: `threads` (in this process), "
                               "`processes` (a local Dask cluster, one worker process per core) "
                               "or `dask://host:port` (an existing Dask scheduler; see "
                               "docs/SCALE.md).")
    workers: int | None = Field(
        None, ge=1, description="Worker processes of the `processes` runner (default: one per "
                                "core).")
    lake_url: str | None = Field(
        None, description="The Parquet lake: a local folder or s3://bucket/prefix (default "
                          "<data_dir>/lake).")
    raw_url: str | None = Field(
        None, description="The raw zone: a local folder or s3://bucket/prefix (default "
                          "<data_dir>/raw). Put it on S3 when Dask workers run on other "
                          "machines: they read the raw bytes themselves.")
    s3_endpoint: str | None = Field(
        None, description="Endpoint of an S3-compatible store, e.g. http://minio:9000 "
                          "(default: AWS).")
    s3_access_key_id: str | None = Field(None, description="S3 access key id (default: the "
                                                           "AWS SDK's own lookup).")
    s3_secret_access_key: SecretStr | None = Field(None, description="S3 secret access key.")
    s3_region: str | None = Field(None, description="S3 region, e.g. us-east-1.")

    @field_validator("task_runner")
    @classmethod
    def _runner(cls, value: str) -> str:
        value = value.strip()
        if value in TASK_RUNNERS:
            return value
        if re.fullmatch(r"(dask|tcp)://[A-Za-z0-9_.\-\[\]:]+:\d{1,5}", value):
            return value
        raise ValueError("must be threads, processes or dask://host:port")

    @field_validator("lake_url", "raw_url")
    @classmethod
    def _location(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if "://" in value and not re.fullmatch(r"s3://[a-z0-9][a-z0-9.\-]{1,62}(/.*)?", value):
            raise ValueError("must be a local path or s3://bucket/prefix")
        return value.rstrip("/")

    @property
    def s3(self) -> S3Options:
        """How to reach the object store of s3:// lake and raw URLs."""
        secret = self.s3_secret_access_key
        return S3Options(endpoint=self.s3_endpoint, access_key_id=self.s3_access_key_id,
                         secret_access_key=secret.get_secret_value() if secret else None,
                         region=self.s3_region)
    rewrite_base: str | None = Field(
        None, description="Fetch every URL through this base as <base>/<scheme>/<host>/<path>?<query> "
                          "(used by the offline demo and tests; never set in production). "
                          "Its host is allowed although it is a local address.")

    @field_validator("allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            if value.strip().startswith("["):  # a JSON list, as pydantic-settings writes lists
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def robots_agent(self) -> str:
        """The product token matched against robots.txt user-agent lines ("newsetl")."""
        return self.user_agent.split("/", 1)[0].split()[0] if self.user_agent.strip() else "*"


class Source(BaseModel):
    """One feed in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="A slug: the source_id in every table.")
    name: str = Field(description="Human-readable name.")
    url: str = Field(description="The feed's http(s) URL.")
    kind: str = Field("rss", description="rss, atom or rdf (informational: the parser sniffs).")
    publisher: str | None = None
    language: str | None = None
    country: str | None = None
    max_items: int = Field(50, ge=1, le=10_000, description="Items read per feed per run.")
    poll_minutes: int = Field(60, ge=1, description="A source fetched less than this long ago is "
                                                    "skipped (unless NEWSETL_FORCE).")

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SOURCE_ID.match(value):
            raise ValueError("must be a slug: lower-case letters, digits and '-', at most 63 chars")
        return value

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value) or any(ch.isspace() for ch in value):
            raise ValueError("must be an http:// or https:// URL without spaces")
        parts = urlsplit(value)
        if parts.username or parts.password:
            raise ValueError("must not carry a user name or password")
        try:
            parts.port  # noqa: B018 - raises ValueError on a port that is not a number
        except ValueError:
            raise ValueError("has a bad port") from None
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ("rss", "atom", "rdf"):
            raise ValueError("must be one of rss, atom, rdf")
        return value


class SourcesError(ValueError):
    """sources.toml is missing or invalid; the message says where and how to fix it."""


def load_sources(path: Path) -> list[Source]:
    """Read and validate sources.toml: `[defaults]` then one `[[sources]]` table per feed.

    Every problem is reported at once, each with the source and field at fault.
    """
    if not path.is_file():
        raise SourcesError(f"{path}: no such file. Copy docs/sources.example.toml and edit it.")
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML ({exc})") from exc
    problems: list[str] = []
    unknown = sorted(set(doc) - {"defaults", "sources"})
    if unknown:
        problems.append(f"unknown top-level key(s) {unknown} (expected [defaults] and [[sources]])")
    defaults = doc.get("defaults", {})
    if not isinstance(defaults, dict):
        raise SourcesError(f"{path}: [defaults] must be a table")
    allowed_defaults = set(Source.model_fields) - {"id", "name", "url"}
    bad_defaults = sorted(set(defaults) - allowed_defaults)
    if bad_defaults:
        problems.append(f"[defaults]: unknown or per-source-only key(s) {bad_defaults}; "
                        f"allowed: {sorted(allowed_defaults)}")
        defaults = {k: v for k, v in defaults.items() if k in allowed_defaults}
    entries = doc.get("sources")
    if not entries:
        raise SourcesError(f"{path}: no [[sources]] entries" + (
            f"; also {'; '.join(problems)}" if problems else ""))
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourcesError(f"{path}: `sources` must be an array of tables ([[sources]])")
    sources: list[Source] = []
    for n, entry in enumerate(entries, start=1):
        try:
            sources.append(Source(**{**defaults, **entry}))
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"]) or "entry"
                label = entry.get("id") or f"#{n}"
                problems.append(f"source {label}: {where}: {err['msg']}")
    ids = [s.id for s in sources]
    problems += [f"source id {i!r} is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    urls = [s.url for s in sources]
    problems += [f"url {u!r} is used by more than one source"
                 for u in sorted({u for u in urls if urls.count(u) > 1})]
    if problems:
        raise SourcesError(f"{path}: " + "; ".join(problems))
    return sources


class DataPaths:
    """Where things live under one data dir (DESIGN.md, 'Files on disk'). The raw zone and the
    lake may be elsewhere: `raw` and `lake` are then s3:// Locations (warehouse.storage), which
    warehouse.lake and warehouse.raw take as they take folders."""

    def __init__(self, data_dir: Path, *, lake: Path | Location | None = None,
                 raw: Path | Location | None = None):
        self.root = Path(data_dir)
        self.raw = self.root / "raw" if raw is None else raw
        self.lake = self.root / "lake" if lake is None else lake
        self.db = self.root / "news.duckdb"

    @classmethod
    def of(cls, settings: "Settings") -> "DataPaths":
        """The paths a run uses: the data dir, with the lake and raw zone of the settings."""
        def where(url: str | None) -> Path | Location | None:
            if url is None:
                return None
            return Location(url, settings.s3) if url.startswith("s3://") else Path(url)
        return cls(settings.data_dir, lake=where(settings.lake_url), raw=where(settings.raw_url))

    @property
    def s3(self) -> S3Options | None:
        """The object-store options of the lake, when it is on S3 (for DuckDB's reads)."""
        return self.lake.s3 if isinstance(self.lake, Location) else None

    def work(self, run_id: str) -> Path:
        """Per-run hand-over files between flows (small JSON lines: ids, paths, hashes)."""
        path = self.root / "work" / run_id
        path.mkdir(parents=True, exist_ok=True)
        return path
