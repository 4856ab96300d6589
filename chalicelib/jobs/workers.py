"""Queue workers: one message type per background task, dispatched to its service.

Called by the SQS-triggered Lambda on AWS, by InlineQueue in tests and by ThreadQueue on the
local dev server, with the same decoded JSON messages in each case.
"""

from __future__ import annotations

import logging
from typing import Any

from chalicelib import bootstrap

log = logging.getLogger(__name__)
IMPORT_RUN = "import.run"  # import_csv.RUN_MESSAGE; services are imported when a message comes
BILLING_BATCH = "billing.batch"  # run_billing.BATCH_MESSAGE


def _run_import(message: dict[str, Any]) -> None:
    from chalicelib.services import import_csv

    import_id = str(message["import_id"])
    try:
        import_csv.run(
            import_id, blobs=bootstrap.blobs(), clock=bootstrap.utcnow, rerun=bool(message.get("rerun"))
        )
    except Exception:
        # The import is marked failed with a message and can be run again from its page;
        # raising would make SQS redeliver it forever until the dead-letter queue takes it.
        log.exception("import %s failed", import_id)


def _bill_batch(message: dict[str, Any]) -> None:
    from datetime import datetime

    from chalicelib.services.run_billing import bill_batch

    # Raising lets SQS deliver the batch again (then the dead-letter queue): billing twice is harmless.
    counts = bill_batch(
        [str(i) for i in message["contract_ids"]],
        datetime.fromisoformat(str(message["at"])),
        series_id=str(message.get("series") or "default"),
    )
    log.info("billing batch: %s", counts)


HANDLERS = {IMPORT_RUN: _run_import, BILLING_BATCH: _bill_batch}


def handle(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        handler = HANDLERS.get(str(message.get("type")))
        if handler is None:
            log.error("no worker for message type %r: dropped", message.get("type"))
            continue
        handler(message)
