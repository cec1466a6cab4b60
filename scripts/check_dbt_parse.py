"""`dbt parse` must succeed and print no deprecation warning (house rule: YAML written the current way)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
result = subprocess.run(
    [
        str(ROOT / ".venv/bin/dbt"),
        "parse",
        "--no-partial-parse",
        "--project-dir",
        str(ROOT),
        "--profiles-dir",
        str(ROOT),
    ],
    capture_output=True,
    text=True,
)
print(result.stdout, result.stderr, sep="")
if result.returncode != 0:
    sys.exit(result.returncode)
warnings = [line for line in (result.stdout + result.stderr).splitlines() if "eprecat" in line]
if warnings:
    print(f"dbt parse printed {len(warnings)} deprecation warning line(s):", *warnings, sep="\n")
    sys.exit(1)
print("dbt parse: no deprecation warnings")
