"""The raw zone: content-addressed, compressed, verified."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from warehouse.raw import RawBlobCorrupt, RawBlobMissing, RawStore

PAGE = "<html><body>SEOUL, July 14 (UPI) -- North Korea recognized Donetsk.</body></html>".encode()


def test_put_get_round_trip(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put(PAGE)
    assert sha == hashlib.sha256(PAGE).hexdigest()
    assert store.path(sha) == tmp_path / sha[:2] / f"{sha}.gz"
    assert store.exists(sha)
    assert gzip.decompress(store.path(sha).read_bytes()) == PAGE
    assert store.get(sha) == PAGE


def test_put_is_idempotent_and_leaves_no_temp_file(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put(PAGE)
    before = store.path(sha).stat().st_mtime_ns
    assert store.put(PAGE) == sha
    assert store.path(sha).stat().st_mtime_ns == before  # not rewritten
    assert [p.name for p in store.path(sha).parent.iterdir()] == [f"{sha}.gz"]


def test_empty_bytes_are_a_blob_too(tmp_path):
    store = RawStore(tmp_path)
    assert store.get(store.put(b"")) == b""


def test_missing_blob(tmp_path):
    store = RawStore(tmp_path)
    sha = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(sha)
    with pytest.raises(RawBlobMissing, match=sha):
        store.get(sha)
    with pytest.raises(KeyError):
        store.get(sha)


def test_corrupt_blob_is_detected(tmp_path):
    store = RawStore(tmp_path)
    sha = store.put(PAGE)
    path = store.path(sha)
    path.write_bytes(path.read_bytes()[:-12])  # truncated
    with pytest.raises(RawBlobCorrupt, match="decompress"):
        store.get(sha)
    path.write_bytes(gzip.compress(b"other bytes"))  # valid gzip, wrong content
    with pytest.raises(RawBlobCorrupt, match="hashing to"):
        store.get(sha)
    with pytest.raises(ValueError):
        store.get(sha)


def test_bad_hash_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="sha256"):
        RawStore(tmp_path).path("../../etc/passwd")
