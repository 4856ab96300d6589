"""Settings, read from the environment when first asked for, never at import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from chalicelib.domain.errors import ConfigurationError

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    stage: str  # "local" on one machine, anything else on AWS
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None
    secret_key: str  # signs session cookies, CSRF tokens and invitation links
    base_url: str
    cookie_secure: bool
    mail_backend: str  # "outbox" | "ses"
    mail_from: str
    outbox_dir: Path
    blobs_backend: str  # "local" | "s3"
    blobs_dir: Path
    blobs_bucket: str
    queue_backend: str  # "inline" | "thread" | "sqs"
    queue_url: str
    stripe_api_key: str
    stripe_api_base: str | None
    stripe_webhook_secret: str
    company_name: str
    company_country: str  # where we are taxed: customers elsewhere with a tax id get reverse charge
    # Printed on invoices and delivery notes (documents/): demo values unless set in the environment.
    company_address: tuple[str, ...] = ()
    company_tax_id: str = ""  # the company registration number
    company_vat_id: str = ""
    company_email: str = ""
    bank_name: str = ""
    bank_iban: str = ""
    bank_bic: str = ""
    company_logo: Path | None = None  # an SVG or PNG file; none: no logo
    # Stripe.js / Checkout in the browser (pk_...). Defaulted fields sit here, after the required ones.
    stripe_publishable_key: str = ""
    # The development card form (raw test card numbers): only against localstripe, i.e. when
    # CRM_STRIPE_API_BASE is set; a real Stripe account never receives card numbers from us.
    stripe_dev_cards: bool = False
    # Outgoing webhooks to plain http:// and to loopback or private addresses: local development only.
    webhooks_allow_http: bool = False
    # How long links of each scope work, in days, where CRM_LINK_DAYS_<SCOPE> overrides the default
    # (e.g. CRM_LINK_DAYS_PORTAL=60): (scope value, days) pairs.
    link_days: tuple[tuple[str, int], ...] = ()

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    def link_days_for(self, scope: str) -> int | None:
        """The configured lifetime of `scope`'s links in days; None: the built-in default."""
        return dict(self.link_days).get(scope)


_BACKENDS = {
    "CRM_MAIL_BACKEND": ("outbox", "ses"),
    "CRM_BLOBS_BACKEND": ("local", "s3"),
    "CRM_QUEUE_BACKEND": ("inline", "thread", "sqs"),
}


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    stage = env.get("CRM_STAGE", "local")
    local = stage == "local"
    data_dir = Path(env.get("CRM_DATA_DIR", str(REPO_ROOT / ".local" / "data")))
    for name, allowed in _BACKENDS.items():
        value = env.get(name)
        if value is not None and value not in allowed:
            raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    secret = env.get("CRM_SECRET_KEY", "")
    if not secret:
        if not local:
            raise ConfigurationError("CRM_SECRET_KEY is required outside the local stage")
        secret = "local-development-secret-not-for-production"
    if not local and len(secret) < 32:
        raise ConfigurationError("CRM_SECRET_KEY must be at least 32 characters")
    return Settings(
        stage=stage,
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-central-1",
        table_prefix=env.get("CRM_TABLE_PREFIX", "crm-local-" if local else ""),
        # The embedded default: a local stage talks to DynamoDB Local on loopback.
        dynamodb_endpoint=env.get("CRM_DYNAMODB_ENDPOINT")
        or (f"http://127.0.0.1:{env.get('CRM_DDB_PORT', '8001')}" if local else None),
        secret_key=secret,
        base_url=env.get("CRM_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        cookie_secure=env.get("CRM_COOKIE_SECURE", "0" if local else "1") == "1",
        mail_backend=env.get("CRM_MAIL_BACKEND", "outbox" if local else "ses"),
        mail_from=env.get("CRM_MAIL_FROM", "billing@example.com"),
        outbox_dir=Path(env.get("CRM_OUTBOX_DIR", str(data_dir / "outbox"))),
        blobs_backend=env.get("CRM_BLOBS_BACKEND", "local" if local else "s3"),
        blobs_dir=Path(env.get("CRM_BLOBS_DIR", str(data_dir / "blobs"))),
        blobs_bucket=env.get("CRM_BLOBS_BUCKET", ""),
        queue_backend=env.get("CRM_QUEUE_BACKEND", "inline" if local else "sqs"),
        queue_url=env.get("CRM_QUEUE_URL", ""),
        stripe_api_key=env.get("CRM_STRIPE_API_KEY", "sk_test_local"),
        # The embedded default, like DynamoDB: a local stage talks to localstripe on loopback.
        stripe_api_base=env.get("CRM_STRIPE_API_BASE")
        or (f"http://127.0.0.1:{env.get('CRM_STRIPE_PORT', '8420')}" if local else None),
        stripe_webhook_secret=env.get("CRM_STRIPE_WEBHOOK_SECRET", ""),
        stripe_publishable_key=env.get("CRM_STRIPE_PUBLISHABLE_KEY", ""),
        stripe_dev_cards=bool(env.get("CRM_STRIPE_API_BASE")) or local,
        company_name=env.get("CRM_COMPANY_NAME", "Demo Service Ltd"),
        company_country=env.get("CRM_COMPANY_COUNTRY", "SK").upper(),
        company_address=_lines(env.get("CRM_COMPANY_ADDRESS", "Hlavná 12|811 01 Bratislava|Slovakia")),
        company_tax_id=env.get("CRM_COMPANY_TAX_ID", "12 345 678"),
        company_vat_id=env.get("CRM_COMPANY_VAT_ID", "SK2012345678"),
        company_email=env.get("CRM_COMPANY_EMAIL", "billing@example.com"),
        bank_name=env.get("CRM_BANK_NAME", "Demo Bank a.s."),
        bank_iban=env.get("CRM_BANK_IBAN", "SK31 1200 0000 1987 4263 7541"),
        bank_bic=env.get("CRM_BANK_BIC", "DEMOSKBX"),
        company_logo=Path(logo) if (logo := env.get("CRM_COMPANY_LOGO", str(DEFAULT_LOGO))) else None,
        webhooks_allow_http=env.get("CRM_WEBHOOKS_ALLOW_HTTP", "1" if local else "0") == "1",
        link_days=_link_days(env),
    )


MAX_LINK_DAYS = 365


def _link_days(env: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """CRM_LINK_DAYS_PORTAL=60, CRM_LINK_DAYS_INVOICE_PAYMENT=10...: whole days, 1 to MAX_LINK_DAYS."""
    from chalicelib.domain.links import Scope

    found = []
    for scope in Scope:
        name = f"CRM_LINK_DAYS_{scope.value.upper()}"
        raw = env.get(name, "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_LINK_DAYS:
            raise ConfigurationError(f"{name} must be a whole number of days from 1 to {MAX_LINK_DAYS}")
        found.append((scope.value, int(raw)))
    return tuple(found)


DEFAULT_LOGO = REPO_ROOT / "templates" / "documents" / "logo.svg"


def _lines(text: str) -> tuple[str, ...]:
    """A multi-line value from one variable: lines separated by "|" or newlines."""
    return tuple(line.strip() for line in text.replace("\n", "|").split("|") if line.strip())
