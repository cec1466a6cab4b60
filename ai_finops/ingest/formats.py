"""What every raw format plugs into the shared ingest: how to find deliveries, how to normalise one file to
the landed shape, and how to read the replacement key (billing account, billing period) from its rows.

The landing contract (validation, quarantine, atomic swap, lineage columns, `_delivery.json`, raw views)
lives in `runner`, `landing` and `views` and is the same for every provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb


@dataclass
class SourceFile:
    path: Path
    kind: str  # parquet | csv | jsonl


@dataclass
class DeliveryUnit:
    """What lands together: a manifest with its files, or the loose files of one folder."""

    files: list[SourceFile]
    manifest_path: Path | None = None
    manifest: dict | None = None
    manifest_period: str | None = None  # YYYY-MM the manifest claims; checked against the rows
    label: str = ""
    options: dict = field(default_factory=dict)  # format-specific facts found at discovery


@dataclass
class NormalisedFile:
    relation: str  # temp view in the working connection, in the landed shape plus lineage columns
    source_format: str
    row_count: int
    unmapped_columns: list[str] = field(default_factory=list)
    column_names: dict[str, str] = field(default_factory=dict)  # landed column -> delivered column


Normaliser = Callable[[duckdb.DuckDBPyConnection, SourceFile, str, dict[str, str]], NormalisedFile]


@dataclass(frozen=True)
class SourceFormat:
    """One raw format: provider x source kind, its landed columns and its readers."""

    provider: str  # aws | azure | gcp
    source_kind: str  # cur | ... (a folder name under the provider)
    view_schema: str  # raw_<provider>
    view_name: str  # the raw view dbt's source points at
    columns: dict[str, str]  # landed columns and DuckDB types, lineage columns included
    discover: Callable[[list[Path]], list[DeliveryUnit]]
    normalise: Normaliser
    account_sql: str  # SQL over the normalised relation: the billing account of a row
    period_sql: str  # SQL over the normalised relation: the billing period 'YYYY-MM' of a row
    period_column: str  # the column period_sql reads, named in messages
    cost_sql: str  # SQL over the normalised relation: the billed amount, for the ingest report
    # Checks across the files of one delivery (the format's delivery-level expectation suite):
    # (connection, relation, delivery label, {file: {landed column: delivered column}}) -> raises IngestError.
    check_delivery: Callable[[duckdb.DuckDBPyConnection, str, str, dict[str, dict[str, str]]], None] | None = None
    # Which of two deliveries of one key is newer: (connection, relation, SQL filter) -> {"invoice_ids": [...],
    # "data_through": ISO time}; see runner.out_of_order.
    order_facts: Callable[[duckdb.DuckDBPyConnection, str, str], dict] | None = None


def registered_formats() -> dict[str, SourceFormat]:
    """Every format `ai-finops ingest <name>` accepts, by command name."""
    from ai_finops.ingest import aws_cur

    return {"aws-cur": aws_cur.FORMAT}
