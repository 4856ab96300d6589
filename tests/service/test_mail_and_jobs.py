import email
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from chalicelib import bootstrap
from chalicelib.adapters.mail import Attachment, MailError, Message
from chalicelib.jobs import catalog
from chalicelib.services.send_mail import MAX_ATTEMPTS, retry_failed_mail, send_mail
from chalicelib.store import job_runs, mail
from tests.service.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


class FlakyTransport:
    """A transport that fails the first `failures` sends: stands in for an SES outage."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[bytes] = []

    def send(self, *, to: str, mime: bytes) -> str:
        if self.failures:
            self.failures -= 1
            raise MailError("SES throttled the request")
        self.sent.append(mime)
        return f"provider-{len(self.sent)}"


def _message() -> Message:
    return Message(
        to="client@example.com",
        subject="Счёт № 7",
        text="Dobrý deň",
        attachments=(Attachment("invoice.pdf", "application/pdf", b"%PDF-1.7 test"),),
    )


def test_sent_mail_lands_in_the_outbox_as_eml_and_in_the_log(store: Path) -> None:
    record = send_mail(
        _message(),
        transport=bootstrap.mail_transport(),
        blobs=bootstrap.blobs(),
        sender="billing@example.com",
        now=NOW,
    )
    assert record.status == "sent" and record.attempts == 1
    eml_files = list((store / "outbox").glob("*.eml"))
    assert len(eml_files) == 1
    parsed = email.message_from_bytes(eml_files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "Счёт № 7"
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "invoice.pdf" and attachment.get_content() == b"%PDF-1.7 test"
    assert [m.subject for m in mail.recent()] == ["Счёт № 7"]


def test_a_failed_send_is_recorded_and_the_retry_job_delivers_it_later() -> None:
    transport = FlakyTransport(failures=1)
    record = send_mail(
        _message(), transport=transport, blobs=bootstrap.blobs(), sender="b@example.com", now=NOW
    )
    assert (record.status, record.error) == ("failed", "SES throttled the request")
    counts = retry_failed_mail(transport=transport, blobs=bootstrap.blobs())
    assert counts == {"retried": 1, "sent": 1, "failed": 0, "given_up": 0}
    stored = mail.get(record.id)
    assert (stored.status, stored.attempts, stored.error) == ("sent", 2, None)
    assert b"invoice.pdf" in transport.sent[0]  # the very same message, attachment included


def test_retries_stop_after_the_maximum_attempts() -> None:
    transport = FlakyTransport(failures=100)
    record = send_mail(
        _message(), transport=transport, blobs=bootstrap.blobs(), sender="b@example.com", now=NOW
    )
    for _ in range(MAX_ATTEMPTS + 2):
        retry_failed_mail(transport=transport, blobs=bootstrap.blobs())
    assert mail.get(record.id).attempts == MAX_ATTEMPTS
    assert retry_failed_mail(transport=transport, blobs=bootstrap.blobs())["given_up"] == 1


def test_a_job_run_records_its_instant_result_and_counts() -> None:
    at = datetime(2027, 1, 1, tzinfo=UTC)
    run = catalog.run("retry_failed_mail", at=at, trigger="cli")
    assert (run.result, run.at, run.counts["retried"]) == ("ok", at, 0)
    [stored] = job_runs.recent()
    assert (
        stored.run_id == run.run_id
        and stored.finished_at is not None
        and stored.finished_at >= stored.started_at
    )


def test_a_failing_job_is_recorded_as_an_error_with_the_reason(monkeypatch) -> None:
    def broken(at: datetime) -> dict:
        raise RuntimeError("the mail table is unreachable")

    monkeypatch.setitem(
        catalog.JOBS,
        "retry_failed_mail",
        catalog.Job("retry_failed_mail", catalog.JOBS["retry_failed_mail"].schedule, "x", broken),
    )
    run = catalog.run("retry_failed_mail", at=NOW, trigger="schedule")
    assert run.result == "error"
    assert "the mail table is unreachable" in (run.error or "")
    assert job_runs.for_job("retry_failed_mail")[0].result == "error"


def test_cli_runs_a_job_as_of_a_given_instant() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "run-job", "retry_failed_mail", "--at", "2027-01-01T00:00Z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["result"], out["at"]) == ("ok", "2027-01-01T00:00:00+00:00")
    assert job_runs.for_job("retry_failed_mail")[0].trigger == "cli"


def test_cli_refuses_an_unknown_job_or_instant_clearly() -> None:
    for args, message in [
        (["run-job", "nope"], "no job named 'nope'"),
        (["run-job", "retry_failed_mail", "--at", "tomorrow"], "(at)"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "chalicelib.cli", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 2 and message in result.stderr, result.stderr


def test_every_scheduled_lambda_matches_the_job_catalogue() -> None:
    import app

    scheduled = {
        name: source
        for name, source in ((e.name, e) for e in app.app.event_sources if hasattr(e, "schedule_expression"))
    }
    assert set(scheduled) == set(catalog.JOBS)
    for name, job in catalog.JOBS.items():
        minutes = job.schedule.minutes
        unit = "minutes" if minutes > 1 else "minute"  # AWS wants "rate(1 minute)"
        assert scheduled[name].schedule_expression.to_string() == f"rate({minutes} {unit})"
