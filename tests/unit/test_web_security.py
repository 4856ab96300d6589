from chalicelib.web import security

SECRET = "unit-test-secret-0123456789abcdef0123456789"


def test_session_cookie_round_trips_and_rejects_tampering() -> None:
    value = security.sign_session(SECRET, "session-123")
    assert security.unsign_session(SECRET, value) == "session-123"
    assert security.unsign_session(SECRET, value[:-2] + "xx") is None
    assert security.unsign_session("another-secret-0123456789abcdef0123", value) is None
    assert security.unsign_session(SECRET, "") is None


def test_csrf_token_is_bound_to_its_session() -> None:
    token = security.csrf_token(SECRET, "session-a")
    assert security.csrf_valid(SECRET, "session-a", token)
    assert not security.csrf_valid(SECRET, "session-b", token)
    assert not security.csrf_valid(SECRET, "session-a", None)
    assert not security.csrf_valid(SECRET, None, token)


def test_cookies_are_http_only_and_secure_when_asked() -> None:
    assert security.cookie("a", "b", secure=True) == "a=b; Path=/; HttpOnly; SameSite=Lax; Secure"
    assert "Secure" not in security.cookie("a", "b", secure=False)
    assert security.expired_cookie("a", secure=False).endswith("Max-Age=0")


def test_a_malformed_cookie_header_means_no_cookies() -> None:
    assert security.read_cookies('crm_session="unterminated') == {}
    assert security.read_cookies("a=1; b=2") == {"a": "1", "b": "2"}
