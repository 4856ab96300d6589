"""Baselines for later ratios: raw PutItem and BatchWriteItem rows/s against DynamoDB Local.

The "raw" writes go through a plain botocore DynamoDB client (no PynamoDB, no service
code) into a bench-only table, one thread, items shaped like a small contract record.
Later figures (CSV import, billing run) divide their own rows/s by these.
"""

from __future__ import annotations

import time
from typing import Any

import boto3

ROWS = 2000
BATCH = 25  # BatchWriteItem's maximum


def _client(endpoint: str, region: str) -> Any:
    return boto3.session.Session().client(
        "dynamodb", region_name=region, endpoint_url=endpoint,
        aws_access_key_id="local", aws_secret_access_key="local",
    )


def _item(prefix: str, i: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"{prefix}#{i:06d}"},
        "customer_id": {"S": f"cust-{i % 400:04d}"},
        "plan": {"S": "standard-monthly"},
        "amount_minor": {"N": str(1000 + i)},
        "currency": {"S": "EUR"},
        "status": {"S": "active"},
    }


def _put_each(client: Any, table: str) -> float:
    start = time.perf_counter()
    for i in range(ROWS):
        client.put_item(TableName=table, Item=_item("put", i))
    return time.perf_counter() - start


def _batch_write(client: Any, table: str) -> tuple[float, int]:
    requests = 0
    start = time.perf_counter()
    for first in range(0, ROWS, BATCH):
        rows = range(first, min(first + BATCH, ROWS))
        pending = [{"PutRequest": {"Item": _item("batch", i)}} for i in rows]
        while pending:
            requests += 1
            answer = client.batch_write_item(RequestItems={table: pending})
            pending = answer.get("UnprocessedItems", {}).get(table, [])
    return time.perf_counter() - start, requests


def measure(endpoint: str, region: str, table: str) -> dict[str, Any]:
    client = _client(endpoint, region)
    client.create_table(
        TableName=table, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
    client.get_waiter("table_exists").wait(TableName=table)
    try:
        put_s = _put_each(client, table)
        batch_s, batch_requests = _batch_write(client, table)
    finally:
        client.delete_table(TableName=table)
    return {
        "table": table,
        "rows": ROWS,
        "put_item_seconds": round(put_s, 3),
        "put_item_rows_per_s": round(ROWS / put_s, 1),
        "batch_write_seconds": round(batch_s, 3),
        "batch_write_requests": batch_requests,
        "batch_write_rows_per_s": round(ROWS / batch_s, 1),
        "client": "botocore dynamodb client (boto3.session.Session().client), single thread",
    }
