"""The dbt unit tests that reproduce the FOCUS 1.2 commitment examples
(models/intermediate/billing/_billing__spec_example_unit_tests.yml) expect the examples' own values: every
expected cell equals the example CSV (tests/fixtures/focus/focus-spec-v1.2-examples, byte copies of the
specification's files) except the listed errata workarounds and the unit spelling."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT

EXAMPLES = FIXTURES / "focus" / "focus-spec-v1.2-examples"
UNIT_TESTS = ROOT / "models" / "intermediate" / "billing" / "_billing__spec_example_unit_tests.yml"

TEST_TO_EXAMPLE = {
    "spec_commitment_purchase_scenario_1_all_upfront": "commitment_discount_scenarios/commitment_discount_purchase_scenario_1.csv",
    "spec_commitment_purchase_scenario_2_no_upfront": "commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv",
    "spec_commitment_purchase_scenario_3_partial_upfront": "commitment_discount_scenarios/commitment_discount_purchase_scenario_3.csv",
    "spec_commitment_usage_scenario_1_fully_used": "commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv",
    "spec_commitment_usage_scenario_2_unused": "commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv",
    "spec_commitment_usage_scenario_3_partly_used": "commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
    "spec_commitment_usage_scenario_4_overflow_on_demand": "commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv",
    "spec_flexibility_full_utilization_without_flexibility": "commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
    "spec_flexibility_zero_utilization_without_flexibility": "commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv",
    "spec_flexibility_full_utilization_with_flexibility_one_resource": "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
    "spec_flexibility_full_utilization_with_flexibility_two_resources": "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
}  # fmt: skip

# Documented departures from the example values (the test descriptions and the file header give the reasons):
# (test, row index, example column) -> the value the unit test expects instead.
ERRATA = {
    # erratum 1: hour 30 is no timestamp; read literally it is the next day, 06:00
    ("spec_commitment_purchase_scenario_2_no_upfront", 2, "ChargePeriodEnd"): "2023-02-02 06:00:00",
    ("spec_commitment_purchase_scenario_3_partial_upfront", 3, "ChargePeriodEnd"): "2023-02-02 06:00:00",
    # erratum 2: the Unused row points at the commitment and consumes nothing
    ("spec_flexibility_zero_utilization_without_flexibility", 1, "ResourceId"): "<my-commitment-discount-id>",
    ("spec_flexibility_zero_utilization_without_flexibility", 1, "ConsumedQuantity"): None,
    ("spec_flexibility_zero_utilization_without_flexibility", 1, "ConsumedUnit"): None,
}


def snake(column: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", column).lower()


def normalise(value) -> str | None:
    """One spelling for a cell of either side: null, a number, a timestamp or text."""
    if value is None or value == "null":
        return None
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", text):
        text = text.replace("T", " ").rstrip("Z")
    if text == "Hour":  # erratum 3: FOCUS UnitFormat spells it Hours
        text = "Hours"
    try:
        return str(Decimal(text).normalize())
    except ArithmeticError:
        return text


def example_rows(relative: str) -> list[dict[str, str]]:
    with (EXAMPLES / relative).open(newline="") as handle:
        return [row for row in csv.DictReader(handle) if any(v.strip() for v in row.values())]


def unit_tests() -> dict[str, dict]:
    return {t["name"]: t for t in yaml.safe_load(UNIT_TESTS.read_text())["unit_tests"]}


def test_every_commitment_example_has_a_unit_test():
    copied = {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.csv")}
    assert copied == set(TEST_TO_EXAMPLE.values())
    assert set(unit_tests()) == set(TEST_TO_EXAMPLE)


@pytest.mark.parametrize("name", sorted(TEST_TO_EXAMPLE))
def test_unit_test_expects_the_example_values(name):
    example = example_rows(TEST_TO_EXAMPLE[name])
    expected = unit_tests()[name]["expect"]["rows"]
    assert len(expected) == len(example), "one expected row per example row, in the example's order"
    by_snake = {snake(c): c for c in example[0]} | {"sku_price_id": "SkuPriceid"}
    compared = set(expected[0])
    assert compared <= set(by_snake), f"expects columns the example does not name: {compared - set(by_snake)}"
    for index, (want, row) in enumerate(zip(expected, example, strict=True)):
        for column in compared:
            original = by_snake[column]
            spec_value = ERRATA.get((name, index, original), row[original])
            assert normalise(want[column]) == normalise(spec_value), (name, index, original)


def test_unit_test_file_lists_the_errata():
    text = Path(UNIT_TESTS).read_text()
    assert "2023-02-01T30:00:00Z" in text
    assert "Unused row carries the VM's ResourceId" in text
