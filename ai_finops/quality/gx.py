"""Run the registered suites with Great Expectations 1.x and turn failures into messages a person can act on.

GX is imported once per process, on first use (it costs 2.5 s), with its usage analytics, progress bars and
log chatter off. Each ingest run gets its own ephemeral context: suites are (re)built from code, fact tables
are pandas batches, and when Data Docs are wanted the validation results are kept in a filesystem store
inside the Data Docs folder so the index lists every run, not only the last one.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ai_finops.errors import IngestError
from ai_finops.quality.suites import SUITES

_GX: SimpleNamespace | None = None
_RESULT_FORMAT = {"result_format": "COMPLETE"}
_RESULTS_FOLDER = ".results"  # inside the Data Docs folder; not part of the site
_MAX_FINDINGS_PER_CHECK = (
    5  # failing fact rows reported per expectation (meta `max_findings`); the rest counted
)


def gx_api() -> SimpleNamespace:
    """The GX names the suites use, imported once per process."""
    global _GX
    if _GX is None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import great_expectations as gx
            import great_expectations.expectations as gxe
            from great_expectations.core.run_identifier import RunIdentifier
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )
            from great_expectations.data_context.types.resource_identifiers import (
                ExpectationSuiteIdentifier,
                ValidationResultIdentifier,
            )
            from great_expectations.expectations.row_conditions import Column
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        _GX = SimpleNamespace(
            gx=gx,
            expect=gxe,
            Column=Column,
            RunIdentifier=RunIdentifier,
            DataContextConfig=DataContextConfig,
            InMemoryStoreBackendDefaults=InMemoryStoreBackendDefaults,
            ProgressBarsConfig=ProgressBarsConfig,
            ExpectationSuiteIdentifier=ExpectationSuiteIdentifier,
            ValidationResultIdentifier=ValidationResultIdentifier,
        )
    return _GX


@dataclass(frozen=True)
class Finding:
    """One failing expectation on one fact row."""

    suite: str
    check: str
    severity: str  # critical | warning | info
    file: str
    column: str | None
    problem: str

    @property
    def message(self) -> str:
        return str(IngestError(self.file, self.column, self.problem))

    def as_dict(self) -> dict[str, str | None]:
        return {
            "suite": self.suite,
            "check": self.check,
            "severity": self.severity,
            "file": self.file,
            "column": self.column,
            "problem": self.problem,
        }


def _plain(value: Any) -> Any:
    """numpy / pandas scalars as plain Python values for messages (NaN and NaT as None)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if type(value).__name__ in ("NaTType", "NAType"):
        return None
    if hasattr(value, "isoformat") and hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


class _Row(dict):
    """A fact row for `str.format`: unknown fields render as '?' instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


@dataclass
class QualitySession:
    """The suites of one ingest run, their results and (optionally) their Data Docs."""

    docs_root: Path | None = None
    warnings: list[Finding] = field(default_factory=list)
    _context: Any = None
    _batches: dict[str, Any] = field(default_factory=dict)
    _suites: dict[str, Any] = field(default_factory=dict)
    _stored: list[Any] = field(default_factory=list)

    # -- GX plumbing --------------------------------------------------------------------------------------

    def _get_context(self):
        if self._context is None:
            api = gx_api()
            config = api.DataContextConfig(
                store_backend_defaults=api.InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                progress_bars=api.ProgressBarsConfig(globally=False),
                analytics_enabled=False,
            )
            if self.docs_root is not None:
                config.stores["validation_results_store"] = {
                    "class_name": "ValidationResultsStore",
                    "store_backend": {
                        "class_name": "TupleFilesystemStoreBackend",
                        "base_directory": str(self.docs_root / _RESULTS_FOLDER),
                    },
                }
                config.data_docs_sites = {
                    "local_site": {
                        "class_name": "SiteBuilder",
                        "show_how_to_buttons": False,
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(self.docs_root),
                        },
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    }
                }
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._context = api.gx.get_context(project_config=config, mode="ephemeral")
                self._context.data_sources.add_pandas("facts")
        return self._context

    def _suite(self, name: str):
        if name not in self._suites:
            api = gx_api()
            definition = SUITES[name]
            expectations = definition.build(api)
            for order, expectation in enumerate(expectations):
                expectation.meta = {**(expectation.meta or {}), "order": order}
            suite = api.gx.ExpectationSuite(
                name=name, expectations=expectations, meta={"description": definition.description}
            )
            self._suites[name] = self._get_context().suites.add(suite)
        return self._suites[name]

    def _batch_definition(self, name: str):
        if name not in self._batches:
            source = self._get_context().data_sources.get("facts")
            self._batches[name] = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(
                "file"
            )
        return self._batches[name]

    def _validate(self, suite_name: str, facts, run_name: str):
        api = gx_api()
        suite = self._suite(suite_name)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            batch = self._batch_definition(suite_name).get_batch(batch_parameters={"dataframe": facts})
            result = batch.validate(suite, result_format=_RESULT_FORMAT)
        if self.docs_root is not None:
            run_id = api.RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
            result.meta["run_id"] = run_id
            result.meta["validation_time"] = run_id.run_time
            key = api.ValidationResultIdentifier(
                expectation_suite_identifier=api.ExpectationSuiteIdentifier(name=suite_name),
                run_id=run_id,
                batch_identifier=batch.id,
            )
            self._context.validation_results_store.set(key, result)
            self._stored.append(key)
        return result

    # -- findings -----------------------------------------------------------------------------------------

    def findings(
        self,
        suite_name: str,
        facts,
        file: Path | str,
        column_names: dict[str, str] | None = None,
        run_name: str | None = None,
        column_names_by_file: dict[str, dict[str, str]] | None = None,
    ) -> list[Finding]:
        """Validate `facts` with the suite; every failing (expectation, fact row) as a Finding, in suite order.

        `column_names` maps canonical column names to the delivered ones for messages; for facts that span
        files (a `source_file` field), `column_names_by_file` does the same per file.
        """
        result = self._validate(suite_name, facts, run_name or Path(str(file)).name)
        out: list[tuple[int, int, Finding]] = []
        for item in result.results:
            if item.success:
                continue
            config = item.expectation_config
            meta = config.meta or {}
            severity = getattr(config.severity, "value", str(config.severity))
            order = int(meta.get("order", 0))
            if item.exception_info and item.exception_info.get("raised_exception"):
                reason = str(item.exception_info.get("exception_message") or "").splitlines()[:1]
                finding = Finding(
                    suite_name,
                    config.type,
                    "critical",
                    str(file),
                    None,
                    f"quality check {config.type} could not run ({' '.join(reason)})",
                )
                out.append((order, 0, finding))
                continue
            details = item.result or {}
            context = {
                "unexpected_count": details.get("unexpected_count"),
                "observed_value": _plain(details.get("observed_value")),
            }
            indexes = details.get("unexpected_index_list")
            missing = details.get("partial_missing_list")  # a set the column must contain
            rows = [facts.loc[i] for i in indexes] if indexes else [None]
            if missing:
                first = facts.iloc[0] if len(facts) else None
                rows = [{**(first if first is not None else {}), "missing": m} for m in missing]
            limit = int(meta.get("max_findings") or _MAX_FINDINGS_PER_CHECK)
            more = len(rows) - limit
            rows = rows[:limit]
            for position, row in enumerate(rows):
                values = _Row(context)
                if row is not None:
                    values.update({key: _plain(value) for key, value in row.items()})
                column = values.get(meta["column_field"]) if meta.get("column_field") else meta.get("column")
                where = values.get("source_file") or file
                names = (column_names_by_file or {}).get(str(where), column_names or {})
                if column is not None:
                    column = names.get(column, column)
                problem = meta.get("problem", config.type).format_map(values)
                if more > 0 and position == len(rows) - 1:
                    problem += f" (and {more} more like this)"
                out.append(
                    (order, position, Finding(suite_name, config.type, severity, str(where), column, problem))
                )
        out.sort(key=lambda entry: (entry[0], entry[1]))
        return [finding for _, _, finding in out]

    def check(
        self,
        suite_name: str,
        facts,
        file: Path | str,
        column_names: dict[str, str] | None = None,
        run_name: str | None = None,
        column_names_by_file: dict[str, dict[str, str]] | None = None,
    ) -> list[Finding]:
        """Validate; raise IngestError for the first critical finding, return (and keep) the others."""
        found = self.findings(suite_name, facts, file, column_names, run_name, column_names_by_file)
        critical = [f for f in found if f.severity == "critical"]
        if critical:
            first = critical[0]
            raise IngestError(first.file, first.column, first.problem, [f.message for f in critical[1:]])
        self.warnings.extend(found)
        return found

    # -- Data Docs ----------------------------------------------------------------------------------------

    def write_docs(self) -> Path | None:
        """Render this run's validation results (and the suites) into the Data Docs site; its index path."""
        if self.docs_root is None or not self._stored:
            return None
        api = gx_api()
        identifiers = [*self._stored, *(api.ExpectationSuiteIdentifier(name=n) for n in self._suites)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._context.build_data_docs(resource_identifiers=identifiers)
        self._stored = []
        return self.docs_root / "index.html"


_CURRENT: ContextVar[QualitySession | None] = ContextVar("ai_finops_quality_session", default=None)


def current_session() -> QualitySession:
    """The session of the running ingest; a session without Data Docs when none was opened."""
    session = _CURRENT.get()
    if session is None:
        session = QualitySession()
        _CURRENT.set(session)
    return session


@contextmanager
def quality_session(docs_root: Path | None) -> Iterator[QualitySession]:
    """Open the session one ingest run validates in; Data Docs are written when it closes."""
    session = QualitySession(docs_root)
    token = _CURRENT.set(session)
    try:
        yield session
    finally:
        _CURRENT.reset(token)
