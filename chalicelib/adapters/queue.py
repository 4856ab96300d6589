"""Fan-out of work (billing batches): SQS on AWS; on one machine the handler runs at once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError

Handler = Callable[[list[dict[str, Any]]], None]

SQS_BATCH_LIMIT = 10  # send_message_batch refuses more entries than this


class QueueError(Exception):
    def __init__(self, message: str, *, failed_ids: list[str] | None = None) -> None:
        super().__init__(message)
        self.failed_ids = failed_ids or []


class Queue(Protocol):
    def send_batch(self, messages: list[dict[str, Any]]) -> None:
        """Messages must be JSON-serialisable dicts."""
        ...


def _encode(messages: list[dict[str, Any]]) -> list[str]:
    # All bodies first: a message that cannot be serialised stops the batch before anything is sent.
    return [json.dumps(message, separators=(",", ":"), sort_keys=True) for message in messages]


class InlineQueue:
    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def send_batch(self, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        # Through JSON, as on SQS, so what works here (types, serialisability) works on AWS too.
        self._handler([json.loads(body) for body in _encode(messages)])


class ThreadQueue:
    """For the local dev server: the handler runs on a daemon thread, so the request returns at once."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def send_batch(self, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        decoded = [json.loads(body) for body in _encode(messages)]
        threading.Thread(target=self._handler, args=(decoded,), daemon=True, name="queue-worker").start()


class SqsQueue:
    def __init__(self, *, queue_url: str, region: str, client: Any | None = None) -> None:
        self.queue_url = queue_url
        import boto3  # lazily: boto3 (s3transfer...) is ~0.2 s of cold start, pynamodb needs only botocore

        self._client = client or boto3.client("sqs", region_name=region)

    def send_batch(self, messages: list[dict[str, Any]]) -> None:
        """Sends every chunk, then raises QueueError naming the failed entries (ids are list indexes)."""
        bodies = _encode(messages)
        failed: list[str] = []
        reasons: list[str] = []
        for start in range(0, len(bodies), SQS_BATCH_LIMIT):
            entries = [
                {"Id": str(index), "MessageBody": body}
                for index, body in enumerate(bodies[start : start + SQS_BATCH_LIMIT], start)
            ]
            try:
                response = self._client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
            except (ClientError, BotoCoreError) as exc:
                failed.extend(entry["Id"] for entry in entries)
                reasons.append(str(exc))
                continue
            for failure in response.get("Failed", []):
                failed.append(str(failure["Id"]))
                reasons.append(f"{failure['Id']}: {failure.get('Code', '')} {failure.get('Message', '')}")
        if failed:
            raise QueueError(
                f"{len(failed)} of {len(bodies)} messages not queued: {'; '.join(reasons)}", failed_ids=failed
            )
