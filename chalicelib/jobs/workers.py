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


HANDLERS = {IMPORT_RUN: _run_import}


def handle(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        handler = HANDLERS.get(str(message.get("type")))
        if handler is None:
            log.error("no worker for message type %r: dropped", message.get("type"))
            continue
        handler(message)
