"""Settings (env prefix NEWSETL_) and sources.toml loading, validated with clear messages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Settings(BaseSettings):
    """Run settings. Every field can be set as NEWSETL_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSETL_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Raw zone, lake and warehouse live here.")
    user_agent: str = Field(
        "newsetl/0.1 (batch news ETL; set NEWSETL_USER_AGENT to add a contact address)",
        description="Sent with every request; say who you are so publishers can reach you.")
    connect_timeout_s: float = Field(10.0, description="TCP/TLS connect timeout per request.")
    read_timeout_s: float = Field(20.0, description="Timeout between bytes of a response.")
    total_timeout_s: float = Field(60.0, description="Hard cap on one request, body included.")
    max_bytes: int = Field(10_000_000, description="Larger bodies are cut off and quarantined.")
    max_redirects: int = Field(5, description="Redirects followed per request.")
    retries: int = Field(2, description="Extra attempts for transient failures (timeout, 429, 5xx).")
    backoff_s: float = Field(1.0, description="First retry delay; doubles each attempt, with jitter.")
    concurrency: int = Field(8, description="Requests in flight at once, all hosts together.")
    per_host_concurrency: int = Field(2, description="Requests in flight at once to one host.")
    batch_size: int = Field(200, description="Articles per processing task.")
    rewrite_base: str | None = Field(
        None, description="Fetch every URL through this base as <base>/<host>/<path>?<query> "
                          "(used by the offline demo and tests; never set in production).")


class Source(BaseModel):
    """One feed in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    url: str
    kind: str = "rss"
    publisher: str | None = None
    language: str | None = None
    country: str | None = None
    max_items: int = Field(50, ge=1, le=10_000)
    poll_minutes: int = Field(60, ge=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SOURCE_ID.match(value):
            raise ValueError("must be a slug: lower-case letters, digits and '-', at most 63 chars")
        return value

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http:// or https:// URL")
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
    """Read and validate sources.toml: `[defaults]` then one `[[sources]]` table per feed."""
    if not path.is_file():
        raise SourcesError(f"{path}: no such file. Copy sources.example.toml and edit it.")
    try:
        doc = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: not valid TOML ({exc})") from exc
    defaults = doc.get("defaults", {})
    entries = doc.get("sources")
    if not entries:
        raise SourcesError(f"{path}: no [[sources]] entries")
    sources: list[Source] = []
    problems: list[str] = []
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
    if problems:
        raise SourcesError(f"{path}: " + "; ".join(problems))
    return sources


class DataPaths:
    """Where things live under one data dir (DESIGN.md, 'Files on disk')."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir)
        self.raw = self.root / "raw"
        self.lake = self.root / "lake"
        self.db = self.root / "news.duckdb"

    def work(self, run_id: str) -> Path:
        """Per-run hand-over files between flows (small JSON lines: ids, paths, hashes)."""
        path = self.root / "work" / run_id
        path.mkdir(parents=True, exist_ok=True)
        return path
