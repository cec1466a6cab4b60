"""`make bench`: time the pipeline at 1M and 10M CUR rows against a one-statement floor and focus-converter.

Per scale, in a world of its own (``--work``, default ``target/bench``):

1. generate 12 months of demo billing (AWS CUR 2.0 at the scale's CUR rows; GCP and Azure at a tenth of the
   AWS generator scale, so every provider's models run and all rows grow together) and write the final AWS
   deliveries again as legacy Athena-named CUR Parquet for focus-converter;
2. ingest: the final AWS deliveries of months 1..11 and the *earlier* delivery of the last month, GCP, Azure;
   then telemetry for about twice the landed billing rows (``telemetry_plan``): Kubernetes GPU telemetry of the
   last days of the last month (one ``ai-finops ingest prometheus`` per UTC day), managed-ML telemetry and the
   MLflow store; then a snapshot of the ingested world (``<work>/<scale>/snapshot``, ``world.json``);
3. ``dbt seed``, then the FOCUS path ``dbt run --select +focus_cost_and_usage``;
4. the floor: one DuckDB statement reading every landed billing file once into a table with the columns and
   types of ``focus_cost_and_usage`` (no dbt);
5. focus-converter 1.0.0 (own venv ``.venv-focus-converter``, built from PyPI when missing) on the legacy
   CUR Parquet of the same AWS deliveries, under an outer ``timeout``;
6. the full build ``dbt build --full-refresh``;
7. re-delivery: the final delivery of the last month is ingested, then the incremental ``dbt build``.

Every stage is a child process; its wall time and the peak summed RSS of its whole process tree (psutil,
sampled every 50 ms) are recorded, with rows per second and the database size. DuckDB runs with threads=2 and
memory_limit=6GB (``AI_FINOPS_THREADS``, ``AI_FINOPS_DUCKDB_MEMORY_LIMIT``, read by profiles.yml).
Results are merged into ``benchmarks/results.json`` and ``BENCHMARKS.md`` is rewritten from it.

    .venv/bin/python scripts/bench.py                  # 1m then 10m
    .venv/bin/python scripts/bench.py --scales 1m
    .venv/bin/python scripts/bench.py --smoke          # ~20k rows, < 60 s, writes nothing in the repo
    .venv/bin/python scripts/bench.py --scales 10m --world-only   # build the world and its snapshot only
    .venv/bin/python scripts/bench.py --scales 10m --reuse-world  # measure seed .. incremental on it again
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psutil
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PY = BIN / "python"
FC_VENV = ROOT / ".venv-focus-converter"
FC_REQUIREMENTS = ROOT / "benchmarks" / "focus-converter-requirements.txt"
RESULTS = ROOT / "benchmarks" / "results.json"
REPORT = ROOT / "BENCHMARKS.md"
GB = 1024**3
MONTHS = 12
LAST_PERIOD = "2026-10"
# AWS generator scale 1.0 gives ~11,360 CUR rows a month (136,343 over 12 months, measured).
CUR_ROWS_PER_SCALE_YEAR = 136_343
# Telemetry (issue 7: about twice the billing rows). A telemetry row is a Prometheus sample as delivered (what
# `ai-finops ingest prometheus` reads; it lands them pre-aggregated to the hour). Samples per UTC day and
# generator-scale unit, measured on 2026-10-31 (`read N samples` of the ingest): EKS ~7,081 (follows the AWS
# scale), AKS ~391,860 (follows the Azure scale: the AKS pools are those of the Azure bill, other_scale).
# One day at AKS scale 7.33 (~3.4M samples) ingests in ~70 s at ~6.7 GB peak RSS: one call per day.
TELEMETRY_FACTOR = 2
K8S_EKS_SAMPLES_PER_SCALE_DAY = 7_081
K8S_AKS_SAMPLES_PER_SCALE_DAY = 391_860
SCALES = {
    "smoke": {"months": 2, "aws_scale": 0.8, "other_scale": None, "cur_rows": 20_000},
    "1m": {"months": MONTHS, "aws_scale": 7.33, "other_scale": 0.733, "cur_rows": 1_000_000},
    "10m": {"months": MONTHS, "aws_scale": 73.3, "other_scale": 7.33, "cur_rows": 10_000_000},
}  # fmt: skip
# Production builds skip unit tests (they test SQL logic on fixed inputs, not the data: CI runs them).
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]
TARGETS = {
    "focus_vs_floor": 2.0,  # FOCUS path <= 2x the floor (at 10M)
    "focus_rss_gb": 2.0,
    "full_vs_floor": 10.0,
    "full_rss_gb": 8.0,
    "incremental_vs_full": 0.15,
    "scaling_10m_vs_1m": 10.5,
}

console = Console()


# ---------------------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------------------
def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def _kill_tree(proc: psutil.Process) -> None:
    """Kill what is left of a stage's own process tree (focus-converter's writers survive its errors)."""
    try:
        children = proc.children(recursive=True)
    except psutil.Error:
        children = []
    for p in children:
        with contextlib.suppress(psutil.Error):
            p.kill()


def run_stage(name: str, command: list[str], env: dict, log: Path, cwd: Path = ROOT) -> dict:
    """Run one stage; wall seconds, peak tree RSS (50 ms sampling) and the exit code."""
    console.print(f"[bold]{name}[/]: {' '.join(str(c) for c in command)}", highlight=False)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        child = subprocess.Popen(
            [str(c) for c in command], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
        )
        ps = psutil.Process(child.pid)
        peak = 0
        while child.poll() is None:
            peak = max(peak, _tree_rss(ps))
            time.sleep(0.05)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    _kill_tree(ps)
    result = {
        "stage": name,
        "wall_s": round(wall, 3),
        "peak_rss_mb": round(peak / 2**20, 1),
        "rc": child.returncode,
    }
    result["log"] = str(log)
    # CPU seconds of the whole (reaped) tree: on a shared machine a steadier measure than the wall.
    result["cpu_s"] = round(cpu, 2)
    result["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)  # the machine is shared: context for the wall
    state = "ok" if child.returncode == 0 else f"[red]exit {child.returncode}[/] (log {log})"
    console.print(f"  {wall:.1f} s, peak tree RSS {peak / 2**20:,.0f} MB, {state}")
    return result


def db_size_mb(db: Path) -> float:
    size = sum(p.stat().st_size for p in (db, db.with_name(db.name + ".wal")) if p.exists())
    return round(size / 2**20, 1)


def landed_rows(raw: Path) -> dict[str, int]:
    con = duckdb.connect()
    counts = {}
    for label, pattern in (
        ("aws", "aws/cur/*/*/*/*.parquet"),
        ("gcp", "gcp/billing_export/*/*/*/*.parquet"),
        ("azure", "azure/*/*/*/*/*.parquet"),
    ):
        files = sorted(raw.glob(pattern))
        counts[label] = (
            con.execute(
                "select count(*) from read_parquet($1, union_by_name=true)", [[str(f) for f in files]]
            ).fetchone()[0]
            if files
            else 0
        )
    con.close()
    return counts


# ---------------------------------------------------------------------------------------------------------
# The floor: one statement, every landed billing file read once, the mart's columns and types
# ---------------------------------------------------------------------------------------------------------
_AWS_TYPE = "line_item_line_item_type"
AWS_FLOOR = {
    "AvailabilityZone": "line_item_availability_zone",
    "BilledCost": "line_item_unblended_cost",
    "BillingAccountId": "bill_payer_account_id",
    "BillingAccountName": "bill_payer_account_name",
    "BillingCurrency": "line_item_currency_code",
    "BillingPeriodEnd": "bill_billing_period_end_date",
    "BillingPeriodStart": "bill_billing_period_start_date",
    "CapacityReservationId": "capacity_reservation_capacity_reservation_arn",
    "CapacityReservationStatus": "capacity_reservation_capacity_reservation_status",
    "ChargeCategory": f"""case
        when {_AWS_TYPE} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage', 'SavingsPlanNegation') then 'Usage'
        when {_AWS_TYPE} in ('Fee', 'RIFee', 'SavingsPlanUpfrontFee', 'SavingsPlanRecurringFee') then 'Purchase'
        when {_AWS_TYPE} = 'Tax' then 'Tax'
        when {_AWS_TYPE} in ('Credit', 'Refund', 'Discount', 'BundledDiscount', 'EdpDiscount') then 'Credit'
        else 'Adjustment' end""",
    "ChargeClass": f"case when {_AWS_TYPE} = 'Refund' then 'Correction' end",
    "ChargeDescription": "line_item_line_item_description",
    "ChargeFrequency": f"""case
        when {_AWS_TYPE} in ('Fee', 'SavingsPlanUpfrontFee') or bill_bill_type = 'Purchase' then 'One-Time'
        when {_AWS_TYPE} in ('RIFee', 'SavingsPlanRecurringFee') then 'Recurring'
        else 'Usage-Based' end""",
    "ChargePeriodEnd": "line_item_usage_end_date",
    "ChargePeriodStart": "line_item_usage_start_date",
    "CommitmentDiscountCategory": """case when savings_plan_savings_plan_a_r_n is not null then 'Spend'
        when reservation_reservation_a_r_n is not null then 'Usage' end""",
    "CommitmentDiscountId": "coalesce(savings_plan_savings_plan_a_r_n, reservation_reservation_a_r_n)",
    "CommitmentDiscountStatus": f"""case when {_AWS_TYPE} in ('DiscountedUsage', 'SavingsPlanCoveredUsage') then 'Used'
        when {_AWS_TYPE} in ('RIFee', 'SavingsPlanRecurringFee') then 'Unused' end""",
    "CommitmentDiscountType": """case when savings_plan_savings_plan_a_r_n is not null then 'Savings Plan'
        when reservation_reservation_a_r_n is not null then 'Reserved Instance' end""",
    "ConsumedQuantity": f"""case when {_AWS_TYPE} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
        then line_item_usage_amount end""",
    "ConsumedUnit": f"case when {_AWS_TYPE} in ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') then pricing_unit end",
    "ContractedCost": "coalesce(line_item_net_unblended_cost, line_item_unblended_cost)",
    "ContractedUnitPrice": "try_cast(line_item_unblended_rate as double)",
    "EffectiveCost": f"""case {_AWS_TYPE}
        when 'DiscountedUsage' then reservation_effective_cost
        when 'SavingsPlanCoveredUsage' then savings_plan_savings_plan_effective_cost
        when 'RIFee' then reservation_unused_amortized_upfront_fee_for_billing_period + reservation_unused_recurring_fee
        when 'SavingsPlanRecurringFee' then savings_plan_total_commitment_to_date - savings_plan_used_commitment
        when 'SavingsPlanNegation' then 0 when 'SavingsPlanUpfrontFee' then 0
        else line_item_unblended_cost end""",
    "InvoiceId": "bill_invoice_id",
    "InvoiceIssuerName": "bill_invoicing_entity",
    "ListCost": "pricing_public_on_demand_cost",
    "ListUnitPrice": "try_cast(pricing_public_on_demand_rate as double)",
    "PricingCategory": f"""case when {_AWS_TYPE} = 'Tax' then null
        when {_AWS_TYPE} in ('DiscountedUsage', 'SavingsPlanCoveredUsage') then 'Committed'
        when line_item_usage_type like '%SpotUsage%' then 'Dynamic' else 'Standard' end""",
    "PricingCurrency": "pricing_currency",
    "PricingQuantity": "line_item_usage_amount",
    "PricingUnit": "pricing_unit",
    "ProviderName": "'AWS'",
    "PublisherName": "line_item_legal_entity",
    "RegionId": "product_region_code",
    "RegionName": "product_location",
    "ResourceId": "line_item_resource_id",
    "ResourceType": "product_product_family",
    "ServiceCategory": """case line_item_product_code when 'AmazonEC2' then 'Compute' when 'AmazonS3' then 'Storage'
        when 'AmazonSageMaker' then 'AI and Machine Learning' when 'AWSDataTransfer' then 'Networking'
        when 'AmazonEKS' then 'Compute' else 'Other' end""",
    "ServiceName": "coalesce(product['product_name'], line_item_product_code)",
    "SkuId": "product_sku",
    "SkuPriceId": "pricing_rate_id",
    "SubAccountId": "line_item_usage_account_id",
    "SubAccountName": "line_item_usage_account_name",
    "Tags": "to_json(resource_tags)",
    "x_source_provider": "'aws'",
    "x_billing_period": "billing_period",
    "x_line_item_type": _AWS_TYPE,
    "x_usage_type": "line_item_usage_type",
    "x_operation": "line_item_operation",
    "x_instance_type": "product_instance_type",
    "x_product_code": "line_item_product_code",
    "x_billing_entity": "bill_billing_entity",
    "x_capacity_reservation_status": "capacity_reservation_capacity_reservation_status",
    "x_source_line_id": "identity_line_item_id",
    "x_delivery_id": "_delivery_id",
    "x_loaded_at": "_loaded_at",
    "x_source_format": "_source_format",
    "x_source_kind": "'cur'",
}
_GCP_CREDITS = "coalesce(list_sum(list_transform(credits, lambda c: c.amount)), 0)"
GCP_FLOOR = {
    "AvailabilityZone": "location.zone",
    "BilledCost": f"cost + {_GCP_CREDITS}",
    "BillingAccountId": "billing_account_id",
    "BillingCurrency": "currency",
    "BillingPeriodStart": "strptime(invoice.month, '%Y%m')",
    "BillingPeriodEnd": "strptime(invoice.month, '%Y%m') + interval 1 month",
    "ChargeCategory": """case cost_type when 'regular' then 'Usage' when 'tax' then 'Tax'
        when 'adjustment' then 'Credit' else 'Adjustment' end""",
    "ChargeDescription": "sku.description",
    "ChargeFrequency": "'Usage-Based'",
    "ChargePeriodEnd": "timezone('UTC', usage_end_time)",
    "ChargePeriodStart": "timezone('UTC', usage_start_time)",
    "ConsumedQuantity": "usage.amount",
    "ConsumedUnit": "usage.unit",
    "ContractedCost": "cost",
    "ContractedUnitPrice": "price.effective_price",
    "EffectiveCost": f"cost + {_GCP_CREDITS}",
    "InvoiceIssuerName": "'Google'",
    "ListCost": "cost_at_list",
    "ListUnitPrice": "price.list_price",
    "PricingCategory": "'Standard'",
    "PricingQuantity": "usage.amount_in_pricing_units",
    "PricingUnit": "usage.pricing_unit",
    "ProviderName": "'Google Cloud'",
    "PublisherName": "coalesce(seller_name, 'Google')",
    "RegionId": "location.region",
    "RegionName": "location.region",
    "ResourceId": "resource.global_name",
    "ResourceName": "resource.name",
    "ServiceCategory": "'Other'",
    "ServiceName": "service.description",
    "SkuId": "sku.id",
    "SubAccountId": "project.id",
    "SubAccountName": "project.name",
    "Tags": "to_json(map_from_entries(list_transform(labels, lambda l: {'k': l.key, 'v': l.value})))",
    "x_source_provider": "'gcp'",
    "x_billing_period": "billing_period",
    "x_line_item_type": "cost_type",
    "x_delivery_id": "_delivery_id",
    "x_loaded_at": "_loaded_at",
    "x_source_format": "_source_format",
    "x_source_kind": "'billing_export'",
}
AZURE_FLOOR = {
    "AvailabilityZone": "availability_zone",
    "BilledCost": "cost_in_billing_currency",
    "BillingAccountId": "billing_account_id",
    "BillingAccountName": "billing_account_name",
    "BillingCurrency": "billing_currency",
    "BillingPeriodEnd": "billing_period_end_date + interval 1 day",
    "BillingPeriodStart": "billing_period_start_date",
    "ChargeCategory": """case charge_type when 'Usage' then 'Usage' when 'Purchase' then 'Purchase'
        when 'Tax' then 'Tax' when 'Refund' then 'Credit' when 'UnusedReservation' then 'Usage'
        else 'Adjustment' end""",
    "ChargeDescription": "meter_name",
    "ChargeFrequency": """case frequency when 'OneTime' then 'One-Time' when 'Recurring' then 'Recurring'
        else 'Usage-Based' end""",
    "ChargePeriodEnd": "date + interval 1 day",
    "ChargePeriodStart": "date",
    "CommitmentDiscountId": "coalesce(benefit_id, reservation_id)",
    "CommitmentDiscountName": "coalesce(benefit_name, reservation_name)",
    "ConsumedQuantity": "quantity",
    "ConsumedUnit": "unit_of_measure",
    "ContractedCost": "cost_in_billing_currency",
    "ContractedUnitPrice": "unit_price",
    "EffectiveCost": "cost_in_billing_currency",
    "InvoiceId": "invoice_id",
    "InvoiceIssuerName": "'Microsoft'",
    "ListCost": "payg_cost_in_billing_currency",
    "ListUnitPrice": "payg_price",
    "PricingCategory": "case pricing_model when 'Spot' then 'Dynamic' when 'Reservation' then 'Committed' else 'Standard' end",
    "PricingCurrency": "pricing_currency",
    "PricingQuantity": "quantity",
    "PricingUnit": "unit_of_measure",
    "ProviderName": "'Microsoft'",
    "PublisherName": "publisher_name",
    "RegionId": "resource_location",
    "RegionName": "location",
    "ResourceId": "resource_id",
    "ResourceName": "resource_name",
    "ServiceCategory": "'Other'",
    "ServiceName": "consumed_service",
    "SkuId": "product_id",
    "SkuMeter": "meter_name",
    "SubAccountId": "subscription_id",
    "SubAccountName": "subscription_name",
    "Tags": "to_json(tags)",
    "x_source_provider": "'azure'",
    "x_billing_period": "billing_period",
    "x_line_item_type": "charge_type",
    "x_delivery_id": "_delivery_id",
    "x_loaded_at": "_loaded_at",
    "x_source_format": "_source_format",
    "x_source_kind": "'cost_details'",
}


def floor_statement(raw: Path, columns: list[tuple[str, str]]) -> str:
    """`create table floor_focus as select ... union all ...`: each landed file read once, cast to the mart."""
    branches = []
    for mapping, pattern in (
        (AWS_FLOOR, "aws/cur/*/*/*/*.parquet"),
        (GCP_FLOOR, "gcp/billing_export/*/*/*/*.parquet"),
        # The amortized dataset only: one Azure row per charge (our models pair it with the actual one).
        (AZURE_FLOOR, "azure/amortized/*/*/*/*.parquet"),
    ):
        files = sorted(raw.glob(pattern))
        if not files:
            continue
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        select = ",\n    ".join(
            f'cast({mapping.get(name, "null")} as {kind}) as "{name}"' for name, kind in columns
        )
        branches.append(f"select\n    {select}\nfrom read_parquet([{listed}], union_by_name=true)")
    return "create or replace table floor_focus as\n" + "\nunion all\n".join(branches)


def floor_main(raw: Path, mart_db: Path, floor_db: Path) -> None:
    """The floor stage's own process: read the mart's contract columns, then one statement."""
    con = duckdb.connect(str(mart_db), read_only=True)
    columns = [(row[0], row[1]) for row in con.execute("describe main_marts.focus_cost_and_usage").fetchall()]
    con.close()
    statement = floor_statement(raw, columns)
    floor_db.unlink(missing_ok=True)
    out = duckdb.connect(str(floor_db))
    out.execute("set threads = 2")
    out.execute("set memory_limit = '6GB'")
    out.execute("set TimeZone = 'UTC'")
    started = time.perf_counter()
    out.execute(statement)
    rows = out.execute("select count(*) from floor_focus").fetchone()[0]
    print(
        json.dumps(
            {"rows": rows, "columns": len(columns), "statement_s": round(time.perf_counter() - started, 3)}
        )
    )
    (floor_db.parent / "floor.sql").write_text(statement + "\n")


# ---------------------------------------------------------------------------------------------------------
# focus-converter
# ---------------------------------------------------------------------------------------------------------
def ensure_converter_venv(log: Path) -> tuple[bool, str]:
    exe = FC_VENV / "bin" / "focus-converter"
    if exe.exists():
        return True, "existing venv"
    py = shutil.which("python3.11") or sys.executable
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        code = subprocess.call([py, "-m", "venv", str(FC_VENV)], stdout=out, stderr=subprocess.STDOUT)
        if code == 0:
            code = subprocess.call(
                [
                    str(FC_VENV / "bin" / "pip"),
                    "install",
                    "--disable-pip-version-check",
                    "-r",
                    str(FC_REQUIREMENTS),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
    if code != 0 or not exe.exists():
        return False, f"could not build {FC_VENV} from PyPI (pip exit {code}); see {log}"
    return True, "built now"


def converter_version() -> str | None:
    try:
        text = subprocess.run(
            [str(FC_VENV / "bin" / "pip"), "list", "--format", "json", "--disable-pip-version-check"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    wanted = ("focus-converter", "polars", "pyarrow", "pandas", "click", "multimethod")
    return ", ".join(f"{p['name']} {p['version']}" for p in json.loads(text) if p["name"].lower() in wanted)


# ---------------------------------------------------------------------------------------------------------
# One scale
# ---------------------------------------------------------------------------------------------------------
def _telemetry_commands(env: dict, cwd: Path) -> list[str]:
    text = subprocess.run(
        [str(BIN / "ai-finops"), "ingest", "--help"], capture_output=True, text=True, env=env, cwd=cwd
    ).stdout
    return [c for c in ("prometheus", "managed-ml") if c in text]


def _generate_code(demo: Path, cfg: dict) -> str:
    other = cfg["other_scale"]
    lines = [
        "from pathlib import Path",
        "from ai_finops.generate import generate_aws_cur2",
        "from ai_finops.generate.aws_cur_legacy import write_athena_legacy_cur",
        f"out = Path({str(demo)!r})",
        f"kw = dict(months={cfg['months']}, last_period={LAST_PERIOD!r})",
        f"generate_aws_cur2(out, scale={cfg['aws_scale']}, **kw)",
    ]
    if other:
        lines += [
            "from ai_finops.generate.gcp_billing import generate_gcp_billing",
            "from ai_finops.generate.azure_cost import generate_azure_cost",
            f"generate_gcp_billing(out, scale={other}, **kw)",
            f"generate_azure_cost(out, scale={other}, **kw)",
        ]
    return "\n".join(lines)


def telemetry_plan(cfg: dict, billing_rows: int) -> dict:
    """Days of Kubernetes telemetry for ~TELEMETRY_FACTOR x the landed billing rows (at most the last month)."""
    year, month = (int(p) for p in LAST_PERIOD.split("-"))
    month_days = calendar.monthrange(year, month)[1]
    aks_scale = cfg["other_scale"] or cfg["aws_scale"]
    per_day = round(
        K8S_EKS_SAMPLES_PER_SCALE_DAY * cfg["aws_scale"] + K8S_AKS_SAMPLES_PER_SCALE_DAY * aks_scale
    )
    needed = max(1, math.ceil(TELEMETRY_FACTOR * billing_rows / per_day))
    days = min(needed, month_days)
    return {
        "days": days,
        "needed_days": needed,
        "month_days": month_days,
        "rows_per_day_expected": per_day,
        "rows_expected": per_day * days,
        "aks_scale": aks_scale,
        "reaches_target": needed <= month_days,
    }


def landed_telemetry_rows(raw: Path) -> dict[str, int]:
    """Rows of the current telemetry deliveries (what the raw_telemetry views read), by landing folder."""
    base = raw / "telemetry"
    by_folder: dict[str, list[str]] = {}
    for f in sorted(base.rglob("delivery=*/*.parquet")) if base.exists() else []:
        parts = f.relative_to(base).parts
        folder = "/".join(p for p in parts[: parts.index(next(p for p in parts if "=" in p))])
        by_folder.setdefault(folder, []).append(str(f))
    con = duckdb.connect()
    counts = {
        folder: con.execute("select count(*) from read_parquet($1, union_by_name=true)", [files]).fetchone()[
            0
        ]
        for folder, files in by_folder.items()
    }
    con.close()
    return counts


def ingest_prometheus_by_day(root: Path) -> int:
    """`ai-finops ingest prometheus` once per UTC day (every cluster of the day): one day's samples in memory."""
    days = sorted(
        {p.name for p in root.glob("query_range/cluster=*/*") if p.is_dir()}
        | {p.stem for p in root.glob("openmetrics/cluster=*/*.txt")}
    )
    for day in days:
        inputs = [
            *sorted(root.glob(f"query_range/cluster=*/{day}")),
            *sorted(root.glob(f"openmetrics/cluster=*/{day}.txt")),
        ]
        print(f"{day}: {len(inputs)} inputs", flush=True)
        code = subprocess.call([str(BIN / "ai-finops"), "ingest", "prometheus", *map(str, inputs)])
        if code != 0:
            return code
    return 0


WORLD_STAGES = (
    "generate", "legacy_cur", "ingest_aws", "ingest_gcp", "ingest_azure", "generate_telemetry",
    "ingest_telemetry", "generate_managed_ml", "ingest_managed_ml", "extract_mlflow",
)  # fmt: skip
WORLD_FIELDS = (
    "telemetry", "telemetry_plan", "landed_rows", "billing_rows", "cur_rows", "telemetry_landed_rows",
    "telemetry_rows", "telemetry_samples",
)  # fmt: skip
BUILDS_ONLY_KEPT = ("seed", "focus_path", "floor", "converter")


def earlier_world(work: Path, previous: dict | None) -> dict:
    """The world stages of this scale's last world run: `<work>/world.json`, else results.json's entry."""
    world_file = work / "world.json"
    if world_file.exists():
        return json.loads(world_file.read_text())
    if previous and "generate" in previous.get("stages", {}):
        return previous
    raise RuntimeError(
        f"--reuse-world: no earlier world figures for {work.name} ({world_file} missing and results.json has "
        "no generate stage for this scale); run --world-only first"
    )


def run_scale(
    name: str,
    work_root: Path,
    *,
    converter: bool,
    converter_timeout: int,
    full: bool,
    project: Path = ROOT,
    telemetry_days: int | None = None,
    mode: str = "fresh",
    previous: dict | None = None,
    cfg: dict | None = None,
    resume: bool = False,
) -> dict:
    """One scale. `mode`: fresh (new world, everything measured), world (new world and its snapshot, then
    stop), reuse (the snapshot of the last world restored; seed, FOCUS path, floor, converter and builds
    measured), builds (as reuse, but only the full build, re-delivery and incremental build measured).
    `telemetry_days`: None chooses them (~TELEMETRY_FACTOR x the billing rows), 0 runs without telemetry.
    `resume` (world mode): keep the world on disk and the stages `<work>/world_partial.json` recorded as done
    (a long world build that stopped part-way goes on from its next stage)."""
    cfg = cfg or SCALES[name]
    work = work_root / name
    demo, data, db, logs = work / "demo", work / "data", work / "ai_finops.duckdb", work / "logs"
    snapshot = work / "snapshot"
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "AI_FINOPS_DATA_ROOT": str(data),
        "AI_FINOPS_DUCKDB_PATH": str(db),
        "AI_FINOPS_GX_DOCS": "off",
        "AI_FINOPS_THREADS": "2",
        "AI_FINOPS_DUCKDB_MEMORY_LIMIT": "6GB",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    # Kept between runs (outside the wiped world) so dbt can parse partially: the smoke stays short.
    dbt_target = work_root / f"{name}-dbt-target"
    if project != ROOT:  # a snapshot of the project (e.g. `git archive HEAD`): its package and its models
        env["PYTHONPATH"] = str(project)
        env["AI_FINOPS_HOME"] = str(project)
    dbt_common = [
        "--project-dir", project, "--profiles-dir", project,
        "--target-path", dbt_target, "--log-path", work / "logs" / "dbt",
    ]  # fmt: skip
    result = {"scale": name, "config": cfg, "started": datetime.now(UTC).isoformat(timespec="seconds")}
    result["stages"], result["notes"] = {}, []
    stages: dict[str, dict] = result["stages"]
    notes: list[str] = result["notes"]

    partial_file = work / "world_partial.json"
    done = json.loads(partial_file.read_text()) if resume and partial_file.exists() else {}

    def stage(key: str, label: str, command: list, must_pass: bool = True, **extra) -> dict:
        if key in done:
            console.print(f"[bold]{label}[/]: done in an earlier run ({done[key]['wall_s']} s), kept")
            stages[key] = done[key]
            return stages[key]
        stages[key] = {**run_stage(label, command, env, logs / f"{key}.log", cwd=project), **extra}
        stages[key]["db_size_mb"] = db_size_mb(db)
        if mode in ("fresh", "world") and key in WORLD_STAGES and stages[key]["rc"] == 0:
            partial_file.parent.mkdir(parents=True, exist_ok=True)
            partial_file.write_text(
                json.dumps({k: v for k, v in stages.items() if k in WORLD_STAGES}, indent=2)
            )
        if stages[key]["rc"] != 0 and not must_pass:
            notes.append(
                f"{label} exited {stages[key]['rc']} (failing tests?); timed anyway, log {stages[key]['log']}"
            )
        elif stages[key]["rc"] != 0:
            raise RuntimeError(f"stage {label} failed (exit {stages[key]['rc']}); log {stages[key]['log']}")
        return stages[key]

    def keep_run_results(key: str) -> None:
        source = dbt_target / "run_results.json"
        if not source.exists():
            return
        shutil.copy(source, logs / f"run_results_{key}.json")
        nodes = json.loads(source.read_text())["results"]
        top = sorted(nodes, key=lambda n: n.get("execution_time") or 0, reverse=True)[:8]
        stages[key]["top_nodes"] = [
            {"node": n["unique_id"], "seconds": round(n.get("execution_time") or 0, 2)} for n in top
        ]
        stages[key]["nodes"] = len(nodes)

    export = demo / "aws" / "cur2" / "ai-finops-cur2"
    legacy = work / "aws-legacy-athena"
    ai = BIN / "ai-finops"
    if mode in ("fresh", "world"):
        if work.exists() and not (resume and mode == "world"):
            shutil.rmtree(work)
        # 1. generate
        stage("generate", "generate demo billing", [PY, "-c", _generate_code(demo, cfg)])
        stage(
            "legacy_cur",
            "write legacy Athena-named CUR Parquet",
            [PY, "-c", "import sys; from ai_finops.generate.aws_cur_legacy import write_athena_legacy_cur as w; "
             f"print(w({str(export)!r}, {str(legacy)!r}))"],
        )  # fmt: skip
        manifests = sorted((export / "metadata").glob("BILLING_PERIOD=*/*-Manifest.json"))
        last = manifests[-1]
        earlier_last = (
            demo / "aws" / "cur2-earlier" / "ai-finops-cur2" / "metadata" / last.parent.name / last.name
        )

        # 2. ingest (the last month as its earlier delivery; the final one is re-delivered at the end)
        stage("ingest_aws", "ingest AWS CUR", [ai, "ingest", "aws-cur", *manifests[:-1], earlier_last])
        if cfg["other_scale"]:
            stage(
                "ingest_gcp",
                "ingest GCP billing",
                [ai, "ingest", "gcp-billing", demo / "gcp" / "billing_export"],
            )
            stage(
                "ingest_azure", "ingest Azure cost", [ai, "ingest", "azure-cost", demo / "azure" / "exports"]
            )
        rows = landed_rows(data / "raw")
        result["landed_rows"] = rows
        billing_rows = sum(rows.values())
        result["billing_rows"] = billing_rows
        result["cur_rows"] = rows["aws"]
        for key in ("ingest_aws", "ingest_gcp", "ingest_azure"):
            if key in stages:
                stages[key]["rows"] = rows[key.removeprefix("ingest_")]

        # 2b. telemetry: Kubernetes GPU telemetry for ~TELEMETRY_FACTOR x the billing rows, managed ML, MLflow
        telemetry = _telemetry_commands(env, project)
        result["telemetry"] = telemetry
        plan = telemetry_plan(cfg, billing_rows)
        if telemetry_days is not None:
            plan.update(days=telemetry_days, rows_expected=plan["rows_per_day_expected"] * telemetry_days)
        result["telemetry_plan"] = plan
        days = plan["days"] if "prometheus" in telemetry else 0
        prom = demo / "telemetry" / "prometheus"
        if days > 0:
            stage(
                "generate_telemetry",
                f"generate Kubernetes GPU telemetry ({days} days)",
                [PY, "-c", "from pathlib import Path; from ai_finops.generate.k8s_telemetry import generate_k8s_telemetry; "
                 f"print(generate_k8s_telemetry(Path({str(demo)!r}), scale={cfg['aws_scale']}, months={cfg['months']}, "
                 f"last_period={LAST_PERIOD!r}, days={days}, azure_scale={plan['aks_scale']}, by_day=True)['nodes'])"],
            )  # fmt: skip
            stage(
                "ingest_telemetry",
                "ingest prometheus (one call per UTC day)",
                [PY, __file__, "--ingest-prometheus-by-day", prom],
            )
        with_ml = "managed-ml" in telemetry and days > 0 and cfg["other_scale"]
        if with_ml:
            stage(
                "generate_managed_ml",
                "generate managed-ML telemetry and MLflow store",
                [PY, "-c", "from pathlib import Path; from ai_finops.generate.managed_ml import generate_managed_ml; "
                 f"print(generate_managed_ml(Path({str(demo)!r}), build_store=True)['workloads'])"],
            )  # fmt: skip
            stage("ingest_managed_ml", "ingest managed-ml", [ai, "ingest", "managed-ml", demo / "managed_ml"])
            stage(
                "extract_mlflow",
                "extract mlflow",
                [ai, "extract", "mlflow", "--tracking-uri", f"sqlite:///{demo / 'mlflow' / 'mlflow.db'}"],
            )
        tel = landed_telemetry_rows(data / "raw")
        result["telemetry_landed_rows"] = tel
        # Prometheus samples as delivered (the ingest's own count); managed-ML and MLflow rows as landed.
        samples = (
            sum(int(n.replace(",", "")) for n in re.findall(r"read ([\d,]+) samples", Path(stages["ingest_telemetry"]["log"]).read_text()))
            if "ingest_telemetry" in stages
            else 0
        )  # fmt: skip
        result["telemetry_samples"] = samples
        prom_rows = tel.get("k8s", 0) + tel.get("dcgm", 0)
        ml_rows = sum(tel.values()) - prom_rows
        result["telemetry_rows"] = samples + ml_rows
        for key in ("generate_telemetry", "ingest_telemetry"):
            if key in stages:
                stages[key]["rows"] = samples
        for key in ("generate_managed_ml", "ingest_managed_ml", "extract_mlflow"):
            if key in stages:
                stages[key]["rows"] = (
                    tel.get("mlflow", 0) if key == "extract_mlflow" else ml_rows - tel.get("mlflow", 0)
                )
        if days > 0:
            ratio = result["telemetry_rows"] / billing_rows if billing_rows else 0
            notes.append(
                f"telemetry: Kubernetes GPU telemetry of the last {days} days of {LAST_PERIOD} (EKS at the AWS "
                f"generator scale {cfg['aws_scale']}, AKS at Azure generator scale {plan['aks_scale']}"
                + "), ingested one UTC day per `ai-finops ingest prometheus` call"
                + ("; managed-ML (SageMaker, Vertex AI, Azure ML) and MLflow" if with_ml else "; no managed-ML telemetry")
                + f": {samples:,} Prometheus samples (landed pre-aggregated to {prom_rows:,} hourly rows) and "
                f"{ml_rows:,} managed-ML/MLflow rows, {result['telemetry_rows']:,} telemetry rows, {ratio:.2f} x the "
                "billing rows"
            )  # fmt: skip
            if telemetry_days is None and not plan["reaches_target"]:
                notes.append(
                    f"the telemetry generator cannot reach {TELEMETRY_FACTOR} x the billing rows within "
                    f"{LAST_PERIOD} ({plan['month_days']} days at ~{plan['rows_per_day_expected']:,} samples a day; "
                    f"{plan['needed_days']} days would be needed): the whole month was generated"
                )
        elif not telemetry:
            notes.append(
                "no telemetry ingest commands (prometheus, managed-ml) yet: the full build ran without telemetry"
            )
        elif name != "smoke":
            notes.append("run with --telemetry-days 0: the full build ran without telemetry")

        _rates(stages)
        # Snapshot of the ingested world: --reuse-world restores it (the re-delivery changes data/ and the db).
        if name != "smoke":
            shutil.rmtree(snapshot, ignore_errors=True)
            snapshot.mkdir(parents=True)
            shutil.copytree(data, snapshot / "data", symlinks=True)
            if db.exists():
                shutil.copy2(db, snapshot / db.name)
            world = {k: result[k] for k in ("scale", "config", "started") if k in result}
            world["stages"] = {k: v for k, v in stages.items() if k in WORLD_STAGES}
            world["notes"] = list(notes)
            world.update({k: result[k] for k in WORLD_FIELDS if k in result})
            world["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            (work / "world.json").write_text(json.dumps(world, indent=2) + "\n")
        if mode == "world":
            result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
            result["ratios"] = {}
            return result
    else:  # reuse / builds: the snapshot of the last world of this scale, restored
        world = earlier_world(work, previous)
        if not (snapshot / "data").is_dir() or not demo.is_dir():
            raise RuntimeError(f"--reuse-world: no world snapshot in {snapshot} (run --world-only first)")
        shutil.rmtree(data, ignore_errors=True)
        for f in (db, db.with_name(db.name + ".wal")):
            f.unlink(missing_ok=True)
        console.print(f"restoring the world snapshot {snapshot}")
        shutil.copytree(snapshot / "data", data, symlinks=True)
        if (snapshot / db.name).exists():
            shutil.copy2(snapshot / db.name, db)
        for key, item in world["stages"].items():
            if key in WORLD_STAGES:
                stages[key] = {**item, "earlier_run": world["started"]}
        result.update({k: world[k] for k in WORLD_FIELDS if k in world})
        notes += world.get("notes", [])
        notes.append(
            f"generate, legacy CUR and ingest stages: figures of the world run of {world['started']} "
            "(marked earlier run); the rest measured on a restored copy of that world after ingest (--reuse-world)"
        )
        if mode == "builds" and previous:
            for key in BUILDS_ONLY_KEPT:
                if key in previous["stages"]:
                    stages[key] = {**previous["stages"][key], "earlier_run": previous["started"]}
            result["focus_rows"] = previous.get("focus_rows", 0)
            for key in ("converter_venv", "converter_versions"):
                if key in previous:
                    result[key] = previous[key]
            notes.append(
                "seed, FOCUS path, floor and focus-converter: figures of the earlier run (--builds-only)"
            )
        manifests = sorted((export / "metadata").glob("BILLING_PERIOD=*/*-Manifest.json"))
        last = manifests[-1]
    billing_rows = result["billing_rows"]
    telemetry_rows = result.get("telemetry_rows", 0)

    if mode != "builds":
        # 3. FOCUS path (the smoke loads the seeds in the same dbt call: one parse fewer)
        if name == "smoke":
            stage("focus_path", "FOCUS path: dbt build (seeds + models) +focus_cost_and_usage",
                  [BIN / "dbt", "build", "--select", "+focus_cost_and_usage", "--exclude-resource-type", "test",
                   "--exclude-resource-type", "unit_test", *dbt_common], rows=billing_rows)  # fmt: skip
        else:
            stage("seed", "dbt seed", [BIN / "dbt", "seed", *dbt_common])
            stage("focus_path", "FOCUS path: dbt run +focus_cost_and_usage",
                  [BIN / "dbt", "run", "--select", "+focus_cost_and_usage", *dbt_common], rows=billing_rows)  # fmt: skip
        keep_run_results("focus_path")
        con = duckdb.connect(str(db), read_only=True)
        result["focus_rows"] = con.execute("select count(*) from main_marts.focus_cost_and_usage").fetchone()[
            0
        ]
        con.close()

        # 4. floor
        floor = stage("floor", "floor: one DuckDB statement",
                      [PY, __file__, "--floor", data / "raw", db, work / "floor.duckdb"], rows=billing_rows)  # fmt: skip
        floor.update(json.loads(Path(floor["log"]).read_text().strip().splitlines()[-1]))
        floor["floor_db_mb"] = db_size_mb(work / "floor.duckdb")

        # 5. focus-converter on the same AWS rows
        if converter:
            ok, how = ensure_converter_venv(logs / "focus_converter_venv.log")
            result["converter_venv"] = how
            if ok:
                result["converter_versions"] = converter_version()
                out = work / "converter-out"
                shutil.rmtree(out, ignore_errors=True)
                legacy_rows = (
                    duckdb.connect()
                    .execute(f"select count(*) from read_parquet('{legacy}/*.parquet')")
                    .fetchone()[0]
                )
                command = [
                    "timeout", "--kill-after=10", str(converter_timeout), FC_VENV / "bin" / "focus-converter", "convert",
                    "--provider", "aws", "--data-format", "parquet", "--parquet-data-format", "dataset",
                    "--data-path", f"{legacy}/", "--export-path", f"{out}/", "--no-export-include-source-columns",
                ]  # fmt: skip
                conv = run_stage(
                    "focus-converter (FOCUS columns only)", command, env, logs / "focus_converter.log"
                )
                conv["rows"] = legacy_rows
                written = sorted(out.rglob("*.parquet")) if out.exists() else []
                conv["rows_out"] = (
                    duckdb.connect()
                    .execute("select count(*) from read_parquet($1)", [[str(f) for f in written]])
                    .fetchone()[0]
                    if written
                    else 0
                )
                if conv["rc"] == 124:
                    notes.append(f"focus-converter timed out after {converter_timeout} s (outer timeout)")
                stages["converter"] = conv
            else:
                notes.append(how)
                console.print(f"[bold red]focus-converter not run:[/] {how}")

    # 6. full build (billing and telemetry rows), 7. re-delivery + incremental build
    if full:
        stage("full_build", "full build: dbt build --full-refresh",
              [BIN / "dbt", "build", "--full-refresh", *NO_UNIT_TESTS, *dbt_common], must_pass=False,
              rows=billing_rows + telemetry_rows)  # fmt: skip
        keep_run_results("full_build")
        month_rows = (
            duckdb.connect()
            .execute(
                "select count(*) from read_parquet($1)",
                [[str(f) for f in (export / "data" / last.parent.name).glob("*.parquet")]],
            )
            .fetchone()[0]
        )
        stage("reingest", f"re-deliver {last.parent.name.removeprefix('BILLING_PERIOD=')} (final delivery)",
              [ai, "ingest", "aws-cur", last], rows=month_rows)  # fmt: skip
        stage("incremental_build", "incremental build: dbt build", [BIN / "dbt", "build", *NO_UNIT_TESTS, *dbt_common],
              must_pass=False, rows=month_rows)  # fmt: skip
        keep_run_results("incremental_build")
    _rates(stages)
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["ratios"] = ratios(result)
    return result


def _rates(stages: dict) -> None:
    for item in stages.values():
        if item.get("rows") and item["wall_s"]:
            item["rows_per_s"] = round(item["rows"] / item["wall_s"])


def ratios(result: dict) -> dict:
    s = result["stages"]
    out = {}

    def wall(key: str) -> float | None:
        return s[key]["wall_s"] if key in s else None

    focus, floor, full, incr = (
        wall("focus_path"),
        wall("floor"),
        wall("full_build"),
        wall("incremental_build"),
    )
    if focus and floor:
        out["focus_vs_floor"] = round(focus / floor, 2)
    if full and floor:
        out["full_vs_floor"] = round(full / floor, 2)
    if incr and full:
        out["incremental_vs_full"] = round(incr / full, 3)
    if s.get("focus_path", {}).get("cpu_s") and s.get("floor", {}).get("cpu_s"):
        out["focus_vs_floor_cpu"] = round(s["focus_path"]["cpu_s"] / s["floor"]["cpu_s"], 2)
    if s.get("full_build", {}).get("cpu_s") and s.get("floor", {}).get("cpu_s"):
        out["full_vs_floor_cpu"] = round(s["full_build"]["cpu_s"] / s["floor"]["cpu_s"], 2)
    if s.get("incremental_build", {}).get("cpu_s") and s.get("full_build", {}).get("cpu_s"):
        out["incremental_vs_full_cpu"] = round(s["incremental_build"]["cpu_s"] / s["full_build"]["cpu_s"], 3)
    conv = s.get("converter")
    if conv and conv.get("cpu_s") and s.get("focus_path", {}).get("cpu_s"):
        out["converter_vs_focus_cpu"] = round(conv["cpu_s"] / s["focus_path"]["cpu_s"], 2)
    if conv and conv["rc"] == 0 and focus:
        out["converter_vs_focus"] = round(conv["wall_s"] / focus, 2)
        out["converter_rows_per_s"] = round(conv["rows"] / conv["wall_s"])
    return out


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
def machine() -> dict:
    import dbt.version

    versions = {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt-core": dbt.version.__version__,
    }
    try:
        from importlib.metadata import version

        versions["dbt-duckdb"] = version("dbt-duckdb")
    except Exception:
        pass
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": psutil.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(psutil.virtual_memory().total / GB, 1),
        "os": f"{platform.system()} {platform.release()}",
        "versions": versions,
    }


def _node_name(unique_id: str) -> str:
    """`test.ai_finops.not_null_x_y.f72f77f15d` -> `not_null_x_y` (test); `model.ai_finops.x` -> `x`."""
    parts = unique_id.split(".")
    return parts[2] if parts[0] == "test" and len(parts) > 3 else parts[-1]


def _label(item: dict) -> str:
    return item["stage"] + (" (earlier run)" if item.get("earlier_run") else "")


def _mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def write_report(all_results: dict) -> None:
    m = all_results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`scripts/bench.py`); the raw figures are in `benchmarks/results.json`.",
        "Each stage is a child process: wall time, and the peak of the summed RSS of its whole process tree",
        "(psutil, sampled every 50 ms). Rows per second = landed billing rows ÷ wall; Kubernetes telemetry stages:",
        "Prometheus samples read; managed-ML stages: landed rows; full build: billing + telemetry rows (samples and",
        "managed-ML rows); re-delivery and incremental build: the re-delivered month's rows.",
        "Stages marked *(earlier run)* were not re-run: `--reuse-world` restores a copy of the world taken right",
        "after ingest and measures the rest on it.",
        "DuckDB `threads=2`, `memory_limit=6GB` (`AI_FINOPS_THREADS`, `AI_FINOPS_DUCKDB_MEMORY_LIMIT`).",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + (f"; {all_results['converter_versions']}" if all_results.get("converter_versions") else "")
        + ". The machine is shared with other work, so figures vary by ±10 % run to run.",
        "",
        "Commands: `make bench` (= `.venv/bin/python scripts/bench.py --scales 1m 10m`);",
        "one scale: `nice -n 10 .venv/bin/python scripts/bench.py --scales 10m`; the world alone (generate, ingest,",
        "snapshot): `--world-only`; measure again on that world: `--reuse-world` (`--builds-only`: only the full,",
        "re-delivery and incremental builds); smoke (in `make test`): `scripts/bench.py --smoke`.",
        "",
        "What runs per scale: 12 months generated (AWS CUR 2.0 at the scale's CUR rows, GCP and Azure at a tenth",
        "of the AWS generator scale); ingest of AWS (months 1–11 final, the last month's *earlier* delivery), GCP",
        "and Azure; telemetry for about twice the billing rows (Kubernetes GPU telemetry of the last days of the",
        "last month, ingested one UTC day per `ai-finops ingest prometheus` call; managed-ML telemetry and the",
        "MLflow store; see each scale's notes); `dbt seed`; the FOCUS path `dbt run --select +focus_cost_and_usage`; the floor; focus-converter",
        "1.0.0 (`--parquet-data-format dataset --no-export-include-source-columns`, its fastest mode, outer",
        "`timeout`) on the 12 final AWS deliveries written as legacy Athena-named CUR Parquet",
        "(`ai_finops.generate.aws_cur_legacy`); the full build `dbt build --full-refresh --exclude-resource-type",
        "unit_test` (models, seeds and data tests; unit tests are CI, not production); the final delivery of",
        "the last month ingested again and the incremental `dbt build --exclude-resource-type unit_test`.",
        "",
        "The floor is one DuckDB statement (no dbt; `floor.sql` in the bench folder): every landed billing file",
        "is read once (AWS CUR, GCP billing export, Azure *amortized* cost details) and cast into a table with",
        "the column names and types of `focus_cost_and_usage` (read from the built mart). Its mappings are",
        "direct (charge category, effective cost by line item type, commitment ids, tags as JSON); it does no",
        "netting, no pairing of Azure actual/amortized, no FX, no restatement bookkeeping.",
        "",
    ]
    for name in ("1m", "10m", "smoke"):
        r = all_results["scales"].get(name)
        if not r:
            continue
        s = r["stages"]
        tel = r.get("telemetry_landed_rows") or {}
        tel_text = (
            f"{r.get('telemetry_rows', 0):,} telemetry rows ({r.get('telemetry_samples', 0):,} Prometheus samples; "
            f"landed hourly: {', '.join(f'{k} {v:,}' for k, v in tel.items())})"
            if tel
            else "no telemetry"
        )
        lines += [
            f"## Scale {name}: {r['cur_rows']:,} CUR rows, {r['billing_rows']:,} landed billing rows "
            f"({', '.join(f'{k} {v:,}' for k, v in r['landed_rows'].items())}); {tel_text}; "
            f"{r.get('focus_rows', 0):,} FOCUS rows",
            "",
            f"Run {r['started']} → {r['finished']}.",
            "",
            "| stage | wall s | CPU s (tree) | peak tree RSS MB | rows/s | database MB | load avg at end |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for item in s.values():
            rps = f"{item['rows_per_s']:,}" if item.get("rows_per_s") else ""
            lines.append(
                f"| {_label(item)} | {item['wall_s']:.1f} | {item.get('cpu_s', 0):.1f} | {item['peak_rss_mb']:,.0f} | "
                f"{rps} | {item.get('db_size_mb', '')} | {item.get('load_avg_1m_at_end', '')} |"
            )
        ra = r["ratios"]
        focus, full = s.get("focus_path"), s.get("full_build")
        checks = [
            ("FOCUS path ÷ floor ≤ 2 (target at 10M)", ra.get("focus_vs_floor"),
             None if "focus_vs_floor" not in ra else ra["focus_vs_floor"] <= TARGETS["focus_vs_floor"]),
            ("FOCUS path faster than focus-converter (converter ÷ ours > 1)", ra.get("converter_vs_focus"),
             None if "converter_vs_focus" not in ra else ra["converter_vs_focus"] > 1),
            ("FOCUS path peak RSS ≤ 2 GB", f"{focus['peak_rss_mb']:,.0f} MB" if focus else None,
             None if not focus else focus["peak_rss_mb"] <= TARGETS["focus_rss_gb"] * 1024),
            ("full build ÷ floor ≤ 10", ra.get("full_vs_floor"),
             None if "full_vs_floor" not in ra else ra["full_vs_floor"] <= TARGETS["full_vs_floor"]),
            ("full build peak RSS ≤ 8 GB", f"{full['peak_rss_mb']:,.0f} MB" if full else None,
             None if not full else full["peak_rss_mb"] <= TARGETS["full_rss_gb"] * 1024),
            ("incremental ÷ full ≤ 0.15", ra.get("incremental_vs_full"),
             None if "incremental_vs_full" not in ra else ra["incremental_vs_full"] <= TARGETS["incremental_vs_full"]),
        ]  # fmt: skip
        lines += ["", "| target | value | |", "|---|---:|---|"]
        lines += [f"| {label} | {'' if v is None else v} | {_mark(ok)} |" for label, v, ok in checks]
        cpu = {k: v for k, v in ra.items() if k.endswith("_cpu")}
        if cpu:
            lines += [
                "",
                "The same ratios on CPU seconds of the process trees (steadier than wall on the shared machine): "
                + ", ".join(f"{k.removesuffix('_cpu')} {v}" for k, v in cpu.items())
                + ".",
            ]
        conv = s.get("converter")
        if conv:
            lines += [
                "",
                f"focus-converter: {conv['rows']:,} AWS rows in, {conv.get('rows_out', 0):,} out, exit {conv['rc']}, "
                f"{conv['wall_s']:.1f} s, {conv['peak_rss_mb']:,.0f} MB tree RSS"
                + (f", {ra['converter_rows_per_s']:,} rows/s" if "converter_rows_per_s" in ra else "")
                + ". (Our FOCUS path converts all three providers' rows in the time compared.)",
            ]
        for key in ("focus_path", "full_build", "incremental_build"):
            if s.get(key, {}).get("top_nodes"):
                tops = ", ".join(
                    f"`{_node_name(n['node'])}` {n['seconds']:.1f} s" for n in s[key]["top_nodes"][:6]
                )
                lines.append(f"\nSlowest nodes, {s[key]['stage']} ({s[key].get('nodes')} nodes): {tops}.")
        if r["notes"]:
            lines += ["", *[f"- {n}" for n in r["notes"]]]
        lines.append("")
    one, ten = all_results["scales"].get("1m"), all_results["scales"].get("10m")
    lines += ["## Scaling and closing note", ""]
    if one and ten:
        for key in ("focus_path", "full_build"):
            if key in one["stages"] and key in ten["stages"]:
                q = ten["stages"][key]["wall_s"] / one["stages"][key]["wall_s"]
                lines.append(f"- {key}: time 10M ÷ time 1M = {q:.2f} (target ≤ 10.5: {_mark(q <= 10.5)})")
    else:
        lines.append("- 10M ÷ 1M: not measured yet (run the 10M scale, command above).")
    lines += ["", *all_results.get("closing", [])]
    REPORT.write_text("\n".join(lines) + "\n")


def summary_table(result: dict) -> None:
    table = Table(
        title=f"bench {result['scale']}: {result['billing_rows']:,} billing rows, "
        f"{result.get('telemetry_rows', 0):,} telemetry rows"
    )
    for column in ("stage", "wall s", "CPU s", "peak tree RSS MB", "rows/s", "db MB", "rc"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    for item in result["stages"].values():
        table.add_row(
            _label(item), f"{item['wall_s']:.1f}", f"{item.get('cpu_s', 0):.1f}", f"{item['peak_rss_mb']:,.0f}",
            f"{item.get('rows_per_s', 0):,}", str(item.get("db_size_mb", "")), str(item["rc"]),
        )  # fmt: skip
    console.print(table)
    console.print(result["ratios"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", choices=["1m", "10m"], default=["1m", "10m"])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny run (~20k rows) of the FOCUS path and floor"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "target" / "bench")
    parser.add_argument("--no-converter", action="store_true")
    parser.add_argument(
        "--telemetry-days",
        type=int,
        default=None,
        help="UTC days of Kubernetes GPU telemetry to generate and ingest (default: enough for ~2x the "
        "billing rows, at most the last month; 0: none)",
    )
    world = parser.add_mutually_exclusive_group()
    world.add_argument(
        "--world-only",
        action="store_true",
        help="generate, ingest and snapshot the world (<work>/<scale>/snapshot, world.json), then stop; "
        "results.json is not changed",
    )
    world.add_argument(
        "--reuse-world",
        action="store_true",
        help="restore the scale's world snapshot and measure seed, FOCUS path, floor, focus-converter, full "
        "build, re-delivery and incremental build; generate and ingest figures come from the world run",
    )
    world.add_argument(
        "--builds-only",
        action="store_true",
        help="as --reuse-world, but measure only the full build, re-delivery and incremental build",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="with --world-only: go on with a world build that stopped part-way (stages in "
        "<work>/<scale>/world_partial.json are kept)",
    )
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=ROOT,
        help="run the pipeline from a snapshot of the project (its ai_finops package and dbt project), "
        "e.g. one made with `git archive HEAD`, while the work tree changes",
    )
    parser.add_argument("--converter-timeout", type=int, default=1800)
    parser.add_argument(
        "--floor", nargs=3, type=Path, metavar=("RAW", "MART_DB", "FLOOR_DB"), help=argparse.SUPPRESS
    )
    parser.add_argument("--ingest-prometheus-by-day", type=Path, metavar="ROOT", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help="only rewrite BENCHMARKS.md from results.json")
    args = parser.parse_args()
    if args.resume and not args.world_only:
        parser.error("--resume goes with --world-only")
    if args.report:
        all_results = json.loads(RESULTS.read_text())
        for result in all_results["scales"].values():
            result["ratios"] = ratios(result)
        RESULTS.write_text(json.dumps(all_results, indent=2) + "\n")
        write_report(all_results)
        return 0
    if args.floor:
        floor_main(*args.floor)
        return 0
    if args.ingest_prometheus_by_day:
        return ingest_prometheus_by_day(args.ingest_prometheus_by_day)
    if args.smoke:
        # No repo files written; GCP/Azure, the converter and the full/incremental builds are skipped.
        result = run_scale(
            "smoke",
            args.work,
            converter=False,
            converter_timeout=60,
            full=False,
            project=args.project_dir.resolve(),
            telemetry_days=0,
        )
        summary_table(result)
        ok = all(s["rc"] == 0 for s in result["stages"].values()) and result["focus_rows"] > 0
        return 0 if ok else 1
    all_results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"scales": {}}
    all_results["machine"] = machine()
    mode = (
        "world"
        if args.world_only
        else "reuse"
        if args.reuse_world
        else "builds"
        if args.builds_only
        else "fresh"
    )
    for name in args.scales:
        try:
            result = run_scale(
                name,
                args.work,
                converter=not args.no_converter,
                converter_timeout=args.converter_timeout,
                full=True,
                project=args.project_dir.resolve(),
                telemetry_days=args.telemetry_days,
                mode=mode,
                previous=all_results["scales"].get(name),
                resume=args.resume,
            )
            result["project_dir"] = str(args.project_dir.resolve())
        except RuntimeError as exc:
            console.print(f"[bold red]bench {name} failed:[/] {exc}")
            return 1
        if mode == "world":
            summary_table(result)
            console.print(f"world of {name} ready for --reuse-world: {args.work / name / 'snapshot'}")
            continue
        # Re-read: a long run must not overwrite what was written meanwhile (another scale, closing notes).
        if RESULTS.exists():
            all_results = {**json.loads(RESULTS.read_text()), "machine": all_results["machine"]}
        if result.get("converter_versions"):
            all_results["converter_versions"] = result["converter_versions"]
        all_results["scales"][name] = result
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(all_results, indent=2) + "\n")
        write_report(all_results)
        summary_table(result)
    if mode != "world":
        console.print(f"wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
