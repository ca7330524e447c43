"""Fixtures for the hub's file store: a real S3 HTTP server (moto's, in-process on a loopback port) reached through
the client the hub uses in production (pyarrow's S3 filesystem), and a local folder. Imported by the test modules
through tests/hub/conftest.py."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from jichitai.hub import filestore

REGION = "ap-northeast-1"


@dataclasses.dataclass(frozen=True)
class Bucket:
    """One new bucket of the test's server (the server keeps its buckets for the whole process)."""

    endpoint: str
    name: str

    def _client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION)

    def objects(self) -> dict[str, bytes]:
        s3 = self._client()
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=self.name).get("Contents", [])]
        return {k: s3.get_object(Bucket=self.name, Key=k)["Body"].read() for k in keys}

    def put(self, key: str, body: bytes) -> None:
        self._client().put_object(Bucket=self.name, Key=key, Body=body)

    def delete(self, key: str) -> None:
        self._client().delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def s3_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Bucket]:
    """A real S3-compatible HTTP server on 127.0.0.1 with a new bucket."""
    import boto3
    from moto.server import ThreadedMotoServer

    for name, value in (("AWS_ACCESS_KEY_ID", "hub-test"), ("AWS_SECRET_ACCESS_KEY", "hub-test-secret"),
                        ("AWS_DEFAULT_REGION", REGION), ("AWS_EC2_METADATA_DISABLED", "true")):
        monkeypatch.setenv(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    bucket = Bucket(f"http://{host}:{port}", f"city-hub-{uuid.uuid4().hex[:12]}")
    boto3.client("s3", endpoint_url=bucket.endpoint, region_name=REGION).create_bucket(
        Bucket=bucket.name, CreateBucketConfiguration={"LocationConstraint": REGION})
    yield bucket
    server.stop()


@pytest.fixture
def on_s3(s3_bucket: Bucket, settings: Any) -> Iterator[Bucket]:
    """The hub's files under ``s3://{bucket}/jichitai``."""
    settings.CONFIG = dataclasses.replace(settings.CONFIG, hub_files=f"s3://{s3_bucket.name}/jichitai",
                                          s3_endpoint=s3_bucket.endpoint, s3_region=REGION)
    filestore._stores.clear()
    yield s3_bucket
    filestore._stores.clear()


@pytest.fixture
def on_folder(tmp_path: Any, settings: Any) -> Iterator[Any]:
    """The hub's files under a local folder; yields the folder."""
    settings.CONFIG = dataclasses.replace(settings.CONFIG, hub_files=str(tmp_path / "hub"))
    filestore._stores.clear()
    yield tmp_path / "hub"
    filestore._stores.clear()
