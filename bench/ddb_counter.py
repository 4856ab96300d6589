"""Counts DynamoDB requests made by any botocore client in this process.

PynamoDB builds its own botocore session and client per model connection (and one more
for each `Connection` used by TransactWrite), so a handler registered on one session's
event system misses most of them. Every client, whatever session made it, sends its
operations through `botocore.client.BaseClient._make_api_call(operation_name, params)`:
wrapping that one method counts each logical request, by operation, for the service
"dynamodb" only.

As a cross-check the wrapper also registers, once per client, a 'before-send.dynamodb'
handler on that client's own event system: it fires for every HTTP attempt, so
`http_sends` > `requests` would reveal retries (throttling, 5xx) hidden behind one call.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

SERVICE = "dynamodb"


class DynamoDBCounter:
    def __init__(self) -> None:
        self.operations: Counter[str] = Counter()
        self.http_sends = 0
        self._lock = threading.Lock()
        self._seen_clients: weakref.WeakSet[BaseClient] = weakref.WeakSet()
        self._original: Callable[..., Any] | None = None

    @property
    def requests(self) -> int:
        return sum(self.operations.values())

    def reset(self) -> None:
        with self._lock:
            self.operations.clear()
            self.http_sends = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": sum(self.operations.values()),
                "http_sends": self.http_sends,
                "by_operation": dict(sorted(self.operations.items())),
            }

    def _on_send(self, **_kwargs: Any) -> None:
        with self._lock:
            self.http_sends += 1

    def install(self) -> None:
        if self._original is not None:
            return
        original = BaseClient._make_api_call
        counter = self

        def counting_make_api_call(client: BaseClient, operation_name: str, params: dict[str, Any]) -> Any:
            if client.meta.service_model.service_name == SERVICE:
                with counter._lock:
                    counter.operations[operation_name] += 1
                    first_time = client not in counter._seen_clients
                    counter._seen_clients.add(client)
                if first_time:
                    client.meta.events.register(f"before-send.{SERVICE}", counter._on_send)
            return original(client, operation_name, params)

        self._original = original
        BaseClient._make_api_call = counting_make_api_call  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            BaseClient._make_api_call = self._original  # type: ignore[method-assign]
            self._original = None

    @contextmanager
    def counting(self) -> Iterator[DynamoDBCounter]:
        """Resets, then counts what happens inside the block."""
        self.reset()
        yield self
