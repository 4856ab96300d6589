"""Which files are accepted as documents, and who may see or download them."""

from __future__ import annotations

import io
import zipfile

import pytest

from chalicelib.domain import documents as rules
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.roles import ALL_ROLES, Role

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 20
GIF = b"GIF89a" + b"\0" * 20
WEBP = b"RIFF\x10\0\0\0WEBPVP8 " + b"\0" * 8


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("filename", "declared", "data", "stored_type"),
    [
        ("offer.pdf", "application/pdf", PDF, "application/pdf"),
        ("offer.PDF", "application/octet-stream", PDF, "application/pdf"),
        ("logo.png", "image/png", PNG, "image/png"),
        ("photo.jpg", "image/jpeg", JPEG, "image/jpeg"),
        ("photo.jpeg", "", JPEG, "image/jpeg"),
        ("anim.gif", "image/gif", GIF, "image/gif"),
        ("pic.webp", "image/webp", WEBP, "image/webp"),
        ("notes.txt", "text/plain", "Grüße\n".encode(), "text/plain"),
        ("list.csv", "application/vnd.ms-excel", b"a;b\n1;2\n", "text/csv"),
        ("contract.docx", "", _zip({"word/document.xml": b"<w/>"}), rules.TYPES["docx"][0]),
        ("sheet.xlsx", "", _zip({"xl/workbook.xml": b"<x/>"}), rules.TYPES["xlsx"][0]),
        (
            "letter.odt",
            "",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            rules.TYPES["odt"][0],
        ),
    ],
)
def test_accepted_files_get_the_type_of_their_extension(
    filename: str, declared: str, data: bytes, stored_type: str
) -> None:
    assert rules.check_file(filename, declared, data) == (filename, stored_type)


@pytest.mark.parametrize(
    ("filename", "declared", "data", "says"),
    [
        (
            "setup.exe",
            "application/x-msdownload",
            b"MZ\x90\x00",
            "setup.exe: files of this type are not accepted",
        ),
        ("noextension", "", PDF, "noextension: files of this type are not accepted"),
        ("fake.pdf", "application/pdf", b"MZ\x90\x00 not a pdf", "fake.pdf is not a real .pdf file"),
        ("fake.png", "image/png", JPEG, "fake.png is not a real .png file"),
        ("binary.txt", "text/plain", b"abc\0def", "binary.txt is not a real .txt file"),
        ("zip.docx", "", _zip({"other": b"x"}), "zip.docx is not a real .docx file"),
        ("broken.xlsx", "", b"PK\x03\x04garbage", "broken.xlsx is not a real .xlsx file"),
        ("x.pdf", "text/html", PDF, "x.pdf was sent as text/html"),
        ("empty.pdf", "application/pdf", b"", "empty.pdf is empty"),
    ],
)
def test_refused_files_are_named_in_the_message(filename: str, declared: str, data: bytes, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        rules.check_file(filename, declared, data)
    assert says in error.value.message and error.value.field == "file"


def test_a_file_over_the_limit_is_413_naming_the_limit() -> None:
    with pytest.raises(rules.FileTooLarge) as error:
        rules.check_file("big.pdf", "application/pdf", PDF + b"0" * rules.MAX_DOCUMENT_BYTES)
    assert error.value.status == 413 and "10 MiB" in error.value.message
    assert rules.check_file("max.pdf", "", PDF + b"0" * (rules.MAX_DOCUMENT_BYTES - len(PDF)))[0] == "max.pdf"


def test_filenames_lose_folders_and_control_characters_and_keys_are_safe() -> None:
    assert rules.clean_filename("C:\\Users\\ann\\Offer 2026.pdf") == "Offer 2026.pdf"
    assert rules.clean_filename("../../etc/passwd\x00.pdf") == "passwd.pdf"
    with pytest.raises(ValidationError):
        rules.clean_filename("/tmp/")
    assert rules.blob_key("d1", "Smlouva č. 5 (final).PDF") == "documents/d1/smlouva_c._5_final_.pdf"
    assert rules.blob_key("d1", "Договор.pdf") == "documents/d1/file.pdf"
    assert rules.blob_key("d1", "..pdf") == "documents/d1/file.pdf"


def test_logos_and_photos_must_be_images() -> None:
    assert rules.parse_kind("logo", "image/png") == "logo"
    assert rules.parse_kind("", "application/pdf") == "other"
    with pytest.raises(ValidationError, match="must be an image") as error:
        rules.parse_kind("photo", "application/pdf")
    assert error.value.field == "kind"
    with pytest.raises(ValidationError, match="kind must be one of"):
        rules.parse_kind("invoice", "application/pdf")


def test_rights_default_to_everyone_and_admins_always_keep_access() -> None:
    assert rules.rights([], []) == (ALL_ROLES, ALL_ROLES)
    view, download = rules.rights(["billing"], [])
    assert view == {Role.ADMIN, Role.BILLING} and download == {Role.ADMIN, Role.BILLING}
    view, download = rules.rights(["billing", "sales"], ["billing"])
    assert view == {Role.ADMIN, Role.BILLING, Role.SALES} and download == {Role.ADMIN, Role.BILLING}


def test_rights_refuse_unknown_roles_and_download_without_view() -> None:
    with pytest.raises(ValidationError) as error:
        rules.rights(["boss"], [])
    assert error.value.field == "view_roles" and "'boss'" in error.value.message
    with pytest.raises(ValidationError) as error:
        rules.rights(["billing"], ["sales"])
    assert error.value.field == "download_roles" and "sales" in error.value.message


def test_viewing_and_downloading_follow_the_roles() -> None:
    from datetime import UTC, datetime

    document = rules.Document(
        id="d",
        owner="customer#c",
        filename="a.pdf",
        content_type="application/pdf",
        size=3,
        blob_key="documents/d/a.pdf",
        kind="other",
        view_roles=frozenset({Role.ADMIN, Role.BILLING, Role.SALES}),
        download_roles=frozenset({Role.ADMIN, Role.BILLING}),
        uploaded_by="u",
        created_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert document.may_view(Role.SALES) and not document.may_download(Role.SALES)
    assert document.may_download(Role.BILLING)
    assert not document.may_view(Role.VIEWER) and not document.may_download(Role.VIEWER)
