"""The raw zone: fetched bytes stored once, named by the sha256 of the original bytes.

Content addressing makes re-fetching an unchanged page free and lets `process` re-run from
here without the network. `root` is the raw zone folder itself (`<data_dir>/raw`, as the lake
functions take `<data_dir>/lake`); blobs are gzip-compressed at `<root>/<sha[:2]>/<sha>.gz`.
`root` may also be an `s3://bucket/prefix` location (warehouse.storage): Dask workers on other
machines then read the same bytes; each blob is one upload, visible only once complete.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import tempfile
import zlib
from pathlib import Path

from warehouse import storage

log = logging.getLogger(__name__)

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class RawBlobMissing(KeyError):
    """No blob with that hash in the raw zone."""


class RawBlobCorrupt(ValueError):
    """A blob exists but does not decompress, or its bytes no longer hash to its name."""


class RawStore:
    """Content-addressed, gzip-compressed byte store in `root` (normally `<data_dir>/raw`, or
    an s3:// Location)."""

    def __init__(self, root: Path | str | storage.Location) -> None:
        self.remote = storage.location(root) if storage.is_remote(root) else None
        self.root = Path(root) if self.remote is None else root

    def _key(self, sha: str) -> tuple[str, str]:
        if not _SHA256_HEX.match(sha):
            raise ValueError(f"not a lowercase sha256 hex digest: {sha!r}")
        return sha[:2], f"{sha}.gz"

    def path(self, sha: str) -> Path | str:
        """Where the blob named `sha` lives (whether or not it exists): a Path, or an s3://
        URI when the zone is on object storage."""
        key = self._key(sha)
        if self.remote is not None:
            return self.remote.uri(*key)
        return self.root.joinpath(*key)

    def exists(self, sha: str) -> bool:
        if self.remote is not None:
            return self.remote.exists(*self._key(sha))
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store `data`; return its sha256. An existing blob is left untouched (idempotent)."""
        sha = hashlib.sha256(data).hexdigest()
        if self.exists(sha):
            return sha
        # mtime=0: the same bytes always compress to the same file.
        packed = gzip.compress(data, compresslevel=6, mtime=0)
        if self.remote is not None:
            self.remote.write_bytes(packed, *self._key(sha))
            log.debug("raw: stored %s (%d bytes, %d compressed)", sha, len(data), len(packed))
            return sha
        target = self.path(sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{sha[:12]}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(packed)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.replace(tmp_name, target)
        except BaseException:  # noqa: BLE001 - clean the temp file up, then re-raise as is
            Path(tmp_name).unlink(missing_ok=True)
            raise
        log.debug("raw: stored %s (%d bytes, %d compressed)", sha, len(data), len(packed))
        return sha

    def get(self, sha: str) -> bytes:
        """The original bytes of blob `sha`, verified against the hash."""
        path = self.path(sha)
        try:
            packed = (self.remote.read_bytes(*self._key(sha)) if self.remote is not None
                      else path.read_bytes())
        except FileNotFoundError:
            raise RawBlobMissing(f"raw blob {sha} not found at {path}") from None
        try:
            data = gzip.decompress(packed)
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise RawBlobCorrupt(f"raw blob {sha} at {path} does not decompress: {exc}") from exc
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha:
            raise RawBlobCorrupt(f"raw blob {sha} at {path} holds bytes hashing to {actual}")
        return data
