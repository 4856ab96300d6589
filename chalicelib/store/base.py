"""Binding models to tables at run time: names carry a prefix, the endpoint may be local."""

from __future__ import annotations

import json
import threading
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.connection import Connection
from pynamodb.constants import STRING
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.config import Settings

_binding: dict[str, Any] = {}
_connections = threading.local()


class JSONAttribute(Attribute[Any]):
    """A JSON document kept as a string: exact integers, no float round trip."""

    attr_type = STRING

    def serialize(self, value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)

    def deserialize(self, value: str) -> Any:
        return json.loads(value)


class StoreModel(Model):
    """Every table's model: an empty key is "not found" (DynamoDB itself refuses it with a 400 error)."""

    @classmethod
    def get(
        cls,
        hash_key: Any,
        range_key: Any = None,
        consistent_read: bool = False,
        attributes_to_get: Any = None,
    ) -> Any:
        if hash_key in ("", None) or range_key == "":
            raise cls.DoesNotExist()
        return super().get(hash_key, range_key, consistent_read, attributes_to_get)


def bind_model(model: type[Model], base_name: str, settings: Settings) -> None:
    meta = model.Meta
    table_name = settings.table_prefix + base_name
    if (getattr(meta, "table_name", None), getattr(meta, "host", None), getattr(meta, "region", None)) == (
        table_name,
        settings.dynamodb_endpoint,
        settings.region,
    ) and model._connection is not None:
        return  # already bound: keep the connection (a new botocore client costs ~0.1 s)
    meta.table_name = table_name
    meta.region = settings.region
    meta.host = settings.dynamodb_endpoint
    if settings.dynamodb_endpoint:
        # DynamoDB Local accepts any alphanumeric keys; never real credentials.
        meta.aws_access_key_id = "local"
        meta.aws_secret_access_key = "local"
    model._connection = None
    for index in model._indexes.values():
        index.Meta.model = model
    _binding.update(region=settings.region, host=settings.dynamodb_endpoint)


def connection() -> Connection:
    """A connection for multi-table operations (transactions) on the bound endpoint.

    Kept per thread and endpoint: a new one builds a botocore client (~80 ms), which bulk work
    committing thousands of transactions cannot pay each time.
    """
    key = (_binding.get("region"), _binding.get("host"))
    cached = getattr(_connections, "by_key", None)
    if cached is None:
        cached = _connections.by_key = {}
    if key not in cached:
        conn = Connection(region=key[0], host=key[1])
        if key[1]:
            conn.session.set_credentials("local", "local")
        cached[key] = conn
    return cached[key]


def transaction() -> TransactWrite:
    return TransactWrite(connection=connection())
