"""Scale-out settings: task runner names, lake/raw URLs, S3 options, storage locations."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pydantic import ValidationError

from flows.config import DataPaths, Settings
from warehouse.storage import Location, S3Options, is_remote, location


@pytest.mark.parametrize("value", ["threads", "processes", "dask://10.0.0.5:8786",
                                   "tcp://scheduler.internal:8786", " processes "])
def test_task_runner_accepts_the_three_forms(value):
    assert Settings(task_runner=value).task_runner == value.strip()


@pytest.mark.parametrize("value", ["process", "dask://host", "dask://:8786", "ray://h:1", ""])
def test_task_runner_rejects_anything_else(value):
    with pytest.raises(ValidationError, match="threads, processes or dask://host:port"):
        Settings(task_runner=value)


def test_task_runner_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSETL_TASK_RUNNER", "processes")
    monkeypatch.setenv("NEWSETL_WORKERS", "2")
    settings = Settings()
    assert (settings.task_runner, settings.workers) == ("processes", 2)


def test_default_paths_are_under_the_data_dir(tmp_path):
    paths = DataPaths.of(Settings(data_dir=tmp_path))
    assert (paths.raw, paths.lake, paths.db) == (tmp_path / "raw", tmp_path / "lake",
                                                 tmp_path / "news.duckdb")
    assert paths.s3 is None


def test_s3_lake_and_raw_carry_the_store_options(tmp_path):
    settings = Settings(data_dir=tmp_path, lake_url="s3://news/lake/", raw_url="s3://news/raw",
                        s3_endpoint="http://127.0.0.1:9000", s3_access_key_id="k",
                        s3_secret_access_key="very-secret", s3_region="eu-west-1")
    paths = DataPaths.of(settings)
    assert paths.lake == Location("s3://news/lake", settings.s3)
    assert paths.raw.url == "s3://news/raw" and paths.db == tmp_path / "news.duckdb"
    assert paths.s3 == S3Options("http://127.0.0.1:9000", "k", "very-secret", "eu-west-1")
    # The secret stays out of logs, reprs and Prefect's record of flow parameters.
    assert "very-secret" not in repr(settings) + settings.model_dump_json() + repr(paths.lake)
    # Locations travel to Dask workers.
    assert pickle.loads(pickle.dumps(paths.lake)) == paths.lake


def test_a_local_lake_url_is_a_folder(tmp_path):
    paths = DataPaths.of(Settings(data_dir=tmp_path, lake_url=str(tmp_path / "elsewhere")))
    assert paths.lake == tmp_path / "elsewhere" and not is_remote(paths.lake)


@pytest.mark.parametrize("url", ["http://news/lake", "s3://", "s3://Bad_Bucket/x", "gs://b/x"])
def test_bad_lake_urls_are_rejected(url):
    with pytest.raises(ValidationError, match="s3://bucket/prefix"):
        Settings(lake_url=url)


def test_s3_options_split_the_endpoint():
    assert (S3Options("http://127.0.0.1:9000").host, S3Options("http://127.0.0.1:9000").scheme) \
        == ("127.0.0.1:9000", "http")
    assert (S3Options("minio:9000").host, S3Options("minio:9000").scheme) == ("minio:9000", "https")
    assert (S3Options().host, S3Options().scheme) == (None, "https")


def test_location_names_objects_for_the_filesystem_and_for_readers():
    lake = Location("s3://news/lake", S3Options())
    assert lake.fs_path("articles", "date=2022-07-14") == "news/lake/articles/date=2022-07-14"
    assert lake.uri("articles", "x.parquet") == "s3://news/lake/articles/x.parquet"
    assert lake.child("articles") == Location("s3://news/lake/articles", S3Options())
    assert str(lake) == "s3://news/lake" and is_remote(lake) and is_remote("s3://b/k")
    assert location(Path("data/lake")) == Location("data/lake") and not is_remote(Path("s3:/x"))
    with pytest.raises(ValueError, match="not a local folder"):
        lake.local_path  # noqa: B018 - the property raises
