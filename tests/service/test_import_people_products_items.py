"""Importing people, products and installed items from CSV against DynamoDB Local: valid rows written,
invalid ones reported with row, column and reason, references resolved by code, re-imports update."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from chalicelib.adapters.blobs import LocalBlobStore
from chalicelib.adapters.queue import InlineQueue
from chalicelib.domain import lookups
from chalicelib.domain.audit import Actor
from chalicelib.domain.customer import Customer
from chalicelib.domain.imports import RowError
from chalicelib.domain.items import serial_claim
from chalicelib.services import export_csv, import_csv
from chalicelib.services.manage_catalogue import create_product, deactivate_product
from chalicelib.services.manage_customers import create_customer
from chalicelib.services.manage_people import link_to_customer
from chalicelib.store import audit, imports, items, people, products, records
from chalicelib.store.models_catalogue import ItemModel, ProductModel
from chalicelib.store.models_contacts import PersonModel
from tests.service.conftest import NOW

ADMIN = Actor("staff-1", "admin@example.com")


@pytest.fixture
def blobs(store: Path) -> LocalBlobStore:
    return LocalBlobStore(store / "blobs")


@pytest.fixture
def orgs() -> dict[str, Customer]:
    return {
        code: create_customer({"name": name, "country": "SK", "currency": "EUR", "code": code,
                               "external_id": ext}, actor=ADMIN, now=NOW)
        for code, name, ext in (("C-1", "Acme", "X-1"), ("C-2", "Beta", "X-2"))
    }


def _import(blobs: LocalBlobStore, entity: str, data: bytes, filename: str = "data.csv") -> imports.ImportJob:
    job = import_csv.upload(entity, filename, data, blobs=blobs, actor=ADMIN, now=NOW)
    queue = InlineQueue(lambda messages: [import_csv.run(m["import_id"], blobs=blobs, clock=lambda: NOW)
                                          for m in messages] and None)
    import_csv.start(job.id, queue=queue)
    return imports.get(job.id)


def _counts(job: imports.ImportJob) -> tuple[str, int, int, int, int]:
    return job.status, job.written_rows, job.created_rows, job.updated_rows, job.failed_rows


def _people() -> dict[str, people.Person]:
    return {p.last_name: people.get(p.id) for p in PersonModel.scan()}


PEOPLE = (
    "First name;Last name;E-mail;Phone;External ID;Customer code;Role\n"
    "Anna;Novak;anna@acme.sk;+421 900 111 222;P-1;c1;buyer\n"
    "Boris;;boris@acme.sk;;P-2;C-1;\n"
    "Cyril;Dvorak;not-an-email;;P-3;;\n"
    "Dana;Kral;dana@beta.sk;;;C-9;technician\n"
    "Eva;Horak;eva@beta.sk;;;C-2;director\n"
    "Fero;Mak;;;;;boss\n"
)


def test_people_rows_are_written_linked_to_their_organisation_and_bad_rows_reported(
    blobs: LocalBlobStore, orgs: dict[str, Customer]
) -> None:
    job = _import(blobs, "people", PEOPLE.encode())
    assert _counts(job) == ("done", 2, 2, 0, 4)
    assert job.error_sample == [
        RowError(3, "Last name", "last name is required"),
        RowError(4, "E-mail", "'not-an-email' is not a valid email address"),
        RowError(5, "Customer code", "no organisation has the customer code C-9"),
        RowError(7, "Role", "a role needs the customer code of the organisation it is at"),
    ]
    found = _people()
    assert sorted(found) == ["Horak", "Novak"]
    anna = found["Novak"]
    assert (anna.first_name, anna.email, anna.phone, anna.external_id) == (
        "Anna", "anna@acme.sk", "+421 900 111 222", "P-1"
    )
    [link] = people.memberships_of(anna.id)
    assert (link.customer_id, link.role, link.primary) == (orgs["C-1"].id, "buyer", True)
    assert [m.person_id for m in people.members_of(orgs["C-2"].id)] == [found["Horak"].id]
    # The link is a reference a merge of the organisation must find.
    assert anna.ref in records.refs(lookups.uses_key(orgs["C-1"].ref))
    assert records.owner_of("person/ext/P1") == anna.ref
    assert [p.id for p in people.find("email", "eva@beta.sk")] == [found["Horak"].id]
    [chunk] = audit.for_entity("import", job.id)
    assert chunk.after is not None and len(chunk.after["linked"]) == 2


def test_re_importing_people_updates_by_external_id_then_email_and_never_duplicates(
    blobs: LocalBlobStore, orgs: dict[str, Customer]
) -> None:
    _import(blobs, "people", PEOPLE.encode())
    first = _people()
    changed = PEOPLE.replace("Anna;Novak;anna@acme.sk", "Anna;Novak;anna.novak@acme.sk").replace(
        "Eva;Horak;eva@beta.sk;;;C-2;director", "Eva;Horak;eva@beta.sk;+421 2 1234 5678;;C-1;owner"
    ).replace(";buyer", ";head of purchasing")
    job = _import(blobs, "people", changed.encode(), "again.csv")
    assert _counts(job) == ("done", 2, 0, 2, 4)
    again = _people()
    assert sorted(again) == sorted(first)
    assert again["Novak"].id == first["Novak"].id and again["Novak"].email == "anna.novak@acme.sk"
    assert people.find("email", "anna@acme.sk") == []  # the old lookup key went away
    eva = again["Horak"]  # no external id: matched by email
    assert (eva.id, eva.phone) == (first["Horak"].id, "+421 2 1234 5678")
    assert {(m.customer_id, m.role) for m in people.memberships_of(eva.id)} == {
        (orgs["C-2"].id, "director"), (orgs["C-1"].id, "owner")
    }
    [anna_link] = people.memberships_of(again["Novak"].id)
    assert (anna_link.role, anna_link.primary) == ("head of purchasing", True)


def test_a_link_made_in_the_admin_page_keeps_its_own_details_when_re_imported(
    blobs: LocalBlobStore, orgs: dict[str, Customer]
) -> None:
    _import(blobs, "people", b"last_name,external_id,customer_code\nNovak,P-1,C-1\n")
    [person] = _people().values()
    link_to_customer(person.id, orgs["C-1"].id, {"role": "buyer", "email": "novak@acme.sk", "primary": "1"},
                     actor=ADMIN, now=NOW)
    again = b"last_name,external_id,customer_code,role\nNovak,P-1,C-1,owner\n"
    job = _import(blobs, "people", again, "b.csv")
    assert _counts(job) == ("done", 1, 0, 0, 0)  # the person is unchanged; only the role is new
    [link] = people.memberships_of(person.id)
    assert (link.role, link.email, link.primary) == ("owner", "novak@acme.sk", True)


def test_cp1251_people_file_with_cyrillic_names(blobs: LocalBlobStore, orgs: dict[str, Customer]) -> None:
    text = "Имя;Фамилия;Телефон;Должность;customer_code\nИван;Петров;+7 495 123-45-67;Директор;C-2\n"
    job = _import(blobs, "people", text.encode("cp1251"))
    assert (job.encoding, job.delimiter, job.mapping["Фамилия"], job.mapping["Должность"]) == (
        "cp1251", ";", "last_name", "role"
    )
    assert _counts(job) == ("done", 1, 1, 0, 0)
    [person] = _people().values()
    assert (person.first_name, person.last_name, person.phone) == ("Иван", "Петров", "+7 495 123-45-67")
    assert [m.role for m in people.memberships_of(person.id)] == ["Директор"]
    assert people.page("пет") == [person]


def test_the_people_export_names_the_organisation_and_imports_again_unchanged(
    blobs: LocalBlobStore, orgs: dict[str, Customer]
) -> None:
    _import(blobs, "people", PEOPLE.encode())
    exported = export_csv.export("people", may_view_sensitive=True)
    rows = {r["last_name"]: r for r in csv.DictReader(io.StringIO(exported.decode("utf-8-sig")))}
    assert (rows["Novak"]["customer_code"], rows["Novak"]["role"]) == ("C-1", "buyer")
    assert (rows["Horak"]["customer_code"], rows["Horak"]["role"]) == ("C-2", "director")
    job = _import(blobs, "people", exported, "people-export.csv")
    assert _counts(job) == ("done", 2, 0, 0, 0)
    assert len(_people()) == 2


PRODUCTS = (
    "Code;Name;Type;Unit;Vendor;Stock;Tax;External ID;Description\n"
    "P-100;Boiler 24 kW;product;pc;Vaillant;ano;standard;E-100;\"wall-mounted\ncondensing\"\n"
    "S-1;Annual service;service;h;;nie;reduced;;\n"
    "P-200;Valve;product;box;;yes;standard;;\n"
    ";No code;product;pc;;no;standard;;\n"
    "S-2;Stocked service;service;h;;да;standard;;\n"
    "P-300;Pump;product;pc;Grundfos;так;standard;;\n"
    "P-400;Filter;product;pc;;maybe;standard;;\n"
)


def test_products_rows_are_written_and_bad_rows_reported(blobs: LocalBlobStore) -> None:
    job = _import(blobs, "products", PRODUCTS.encode())
    assert _counts(job) == ("done", 3, 3, 0, 4)
    assert job.error_sample == [
        RowError(5, "Unit", "unit must be one of pc, h, day, month, year, kg, m, m2, l, set"),
        RowError(6, "Code", "code is required"),
        RowError(7, "Stock", "a service cannot be stocked"),
        RowError(9, "Stock", "stocked must be yes or no"),
    ]
    boiler = products.find_by_code("p100")
    assert boiler is not None
    assert (boiler.name, boiler.vendor, boiler.stocked, boiler.external_id, boiler.specification) == (
        "Boiler 24 kW", "Vaillant", True, "E-100", "wall-mounted\ncondensing"
    )
    service = products.find_by_code("S-1")
    pump = products.find_by_code("P-300")
    assert service is not None and (service.kind, service.unit, service.stocked) == ("service", "h", False)
    assert pump is not None and pump.stocked
    assert records.owner_of("product/code/P100") == boiler.ref
    assert records.owner_of("product/ext/E100") == boiler.ref


def test_re_importing_products_updates_by_code_and_never_duplicates(blobs: LocalBlobStore) -> None:
    _import(blobs, "products", PRODUCTS.encode())
    names = b"code,name,vendor\np 100,Boiler 28 kW,Vaillant AG\nS-1,Annual service,\n"
    job = _import(blobs, "products", names, "names.csv")
    assert _counts(job) == ("done", 2, 0, 1, 0)
    assert ProductModel.count() == 3
    boiler = products.find_by_code("P-100")
    assert boiler is not None
    # Only the mapped columns change; the code keeps the form it was first written in.
    assert (boiler.name, boiler.vendor, boiler.stocked, boiler.external_id, boiler.code) == (
        "Boiler 28 kW", "Vaillant AG", True, "E-100", "p 100"
    )


def test_a_product_row_is_identified_by_its_external_id_first_then_by_its_code(
    blobs: LocalBlobStore,
) -> None:
    first = create_product({"code": "A", "name": "First", "external_id": "E-1"}, actor=ADMIN, now=NOW)
    create_product({"code": "B", "name": "Second"}, actor=ADMIN, now=NOW)
    data = b"code,name,external_id\nB,Second,E-2\nA,Renamed,E-9\nC,Recoded,E-1\n"
    job = _import(blobs, "products", data)
    # Row 3 has code A but another external id: another product, and code A is taken.
    assert job.error_sample == [RowError(3, "code", "product code A is already used")]
    assert (job.created_rows, job.updated_rows) == (0, 2)
    second = products.find_by_code("B")
    assert second is not None and second.external_id == "E-2"
    # Row 4: the source system changed the code of its product E-1.
    recoded = products.get(first.id)
    assert (recoded.code, recoded.name) == ("C", "Recoded")
    assert records.owner_of("product/code/A") is None and records.owner_of("product/code/C") == first.ref
    assert products.find_by_code("A") is None


ITEMS = (
    "Serial number;Product code;Model;Factory number;Owner code;Owner external id;Installation date\n"
    "SN-001;P-100;VU 24;F-1;C-1;;2025-05-01\n"
    "SN-002;P-100;VU 24;F-2;;X-2;2025-05-02\n"
    "SN-001;S-1;;;C-2;;\n"
    "SN-003;NOPE;;;C-1;;\n"
    "SN-004;P-100;;;C-9;;\n"
    ";P-100;;;C-1;;\n"
    "SN-005;P-100;;;C-1;;31.12.2025\n"
    "SN-006;P-100;;;;;\n"
    "SN-007;P-100;;;C-1;X-2;\n"
)


@pytest.fixture
def catalogue() -> dict[str, str]:
    return {
        code: create_product({"code": code, "name": code, "kind": kind, "unit": unit},
                             actor=ADMIN, now=NOW).id
        for code, kind, unit in (("P-100", "product", "pc"), ("S-1", "service", "h"))
    }


def test_items_are_owned_by_the_customer_with_that_code_and_bad_rows_reported(
    blobs: LocalBlobStore, orgs: dict[str, Customer], catalogue: dict[str, str]
) -> None:
    job = _import(blobs, "items", ITEMS.encode())
    assert _counts(job) == ("done", 3, 3, 0, 6)
    assert job.error_sample == [
        RowError(5, "Product code", "no product has the code NOPE"),
        RowError(6, "Owner code", "no customer has the code C-9"),
        RowError(7, "Serial number", "serial is required"),
        RowError(8, "Installation date", "'31.12.2025' is not a date such as 2026-03-31"),
        RowError(9, "Owner code", "the owner's customer code (or external id) is required"),
        RowError(10, "Owner external id", "the owner's code and external id name two different customers"),
    ]
    acme_items = items.of_owner(orgs["C-1"].id)
    assert [(i.serial, i.model, i.manufacturer_no, i.install_date) for i in acme_items] == [
        ("SN-001", "VU 24", "F-1", "2025-05-01")
    ]
    assert [i.serial for i in items.of_owner(orgs["C-2"].id)] == ["SN-001", "SN-002"]
    # The same serial of two products is two items; each product's serial is claimed once.
    assert sorted(i.product_id for i in items.by_serial("sn 001")) == sorted(catalogue.values())
    first = acme_items[0]
    assert records.owner_of(serial_claim(catalogue["P-100"], "SN001")) == first.ref
    assert first.ref in records.refs(lookups.uses_key(orgs["C-1"].ref))


def test_re_importing_items_updates_by_serial_and_product_and_moves_the_owner(
    blobs: LocalBlobStore, orgs: dict[str, Customer], catalogue: dict[str, str]
) -> None:
    _import(blobs, "items", ITEMS.encode())
    before = {(i.product_id, i.serial): i for i in items.get_many([m.id for m in ItemModel.scan()])}
    move = b"serial,product_code,owner_code,model\nsn001,P-100,C-2,VU 28\n"
    job = _import(blobs, "items", move, "move.csv")
    assert _counts(job) == ("done", 1, 0, 1, 0)
    assert ItemModel.count() == 3
    moved = items.get(before[(catalogue["P-100"], "SN-001")].id)
    assert (moved.owner_id, moved.model, moved.serial, moved.install_date) == (
        orgs["C-2"].id, "VU 28", "sn001", "2025-05-01"
    )
    assert items.of_owner(orgs["C-1"].id) == []
    assert moved.ref not in records.refs(lookups.uses_key(orgs["C-1"].ref))
    assert moved.ref in records.refs(lookups.uses_key(orgs["C-2"].ref))
    again = _import(blobs, "items", ITEMS.encode(), "again.csv")
    assert (again.created_rows, again.failed_rows, ItemModel.count()) == (0, 6, 3)


def test_an_item_of_an_inactive_product_or_in_the_future_is_refused(
    blobs: LocalBlobStore, orgs: dict[str, Customer], catalogue: dict[str, str]
) -> None:
    deactivate_product(catalogue["S-1"], actor=ADMIN, now=NOW)
    data = b"serial,product_code,owner_code,install_date\nA1,S-1,C-1,\nA2,P-100,C-1,2999-01-01\n"
    job = _import(blobs, "items", data)
    assert job.error_sample == [
        RowError(2, "product_code", "product S-1 is no longer active"),
        RowError(3, "install_date", "the install date 2999-01-01 is in the future"),
    ]
    assert ItemModel.count() == 0


def test_the_items_export_imports_again_without_changes(
    blobs: LocalBlobStore, orgs: dict[str, Customer], catalogue: dict[str, str]
) -> None:
    _import(blobs, "items", ITEMS.encode())
    exported = export_csv.export("items", may_view_sensitive=False)
    job = _import(blobs, "items", exported, "items-export.csv")
    assert _counts(job) == ("done", 3, 0, 0, 0)
    assert ItemModel.count() == 3


def test_a_rerun_of_an_interrupted_people_import_repairs_it_without_duplicates(
    blobs: LocalBlobStore, orgs: dict[str, Customer]
) -> None:
    data = b"last_name,customer_code,role\n" + b"".join(b"Person %d,C-1,staff\n" % i for i in range(30))
    job = import_csv.upload("people", "nokeys.csv", data, blobs=blobs, actor=ADMIN, now=NOW)
    imports.set_status(job.id, "running")  # as if a worker died half-way: rows without any key
    import_csv.run(job.id, blobs=blobs, clock=lambda: NOW)
    done = import_csv.run(job.id, blobs=blobs, clock=lambda: NOW)
    assert (done.status, done.written_rows, done.failed_rows) == ("done", 30, 0)
    assert PersonModel.count() == 30
    members = people.members_of(orgs["C-1"].id)
    assert len(members) == 30 and {m.role for m in members} == {"staff"}
    assert len(records.refs(lookups.uses_key(orgs["C-1"].ref))) == 30
