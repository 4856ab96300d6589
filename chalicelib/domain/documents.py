"""Documents on people and organisations (C4): which files are accepted and who may see them.

A file is judged by its extension, the type the browser declared and its first bytes, so a
renamed executable cannot pass as a PDF. Pure rules: no storage, no clock.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.errors import DomainError, ValidationError
from chalicelib.domain.roles import ALL_ROLES, Role

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_LABEL = "10 MiB"
KINDS = ("logo", "photo", "certificate", "agreement", "other")
IMAGE_KINDS = frozenset({"logo", "photo"})
GENERIC_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})

# extension -> (stored content type, other content types browsers send for it)
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"application/x-pdf"})),
    "png": ("image/png", frozenset()),
    "jpg": ("image/jpeg", frozenset({"image/jpg", "image/pjpeg"})),
    "jpeg": ("image/jpeg", frozenset({"image/jpg", "image/pjpeg"})),
    "gif": ("image/gif", frozenset()),
    "webp": ("image/webp", frozenset()),
    "txt": ("text/plain", frozenset()),
    "csv": ("text/csv", frozenset({"text/plain", "application/csv", "application/vnd.ms-excel"})),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset()),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset()),
    "odt": ("application/vnd.oasis.opendocument.text", frozenset()),
}
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp"})


class FileTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


@dataclass(frozen=True)
class Document:
    id: str
    owner: str  # customer#<id> | person#<id>
    filename: str
    content_type: str
    size: int
    blob_key: str
    kind: str
    view_roles: frozenset[Role]
    download_roles: frozenset[Role]
    uploaded_by: str
    created_at: datetime

    def may_view(self, role: Role) -> bool:
        return role in self.view_roles

    def may_download(self, role: Role) -> bool:
        return role in self.download_roles and role in self.view_roles

    def fields(self) -> dict[str, object]:
        """What the audit log records."""
        return {
            "owner": self.owner,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "kind": self.kind,
            "view_roles": sorted(r.value for r in self.view_roles),
            "download_roles": sorted(r.value for r in self.download_roles),
        }


def clean_filename(raw: str) -> str:
    """The name to show: no folders (old browsers send C:\\...), no control characters."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    name = name.strip().strip(".")
    if not name:
        raise ValidationError("the file has no name", field="file")
    return name[-200:]


def safe_key_name(filename: str) -> str:
    """ASCII letters, digits, dot, dash and underscore only: safe in S3 keys and on any disk."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._-")
    stem, _, ext = safe.rpartition(".")
    return (f"{stem[:80] or 'file'}.{ext[:10]}" if stem else f"file.{safe[:10] or 'bin'}").lower()


def blob_key(document_id: str, filename: str) -> str:
    return f"documents/{document_id}/{safe_key_name(filename)}"


def check_file(filename: str, declared_type: str, data: bytes) -> tuple[str, str]:
    """Returns (clean filename, content type to store) or raises naming the file."""
    name = clean_filename(filename)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FileTooLarge(f"{name} is larger than the {MAX_DOCUMENT_LABEL} limit", field="file")
    if not data:
        raise ValidationError(f"{name} is empty", field="file")
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    if extension not in TYPES:
        allowed = ", ".join(sorted({e for e in TYPES if e != "jpeg"}))
        raise ValidationError(
            f"{name}: files of this type are not accepted (allowed: {allowed})", field="file"
        )
    content_type, aliases = TYPES[extension]
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in GENERIC_TYPES and declared != content_type and declared not in aliases:
        raise ValidationError(
            f"{name} was sent as {declared}, which does not match .{extension}", field="file"
        )
    if not _looks_like(extension, data):
        raise ValidationError(
            f"{name} is not a real .{extension} file (its content does not match)", field="file"
        )
    return name, content_type


def _looks_like(extension: str, data: bytes) -> bool:
    head = data[:16]
    if extension == "pdf":
        return data[:1024].lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if extension in ("txt", "csv"):
        return b"\0" not in data[:8192]  # text in any 8-bit encoding, never binary
    return _office_document(extension, data)


def _office_document(extension: str, data: bytes) -> bool:
    """docx/xlsx/odt are zip files with a known part inside; any other zip is refused."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension == "odt":
                return "mimetype" in names and archive.read("mimetype").strip() == TYPES["odt"][0].encode()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return False
    return {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[extension] in names


def parse_kind(value: str, content_type: str) -> str:
    kind = (value or "other").strip().lower()
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if kind in IMAGE_KINDS and not content_type.startswith("image/"):
        raise ValidationError(f"a {kind} must be an image (png, jpeg, gif or webp)", field="kind")
    return kind


def parse_roles(values: list[str] | None, *, field: str) -> frozenset[Role]:
    """No choice means everyone; admins always keep access so a document cannot become invisible."""
    if not values:
        return ALL_ROLES
    roles = set()
    for value in values:
        try:
            roles.add(Role(value.strip()))
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise ValidationError(f"{value!r} is not a role; roles are {allowed}", field=field) from None
    return frozenset(roles | {Role.ADMIN})


def rights(view: list[str] | None, download: list[str] | None) -> tuple[frozenset[Role], frozenset[Role]]:
    """Download rights only for roles that may view the document at all."""
    view_roles = parse_roles(view, field="view_roles")
    download_roles = parse_roles(download, field="download_roles")
    outside = download_roles - view_roles
    if outside and download:
        names = ", ".join(sorted(r.value for r in outside))
        raise ValidationError(
            f"{names} may not view this document, so cannot download it", field="download_roles"
        )
    return view_roles, download_roles & view_roles
