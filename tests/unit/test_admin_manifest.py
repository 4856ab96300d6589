"""Admin pages load on first use from routes_manifest.py: it must list exactly what the pages declare."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_route_manifest_is_what_the_pages_declare() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.web.admin.build_manifest", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_registers_every_manifest_route_without_importing_a_page() -> None:
    code = (
        "import sys, app\n"
        "from chalicelib.web.admin.routes_manifest import ROUTES\n"
        "pages = sorted({m for _, _, m, _, _ in ROUTES if m in sys.modules})\n"
        "registered = {(p, m) for p, ms in app.app.routes.items() if p.startswith('/admin') for m in ms}\n"
        "print(pages, registered == {('/admin' + p, m) for p, m, _, _, _ in ROUTES})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CRM_STAGE": "local"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] True"
