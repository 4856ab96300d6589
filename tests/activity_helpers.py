"""Records the activity tests hang documents, relationships and interactions on."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from chalicelib.domain.audit import SYSTEM
from chalicelib.domain.ids import new_id
from chalicelib.domain.lookups import ref
from chalicelib.store.models_contacts import PersonModel

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\xff\r\n%%EOF\n"


def make_customer(name: str = "Acme s.r.o.") -> str:
    """customer#<id> of a new customer."""
    from chalicelib.services.manage_customers import create_customer

    customer = create_customer(
        {"name": name, "country": "SK", "currency": "EUR"}, actor=SYSTEM, now=datetime.now(UTC)
    )
    return ref("customer", customer.id)


def make_person(last_name: str, first_name: str = "") -> str:
    """The id of a new person, saved directly: the people service is not needed for these tests."""
    person_id = new_id()
    PersonModel(
        id=person_id,
        first_name=first_name,
        last_name=last_name,
        sort_name=f"{last_name} {first_name}".strip().lower(),
        created_at=datetime.now(UTC),
    ).save()
    return person_id


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    return buffer.getvalue()
