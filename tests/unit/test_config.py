import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.config import load_settings
from chalicelib.domain.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


def test_local_stage_runs_on_the_embedded_engines_by_default() -> None:
    settings = load_settings({})
    assert settings.is_local
    assert settings.dynamodb_endpoint == "http://127.0.0.1:8001"
    assert (settings.mail_backend, settings.blobs_backend, settings.queue_backend) == (
        "outbox",
        "local",
        "inline",
    )
    assert settings.cookie_secure is False


def test_aws_stage_uses_aws_services_and_secure_cookies() -> None:
    settings = load_settings({"CRM_STAGE": "prod", "CRM_SECRET_KEY": "x" * 40})
    assert settings.dynamodb_endpoint is None
    assert (settings.mail_backend, settings.blobs_backend, settings.queue_backend) == ("ses", "s3", "sqs")
    assert settings.cookie_secure is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CRM_STAGE": "prod"}, "CRM_SECRET_KEY is required"),
        ({"CRM_STAGE": "prod", "CRM_SECRET_KEY": "short"}, "at least 32 characters"),
        ({"CRM_MAIL_BACKEND": "smtp"}, "CRM_MAIL_BACKEND must be one of outbox, ses"),
    ],
)
def test_misconfiguration_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings(env)


def test_importing_the_app_reads_no_configuration_and_no_heavy_library() -> None:
    # A broken configuration must not stop the import (it is read on first use), and
    # WeasyPrint and Stripe stay out of the cold start.
    code = "import sys, app; print(sorted(m for m in ('weasyprint', 'stripe') if m in sys.modules))"
    env = {"PATH": "/usr/bin:/bin", "CRM_STAGE": "prod", "CRM_MAIL_BACKEND": "nonsense"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
