"""Cold import of app.py against cold import of boto3, in fresh interpreters.

Each child times only the import statement (time.perf_counter around it), so
interpreter start-up is left out. The two kinds of child alternate within one run,
so machine noise hits both alike, and the figure is the ratio of the medians.
The child gets an almost empty environment (CRM_STAGE=local and PATH): importing the
app must not need, or read, any configuration.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

# Modules worth knowing about after `import app`: the first two must be imported lazily.
MUST_BE_LAZY = ("weasyprint", "stripe")
WATCHED = (*MUST_BE_LAZY, "boto3", "botocore", "pynamodb", "jinja2", "chalice", "argon2")

CHILD = """
import importlib, json, sys, time
watched = {watched!r}
start = time.perf_counter()
importlib.import_module({module!r})
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "modules": len(sys.modules),
                   "imported": {{m: m in sys.modules for m in watched}}}}))
"""


def _child_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "CRM_STAGE": "local"}


def time_import(module: str, root: Path) -> dict[str, Any]:
    code = CHILD.format(module=module, watched=WATCHED)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=_child_env(), capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"`import {module}` failed in a fresh interpreter:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure(root: Path, rounds: int = 21) -> dict[str, Any]:
    # One discarded warm-up of each: byte-code compilation and a cold page cache are not the app's cost.
    time_import("app", root)
    time_import("boto3", root)
    app_times: list[float] = []
    boto3_times: list[float] = []
    last_app: dict[str, Any] = {}
    for i in range(rounds):
        order = ("app", "boto3") if i % 2 == 0 else ("boto3", "app")
        for module in order:
            result = time_import(module, root)
            if module == "app":
                app_times.append(result["seconds"])
                last_app = result
            else:
                boto3_times.append(result["seconds"])
    app_median = statistics.median(app_times)
    boto3_median = statistics.median(boto3_times)
    imported = last_app.get("imported", {})
    return {
        "figure": round(app_median / boto3_median, 3),
        "raw": {
            "rounds": rounds,
            "app_median_s": round(app_median, 4),
            "boto3_median_s": round(boto3_median, 4),
            "app_s": [round(t, 4) for t in app_times],
            "boto3_s": [round(t, 4) for t in boto3_times],
            "app_modules_loaded": last_app.get("modules"),
            "imported_by_app": imported,
            "weasyprint_imported_by_app": bool(imported.get("weasyprint")),
            "stripe_imported_by_app": bool(imported.get("stripe")),
            "child_env": sorted(_child_env()),
        },
    }


def profile_app_import(root: Path, top: int = 15) -> list[dict[str, Any]]:
    """One `python -X importtime -c "import app"`: the modules with the largest cumulative cost."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"], cwd=root, env=_child_env(),
        capture_output=True, text=True, timeout=120,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line[len("import time:"):].split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2  # importtime indents nested imports by two
        ms = round(int(cumulative) / 1000, 1)
        rows.append({"module": name.strip(), "cumulative_ms": ms, "depth": depth})
    rows.sort(key=lambda r: r["cumulative_ms"], reverse=True)
    return rows[:top]
