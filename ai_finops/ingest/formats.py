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
    facts: dict = field(default_factory=dict)  # format-specific facts for `_delivery.json` (skipped rows)


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
    check_delivery: (
        Callable[[duckdb.DuckDBPyConnection, str, str, dict[str, dict[str, str]]], None] | None
    ) = None
    # Which of two deliveries of one key is newer: (connection, relation, SQL filter) -> {"invoice_ids": [...],
    # "data_through": ISO time}; see runner.out_of_order.
    order_facts: Callable[[duckdb.DuckDBPyConnection, str, str], dict] | None = None
    # A format whose rows span providers (native FOCUS): SQL over the normalised relation giving each row's
    # provider folder, and every provider folder it can land in. Default: `provider` for every row.
    provider_sql: str | None = None
    landing_providers: tuple[str, ...] = ()
    # What counts as "the same source" within the source kind for the overlapping-sources rule
    # (runner.overlapping_sources): a delivered file's `_source_format` -> its variant. AWS: legacy CUR vs
    # CUR 2.0. Default: every file of the source kind is one variant.
    variant_of: Callable[[str], str] | None = None
    # Other source kinds of the same provider that are parts of the same bill, not rival sources of it
    # (e.g. a raw export landed as two datasets): the overlapping-sources rule ignores them.
    companion_kinds: tuple[str, ...] = ()
    # A format that spans several landed tables (Azure actual / amortized) names, per discovered unit, the
    # format that lands it; it raises IngestError when it cannot tell (then only that unit is refused).
    resolve: Callable[[DeliveryUnit], SourceFormat] | None = None

    def providers(self) -> tuple[str, ...]:
        """The provider folders this format lands in."""
        return self.landing_providers or (self.provider,)


def registered_formats() -> dict[str, SourceFormat]:
    """Every format `ai-finops ingest <name>` accepts, by command name."""
    from ai_finops.ingest import aws_cur, azure_cost, focus_native, gcp_billing

    return {
        "aws-cur": aws_cur.FORMAT,
        "focus": focus_native.FORMAT,
        "gcp-billing": gcp_billing.FORMAT,
        **{f"azure-cost-{name}": fmt for name, fmt in azure_cost.FORMATS.items()},
    }
