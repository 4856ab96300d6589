"""CSV import and export through the admin pages, as an admin uses them."""

from __future__ import annotations

import csv
import io
import re
import secrets
from typing import Any

from tests.browser_client import Browser

FILE = (
    "Název;E-mail;Country;Currency;External ID;Poznámka\n"
    "Acme s.r.o.;info@acme.sk;SK;EUR;A-1;\"two\nlines\"\n"
    "Broken;broken@x.sk;Slovakia;EUR;A-2;\n"
    "Gamma;not-an-email;FR;EUR;A-3;\n"
)


def _upload(browser: Browser, data: bytes, filename: str = "orgs.csv", entity: str = "customers") -> Any:
    browser.get("/admin/imports")
    boundary = "----crm" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{browser.csrf()}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="entity"\r\n\r\n{entity}\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    response = browser.client.http.post(
        "/admin/imports",
        body=b"".join(parts),
        headers=browser._headers({"Content-Type": f"multipart/form-data; boundary={boundary}"}),
    )
    if "text/html" in response.headers.get("Content-Type", ""):
        browser.last_html = response.body.decode()
    return response


def test_upload_map_preview_import_and_download_the_errors(admin: Browser) -> None:
    response = _upload(admin, FILE.encode("utf-8"))
    assert response.status_code == 303, response.body
    page = response.headers["Location"]
    html = admin.get(page).body.decode()
    assert "UTF-8" in html and "semicolon" in html
    assert re.search(r'<option value="name" selected>', html)  # "Název" suggested as name
    assert "<strong>1</strong> valid and <strong>2</strong> invalid" in html
    assert "Country: country must be a two-letter ISO code" in html

    # Skip the e-mail column: the third row becomes valid.
    form = {"col_0": "name", "col_1": "", "col_2": "country", "col_3": "currency", "col_4": "external_id",
            "col_5": "notes"}
    assert admin.post(f"{page}/mapping", form).status_code == 303
    html = admin.get(page).body.decode()
    assert "<strong>2</strong> valid and <strong>1</strong> invalid" in html

    assert admin.post(f"{page}/run", {}).status_code == 303
    html = admin.get(page).body.decode()
    assert "Done" in html and '<progress max="3" value="3"' in html
    assert "2 imported (2 new, 0 updated) · 1 failed" in html
    # Row 4: Acme's quoted notes take lines 2 and 3 of the file.
    assert "<td>4</td><td>Country</td><td>country must be a two-letter ISO code such as SK</td>" in html
    assert 'http-equiv="refresh"' not in html

    download = admin.get(f"{page}/errors.csv")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.body.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Broken", "broken@x.sk"] and rows[1][-3:-1] == ["4", "Country"]

    customers = admin.get("/admin/customers").body.decode()
    assert "Acme s.r.o." in customers and "Gamma" in customers and "Broken" not in customers

    exported = admin.get("/admin/export/customers.csv")
    assert exported.status_code == 200 and exported.body.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert {r["name"]: r["external_id"] for r in table} == {"Acme s.r.o.": "A-1", "Gamma": "A-3"}
    assert next(r for r in table if r["name"] == "Acme s.r.o.")["notes"] == "two\nlines"


def test_an_export_imports_again_without_duplicates(admin: Browser) -> None:
    assert _upload(admin, FILE.encode()).status_code == 303
    job = admin.get("/admin/imports").body.decode()
    first = re.search(r'href="(/admin/imports/[0-9a-f]+)"', job)
    assert first
    admin.get(first.group(1))
    admin.post(f"{first.group(1)}/run", {})
    exported = admin.get("/admin/export/customers.csv").body
    response = _upload(admin, exported, "export.csv")
    page = response.headers["Location"]
    admin.get(page)
    admin.post(f"{page}/run", {})
    html = admin.get(page).body.decode()
    assert "1 imported (0 new, 0 updated) · 0 failed" in html  # unchanged
    assert admin.get("/admin/customers").body.decode().count("Acme s.r.o.") == 1


def test_a_file_without_header_is_a_400_page_naming_the_problem(admin: Browser) -> None:
    response = _upload(admin, b"Acme,info@acme.sk,SK,EUR\n")
    assert response.status_code == 400
    assert "looks like a value: add a header row" in response.body.decode()
    response = _upload(admin, "name\nAcme\n".encode("utf-16-le"))
    assert response.status_code == 400
    assert "not a CSV in UTF-8, Windows-1251 or Windows-1252" in response.body.decode()
    response = _upload(admin, b"name\nAcme\n", entity="invoices")
    assert response.status_code == 400 and "cannot import" in response.body.decode()


def test_only_admins_import_and_unknown_exports_are_404(
    admin: Browser, app_client: Any, make_staff: Any
) -> None:
    make_staff("sales")
    sales = Browser(app_client)
    assert sales.sign_in("sales@example.com").status_code == 303
    assert sales.get("/admin/imports").status_code == 403
    assert sales.get("/admin/export/customers.csv").status_code == 403
    assert "/admin/imports" not in sales.get("/admin").body.decode()
    assert admin.get("/admin/export/invoices.csv").status_code == 404
    for entity in ("people", "products", "items"):
        response = admin.get(f"/admin/export/{entity}.csv")
        assert response.status_code == 200, entity
