"""`chalice local --no-autoreload`, answering unknown routes as API Gateway does on AWS.

On AWS, infra/resources.json turns API Gateway's MISSING_AUTHENTICATION_TOKEN (no such
route) into a 404 in the product's error format. Chalice's local gateway answers 403
"Missing Authentication Token" instead; this wrapper gives the same 404 locally.
Usage: serve.py --port N
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "no such route"}}
NOT_FOUND_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Not found</title>"
    "<body style='font-family:system-ui;margin:3rem'><h1>Not found</h1>"
    "<p>There is no page at this address.</p><p><a href='/admin'>Back to the admin home</a></p></body></html>"
)


def _patch_local_gateway() -> None:
    from chalice import local

    original = local.LocalGateway.handle_request

    def handle_request(self: Any, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Any:
        try:
            return original(self, method, path, headers, body)
        except local.ForbiddenError as error:
            # Both 403 bodies the local gateway gives for "no route matched" (with or without
            # an Authorization header); the app has no authorizers that could raise it otherwise.
            if not any(
                m in (error.body or b"") for m in (b"Missing Authentication", b"Authorization header")
            ):
                raise
            api = path.startswith("/api/")
            return {
                "statusCode": 404,
                "headers": {
                    "Content-Type": "application/json" if api else "text/html; charset=utf-8",
                    "X-Content-Type-Options": "nosniff",
                    "X-Frame-Options": "DENY",
                },
                "multiValueHeaders": {},
                "body": json.dumps(NOT_FOUND) if api else NOT_FOUND_PAGE,
            }

    local.LocalGateway.handle_request = handle_request  # type: ignore[method-assign]


def redacted_request_line(text: str) -> str:
    """The dev server's access log line with customer link tokens (/portal/<token>/...) replaced."""
    from chalicelib.domain.links import redact

    return redact(text)


def _redact_request_log() -> None:
    """BaseHTTPRequestHandler logs every request line to stderr: a portal URL holds a secret token."""
    from chalice import local

    original = local.ChaliceRequestHandler.log_message

    def log_message(self: Any, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        original(self, "%s", redacted_request_line(format % args))

    local.ChaliceRequestHandler.log_message = log_message  # type: ignore[method-assign]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    _patch_local_gateway()
    _redact_request_log()
    from chalice.cli import main as chalice_main

    sys.argv = [
        "chalice",
        "--project-dir",
        str(ROOT),
        "local",
        "--no-autoreload",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.port),
        "--stage",
        "local",
    ]
    chalice_main()


if __name__ == "__main__":
    main()
