"""Importing organisations from CSV against DynamoDB Local: valid rows written, invalid ones reported,
re-imports update instead of duplicating, every encoding and delimiter the reader accepts."""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.blobs import LocalBlobStore
from chalicelib.adapters.queue import InlineQueue
from chalicelib.domain.audit import Actor
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.imports import ERROR_COLUMNS, RowError
from chalicelib.services import import_csv
from chalicelib.services.manage_customers import create_customer
from chalicelib.store import audit, customers, imports, records
from tests.service.conftest import NOW

ADMIN = Actor("staff-1", "admin@example.com")

GOOD_AND_BAD = (
    "Name;E-mail;Country;Currency;IČO;External ID;Notes\n"
    "Acme s.r.o.;info@acme.sk;SK;EUR;36 123 456;A-1;first\n"
    ";nobody@x.sk;SK;EUR;;A-2;no name\n"
    "Beta GmbH;office@beta.de;Germany;EUR;;A-3;bad country\n"
    "Gamma;gamma@x.fr;FR;EUR;;A-4;\n"
    "Delta;delta@x.cz;CZ;CZK;;A-5;\"line one\nline two; with semicolon\"\n"
)


@pytest.fixture
def blobs(store: Path) -> LocalBlobStore:
    return LocalBlobStore(store / "blobs")


def _import(blobs: LocalBlobStore, data: bytes, filename: str = "customers.csv") -> imports.ImportJob:
    job = import_csv.upload("customers", filename, data, blobs=blobs, actor=ADMIN, now=NOW)
    queue = InlineQueue(lambda messages: [import_csv.run(m["import_id"], blobs=blobs, clock=lambda: NOW)
                                          for m in messages] and None)
    import_csv.start(job.id, queue=queue)
    return imports.get(job.id)


def _all_customers() -> list[customers.Customer]:
    return customers.page(limit=500)[0]


def test_valid_rows_are_written_and_invalid_rows_listed_with_row_column_and_reason(
    blobs: LocalBlobStore,
) -> None:
    job = _import(blobs, GOOD_AND_BAD.encode())
    assert (job.status, job.total_rows, job.processed_rows, job.written_rows, job.failed_rows) == (
        "done", 5, 5, 3, 2
    )
    assert job.error_sample == [
        RowError(3, "Name", "name is required"),
        RowError(4, "Country", "country must be a two-letter ISO code such as SK"),
    ]
    found = {c.name: c for c in _all_customers()}
    assert sorted(found) == ["Acme s.r.o.", "Delta", "Gamma"]  # nothing written for invalid rows
    acme = found["Acme s.r.o."]
    assert (acme.email, acme.tax_id, acme.external_id, acme.notes) == (
        "info@acme.sk", "36 123 456", "A-1", "first"
    )
    assert found["Delta"].notes == "line one\nline two; with semicolon"
    assert customers.find("tax", "36123456") == [acme]
    assert records.owner_of("customer/ext/A1") == acme.ref
    assert customers.find("email", "gamma@x.fr") == [found["Gamma"]]
    chunk_audits = audit.for_entity("import", job.id)
    assert len(chunk_audits) == 1  # one audit record per chunk, listing what it wrote
    assert sorted(chunk_audits[0].after["created"]) == sorted(c.id for c in found.values())


def test_the_error_csv_has_the_original_columns_and_the_reason(blobs: LocalBlobStore) -> None:
    job = _import(blobs, GOOD_AND_BAD.encode())
    name, data = import_csv.error_file(job.id, blobs=blobs)
    assert name == "customers-errors.csv"
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Name", "E-mail", "Country", "Currency", "IČO", "External ID", "Notes", *ERROR_COLUMNS]
    assert rows[1] == ["", "nobody@x.sk", "SK", "EUR", "", "A-2", "no name", "3", "Name", "name is required"]
    assert rows[2][2] == "Germany" and rows[2][7:9] == ["4", "Country"]


def test_re_importing_the_same_file_updates_and_never_duplicates(blobs: LocalBlobStore) -> None:
    _import(blobs, GOOD_AND_BAD.encode())
    first = {c.external_id: c for c in _all_customers()}
    changed = GOOD_AND_BAD.replace("info@acme.sk", "sales@acme.sk").replace(";first", ";updated")
    job = _import(blobs, changed.encode(), "customers-again.csv")
    assert (job.written_rows, job.created_rows, job.updated_rows, job.failed_rows) == (3, 0, 1, 2)
    again = {c.external_id: c for c in _all_customers()}
    assert sorted(again) == sorted(first)
    assert again["A-1"].id == first["A-1"].id
    assert (again["A-1"].email, again["A-1"].notes) == ("sales@acme.sk", "updated")
    assert again["A-4"] == first["A-4"]
    assert customers.find("email", "info@acme.sk") == []  # the old lookup key went away
    assert [c.id for c in customers.find("email", "sales@acme.sk")] == [first["A-1"].id]


def test_rows_without_external_id_match_an_existing_customer_by_tax_id(blobs: LocalBlobStore) -> None:
    existing = create_customer(
        {"name": "Old Name", "country": "SK", "currency": "EUR", "tax_id": "SK2020",
         "bank_account": "SK00 1"},
        actor=ADMIN, now=NOW,
    )
    job = _import(blobs, b"name,tax_id,country,currency\nNew Name,sk-2020,SK,EUR\n")
    assert (job.created_rows, job.updated_rows) == (0, 1)
    updated = customers.get(existing.id)
    assert (updated.name, updated.bank_account) == ("New Name", "SK00 1")  # unmapped fields are kept


def test_a_code_owned_by_another_customer_is_a_row_error(blobs: LocalBlobStore) -> None:
    create_customer({"name": "Owner", "country": "SK", "currency": "EUR", "code": "C-1", "external_id": "X"},
                    actor=ADMIN, now=NOW)
    job = _import(blobs, b"name,code,external_id,country,currency\nOther,c1,Y,SK,EUR\nFine,C-2,Z,SK,EUR\n")
    assert job.error_sample == [RowError(2, "code", "customer code c1 is taken")]
    assert sorted(c.name for c in _all_customers()) == ["Fine", "Owner"]


def test_cp1251_file_with_cyrillic_names_and_semicolons(blobs: LocalBlobStore) -> None:
    text = (
        "Наименование;Телефон;Страна;Валюта;Примечание\n"
        "ООО «Ромашка»;+7 495 123-45-67;RU;RUB;Оплата 1 234,50\n"
    )
    job = _import(blobs, text.encode("cp1251"))
    assert (job.encoding, job.delimiter, job.written_rows) == ("cp1251", ";", 1)
    [customer] = _all_customers()
    assert (customer.name, customer.phone, customer.notes) == (
        "ООО «Ромашка»", "+7 495 123-45-67", "Оплата 1 234,50"
    )
    assert customers.page(prefix="ооо")[0] == [customer]


def test_upload_refuses_a_file_without_header_or_in_another_encoding(blobs: LocalBlobStore) -> None:
    with pytest.raises(ValidationError, match="looks like a value: add a header row"):
        import_csv.upload("customers", "x.csv", b"Acme,a@acme.sk,SK,EUR\n", blobs=blobs, actor=ADMIN, now=NOW)
    with pytest.raises(ValidationError, match="not a CSV in UTF-8, Windows-1251 or Windows-1252"):
        utf16 = "name\nAcme\n".encode("utf-16")
        import_csv.upload("customers", "x.csv", utf16, blobs=blobs, actor=ADMIN, now=NOW)
    with pytest.raises(ValidationError, match="must be a .csv"):
        import_csv.upload("customers", "x.exe", b"name\nAcme\n", blobs=blobs, actor=ADMIN, now=NOW)
    assert imports.recent() == []


def test_preview_counts_the_whole_file_and_the_mapping_is_saved_for_next_time(blobs: LocalBlobStore) -> None:
    job = import_csv.upload("customers", "a.csv", GOOD_AND_BAD.encode(), blobs=blobs, actor=ADMIN, now=NOW)
    assert job.mapping["Name"] == "name" and job.mapping["IČO"] == "tax_id"
    preview = import_csv.preview(job.id, blobs=blobs, limit=2)
    assert (preview.valid, preview.invalid, len(preview.rows)) == (3, 2, 2)
    assert preview.rows[1].error == RowError(3, "Name", "name is required")
    mapping = {**job.mapping, "Notes": ""}
    import_csv.choose_mapping(job.id, mapping, now=NOW)
    again = import_csv.upload("customers", "b.csv", GOOD_AND_BAD.encode(), blobs=blobs, actor=ADMIN, now=NOW)
    assert again.mapping == mapping
    with pytest.raises(ValidationError, match="both mapped to name"):
        import_csv.choose_mapping(job.id, {**mapping, "Notes": "name"}, now=NOW)


def test_a_rerun_of_an_interrupted_import_repairs_it_without_duplicates(blobs: LocalBlobStore) -> None:
    data = b"name,country,currency\n" + b"".join(b"Org %d,SK,EUR\n" % i for i in range(30))
    job = import_csv.upload("customers", "nokeys.csv", data, blobs=blobs, actor=ADMIN, now=NOW)
    imports.set_status(job.id, "running")  # as if a worker died half-way: rows without any key
    import_csv.run(job.id, blobs=blobs, clock=lambda: NOW)
    done = import_csv.run(job.id, blobs=blobs, clock=lambda: NOW)
    assert (done.status, done.written_rows) == ("done", 30)
    assert len(_all_customers()) == 30


def test_large_files_run_through_the_queue_and_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib import bootstrap
    from chalicelib.adapters.queue import InlineQueue, ThreadQueue
    from chalicelib.jobs import workers

    assert workers.IMPORT_RUN == import_csv.RUN_MESSAGE
    assert isinstance(bootstrap.queue(), InlineQueue)  # tests: the import runs inside start()
    job = import_csv.upload("customers", "q.csv", GOOD_AND_BAD.encode(), blobs=bootstrap.blobs(), actor=ADMIN,
                            now=NOW)
    assert import_csv.start(job.id, queue=bootstrap.queue()).status == "done"
    assert imports.get(job.id).written_rows == 3

    monkeypatch.setenv("CRM_QUEUE_BACKEND", "thread")
    bootstrap.reset()
    assert isinstance(bootstrap.queue(), ThreadQueue)
    received = threading.Event()
    seen: list[Any] = []
    ThreadQueue(lambda messages: (seen.extend(messages), received.set())).send_batch([{"type": "x", "n": 1}])
    assert received.wait(5) and seen == [{"type": "x", "n": 1}]
    workers.handle([{"type": "no-such-work"}])  # unknown work is logged and dropped, not raised


def test_a_row_matching_a_merged_duplicate_updates_the_record_it_was_merged_into(
    blobs: LocalBlobStore,
) -> None:
    from chalicelib.store.models import CustomerModel

    original = create_customer({"name": "Original", "country": "SK", "currency": "EUR"}, actor=ADMIN, now=NOW)
    duplicate = create_customer({"name": "Dup", "country": "SK", "currency": "EUR", "external_id": "M-1"},
                                actor=ADMIN, now=NOW)
    CustomerModel(id=duplicate.id).update(actions=[CustomerModel.merged_into.set(original.id)])
    job = _import(blobs, b"name,external_id,country,currency\nRenamed,M-1,SK,EUR\n")
    assert (job.created_rows, job.updated_rows) == (0, 1)
    assert customers.get(original.id).name == "Renamed"
    assert customers.get(duplicate.id).name == "Dup"
