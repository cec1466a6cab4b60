"""The Azure cost details generator: deterministic, in the documented layout, both contract schemas, and a
truth file that equals the sums of what it wrote (computed here from the files, independently)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ai_finops.generate.azure_cost import (
    EA_BILLING_ACCOUNT_ID,
    EA_COLUMNS,
    MCA_BILLING_PROFILE_ID,
    MCA_COLUMNS,
    generate_azure_cost,
)

ARGS = {"seed": 11, "scale": 0.05, "months": 3, "last_period": "2026-10"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("azure-demo")
    return out, generate_azure_cost(out, **ARGS)


def manifests(out: Path) -> list[tuple[Path, dict]]:
    return [(p, json.loads(p.read_text())) for p in sorted((out / "azure").rglob("manifest.json"))]


def read_rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_runs(out: Path) -> dict[tuple[str, str], tuple[Path, dict]]:
    """(export name, month) -> the latest run's manifest, as ingest picks it."""
    latest: dict[tuple[str, str], tuple[Path, dict]] = {}
    for path, manifest in manifests(out):
        key = (manifest["exportConfig"]["exportName"], manifest["runInfo"]["startDate"][:7])
        if (
            key not in latest
            or manifest["runInfo"]["submittedTime"] > latest[key][1]["runInfo"]["submittedTime"]
        ):
            latest[key] = (path, manifest)
    return latest


def test_same_arguments_give_identical_bytes(demo, tmp_path):
    out, summary = demo
    again = generate_azure_cost(tmp_path, **ARGS)
    assert again["files"] == summary["files"]
    for relative in summary["files"]:
        assert (tmp_path / relative).read_bytes() == (out / relative).read_bytes(), relative


def test_another_seed_gives_other_data(demo, tmp_path):
    out, summary = demo
    other = generate_azure_cost(tmp_path, **{**ARGS, "seed": 12})
    truth = json.loads((out / summary["truth_file"]).read_text())["periods"]
    other_truth = json.loads((tmp_path / other["truth_file"]).read_text())["periods"]
    assert [t["actual_cost"] for t in truth] != [t["actual_cost"] for t in other_truth]


def test_layout_and_manifests(demo):
    out, _ = demo
    found = manifests(out)
    # 2 accounts x 3 months x 2 datasets, minus the MCA's first (actual-only) month, plus one month-to-date
    # run of the last month per export.
    assert len(found) == 2 * 3 * 2 - 1 + 4
    for path, manifest in found:
        config, run = manifest["exportConfig"], manifest["runInfo"]
        assert config["type"] in ("ActualCost", "AmortizedCost")
        assert config["dataVersion"] in ("2024-08-01", "2023-12-01-preview")
        # {export}/{YYYYMMDD-YYYYMMDD}/{run time}/{guid}/manifest.json
        export, date_range, run_time, guid = path.parts[-5:-1]
        assert export == config["exportName"] and guid == run["runId"]
        assert date_range.startswith(run["startDate"][:10].replace("-", ""))
        assert run_time == run["submittedTime"][:16].replace("-", "").replace("T", "").replace(":", "")
        for blob in manifest["blobs"]:
            local = path.parent / Path(blob["blobName"]).name
            assert local.stat().st_size == blob["byteCount"]
            assert len(read_rows(local)) == blob["dataRowCount"]


def test_contract_schemas(demo):
    out, _ = demo
    for path, manifest in manifests(out):
        data = path.parent / Path(manifest["blobs"][0]["blobName"]).name
        if manifest["exportConfig"]["dataVersion"] == "2024-08-01":
            raw = data.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), "EA CSV carries a UTF-8 BOM"
            header = next(csv.reader([raw[3:].decode().splitlines()[0]]))
            assert header == [h for h, _ in EA_COLUMNS]
            row = read_rows(data)[0]
            assert row["Date"][2] == "/" and len(row["Date"]) == 10  # MM/DD/YYYY
        else:
            assert data.suffix == ".parquet"
            assert pq.read_schema(data).names == [h for h, _ in MCA_COLUMNS]


def test_workloads_and_charge_kinds(demo):
    out, _ = demo
    sizes, tags, kinds = set(), set(), set()
    for path, manifest in manifests(out):
        for row in read_rows(path.parent / Path(manifest["blobs"][0]["blobName"]).name):
            info = row.get("AdditionalInfo") or row.get("additionalInfo") or ""
            if info:
                sizes.add(json.loads(info if info.startswith("{") else "{" + info + "}").get("ServiceType"))
            raw_tags = row.get("Tags") or row.get("tags") or ""
            if raw_tags:
                tags |= set(json.loads(raw_tags if raw_tags.startswith("{") else "{" + raw_tags + "}"))
            kinds.add(
                (
                    manifest["exportConfig"]["type"],
                    row.get("ChargeType") or row.get("chargeType"),
                    row.get("PricingModel") or row.get("pricingModel"),
                    row.get("PublisherType") or row.get("publisherType"),
                )
            )
    for size in (
        "Standard_ND96isr_H100_v5",
        "Standard_ND96amsr_A100_v4",
        "Standard_NC24ads_A100_v4",
        "Standard_NC16as_T4_v3",
        "Standard_NV36ads_A10_v5",
    ):
        assert size in sizes
    assert {"azuremlendpoint", "azuremldeployment", "aks-managed-poolName"} <= tags
    for expected in (
        ("ActualCost", "Purchase", "Reservation", "Azure"),
        ("ActualCost", "Purchase", "SavingsPlan", "Azure"),
        ("ActualCost", "Refund", "Reservation", "Azure"),
        ("AmortizedCost", "UnusedReservation", "Reservation", "Azure"),
        ("AmortizedCost", "UnusedSavingsPlan", "SavingsPlan", "Azure"),
        ("AmortizedCost", "Usage", "Reservation", "Azure"),
        ("AmortizedCost", "Usage", "SavingsPlan", "Azure"),
        ("AmortizedCost", "Usage", "Spot", "Azure"),
        ("AmortizedCost", "Purchase", "OnDemand", "Marketplace"),
        ("AmortizedCost", "Refund", "OnDemand", "Marketplace"),
    ):
        assert expected in kinds, expected
    assert not any(k[0] == "ActualCost" and k[1].startswith("Unused") for k in kinds)
    assert not any(k[0] == "AmortizedCost" and k[1] == "Purchase" and k[2] != "OnDemand" for k in kinds)


def test_truth_equals_sums_of_the_written_files(demo):
    out, summary = demo
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    counts: dict[tuple, int] = defaultdict(int)
    for path, manifest in latest_runs(out).values():
        dataset = "actual" if manifest["exportConfig"]["type"] == "ActualCost" else "amortized"
        for row in read_rows(path.parent / Path(manifest["blobs"][0]["blobName"]).name):
            account = row.get("BillingProfileId") or row.get("billingProfileId")
            start = row.get("BillingPeriodStartDate") or row.get("billingPeriodStartDate")
            period = start.strftime("%Y-%m") if hasattr(start, "strftime") else f"{start[6:10]}-{start[0:2]}"
            cost = row.get("CostInBillingCurrency", row.get("costInBillingCurrency"))
            key = (account, period, dataset)
            sums[key] += Decimal(str(cost))
            counts[key] += 1
    truth = json.loads((out / summary["truth_file"]).read_text())["periods"]
    assert {t["billing_account_id"] for t in truth} == {EA_BILLING_ACCOUNT_ID, MCA_BILLING_PROFILE_ID}
    assert {t["billing_currency"] for t in truth} == {"USD", "EUR"}
    for t in truth:
        key = (t["billing_account_id"], t["billing_period"])
        assert abs(sums[(*key, "actual")] - Decimal(t["actual_cost"])) < Decimal("0.000001"), key
        assert counts[(*key, "actual")] == t["actual_rows"]
        if t["amortization_available"]:
            assert abs(sums[(*key, "amortized")] - Decimal(t["amortized_cost"])) < Decimal("0.000001"), key
            assert counts[(*key, "amortized")] == t["amortized_rows"]
        else:
            assert (*key, "amortized") not in counts
    assert [t["amortization_available"] for t in truth].count(False) == 1  # the MCA's first month


def test_monthly_commitments_amortise_exactly(demo):
    """A monthly reservation or savings plan: Σ amortized = Σ actual for the month (no refund, no upfront)."""
    out, summary = demo
    truth = json.loads((out / summary["truth_file"]).read_text())["periods"]
    ea = {t["billing_period"]: t for t in truth if t["billing_account_id"] == EA_BILLING_ACCOUNT_ID}
    assert ea["2026-08"]["actual_cost"] == ea["2026-08"]["amortized_cost"]
    # the refund of an exchanged reservation is billed in September and is not amortized
    assert Decimal(ea["2026-09"]["actual_cost"]) < Decimal(ea["2026-09"]["amortized_cost"])
    mca = {t["billing_period"]: t for t in truth if t["billing_account_id"] == MCA_BILLING_PROFILE_ID}
    # the upfront reservation is bought in September: billed at once, amortized over a year
    assert Decimal(mca["2026-09"]["actual_cost"]) > Decimal(mca["2026-09"]["amortized_cost"])
