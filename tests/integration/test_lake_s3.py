"""The lake and the raw zone on an S3-compatible server (moto, on 127.0.0.1, started here):
parts written through pyarrow's S3 filesystem, read back by DuckDB's httpfs, and the warehouse
built from them equal to the one built from a local lake."""

from __future__ import annotations

import json
import os

import pytest
from pyarrow.fs import S3FileSystem

from flows.config import DataPaths, Settings
from flows.demo import sample_dir
from flows.load import load_into_warehouse
from flows.process import process_to_lake
from tests.warehouse_checksums import table_checksums
from warehouse import lake
from warehouse.raw import RawBlobMissing, RawStore
from warehouse.storage import Location

moto_server = pytest.importorskip("moto.server")

RUN_ID = "20220714T050000Z-s3test"
BUCKET = "newsetl-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", access_key="test",
                 secret_key="test", region="us-east-1",
                 allow_bucket_creation=True).create_dir(BUCKET)
    yield endpoint
    server.stop()


def _settings(tmp_path, endpoint, **extra) -> Settings:
    return Settings(data_dir=tmp_path, s3_endpoint=endpoint, s3_access_key_id="test",
                    s3_secret_access_key="test", s3_region="us-east-1", **extra)


def _jobs(store: RawStore, n: int = 4) -> list[dict]:
    root = sample_dir()
    entries = [e for e in json.loads((root / "manifest.json").read_text("utf-8"))["entries"]
               if e["kind"] == "page" and e.get("language") == "en"][:n]
    return [{"url": e["url"], "final_url": e["url"], "source_id": "s3test",
             "raw_sha256": store.put((root / e["path"]).read_bytes()),
             "content_type": "text/html", "feed_language": "en", "feed_published_at": None,
             "publisher": e.get("publisher"), "fetched_at": "2022-07-14T05:00:00+00:00"}
            for e in entries] + [{"url": "https://gone.invalid/x", "source_id": "s3test",
                                  "raw_sha256": "0" * 64, "fetched_at": "2022-07-14T05:00:00+00:00"}]


def _build(paths: DataPaths) -> DataPaths:
    store = RawStore(paths.raw)
    jobs = _jobs(store)
    process_to_lake(RUN_ID, jobs[:2], paths, "process-0000000")
    process_to_lake(RUN_ID, jobs[2:], paths, "process-0000002")
    summary = load_into_warehouse(RUN_ID, paths, paths.started_at, {})
    assert summary.totals["articles"] >= 3 and summary.problems == []
    return paths


def test_raw_zone_on_s3_round_trips(tmp_path, s3_endpoint):
    settings = _settings(tmp_path, s3_endpoint, raw_url=f"s3://{BUCKET}/rawtest")
    store = RawStore(DataPaths.of(settings).raw)
    sha = store.put(b"<html>bytes</html>")
    assert store.put(b"<html>bytes</html>") == sha and store.exists(sha)
    assert store.get(sha) == b"<html>bytes</html>"
    assert str(store.path(sha)).startswith(f"s3://{BUCKET}/rawtest/{sha[:2]}/")
    with pytest.raises(RawBlobMissing):
        store.get("1" * 64)


def test_warehouse_from_s3_lake_equals_local(tmp_path, s3_endpoint):
    from datetime import datetime, timezone
    local = DataPaths(tmp_path / "local")
    remote = DataPaths.of(_settings(tmp_path / "remote", s3_endpoint,
                                    lake_url=f"s3://{BUCKET}/lake", raw_url=f"s3://{BUCKET}/raw"))
    assert isinstance(remote.lake, Location) and isinstance(remote.raw, Location)
    for paths in (local, remote):
        paths.started_at = datetime(2022, 7, 14, 5, tzinfo=timezone.utc)
        _build(paths)
    parts = lake.list_parts(remote.lake, "articles", run_id=RUN_ID)
    assert [str(p).rsplit("/", 1)[-1] for p in parts] == [
        f"{RUN_ID}-process-0000000.parquet", f"{RUN_ID}-process-0000002.parquet"]
    assert all(str(p).startswith(f"s3://{BUCKET}/lake/articles/date=2022-07-14/") for p in parts)
    local_parts = lake.list_parts(local.lake, "articles", run_id=RUN_ID)
    assert lake.read_parts(parts, "articles").equals(lake.read_parts(local_parts, "articles"))
    assert not (tmp_path / "remote" / "lake").exists()  # nothing went to the local disk
    assert lake.dataset(remote.lake, "articles").count_rows() == \
        lake.dataset(local.lake, "articles").count_rows()
    # The one difference: where the missing raw blob was looked for (a path, an s3:// URI).
    ignore = {"quarantine": {"detail"}}
    assert table_checksums(remote.db, ignore) == table_checksums(local.db, ignore)
    assert f"not found at s3://{BUCKET}/raw/00/" in _missing_detail(remote)
    assert f"not found at {local.raw}/00/" in _missing_detail(local)


def _missing_detail(paths: DataPaths) -> str:
    from warehouse import db
    con = db.connect(paths.db, read_only=True)
    try:
        return con.execute("select detail from quarantine where reason = 'raw_missing'").fetchone()[0]
    finally:
        con.close()
