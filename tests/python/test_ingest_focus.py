"""Native FOCUS exports (`ai-finops ingest focus`): version detection, landing per provider, the official FOCUS
1.0 sample, bad input (each refused with file + column + problem, nothing landed before changes) and the
overlapping-sources rule (raw export vs native FOCUS, legacy CUR vs CUR 2.0, `--supersede`)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, World
from native_focus_exports import FOCUS_1_0, FOCUS_1_2, PATHS, build

from ai_finops.errors import IngestError
from ai_finops.ingest import focus_native
from ai_finops.ingest.formats import SourceFile
from ai_finops.ingest.runner import IngestReport, ingest_aws_cur, ingest_focus

FOCUS_FIXTURES = FIXTURES / "focus"
SAMPLE = FOCUS_FIXTURES / "focus-sample-data" / "focus_sample.csv"


def land_focus(world: World, inputs: list[Path], **kwargs) -> IngestReport:
    with world.active():
        return ingest_focus(inputs, data_docs=False, **kwargs)


def land_cur(world: World, inputs: list[Path], **kwargs) -> IngestReport:
    with world.active():
        return ingest_aws_cur(inputs, data_docs=False, **kwargs)


def landed_rows(world: World, where: str = "true") -> list[tuple]:
    pattern = world.raw_root / "*" / "focus" / "*" / "*" / "*" / "*.parquet"
    with duckdb.connect() as con:
        return con.execute(
            f"select x_source_provider, BillingAccountId, strftime(BillingPeriodStart, '%Y-%m'), "
            f"x_source_focus_version, count(*), sum(BilledCost) from read_parquet('{pattern}') where {where} "
            "group by all order by all"
        ).fetchall()


# --------------------------------------------------------------------------------------------------
# synthetic fixture files


def test_synthetic_exports_are_reproducible(tmp_path, monkeypatch):
    """The committed synthetic exports are what tests/python/native_focus_exports.py writes."""
    import native_focus_exports

    committed = {name: path for name, path in PATHS.items()}
    rebuilt = {name: tmp_path / path.relative_to(native_focus_exports.OUT) for name, path in PATHS.items()}
    monkeypatch.setattr(native_focus_exports, "PATHS", rebuilt)
    build()
    for name, path in committed.items():
        if path.suffix == ".parquet":
            assert pq.read_table(path).equals(pq.read_table(rebuilt[name])), name
        else:
            assert path.read_bytes() == rebuilt[name].read_bytes(), name


# --------------------------------------------------------------------------------------------------
# version detection


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (FOCUS_1_0, "1.0"),
        ([*FOCUS_1_0, "SkuMeter", "ServiceSubcategory"], "1.1"),
        (FOCUS_1_2, "1.2"),
        ([c for c in FOCUS_1_2 if c not in ("AvailabilityZone", "PricingCurrencyEffectiveCost")], "1.2"),
        ([*FOCUS_1_0, "InvoiceId"], "1.2"),
    ],
)
def test_version_is_read_from_the_column_set(columns, expected):
    mapped, unmapped = focus_native.map_columns(Path("f.csv"), [*columns, "x_Custom"])
    assert focus_native.detect_version(Path("f.csv"), set(mapped), unmapped) == expected


@pytest.mark.parametrize(
    ("columns", "column", "needle"),
    [
        (["ChargeType", "AmortizedCost", "Provider"], "AmortizedCost", "0.5 / 1.0-preview"),
        ([*FOCUS_1_2, "ServiceProviderName", "HostProviderName"], "HostProviderName", "FOCUS 1.3 or later"),
        (
            [c for c in FOCUS_1_0 if c != "ContractedCost"],
            "ContractedCost",
            "Mandatory FOCUS column is missing",
        ),
        (["Cost", "Date", "Meter"], None, "none of its columns is a FOCUS column"),
    ],
)
def test_unknown_versions_are_refused(columns, column, needle):
    mapped, unmapped = focus_native.map_columns(Path("f.csv"), columns)
    with pytest.raises(IngestError) as refused:
        focus_native.detect_version(Path("f.csv"), set(mapped), unmapped)
    assert needle in refused.value.problem
    assert refused.value.column == column


# --------------------------------------------------------------------------------------------------
# the official FOCUS 1.0 sample: read correctly, then refused with its reasons


def test_official_sample_is_read_correctly():
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        lineage = {"_delivery_id": "d", "_source_file": str(SAMPLE), "_loaded_at": "2026-01-01 00:00:00"}
        version, source_format, _, unmapped, count = focus_native.read_landed(
            con, SourceFile(SAMPLE, "csv"), "sample", lineage
        )
        assert (version, source_format, count) == ("1.0", "focus-1.0-csv", 1000)
        assert unmapped == ["Id"]  # the stray column is listed, not landed
        facts = con.execute(
            """
            select
                count(*) filter (where ChargeClass is null),                 -- every `NULL` token is a null
                count(*) filter (where CommitmentDiscountId is not null),
                min(BillingPeriodStart), max(BillingPeriodEnd),               -- 'YYYY-MM-DD HH:MM:SS' read as UTC
                min(ChargePeriodStart),
                count(*) filter (where ListUnitPrice is null),                -- quoted text read as a number
                max(ListUnitPrice) filter (where _source_row_number = 1),
                count(distinct x_source_provider), count(*) filter (where x_source_provider is null)
            from sample
            """
        ).fetchone()
    assert facts[0] == 1000 and facts[1] == 4  # the Oracle rows write "" (also null)
    assert str(facts[2]) == "2024-09-01 00:00:00" and str(facts[3]) == "2024-11-01 00:00:00"
    assert str(facts[4]) == "2024-09-01 00:00:00"
    assert facts[5] == 1 and facts[6] == 4e-07  # "0.0000004" on data row 1
    assert facts[7] == 2 and facts[8] == 7  # AWS -> aws, Microsoft -> azure; Oracle has no provider folder


def test_official_sample_is_refused_with_its_reasons(world):
    report = land_focus(world, [SAMPLE])
    assert not report.landed and len(report.refused) == 1
    message = report.refused[0].message
    assert "focus_sample.csv" in message
    assert "column 'ProviderName'" in message and "'Oracle'" in message and "on 7 row(s)" in message
    reason = json.loads((report.refused[0].quarantined_to / "REASON.json").read_text())
    for column, needle in [
        ("ListCost", "differs from ListUnitPrice x PricingQuantity, on 31 row(s)"),
        ("ContractedCost", "differs from ContractedUnitPrice x PricingQuantity"),
        ("EffectiveCost", "differs from BilledCost on a Credit row"),
        ("ResourceType", "is set without a ResourceId"),
        ("SkuMeter", "is null where SkuId is set, and cannot be derived"),
        ("RegionName", "must be set exactly where RegionId is set"),
    ]:
        assert any(f"column '{column}': " in p and needle in p for p in reason["problems"]), (column, reason)
    assert not world.landing_snapshot()


# --------------------------------------------------------------------------------------------------
# the synthetic native exports land, one key per provider x billing account x period


def file_totals() -> dict[tuple[str, str], Decimal]:
    """Σ BilledCost per (BillingAccountId, period) read straight from the synthetic files."""
    totals: dict[tuple[str, str], Decimal] = {}
    for name, path in PATHS.items():
        if name == "azure_manifest":
            continue
        if path.suffix == ".parquet":
            rows = pq.read_table(
                path, columns=["BillingAccountId", "BillingPeriodStart", "BilledCost"]
            ).to_pylist()
            items = [
                (r["BillingAccountId"], r["BillingPeriodStart"].strftime("%Y-%m"), r["BilledCost"])
                for r in rows
            ]
        else:
            rows = list(csv.DictReader(io.StringIO(path.read_text())))
            items = [(r["BillingAccountId"], r["BillingPeriodStart"][:7], r["BilledCost"]) for r in rows]
        for account, period, billed in items:
            totals[(account, period)] = totals.get((account, period), Decimal(0)) + Decimal(str(billed))
    return totals


def test_native_exports_land_per_provider(world):
    for folder in ("aws-focus-1-2", "aws-focus-1-0", "azure-focuscost", "gcp-focus"):
        report = land_focus(world, [FOCUS_FIXTURES / "synthetic" / folder])
        assert report.ok, report.refused
    rows = landed_rows(world)
    assert [r[:5] for r in rows] == [
        ("aws", "999900001111", "2026-09", "1.2", 8),
        ("aws", "999900002222", "2026-08", "1.0", 7),
        ("azure", "/providers/Microsoft.Billing/billingAccounts/12345678", "2026-09", "1.0", 7),
        ("gcp", "01ABCD-234567-89EF01", "2026-09", "1.2", 6),
    ]
    totals = file_totals()
    for _, account, period, _, _, billed in rows:
        assert abs(Decimal(str(billed)) - totals[(account, period)]) <= Decimal("0.000001")
    # The Azure account id is an ARM path: one folder, percent-encoded; the manifest was the delivery unit.
    azure = next((world.raw_root / "azure" / "focus").iterdir())
    assert azure.name == "billing_account=%2Fproviders%2FMicrosoft.Billing%2FbillingAccounts%2F12345678"
    meta = json.loads(next(azure.rglob("_delivery.json")).read_text())
    assert meta["manifest"]["exportConfig"]["dataVersion"] == "1.0r2"
    assert meta["source_files"][0]["format"] == "focus-1.0-csv"
    assert set(meta["source_files"][0]["unmapped_columns"]) == {
        "x_BilledCostInUsd",
        "x_EffectiveCostInUsd",
        "x_ResourceGroupName",
        "x_SkuMeterCategory",
    }
    # A re-delivery of the same export replaces its key (same source kind: no --supersede needed).
    again = land_focus(world, [PATHS["gcp"]])
    assert again.ok and again.landed[0].replaced and not again.landed[0].superseded


# --------------------------------------------------------------------------------------------------
# bad input


def write_focus_csv(path: Path, rows: list[dict], columns: list[str] = FOCUS_1_0) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def good_row(**changes) -> dict:
    """One valid FOCUS 1.0 usage row (Google Cloud, so nothing is derived from AWS columns)."""
    row = {
        "BilledCost": "2.5",
        "BillingAccountId": "01AAAA-BBBBBB-CCCCCC",
        "BillingAccountName": "Bad Input Co",
        "BillingCurrency": "USD",
        "BillingPeriodStart": "2026-07-01T00:00:00Z",
        "BillingPeriodEnd": "2026-08-01T00:00:00Z",
        "ChargeCategory": "Usage",
        "ChargeDescription": "Vertex AI prediction",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodStart": "2026-07-02T00:00:00Z",
        "ChargePeriodEnd": "2026-07-02T01:00:00Z",
        "ContractedCost": "2.5",
        "ContractedUnitPrice": "1.25",
        "EffectiveCost": "2.5",
        "InvoiceIssuerName": "Google LLC",
        "ListCost": "2.5",
        "ListUnitPrice": "1.25",
        "PricingCategory": "Standard",
        "PricingQuantity": "2",
        "PricingUnit": "Hours",
        "ProviderName": "Google Cloud",
        "PublisherName": "Google Cloud",
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "Vertex AI",
        "Tags": '{"team":"ml"}',
    }
    row.update(changes)
    return row


@pytest.fixture(scope="module")
def landed(tmp_path_factory) -> World:
    """A world that already holds one good native delivery, so every refusal can prove nothing changed."""
    world = World(tmp_path_factory.mktemp("focus-refusals"))
    good = write_focus_csv(world.root / "inputs" / "good" / "focus.csv", [good_row()])
    report = land_focus(world, [good])
    assert report.ok, report.refused
    return world


def refuse(world: World, path: Path, column: str | None, *needles: str) -> str:
    before = world.landing_snapshot()
    report = land_focus(world, [path])
    assert not report.landed, f"{path} should have been refused"
    assert len(report.refused) == 1, report.refused
    message = report.refused[0].message
    assert path.name in message, message
    if column:
        assert f"column {column!r}" in message, message
    for needle in needles:
        assert needle in message, message
    assert world.landing_snapshot() == before, "a refusal changed the landing zone"
    assert (report.refused[0].quarantined_to / "REASON.json").exists()
    return message


BAD_CASES = {
    # unknown version / missing mandatory column
    "preview_names": (
        [{"ChargeType": "Usage", "AmortizedCost": "1", "Provider": "x"}],
        ["ChargeType", "AmortizedCost", "Provider"],
        "AmortizedCost",
        ["0.5 / 1.0-preview"],
    ),
    "focus_1_3": (
        [good_row(ServiceProviderName="Google Cloud")],
        [*FOCUS_1_0, "ServiceProviderName"],
        "ServiceProviderName",
        ["FOCUS 1.3 or later"],
    ),
    "missing_mandatory": (
        [good_row()],
        [c for c in FOCUS_1_0 if c != "BilledCost"],
        "BilledCost",
        ["Mandatory FOCUS column is missing", "FOCUS 1.0 detected"],
    ),
    "not_focus": (
        [{"Cost": "1", "Date": "2026-07-01"}],
        ["Cost", "Date"],
        None,
        ["not a FOCUS Cost and Usage file"],
    ),
    # a 1.0 row that cannot be upgraded to 1.2
    "commitment_without_category": (
        [
            good_row(
                CommitmentDiscountId="projects/p/commitments/c",
                CommitmentDiscountStatus="Used",
                PricingCategory="Committed",
            )
        ],
        FOCUS_1_0,
        "CommitmentDiscountQuantity",
        ["cannot be derived", "needs CommitmentDiscountCategory", "FOCUS 1.0 file"],
    ),
    "usage_commitment_without_quantity": (
        [
            good_row(
                CommitmentDiscountId="projects/p/commitments/c",
                CommitmentDiscountCategory="Usage",
                CommitmentDiscountStatus="Used",
                PricingCategory="Committed",
                ChargeCategory="Purchase",
                ChargeFrequency="Recurring",
                PricingQuantity="",
                PricingUnit="",
                ListUnitPrice="",
                ContractedUnitPrice="",
                EffectiveCost="0",
                ResourceType="Commitment",
                CommitmentDiscountType="CUD",
            )
        ],
        FOCUS_1_0,
        "PricingQuantity",
        ["is null on a Usage or Purchase row"],
    ),
    "no_sku_meter": (
        [good_row(SkuId="1F2E-3D4C", SkuPriceId="1F2E-3D4C-OD")],
        FOCUS_1_0,
        "SkuMeter",
        ["cannot be derived (from x_UsageType or x_SkuMeterName)"],
    ),
    "purchase_without_frequency": (
        [good_row(ChargeCategory="Purchase")],
        [c for c in FOCUS_1_0 if c != "ChargeFrequency"],
        "ChargeFrequency",
        ["cannot be derived for a row that is not Usage"],
    ),
    "unknown_provider": (
        [good_row(ProviderName="Oracle")],
        FOCUS_1_0,
        "ProviderName",
        ["'Oracle'", "does not land"],
    ),
    "bad_enum": (
        [good_row(ChargeCategory="Refund")],
        FOCUS_1_0,
        "ChargeCategory",
        ["not one of the FOCUS values", "'Refund'"],
    ),
    "bad_service_category": (
        [good_row(ServiceCategory="GPU")],
        FOCUS_1_0,
        "ServiceCategory",
        ["not a FOCUS 1.2 ServiceCategory"],
    ),
    "list_cost_mismatch": (
        [good_row(ListCost="3")],
        FOCUS_1_0,
        "ListCost",
        ["differs from ListUnitPrice x PricingQuantity"],
    ),
    "null_billed_cost": ([good_row(BilledCost="")], FOCUS_1_0, "BilledCost", ["has no value"]),
    # wrong types
    "text_cost": (
        [good_row(), good_row(BilledCost="twelve")],
        FOCUS_1_0,
        "BilledCost",
        ["1 value(s) are not a plain decimal number", "first at data row 2: 'twelve'"],
    ),
    "thousands_separator": ([good_row(EffectiveCost="1,234.50")], FOCUS_1_0, "EffectiveCost", ["'1,234.50'"]),
    "us_date": ([good_row(BillingPeriodStart="07/01/2026")], FOCUS_1_0, "BillingPeriodStart", ["ISO 8601"]),
    "tags_not_json": ([good_row(Tags="team=ml")], FOCUS_1_0, "Tags", ["not a JSON object", "'team=ml'"]),
    "tags_json_array": ([good_row(Tags='["ml"]')], FOCUS_1_0, "Tags", ["not a JSON object"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_native_focus_is_refused(landed, tmp_path, case):
    rows, columns, column, needles = BAD_CASES[case]
    path = write_focus_csv(tmp_path / f"{case}.csv", rows, columns)
    refuse(landed, path, column, *needles)


def test_bad_files_are_refused(landed, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    refuse(landed, empty, None, "the file is empty")
    header_only = write_focus_csv(tmp_path / "header_only.csv", [])
    refuse(landed, header_only, None, "no data rows")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(write_focus_csv(tmp_path / "r.csv", [good_row()]).read_text().rstrip("\n") + ",extra\n")
    refuse(landed, ragged, None, "ragged CSV")
    twice = tmp_path / "twice.csv"
    twice.write_text("BilledCost,billedcost\n1,1\n")
    refuse(landed, twice, "billedcost", "twice")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    refuse(landed, broken, None, "not a readable Parquet file")


def test_a_bad_file_refuses_its_whole_delivery(landed, tmp_path):
    """Files of one folder land together or not at all: a good file next to a bad one does not land."""
    folder = tmp_path / "delivery"
    write_focus_csv(folder / "part-1.csv", [good_row(BillingPeriodStart="2026-06-01T00:00:00Z",
                                                    BillingPeriodEnd="2026-07-01T00:00:00Z")])  # fmt: skip
    write_focus_csv(folder / "part-2.csv", [good_row(BilledCost="n/a")])
    before = landed.landing_snapshot()
    report = land_focus(landed, [folder])
    assert not report.landed and "part-2.csv" in report.refused[0].message
    assert landed.landing_snapshot() == before


# --------------------------------------------------------------------------------------------------
# overlapping sources: raw export vs native FOCUS, legacy CUR vs CUR 2.0

CUR_HEADER = [
    "identity/LineItemId", "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
    "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
    "lineItem/ProductCode", "lineItem/UsageType", "lineItem/UsageAmount", "lineItem/CurrencyCode",
    "lineItem/UnblendedCost",
]  # fmt: skip


def write_legacy_cur(path: Path, payer: str, period: str, cost: str) -> Path:
    rows = [["li-1", payer, f"{period}-01T00:00:00Z", "", "111122223333", "Usage", f"{period}-02T00:00:00Z",
             f"{period}-02T01:00:00Z", "AmazonEC2", "BoxUsage:g5.xlarge", "1", "USD", cost]]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CUR_HEADER)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue())
    return path


def write_cur2(path: Path, payer: str, period: str, cost: str) -> Path:
    """The same line in CUR 2.0 CSV (snake_case names, maps as JSON text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        con.execute(
            f"""copy (select 'li-1' as identity_line_item_id, '{payer}' as bill_payer_account_id,
                timestamp '{period}-01 00:00:00' as bill_billing_period_start_date,
                timestamp '{period}-01 00:00:00' + interval 1 month as bill_billing_period_end_date,
                'Anniversary' as bill_bill_type, '111122223333' as
                line_item_usage_account_id, 'Usage' as line_item_line_item_type,
                timestamp '{period}-02 00:00:00' as line_item_usage_start_date,
                timestamp '{period}-02 01:00:00' as line_item_usage_end_date, 'AmazonEC2' as line_item_product_code,
                'BoxUsage:g5.xlarge' as line_item_usage_type, 1.0 as line_item_usage_amount,
                'USD' as line_item_currency_code, {cost} as line_item_unblended_cost,
                '{{}}' as resource_tags, '{{}}' as product) to '{path}' (header true)"""
        )
    return path


def test_native_focus_over_a_landed_cur_needs_supersede(tmp_path):
    world = World(tmp_path / "world")
    cur = write_legacy_cur(tmp_path / "cur" / "cur.csv", "999900001111", "2026-09", "7.25")
    assert land_cur(world, [cur]).ok
    cur_dir = world.raw_root / "aws" / "cur" / "billing_account=999900001111" / "billing_period=2026-09"
    before = world.landing_snapshot()

    refused = land_focus(world, [PATHS["aws_1_2"]])
    assert not refused.landed
    message = refused.refused[0].message
    assert (
        "aws billing account 999900001111 period 2026-09 is already landed from source kind 'cur'" in message
    )
    assert "--supersede" in message and PATHS["aws_1_2"].name in message
    assert world.landing_snapshot() == before

    superseding = land_focus(world, [PATHS["aws_1_2"]], supersede=True)
    assert superseding.ok, superseding.refused
    [landed] = superseding.landed
    assert [(k.source_kind, k.billing_account) for k in landed.superseded] == [("cur", "999900001111")]
    assert not cur_dir.exists()
    archived = (
        world.data_root
        / "archive"
        / "aws"
        / "cur"
        / "billing_account=999900001111"
        / "billing_period=2026-09"
    )
    assert len(list(archived.glob("delivery=*/*.parquet"))) == 1
    meta = json.loads(next(landed.folder.glob("_delivery.json")).read_text())
    assert meta["supersedes"] == [{"source_kind": "cur", "reason": "source kind 'cur'"}]

    # and the other way round: the raw export over the native FOCUS key
    back = land_cur(world, [cur])
    assert not back.landed and "already landed from source kind 'focus'" in back.refused[0].message
    assert land_cur(world, [cur], supersede=True).ok
    assert not list((world.raw_root / "aws" / "focus").rglob("delivery=*"))
    assert cur_dir.exists()


def test_legacy_cur_and_cur2_of_one_period_need_supersede(tmp_path):
    world = World(tmp_path / "world")
    legacy = write_legacy_cur(tmp_path / "legacy" / "cur.csv", "999900005555", "2026-09", "3.00")
    cur2 = write_cur2(tmp_path / "cur2" / "cur2.csv", "999900005555", "2026-09", "3.00")
    assert land_cur(world, [legacy]).ok
    again = land_cur(world, [legacy])  # a re-delivery of the same export replaces without ceremony
    assert again.ok and again.landed[0].replaced
    refused = land_cur(world, [cur2])
    assert not refused.landed
    assert "already landed from legacy CUR (this delivery is CUR 2.0)" in refused.refused[0].message
    replaced = land_cur(world, [cur2], supersede=True)
    assert replaced.ok and replaced.landed[0].replaced and not replaced.landed[0].superseded
    meta = json.loads(next(replaced.landed[0].folder.glob("_delivery.json")).read_text())
    assert meta["source_files"][0]["format"] == "cur2-csv"


def test_other_accounts_and_periods_do_not_overlap(tmp_path):
    world = World(tmp_path / "world")
    assert land_cur(world, [write_legacy_cur(tmp_path / "a" / "cur.csv", "999900001111", "2026-08", "1")]).ok
    assert land_cur(world, [write_legacy_cur(tmp_path / "b" / "cur.csv", "123456789012", "2026-09", "1")]).ok
    assert land_focus(world, [PATHS["aws_1_2"]]).ok  # 999900001111 2026-09
