"""Gate a FOCUS Parquet export on the official FOCUS validator (``focus-validator``).

The validator needs Python >= 3.12 and lives in its own venv, ``.venv-focus`` (created by
``scripts/setup_focus_validator.sh``); this module runs it as a subprocess, fully offline, against the
vendored requirements model in ``validation/focus_rules/<version>``, and reads its JUnit XML.

The validator exits 0 even when rules fail, so the gate never trusts the exit code for the verdict: it
collects the failing rule ids from the XML and subtracts an allow-list of known false positives
(``validation/focus_validator_allowlist_1_2.yml``). The gate passes when no failure is left over and no
rule errored. A non-zero exit code, a timeout or a missing or unreadable XML is a crash
(:class:`FocusValidatorError`).

CLI::

    python -m ai_finops.focus_gate target/focus_1_2_cost_and_usage.parquet [--version 1.2] [--allowlist FILE]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VALIDATOR = REPO_ROOT / ".venv-focus" / "bin" / "focus-validator"
DEFAULT_RULES_ROOT = REPO_ROOT / "validation" / "focus_rules"
DEFAULT_WORKDIR = REPO_ROOT / "target" / "focus_validator_run"
DEFAULT_TIMEOUT_S = 900.0  # ~3 s start-up + ~5 s per 100k rows; a monthly partition fits comfortably.

# The FormatCurrency check opens this path relative to the working directory (focus_validator PR #112).
CURRENCY_CODES_RELPATH = Path("focus_validator") / "rules" / "currency_codes.csv"


class FocusValidatorError(RuntimeError):
    """The validator could not produce a verdict: missing install, crash, timeout or no/unreadable XML."""


def default_allowlist(version: str) -> Path:
    """``validation/focus_validator_allowlist_<version with _>.yml`` (may not exist for every version)."""
    return REPO_ROOT / "validation" / f"focus_validator_allowlist_{version.replace('.', '_')}.yml"


def load_allowlist(path: Path) -> dict[str, str]:
    """Read an allow-list YAML file into ``{rule_id: reason}``.

    Format: a top-level ``allowed_failures`` list of mappings with a non-empty ``rule_id`` and ``reason``.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read allow-list {path}: {exc}") from exc
    entries = data.get("allowed_failures") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"allow-list {path}: expected a top-level 'allowed_failures' list")
    allowed: dict[str, str] = {}
    for i, entry in enumerate(entries):
        rule_id = entry.get("rule_id") if isinstance(entry, dict) else None
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise ValueError(f"allow-list {path}: entry {i} has no 'rule_id'")
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"allow-list {path}: {rule_id} has no 'reason'")
        if rule_id in allowed:
            raise ValueError(f"allow-list {path}: {rule_id} is listed twice")
        allowed[rule_id.strip()] = " ".join(reason.split())
    return allowed


@dataclass(frozen=True)
class JUnitCounts:
    """Counts from the root ``<testsuites>`` element plus the failing/errored rule ids."""

    tests: int
    failures: int
    errors: int
    skipped: int
    failing_ids: tuple[str, ...]
    errored_ids: tuple[str, ...]
    messages: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def _rule_id(testcase: ET.Element, child: ET.Element) -> str:
    # <testcase name="InvoiceId-C-004-C :: Nullability"><failure name="InvoiceId-C-004-C" .../></testcase>
    name = child.get("name") or testcase.get("name") or ""
    return name.split(" :: ", 1)[0].strip()


def parse_junit(xml_path: Path) -> JUnitCounts:
    """Parse the validator's JUnit XML (``--output-type unittest``)."""
    try:
        root = ET.parse(xml_path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise FocusValidatorError(f"cannot read validator output {xml_path}: {exc}") from exc
    if root.tag != "testsuites":
        raise FocusValidatorError(f"{xml_path}: root element is <{root.tag}>, expected <testsuites>")

    def count(attr: str) -> int:
        try:
            return int(root.get(attr, "0"))
        except ValueError as exc:
            raise FocusValidatorError(f"{xml_path}: bad {attr}={root.get(attr)!r} on <testsuites>") from exc

    failing: set[str] = set()
    errored: set[str] = set()
    messages: dict[str, str] = {}
    for tc in root.iter("testcase"):
        for tag, bucket in (("failure", failing), ("error", errored)):
            child = tc.find(tag)
            if child is not None:
                rid = _rule_id(tc, child)
                bucket.add(rid)
                if child.get("message"):
                    messages[rid] = child.get("message", "")
    return JUnitCounts(
        tests=count("tests"),
        failures=count("failures"),
        errors=count("errors"),
        skipped=count("skipped"),
        failing_ids=tuple(sorted(failing)),
        errored_ids=tuple(sorted(errored)),
        messages=messages,
    )


@dataclass(frozen=True)
class GateResult:
    """Verdict of one validator run, after applying the allow-list."""

    version: str
    applicability: str
    tests: int
    failures: int
    errors: int
    skipped: int
    failing_ids: tuple[str, ...]
    errored_ids: tuple[str, ...]
    allowlisted: tuple[str, ...]  # failing and allow-listed
    unexpected: tuple[str, ...]  # failing - allow-list
    allowlisted_not_failing: tuple[str, ...] = ()
    messages: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    xml_path: Path | None = None
    duration_s: float = 0.0

    @property
    def passed_count(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    @property
    def passed(self) -> bool:
        """No failure outside the allow-list and no errored rule."""
        return not self.unexpected and self.errors == 0 and not self.errored_ids

    @classmethod
    def from_counts(
        cls,
        counts: JUnitCounts,
        allowlist: Iterable[str] = (),
        *,
        version: str = "1.2",
        applicability: str = "ALL",
        xml_path: Path | None = None,
        duration_s: float = 0.0,
    ) -> GateResult:
        allowed = set(allowlist)
        failing = set(counts.failing_ids)
        return cls(
            version=version,
            applicability=applicability,
            tests=counts.tests,
            failures=counts.failures,
            errors=counts.errors,
            skipped=counts.skipped,
            failing_ids=counts.failing_ids,
            errored_ids=counts.errored_ids,
            allowlisted=tuple(sorted(failing & allowed)),
            unexpected=tuple(sorted(failing - allowed)),
            allowlisted_not_failing=tuple(sorted(allowed - failing)),
            messages=dict(counts.messages),
            xml_path=xml_path,
            duration_s=duration_s,
        )

    def _rule_line(self, rule_id: str, width: int = 160) -> str:
        message = self.messages.get(rule_id, "")
        line = f"    {rule_id}: {message}" if message else f"    {rule_id}"
        return line if len(line) <= width else line[: width - 3] + "..."

    def summary(self) -> str:
        """Short human-readable report (plain text)."""
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [
            f"FOCUS {self.version} validator gate: {verdict} "
            f"(applicability {self.applicability}, {self.duration_s:.1f} s)",
            f"  rules: {self.tests} | pass {self.passed_count} | fail {self.failures} | "
            f"error {self.errors} | skip {self.skipped}",
            f"  allow-listed failures ({len(self.allowlisted)}): {', '.join(self.allowlisted) or '-'}",
        ]
        if self.unexpected:
            lines.append(f"  UNEXPECTED failures ({len(self.unexpected)}):")
            lines += [self._rule_line(rid) for rid in self.unexpected]
        else:
            lines.append("  unexpected failures: none")
        if self.errored_ids or self.errors:
            lines.append(f"  ERRORED rules ({self.errors}):")
            lines += [self._rule_line(rid) for rid in self.errored_ids]
        if self.allowlisted_not_failing:
            lines.append(
                f"  allow-listed, not failing ({len(self.allowlisted_not_failing)}): "
                + ", ".join(self.allowlisted_not_failing)
            )
        if self.xml_path is not None:
            lines.append(f"  JUnit XML: {self.xml_path}")
        return "\n".join(lines)


def _validator_currency_codes(validator: Path) -> Path:
    """Locate ``focus_validator/rules/currency_codes.csv`` in the validator venv's site-packages."""
    for base in dict.fromkeys((validator.parent.parent, validator.resolve().parent.parent)):
        for lib in ("lib", "lib64"):
            hits = sorted(
                (base / lib).glob("python3*/site-packages/focus_validator/rules/currency_codes.csv")
            )
            if hits:
                return hits[-1]
    python = validator.parent / "python"
    if python.exists():  # unusual layout: ask the interpreter
        proc = subprocess.run(
            [
                str(python),
                "-c",
                "import focus_validator, pathlib; "
                "print(pathlib.Path(focus_validator.__file__).parent / 'rules' / 'currency_codes.csv')",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        candidate = Path(proc.stdout.strip())
        if proc.returncode == 0 and candidate.is_file():
            return candidate
    raise FocusValidatorError(f"cannot find focus_validator/rules/currency_codes.csv next to {validator}")


def prepare_workdir(workdir: Path, validator: Path) -> Path:
    """Create ``workdir`` with the currency-code file the validator opens relative to its cwd."""
    target = workdir / CURRENCY_CODES_RELPATH
    source = _validator_currency_codes(validator)
    if not target.is_file() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return workdir


def _tail(text: str, n: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def run_focus_validator(
    parquet: Path,
    *,
    version: str = "1.2",
    allowlist: Path | None,
    workdir: Path,
    applicability: str = "ALL",
    validator: Path = DEFAULT_VALIDATOR,
    rules_root: Path = DEFAULT_RULES_ROOT,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> GateResult:
    """Run focus-validator on ``parquet`` offline and return the gate verdict.

    ``workdir`` (normally under ``target/``) becomes the validator's cwd; it receives the currency-code
    file, ``focus_validator_detailed.log``, the JUnit XML ``focus-validator-<version>.xml`` and the
    captured console output ``focus-validator-<version>.out``. ``allowlist=None`` allows nothing.

    Raises :class:`FocusValidatorError` when no verdict can be obtained and ``ValueError`` for a bad
    allow-list.
    """
    parquet = Path(parquet).resolve()
    workdir = Path(workdir).resolve()
    rules_dir = (Path(rules_root) / version).resolve()
    validator = Path(validator)
    if not validator.is_file():
        raise FocusValidatorError(
            f"{validator} not found: run scripts/setup_focus_validator.sh to create .venv-focus"
        )
    if not parquet.is_file():
        raise FocusValidatorError(f"data file not found: {parquet}")
    if not any(rules_dir.glob(f"model-{version}*.json")):
        raise FocusValidatorError(f"no vendored requirements model model-{version}*.json in {rules_dir}")
    allowed = load_allowlist(Path(allowlist)) if allowlist is not None else {}

    prepare_workdir(workdir, validator)
    xml_path = workdir / f"focus-validator-{version}.xml"
    out_path = workdir / f"focus-validator-{version}.out"
    xml_path.unlink(missing_ok=True)
    cmd = [
        str(validator),
        "--data-file",
        str(parquet),
        "--data-format",
        "parquet",
        "--validate-version",
        version,
        "--rule-set-path",
        str(rules_dir),
        "--block-download",
        "--applicability-criteria",
        applicability,
        "--output-type",
        "unittest",
        "--output-destination",
        str(xml_path),
    ]
    # The validator venv must not see this interpreter's module search path.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise FocusValidatorError(f"focus-validator timed out after {timeout_s:.0f} s on {parquet}") from exc
    except OSError as exc:
        raise FocusValidatorError(f"cannot run {validator}: {exc}") from exc
    duration = time.perf_counter() - start
    out_path.write_text(
        f"$ {' '.join(cmd)}\n# exit code {proc.returncode}\n{proc.stdout}\n{proc.stderr}", encoding="utf-8"
    )
    if proc.returncode != 0:
        raise FocusValidatorError(
            f"focus-validator crashed (exit code {proc.returncode}) on {parquet}; "
            f"full output in {out_path}:\n{_tail(proc.stderr or proc.stdout)}"
        )
    if not xml_path.is_file():
        raise FocusValidatorError(
            f"focus-validator exited 0 but wrote no {xml_path}; full output in {out_path}:\n"
            f"{_tail(proc.stderr or proc.stdout)}"
        )
    counts = parse_junit(xml_path)
    return GateResult.from_counts(
        counts,
        allowed,
        version=version,
        applicability=applicability,
        xml_path=xml_path,
        duration_s=duration,
    )


def _print_summary(result: GateResult) -> None:
    try:
        from rich.console import Console
    except ImportError:  # pragma: no cover - rich is a project dependency
        print(result.summary())
        return
    console = Console(soft_wrap=True)  # keep one rule list per line in CI logs
    style = "bold green" if result.passed else "bold red"
    head, *rest = result.summary().splitlines()
    console.print(head, style=style, highlight=False, markup=False)
    for line in rest:
        console.print(
            line,
            style="red" if "UNEXPECTED" in line or "ERRORED" in line else None,
            highlight=False,
            markup=False,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ai_finops.focus_gate",
        description="Run the official FOCUS validator offline on a Parquet export and gate on the result.",
    )
    parser.add_argument("parquet", type=Path, help="FOCUS Cost and Usage export (Parquet)")
    parser.add_argument(
        "--version", default="1.2", help="FOCUS version (rules in validation/focus_rules/VER)"
    )
    parser.add_argument(
        "--allowlist",
        type=Path,
        default=None,
        help="allow-list YAML (default: validation/focus_validator_allowlist_<VER>.yml if it exists)",
    )
    parser.add_argument("--no-allowlist", action="store_true", help="allow no failures at all")
    parser.add_argument("--applicability", default="ALL", help="--applicability-criteria (default: ALL)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="validator working directory")
    parser.add_argument(
        "--validator", type=Path, default=DEFAULT_VALIDATOR, help="focus-validator executable"
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    if args.no_allowlist:
        allowlist = None
    elif args.allowlist is not None:
        allowlist = args.allowlist
    else:
        candidate = default_allowlist(args.version)
        allowlist = candidate if candidate.is_file() else None
    try:
        result = run_focus_validator(
            args.parquet,
            version=args.version,
            allowlist=allowlist,
            workdir=args.workdir,
            applicability=args.applicability,
            validator=args.validator,
            timeout_s=args.timeout,
        )
    except (FocusValidatorError, ValueError) as exc:
        print(f"focus gate: ERROR: {exc}", file=sys.stderr)
        return 1
    _print_summary(result)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
