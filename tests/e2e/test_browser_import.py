"""An import with errors walked through in Chromium: a Windows-1251 file separated by semicolons is
uploaded, its columns mapped, the preview shows the two bad rows, the import writes the three good
ones, and the error CSV holds the two bad rows with their reasons."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser_support import ADMIN_EMAIL, ADMIN_PASSWORD, RESULTS, sign_in

pytestmark = pytest.mark.browser

FILE = (
    "Наименование;E-mail;Страна;Валюта;Код;Примечание\n"
    "ООО «Ромашка»;info@romashka.example;RU;RUB;R-1;Оплата 1 234,50\n"
    ";nobody@example.com;SK;EUR;R-2;no name\n"
    "Tatra Import s.r.o.;office@tatra-import.example;SK;EUR;R-3;\n"
    "Broken Country;broken@example.com;Slovakia;EUR;R-4;\n"
    "Gamma SARL;gamma@example.fr;FR;EUR;R-5;\"deux\nlignes\"\n"
)
GOOD = ("ООО «Ромашка»", "Tatra Import s.r.o.", "Gamma SARL")


def test_an_admin_imports_a_file_with_errors_and_downloads_them(page: Page, tmp_path: Path) -> None:
    upload = tmp_path / "kunden.csv"
    upload.write_bytes(FILE.encode("cp1251"))
    sign_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.wait_for_url("**/admin")

    page.goto("/admin/imports")
    page.select_option("#entity", "customers")
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/admin/imports/*")
    expect(page.locator("body")).to_contain_text("Windows-1251")
    expect(page.locator("body")).to_contain_text("separated by semicolon")
    # Suggested from the Russian header names; the code column is confirmed by hand.
    expect(page.locator("#col_0")).to_have_value("name")
    expect(page.locator("#col_2")).to_have_value("country")
    page.select_option("#col_4", "code")
    page.select_option("#col_5", "notes")
    page.get_by_role("button", name="Save mapping and preview").click()
    expect(page.locator(".notice")).to_contain_text("Mapping saved")
    expect(page.locator("body")).to_contain_text("3 valid and 2 invalid rows")
    bad = page.locator("tr.bad")
    expect(bad).to_have_count(2)
    expect(bad.nth(0)).to_contain_text("Наименование: name is required")
    expect(bad.nth(1)).to_contain_text("Страна: country must be a two-letter ISO code")
    expect(page.locator("table").last).to_contain_text("ООО «Ромашка»")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "import-preview.png", full_page=True)

    page.get_by_role("button", name="Import 3 valid rows").click()
    page.wait_for_url("**/admin/imports/*?notice=started")
    expect(page.locator("h2").first).to_have_text("Done")
    expect(page.locator("body")).to_contain_text("3 imported (3 new, 0 updated) · 2 failed")
    errors = page.locator("table").last
    expect(errors.locator("tr")).to_have_count(3)
    expect(errors.locator("tr").nth(1)).to_contain_text("3Наименованиеname is required")
    expect(errors.locator("tr").nth(2)).to_contain_text("5Странаcountry must be a two-letter ISO code")
    page.screenshot(path=RESULTS / "import-result.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download error CSV").click()
    download = info.value
    assert download.suggested_filename == "kunden-errors.csv"
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][-3:] == ["error row", "error column", "error reason"]
    assert [(r[0], r[-3], r[-2], r[-1]) for r in rows[1:]] == [
        ("", "3", "Наименование", "name is required"),
        ("Broken Country", "5", "Страна", "country must be a two-letter ISO code such as SK"),
    ]

    page.goto("/admin/customers")
    listing = page.locator("table")
    for name in GOOD:
        expect(listing).to_contain_text(name)
    expect(listing).not_to_contain_text("Broken Country")
