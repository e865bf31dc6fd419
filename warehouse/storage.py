"""Where the raw zone and the lake live: a local folder or an S3-compatible bucket.

A location is given as a URL: a local path (`data/lake`) or `s3://bucket/prefix`, with the
endpoint and credentials of the object store beside it (`S3Options`). Files on S3 go through
pyarrow's own S3 filesystem (`pyarrow.fs.S3FileSystem`); nothing here speaks HTTP itself.

Writes are atomic on both: locally a temp file is renamed into place (lake.py, raw.py), on S3
the whole object is buffered in memory and sent as ONE upload, which S3 makes visible only once
complete (a failed or interrupted upload leaves no object, and no partial one).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.fs as pafs

log = logging.getLogger(__name__)

S3_SCHEME = "s3://"


@dataclass(frozen=True)
class S3Options:
    """How to reach an S3-compatible store. Empty fields fall back to the AWS SDK's own
    defaults (environment variables, ~/.aws, instance metadata)."""

    endpoint: str | None = None          # e.g. http://127.0.0.1:9000 (MinIO, Ceph, moto...)
    access_key_id: str | None = None
    secret_access_key: str | None = field(default=None, repr=False)
    region: str | None = None

    @property
    def scheme(self) -> str:
        """http or https, from the endpoint (https when none is given)."""
        if self.endpoint and self.endpoint.startswith("http://"):
            return "http"
        return "https"

    @property
    def host(self) -> str | None:
        """The endpoint without its scheme (host:port), as pyarrow and DuckDB want it."""
        if not self.endpoint:
            return None
        if "://" in self.endpoint:
            return urlsplit(self.endpoint).netloc
        return self.endpoint


@functools.lru_cache(maxsize=8)
def _s3_filesystem(options: S3Options) -> pafs.S3FileSystem:
    """One S3 filesystem per process and options (its connection pool is reused)."""
    kwargs: dict = {"scheme": options.scheme}
    if options.host:
        kwargs["endpoint_override"] = options.host
    if options.region:
        kwargs["region"] = options.region
    if options.access_key_id:
        kwargs["access_key"] = options.access_key_id
        kwargs["secret_key"] = options.secret_access_key or ""
    return pafs.S3FileSystem(**kwargs)


@dataclass(frozen=True)
class Location:
    """A folder of the raw zone or the lake: a local path, or a prefix in an S3 bucket.

    Small and picklable (a URL and options): it crosses process and machine boundaries
    (Dask workers) and opens its filesystem where it is used.
    """

    url: str
    s3: S3Options | None = None

    def __str__(self) -> str:
        return self.url

    @property
    def is_s3(self) -> bool:
        return self.url.startswith(S3_SCHEME)

    @property
    def fs(self) -> pafs.FileSystem:
        if self.is_s3:
            return _s3_filesystem(self.s3 or S3Options())
        return pafs.LocalFileSystem()

    @property
    def local_path(self) -> Path:
        """The folder itself (local locations only)."""
        if self.is_s3:
            raise ValueError(f"{self.url} is not a local folder")
        return Path(self.url)

    def fs_path(self, *parts: str) -> str:
        """The path of `parts` below this location as the filesystem names it
        (`bucket/prefix/...` on S3, an absolute path locally)."""
        base = self.url[len(S3_SCHEME):] if self.is_s3 else str(Path(self.url).resolve())
        return "/".join([base.rstrip("/"), *parts]) if parts else base.rstrip("/")

    def uri(self, *parts: str) -> str:
        """What to hand to a reader (DuckDB, pyarrow): `s3://bucket/prefix/...` or a path."""
        if self.is_s3:
            return S3_SCHEME + self.fs_path(*parts)
        return str(Path(self.url, *parts))

    def child(self, *parts: str) -> Location:
        return Location(self.uri(*parts), self.s3)

    def exists(self, *parts: str) -> bool:
        return self.fs.get_file_info(self.fs_path(*parts)).type == pafs.FileType.File

    def read_bytes(self, *parts: str) -> bytes:
        """The whole object; FileNotFoundError when there is none."""
        try:
            with self.fs.open_input_stream(self.fs_path(*parts)) as stream:
                return stream.read()
        except FileNotFoundError:
            raise
        except OSError:  # pyarrow's S3 filesystem says "Path does not exist" as a plain OSError
            if not self.exists(*parts):
                raise FileNotFoundError(self.uri(*parts)) from None
            raise

    def write_bytes(self, data: bytes | pa.Buffer, *parts: str) -> str:
        """Write one object in one upload (S3 only: local writes rename temp files, see
        lake.py and raw.py). Returns its URI."""
        if not self.is_s3:
            raise ValueError("write_bytes is for object storage; local writes rename temp files")
        with self.fs.open_output_stream(self.fs_path(*parts)) as sink:
            sink.write(data)
        return self.uri(*parts)

    def list_files(self, *parts: str) -> list[str]:
        """URIs of every file below `parts` (recursively), sorted; [] when there is none."""
        base = self.fs_path(*parts)
        selector = pafs.FileSelector(base, recursive=True, allow_not_found=True)
        prefix = S3_SCHEME if self.is_s3 else ""
        return sorted(prefix + info.path for info in self.fs.get_file_info(selector)
                      if info.type == pafs.FileType.File)


def location(where: Path | str | Location, s3: S3Options | None = None) -> Location:
    """A Location from a path, a URL or a Location (returned as is)."""
    if isinstance(where, Location):
        return where
    return Location(str(where), s3 if str(where).startswith(S3_SCHEME) else None)


def is_remote(where: Path | str | Location) -> bool:
    """Whether `where` is on object storage (an s3:// URL or an S3 Location)."""
    return location(where).is_s3
