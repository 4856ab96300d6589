"""Every API route, called with unknown ids and empty or nonsense bodies: a 4xx in our error shape."""

import json
import re
from datetime import UTC, datetime

import pytest

import chalicelib.web.api  # noqa: F401  (registers every endpoint)
from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.roles import ApiScope
from chalicelib.services.api_keys import issue_key
from chalicelib.web.api.routing import ENDPOINTS

NONSENSE = {
    "name": 7,
    "lines": "x",
    "version": "1",
    "kind": "nope",
    "quantity": -1,
    "currency": "EUD",
    "start_date": "2027-02-30",
    "items": {},
    "contract_ids": "x",
    "percent": "abc",
}


@pytest.mark.parametrize(("path", "method"), [(e.path, e.method) for e in ENDPOINTS])
def test_no_api_route_answers_500_to_bad_input(app_client, store, path: str, method: str) -> None:
    _key, token = issue_key("walk", [s.value for s in ApiScope], actor=SYSTEM, now=datetime.now(UTC))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = "/api/v1" + re.sub(r"\{[^}]+\}", "nope", path)
    for body in (None, {}, NONSENSE, [1, 2]):
        raw = b"" if body is None or method == "GET" else json.dumps(body).encode()
        response = app_client.http.request(method, url, headers=headers, body=raw)
        assert response.status_code < 500, (method, url, body, response.body[:300])
        if response.status_code >= 400:
            assert "error" in json.loads(response.body), (method, url)
