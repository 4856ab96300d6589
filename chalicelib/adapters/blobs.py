"""Binary files (PDFs, .eml copies, uploads) by key: S3 on AWS, a folder on one machine."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError


class BlobNotFound(Exception):
    pass


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """Raises BlobNotFound."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """A missing key is not an error."""
        ...


def check_key(key: str) -> str:
    """Keys are relative, slash-separated paths; both stores accept exactly the same ones."""
    if not key or key.startswith("/") or "\\" in key or "\0" in key:
        raise ValueError(f"invalid blob key {key!r}")
    for segment in key.split("/"):
        # "." and ".." would climb out of the folder; dot-names are where temp files live.
        if not segment or segment.startswith("."):
            raise ValueError(f"invalid blob key {key!r}")
    return key


def write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old file or the whole new one, never a half-written one, even after a crash."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class LocalBlobStore:
    """Key "mail/abc.eml" is the file <folder>/mail/abc.eml. Content types are not kept."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        root = self.folder.resolve()
        path = (root / check_key(key)).resolve()
        # A symlink inside the folder could still point outside it.
        if not path.is_relative_to(root):
            raise ValueError(f"invalid blob key {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise BlobNotFound(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        if path.is_file():
            path.unlink(missing_ok=True)


_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3BlobStore:
    def __init__(self, *, bucket: str, region: str, client: Any | None = None) -> None:
        self.bucket = bucket
        import boto3  # lazily: boto3 (s3transfer...) is ~0.2 s of cold start, pynamodb needs only botocore

        self._client = client or boto3.client("s3", region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._client.put_object(
            Bucket=self.bucket,
            Key=check_key(key),
            Body=data,
            ContentType=content_type,
            ServerSideEncryption="AES256",
        )

    def get(self, key: str) -> bytes:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise BlobNotFound(key) from None
            raise
        body: bytes = response["Body"].read()
        return body

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # S3 answers 204 for a missing key too, which is what the interface asks for.
        self._client.delete_object(Bucket=self.bucket, Key=check_key(key))


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
