"""Deterministic demo data for AWS Cost and Usage Report 2.0 (AWS Data Exports, Parquet).

The generator writes what an AI-heavy AWS organisation would receive from a CUR 2.0 export with hourly
granularity, resource ids, split cost allocation data and capacity reservation data turned on, delivered with
``OVERWRITE_REPORT``::

    <out_dir>/aws/cur2/<export>/data/BILLING_PERIOD=YYYY-MM/<export>-00001.snappy.parquet
    <out_dir>/aws/cur2/<export>/metadata/BILLING_PERIOD=YYYY-MM/<export>-Manifest.json
    <out_dir>/aws/cur2-earlier/<export>/...        earlier delivery of the last two periods (restated later)
    <out_dir>/truth/aws_cur2.json                  totals the dbt models must reproduce

Everything is a function of the arguments: no wall-clock time, no unseeded randomness, fixed Parquet writer
options. Money is generated as integer nano-dollars and written as float64 values with at most eight decimal
places (the one deliberate exception is a single 0.000000001 USD charge), so float64 and decimal agree
exactly.

Modelling choices that are not documented by AWS are marked "assumption" in the comments below.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import uuid
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["CUR2_COLUMNS", "EXPORT_NAME", "PAYER_ACCOUNT_ID", "generate_aws_cur2"]

EXPORT_NAME = "ai-finops-cur2"
PAYER_ACCOUNT_ID = "111122223333"

# The S3 bucket the manifests point at. Keys below the bucket mirror the local layout below ``out_dir``, so
# ``dataFiles`` entries map to local files by stripping ``s3://<bucket>/``.
_S3_BUCKET = "ai-finops-demo-billing-exports"
_FINAL_PREFIX = "aws/cur2"
_EARLIER_PREFIX = "aws/cur2-earlier"
_EXPORT_ARN = (
    f"arn:aws:bcm-data-exports:us-east-1:{PAYER_ACCOUNT_ID}:export/{EXPORT_NAME}"
    "-6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
)
_MAX_ROWS_PER_FILE = 500_000
_ROW_GROUP_SIZE = 131_072

NANOS = 1_000_000_000
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
_HOURS_PER_YEAR = 8760

# scale=1.0 should give about 10,000 rows per month; this factor converts ``scale`` into fleet sizes.
_FLEET_UNITS_PER_SCALE = 0.7

# ------------------------------------------------------------------------------------------------------------
# Schema: the 128 CUR 2.0 columns of shared notes provider_exports.md section 1.3, plus the three capacity
# reservation columns (AWS table dictionary "Capacity reservation columns", table option
# INCLUDE_CAPACITY_RESERVATION_DATA).
# ------------------------------------------------------------------------------------------------------------
_COLUMN_SPEC = """
bill_bill_type string
bill_billing_entity string
bill_billing_period_end_date timestamp
bill_billing_period_start_date timestamp
bill_invoice_id string
bill_invoicing_entity string
bill_payer_account_id string
bill_payer_account_name string
capacity_reservation_capacity_reservation_arn string
capacity_reservation_capacity_reservation_status string
capacity_reservation_capacity_reservation_type string
cost_category map<string,string>
discount map<string,double>
discount_bundled_discount double
discount_total_discount double
identity_line_item_id string
identity_time_interval string
line_item_availability_zone string
line_item_blended_cost double
line_item_blended_rate string
line_item_currency_code string
line_item_legal_entity string
line_item_line_item_description string
line_item_line_item_type string
line_item_net_unblended_cost double
line_item_net_unblended_rate string
line_item_normalization_factor double
line_item_normalized_usage_amount double
line_item_operation string
line_item_product_code string
line_item_resource_id string
line_item_tax_type string
line_item_unblended_cost double
line_item_unblended_rate string
line_item_usage_account_id string
line_item_usage_account_name string
line_item_usage_amount double
line_item_usage_end_date timestamp
line_item_usage_start_date timestamp
line_item_usage_type string
line_item_iam_principal string
line_item_user_identifier string
pricing_currency string
pricing_lease_contract_length string
pricing_offering_class string
pricing_public_on_demand_cost double
pricing_public_on_demand_rate string
pricing_purchase_option string
pricing_rate_code string
pricing_rate_id string
pricing_term string
pricing_unit string
product map<string,string>
product_comment string
product_fee_code string
product_fee_description string
product_from_location string
product_from_location_type string
product_from_region_code string
product_instance_family string
product_instance_type string
product_instancesku string
product_location string
product_location_type string
product_operation string
product_pricing_unit string
product_product_family string
product_region_code string
product_servicecode string
product_sku string
product_to_location string
product_to_location_type string
product_to_region_code string
product_usagetype string
reservation_amortized_upfront_cost_for_usage double
reservation_amortized_upfront_fee_for_billing_period double
reservation_availability_zone string
reservation_effective_cost double
reservation_end_time string
reservation_modification_status string
reservation_net_amortized_upfront_cost_for_usage double
reservation_net_amortized_upfront_fee_for_billing_period double
reservation_net_effective_cost double
reservation_net_recurring_fee_for_usage double
reservation_net_unused_amortized_upfront_fee_for_billing_period double
reservation_net_unused_recurring_fee double
reservation_net_upfront_value double
reservation_normalized_units_per_reservation double
reservation_number_of_reservations string
reservation_recurring_fee_for_usage double
reservation_reservation_a_r_n string
reservation_start_time string
reservation_subscription_id string
reservation_total_reserved_normalized_units double
reservation_total_reserved_units double
reservation_units_per_reservation double
reservation_unused_amortized_upfront_fee_for_billing_period double
reservation_unused_normalized_unit_quantity double
reservation_unused_quantity double
reservation_unused_recurring_fee double
reservation_upfront_value double
resource_tags map<string,string>
savings_plan_amortized_upfront_commitment_for_billing_period double
savings_plan_end_time string
savings_plan_instance_type_family string
savings_plan_net_amortized_upfront_commitment_for_billing_period double
savings_plan_net_recurring_commitment_for_billing_period double
savings_plan_net_savings_plan_effective_cost double
savings_plan_offering_type string
savings_plan_payment_option string
savings_plan_purchase_term string
savings_plan_recurring_commitment_for_billing_period double
savings_plan_region string
savings_plan_savings_plan_a_r_n string
savings_plan_savings_plan_effective_cost double
savings_plan_savings_plan_rate string
savings_plan_start_time string
savings_plan_total_commitment_to_date double
savings_plan_used_commitment double
split_line_item_actual_usage double
split_line_item_net_split_cost double
split_line_item_net_unused_cost double
split_line_item_parent_resource_id string
split_line_item_public_on_demand_split_cost double
split_line_item_public_on_demand_unused_cost double
split_line_item_reserved_usage double
split_line_item_split_cost double
split_line_item_split_usage double
split_line_item_split_usage_ratio double
split_line_item_unused_cost double
tags map<string,string>
"""

#: (column name, type) in file order; the type strings are the ones written to the manifest.
CUR2_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (line.split()[0], line.split()[1]) for line in _COLUMN_SPEC.strip().splitlines()
)

_ARROW_TYPES = {
    "string": pa.string(),
    "double": pa.float64(),
    "timestamp": pa.timestamp("ms", tz="UTC"),
    "map<string,string>": pa.map_(pa.string(), pa.string()),
    "map<string,double>": pa.map_(pa.string(), pa.float64()),
}
_SCHEMA = pa.schema([pa.field(name, _ARROW_TYPES[kind]) for name, kind in CUR2_COLUMNS])
# In memory, string columns are dictionary arrays; Parquet files carry plain strings (no Arrow schema is stored,
# as in real CUR files, so readers see the types of _SCHEMA).
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())

# Double columns holding money: blocks hand these over as integer nano-dollars.
_MONEY_COLUMNS = frozenset(
    {
        "line_item_blended_cost",
        "line_item_unblended_cost",
        "pricing_public_on_demand_cost",
        "reservation_amortized_upfront_cost_for_usage",
        "reservation_amortized_upfront_fee_for_billing_period",
        "reservation_effective_cost",
        "reservation_recurring_fee_for_usage",
        "reservation_unused_amortized_upfront_fee_for_billing_period",
        "reservation_unused_recurring_fee",
        "reservation_upfront_value",
        "savings_plan_amortized_upfront_commitment_for_billing_period",
        "savings_plan_recurring_commitment_for_billing_period",
        "savings_plan_savings_plan_effective_cost",
        "savings_plan_total_commitment_to_date",
        "savings_plan_used_commitment",
    }
)

# ------------------------------------------------------------------------------------------------------------
# Reference facts.
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InstanceType:
    name: str
    family: str
    vcpu: int
    memory_gib: int
    gpu: int
    gpu_model: str | None
    gpu_memory_gib: int
    processor: str
    network: str
    on_demand: str
    spot: str
    savings_plan: str
    reserved_partial_upfront: str | None


# Source: ec2instances.info data (vantage-sh/ec2instances.info, MIT licence, (c) 2013 Garret Heaton),
# snapshot of 2025-11-30 as kept in tsaol/aws-gpu data/gpu_instances_raw.json; us-east-1, Linux.
# on_demand = "ondemand", spot = "spot_avg", savings_plan = reserved "yrTerm1Convertible.noUpfront" (stands in
# for the 1-year Compute Savings Plan rate, which the snapshot lacks), reserved_partial_upfront =
# "yrTerm1Standard.partialUpfront" (effective $/h). c6i.4xlarge and m6i.2xlarge are CPU shapes missing from
# that GPU snapshot: their on-demand rates are AWS list prices (us-east-1 Linux); their spot and Savings Plan
# rates are illustrative.
_INSTANCE_TYPES = {
    t.name: t
    for t in (
        _InstanceType(
            "p5.48xlarge", "GPU instance", 192, 2048, 8, "NVIDIA H100", 640, "AMD EPYC 7R13 Processor",
            "3200 Gigabit", "55.04", "28.106467", "43.344", None,
        ),
        _InstanceType(
            "p4d.24xlarge", "GPU instance", 96, 1152, 8, "NVIDIA A100", 320, "Intel Xeon Platinum 8275L",
            "4x 100 Gigabit", "21.957642", "8.59075", "16.705312", "13.258202",
        ),
        _InstanceType(
            "g5.12xlarge", "GPU instance", 48, 192, 4, "NVIDIA A10G", 96, "AMD EPYC 7R32", "40 Gigabit",
            "5.672", "2.137", "4.4667", "3.403198",
        ),
        _InstanceType(
            "g5.xlarge", "GPU instance", 4, 16, 1, "NVIDIA A10G", 24, "AMD EPYC 7R32", "Up to 10 Gigabit",
            "1.006", "0.39388", "0.79223", "0.603626",
        ),
        _InstanceType(
            "g6.xlarge", "GPU instance", 4, 16, 1, "NVIDIA L4", 24, "AMD EPYC 7R13 Processor",
            "Up to 10 Gigabit", "0.8048", "0.35575", "0.65491", "0.499033",
        ),
        _InstanceType(
            "g4dn.xlarge", "GPU instance", 4, 16, 1, "NVIDIA T4 Tensor Core", 16, "Intel Xeon Family",
            "Up to 25 Gigabit", "0.526", "0.1766", "0.381", "0.315763",
        ),
        _InstanceType(
            "inf2.xlarge", "Machine Learning ASIC Instances", 4, 16, 1, "AWS Inferentia2", 32,
            "AMD EPYC 7R13 Processor", "Up to 15 Gigabit", "0.7582", "0.12975", "0.59708", "0.454971",
        ),
        _InstanceType(
            "c6i.4xlarge", "Compute optimized", 16, 32, 0, None, 0, "Intel Xeon 8375C (Ice Lake)",
            "Up to 12500 Megabit", "0.68", "0.2652", "0.4896", None,
        ),
        _InstanceType(
            "m6i.2xlarge", "General purpose", 8, 32, 0, None, 0, "Intel Xeon 8375C (Ice Lake)",
            "Up to 12500 Megabit", "0.384", "0.1497", "0.27648", None,
        ),
    )
}  # fmt: skip

# EC2 normalisation factors by instance size (AWS "instance size flexibility" table).
_NORMALIZATION = {"xlarge": 8, "2xlarge": 16, "4xlarge": 32, "12xlarge": 96, "24xlarge": 192, "48xlarge": 384}

# SageMaker ml.* instances: the generator prices them at the EC2 on-demand rate of the same shape times this
# factor, rounded to 4 decimals. Illustrative only: the snapshot has no SageMaker prices.
_SAGEMAKER_MARKUP = Decimal("1.4")
# EC2 Capacity Blocks for ML, p5.48xlarge, $ per instance-hour. Illustrative: block prices float with supply.
_CAPACITY_BLOCK_RATE = "31.464"
# Public list rates (us-east-1): S3 Standard first tier, S3 requests, inter-region and inter-AZ transfer.
_S3_STANDARD_GB_MONTH = "0.023"
_S3_TIER1_PER_REQUEST = "0.000005"  # $0.005 per 1,000 PUT/COPY/POST/LIST
_S3_TIER2_PER_REQUEST = "0.0000004"  # $0.0004 per 1,000 GET and others
_INTER_REGION_PER_GB = "0.02"
_INTER_AZ_PER_GB = "0.01"
_INTER_AZ_DESCRIPTION = "$0.010 per GB - regional data transfer - in/out/between EC2 AZs"

_REGIONS = {
    "us-east-1": ("US East (N. Virginia)", "USE1"),
    "us-west-2": ("US West (Oregon)", "USW2"),
}

_OFFER_ON_DEMAND = "JRTCKXETXF"
_OFFER_RI_1YR_STANDARD_PARTIAL = "HU7G6KETJZ"
_RATE_HOURLY = "6YS6EN2CT7"
_RATE_UPFRONT = "2TG2D8R56U"

# Capacity reservation values, from the AWS CUR 2.0 table dictionary (status "Reserved", "Cancelled", "Used"
# or "Unused"; type "ODCR" or EC2 Capacity Blocks for ML). The exact spelling of the Capacity Block type value
# is an assumption.
_CR_TYPE_ODCR = "ODCR"
_CR_TYPE_BLOCK = "Capacity Block"

_LEGAL_ENTITY = "Amazon Web Services, Inc."
_PAYER_NAME = "ai-finops-demo-management"
_EKS_CLUSTER = "ml-platform-prod"


@dataclass(frozen=True)
class _Account:
    account_id: str
    name: str
    business_unit: str


_ACCOUNT_KEYS = ("payer", "train", "infer", "data")
_ACCOUNTS = {
    "payer": _Account(PAYER_ACCOUNT_ID, _PAYER_NAME, "shared-services"),
    "train": _Account("444455556666", "ml-training", "ml-research"),
    "infer": _Account("777788889999", "ml-inference", "ml-serving"),
    "data": _Account("123456789012", "data-platform", "data-engineering"),
}
_ACCOUNT_INDEX = {key: i for i, key in enumerate(_ACCOUNT_KEYS)}


@dataclass(frozen=True)
class _Fleet:
    """A group of identical EC2 instances that run to one activity pattern."""

    key: str
    account: str
    instance_type: str
    region: str
    az: str
    base_units: float
    pattern: str  # always | mostly | diurnal | bursts | batch | business | block
    team: str
    model: str | None
    workload: str
    environment: str = "prod"
    purchase: str = "ondemand"  # ondemand | spot | capacity_block
    odcr: bool = False
    eks: bool = False
    stable_ids: bool = True  # same instance ids every month (long-running) or new ones (training runs)


_EC2_FLEETS = (
    _Fleet("llm-finetune-p5", "train", "p5.48xlarge", "us-east-1", "us-east-1a", 1.0, "bursts",
           "llm-platform", "llama-3-70b-ft", "training", stable_ids=False),
    _Fleet("ranker-train-p4d", "train", "p4d.24xlarge", "us-east-1", "us-east-1b", 1.0, "mostly",
           "recsys", "ranker-v3", "training"),
    _Fleet("detector-train-p4d-spot", "train", "p4d.24xlarge", "us-east-1", "us-east-1c", 1.0, "bursts",
           "vision", "vit-detector-l", "training", purchase="spot", stable_ids=False),
    _Fleet("ranker-serving-g5", "infer", "g5.12xlarge", "us-east-1", "us-east-1a", 2.0, "diurnal",
           "recsys", "ranker-v3", "inference", odcr=True),
    _Fleet("embedder-serving-g6", "infer", "g6.xlarge", "us-west-2", "us-west-2b", 2.0, "diurnal",
           "search", "query-embedder-v2", "inference"),
    _Fleet("reranker-serving-inf2", "infer", "inf2.xlarge", "us-east-1", "us-east-1c", 1.0, "always",
           "search", "cross-encoder-mini", "inference"),
    _Fleet("detector-dev-g4dn", "infer", "g4dn.xlarge", "us-east-1", "us-east-1d", 1.0, "business",
           "vision", "vit-detector-l", "inference", environment="dev"),
    _Fleet("features-etl-c6i", "data", "c6i.4xlarge", "us-east-1", "us-east-1b", 2.0, "batch",
           "recsys", "ranker-v3", "preprocessing"),
    _Fleet("corpus-tokenize-m6i", "data", "m6i.2xlarge", "us-east-1", "us-east-1a", 1.0, "batch",
           "llm-platform", "llama-3-70b-ft", "preprocessing"),
    _Fleet("eks-gpu-nodes", "infer", "g5.12xlarge", "us-east-1", "us-east-1b", 1.0, "always",
           "llm-platform", None, "inference", eks=True),
    _Fleet("p5-capacity-block", "train", "p5.48xlarge", "us-east-1", "us-east-1d", 1.0, "block",
           "llm-platform", "llama-3-70b-ft", "training", purchase="capacity_block", stable_ids=False),
)  # fmt: skip


@dataclass(frozen=True)
class _SageMakerFleet:
    key: str
    account: str
    component: str  # Train | Host
    ml_type: str
    base_units: float
    pattern: str
    team: str
    model: str
    workload: str
    instances: int
    environment: str = "prod"


_SAGEMAKER_FLEETS = (
    _SageMakerFleet("detector-train", "train", "Train", "ml.p4d.24xlarge", 1.0, "jobs", "vision",
                    "vit-detector-l", "training", 2),
    _SageMakerFleet("ranker-hpo", "train", "Train", "ml.g5.12xlarge", 1.0, "jobs", "recsys", "ranker-v3",
                    "training", 1),
    _SageMakerFleet("reranker-endpoint", "infer", "Host", "ml.g5.xlarge", 1.0, "always", "search",
                    "cross-encoder-mini", "inference", 2),
    _SageMakerFleet("chat-staging-endpoint", "infer", "Host", "ml.g6.xlarge", 1.0, "business", "llm-platform",
                    "llama-3-8b-instruct", "inference", 1, environment="staging"),
)  # fmt: skip


@dataclass(frozen=True)
class _Bucket:
    name: str
    account: str
    team: str
    model: str
    workload: str
    terabytes: float
    requests: bool


_BUCKETS = (
    _Bucket("training-datasets", "data", "llm-platform", "llama-3-70b-ft", "training", 420.0, True),
    _Bucket("model-checkpoints", "train", "llm-platform", "llama-3-70b-ft", "training", 180.0, False),
    _Bucket("feature-store", "data", "recsys", "ranker-v3", "preprocessing", 35.0, True),
)

# Pods on the EKS GPU nodes, by slot: (namespace, deployment, team, model, vCPU request, GiB request).
_EKS_DEPLOYMENTS = (
    ("llm-serving", "llama-chat", "llm-platform", "llama-3-8b-instruct", 11.0, 44.0),
    ("search", "query-embedder", "search", "query-embedder-v2", 8.0, 32.0),
    ("vision", "vit-batch-inference", "vision", "vit-detector-l", 8.0, 32.0),
    ("llm-serving", "llama-chat", "llm-platform", "llama-3-8b-instruct", 11.0, 44.0),
)
# Assumption: split cost allocation weighs a vCPU-hour like nine GiB-hours when it divides an instance's cost.
_EKS_CPU_WEIGHT = 9.0

# ------------------------------------------------------------------------------------------------------------
# Small helpers.
# ------------------------------------------------------------------------------------------------------------


def _nanos(amount: str | Decimal) -> int:
    value = Decimal(amount) * NANOS
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more than 9 decimal places")
    return int(value)


def _round10(values: np.ndarray | float) -> np.ndarray:
    """Float nano-dollars to int64 nano-dollars rounded (half even) to whole 1e-8 dollars."""
    return (np.rint(np.asarray(values, dtype=np.float64) / 10.0) * 10).astype(np.int64)


def _round_int(nanos: int, unit: int) -> int:
    return int((Decimal(nanos) / unit).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) * unit


def _rate_string(nanos: int) -> str:
    return f"{Decimal(nanos).scaleb(-9):.10f}"


def _usd(nanos: int) -> str:
    value = Decimal(nanos).scaleb(-9).normalize()
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def _decimal_string(nanos: int) -> str:
    return f"{Decimal(nanos).scaleb(-9).quantize(Decimal('1E-10'))}"


def _iso(ms: int, millis: bool = False) -> str:
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z" if millis else "%Y-%m-%dT%H:%M:%SZ")


def _digest(seed: int, *keys: object) -> bytes:
    return hashlib.sha256("|".join(str(k) for k in (seed, *keys)).encode()).digest()


def _uuid(seed: int, *keys: object) -> str:
    return str(uuid.UUID(bytes=_digest(seed, *keys)[:16], version=4))


def _hex(seed: int, *keys: object, length: int) -> str:
    return _digest(seed, *keys).hex()[:length]


def _digits(seed: int, *keys: object, length: int) -> str:
    return str(int.from_bytes(_digest(seed, *keys)[:8], "big") % 10**length).rjust(length, "1")


def _sku(*keys: object) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = _digest(0, "sku", *keys)
    return "".join(alphabet[b % 32] for b in raw[:16])


def _rng(seed: int, *keys: object) -> np.random.Generator:
    words = [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF] + [zlib.crc32(str(k).encode()) for k in keys]
    return np.random.default_rng(np.random.SeedSequence(words))


def _cat(values: Sequence[str | None], codes: np.ndarray) -> pa.Array:
    """Strings by code, dictionary-encoded, so nothing is materialised per row until Parquet encodes it.

    The dictionary is canonical (unique entries, first-seen order, nulls as masked index 0): Arrow's Parquet
    writer gives different bytes for equal arrays whose dictionaries hold duplicates or undefined null slots.
    """
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    lookup = {value: i for i, value in enumerate(distinct)}
    remap = np.array([lookup.get(v, 0) if v is not None else 0 for v in values], dtype=np.int32)
    missing = np.array([v is None for v in values], dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    indices = pa.array(remap[codes], pa.int32(), mask=missing[codes] if missing.any() else None)
    return pa.DictionaryArray.from_arrays(indices, pa.array(distinct or [""], pa.string()))


def _const(value: str | None, n: int) -> pa.Array:
    return _cat([value], np.zeros(n, dtype=np.int32))


def _null_strings(n: int) -> pa.Array:
    """All-null dictionary strings whose (masked) indices are zeros, never uninitialised memory: Arrow's own
    null arrays leave index slots undefined, which leaks into Parquet bytes and breaks reproducibility."""
    return _const(None, n)


def _group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    if len(sorted_keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])


def _group_rank(sorted_keys: np.ndarray) -> np.ndarray:
    n = len(sorted_keys)
    starts = _group_starts(sorted_keys)
    counts = np.diff(np.r_[starts, n])
    return np.arange(n) - np.repeat(starts, counts)


def _group_cumsum(sorted_keys: np.ndarray, values: np.ndarray) -> np.ndarray:
    n = len(sorted_keys)
    if n == 0:
        return values.copy()
    starts = _group_starts(sorted_keys)
    counts = np.diff(np.r_[starts, n])
    total = np.cumsum(values)
    before = total[starts] - values[starts]
    return total - np.repeat(before, counts)


def _runs(mask: np.ndarray) -> np.ndarray:
    """Number each contiguous run of True values in a 1-D mask (-1 where False)."""
    starts = mask & ~np.r_[False, mask[:-1]]
    ids = np.cumsum(starts) - 1
    return np.where(mask, ids, -1)


def _size_factor(instance_type: str) -> int:
    return _NORMALIZATION[instance_type.split(".", 1)[1]]


def _eks_node_tags(fleet: _Fleet) -> dict:
    return {"aws_eks_cluster_name": _EKS_CLUSTER, "user_nodegroup": "gpu-g5-12xlarge"} if fleet.eks else {}


# ------------------------------------------------------------------------------------------------------------
# The plan: periods, fleet sizes and commitments shared by every period.
# ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    index: int
    label: str
    start_ms: int
    end_ms: int
    hours: int
    weekday0: int
    is_last: bool


@dataclass(frozen=True)
class _ReservedInstance:
    arn: str
    account: str
    instance_type: str
    region: str
    quantity: int
    start_ms: int
    end_ms: int
    recurring: int  # nano-dollars per instance-hour
    amortized: int  # nano-dollars per instance-hour
    subscription_id: str

    @property
    def upfront(self) -> int:
        return self.amortized * _HOURS_PER_YEAR * self.quantity


@dataclass(frozen=True)
class _SavingsPlan:
    arn: str
    account: str
    start_ms: int
    end_ms: int
    recurring: int  # nano-dollars per hour
    amortized: int

    @property
    def commitment(self) -> int:
        return self.recurring + self.amortized

    @property
    def upfront(self) -> int:
        return self.amortized * _HOURS_PER_YEAR


@dataclass(frozen=True)
class _Plan:
    seed: int
    units_scale: float
    periods: tuple[_Period, ...]
    ec2: tuple[tuple[_Fleet, int, float], ...]
    sagemaker: tuple[tuple[_SageMakerFleet, int, float], ...]
    bucket_copies: int
    reserved_instances: tuple[_ReservedInstance, ...]
    savings_plan: _SavingsPlan
    odcr_arn: str


def _units(base: float, units_scale: float) -> tuple[int, float]:
    """Fleet size for a scale: (units, share of the month the last unit runs), so 2.3 units = (3, 0.3)."""
    count = base * units_scale
    units = max(1, math.ceil(count - 1e-9))
    return units, count - (units - 1)


def _periods(months: int, last_period: str) -> tuple[_Period, ...]:
    year, month = (int(part) for part in last_period.split("-"))
    first = year * 12 + (month - 1) - (months - 1)
    periods = []
    for index in range(months):
        y, m = divmod(first + index, 12)
        start = datetime(y, m + 1, 1, tzinfo=UTC)
        ny, nm = divmod(first + index + 1, 12)
        end = datetime(ny, nm + 1, 1, tzinfo=UTC)
        start_ms = int(start.timestamp() * 1000)
        end_ms = int(end.timestamp() * 1000)
        periods.append(
            _Period(
                index=index,
                label=f"{y:04d}-{m + 1:02d}",
                start_ms=start_ms,
                end_ms=end_ms,
                hours=(end_ms - start_ms) // HOUR_MS,
                weekday0=date(y, m + 1, 1).weekday(),
                is_last=index == months - 1,
            )
        )
    return tuple(periods)


def _build_plan(seed: int, scale: float, months: int, last_period: str) -> _Plan:
    periods = _periods(months, last_period)
    units_scale = scale * _FLEET_UNITS_PER_SCALE
    ec2 = tuple((fleet, *_units(fleet.base_units, units_scale)) for fleet in _EC2_FLEETS)
    sagemaker = tuple((fleet, *_units(fleet.base_units, units_scale)) for fleet in _SAGEMAKER_FLEETS)
    quantity = max(1, round(units_scale))
    year_ms = _HOURS_PER_YEAR * HOUR_MS

    def reserved(name: str, account: str, instance_type: str, start_ms: int) -> _ReservedInstance:
        effective = _nanos(_INSTANCE_TYPES[instance_type].reserved_partial_upfront or "0")
        amortized = int(_round10(effective / 2))
        return _ReservedInstance(
            arn=f"arn:aws:ec2:us-east-1:{_ACCOUNTS[account].account_id}:reserved-instances/"
            + _uuid(seed, "ri", name),
            account=account,
            instance_type=instance_type,
            region="us-east-1",
            quantity=quantity,
            start_ms=start_ms,
            end_ms=start_ms + year_ms,
            recurring=effective - amortized,
            amortized=amortized,
            subscription_id=_digits(seed, "ri-subscription", name, length=10),
        )

    first = periods[0]
    second = periods[1] if months > 1 else periods[0]
    reserved_instances = (
        reserved("ranker-train", "train", "p4d.24xlarge", first.start_ms),
        reserved("ranker-serving", "infer", "g5.12xlarge", second.start_ms + 9 * DAY_MS),
    )
    # Compute Savings Plan, 1 year, partial upfront: half the hourly commitment is paid upfront.
    commitment = max(10_000_000, int(_round10(11.0 * NANOS * units_scale)))
    amortized = int(_round10(commitment / 2))
    savings_plan = _SavingsPlan(
        arn=f"arn:aws:savingsplans::{PAYER_ACCOUNT_ID}:savingsplan/{_uuid(seed, 'sp')}",
        account="payer",
        start_ms=first.start_ms,
        end_ms=first.start_ms + year_ms,
        recurring=commitment - amortized,
        amortized=amortized,
    )
    odcr_arn = f"arn:aws:ec2:us-east-1:{_ACCOUNTS['infer'].account_id}:capacity-reservation/cr-0" + _hex(
        seed, "odcr", length=16
    )
    return _Plan(
        seed=seed,
        units_scale=units_scale,
        periods=periods,
        ec2=ec2,
        sagemaker=sagemaker,
        bucket_copies=max(1, round(units_scale)),
        reserved_instances=reserved_instances,
        savings_plan=savings_plan,
        odcr_arn=odcr_arn,
    )


def _activity(pattern: str, units: int, frac: float, period: _Period, rng: np.random.Generator) -> np.ndarray:
    """Boolean (units x hours) matrix: is unit i running in hour h."""
    hours = period.hours
    h = np.arange(hours)
    hod = h % 24
    day = h // 24
    weekday = (period.weekday0 + day) % 7
    if pattern == "always":
        mask = np.ones((units, hours), dtype=bool)
    elif pattern == "mostly":
        mask = np.ones((units, hours), dtype=bool)
        for unit in range(units):
            if rng.random() < 0.8:  # maintenance or re-training gap: reserved capacity sits unused
                length = int(rng.integers(12, 97))
                start = int(rng.integers(0, hours - length))
                mask[unit, start : start + length] = False
    elif pattern == "diurnal":
        load = 0.35 + 0.65 * (0.5 + 0.5 * np.cos(2 * np.pi * (hod - 18) / 24))
        daily = rng.uniform(0.85, 1.0, size=hours // 24 + 1)[day]
        capacity = np.rint(units * load * daily).astype(np.int64)
        mask = np.arange(units)[:, None] < capacity[None, :]
    elif pattern in ("bursts", "jobs"):
        low, high, most = (24, 121, 3) if pattern == "bursts" else (4, 37, 5)
        mask = np.zeros((units, hours), dtype=bool)
        for unit in range(units):
            for _ in range(int(rng.integers(1, most + 1))):
                length = int(rng.integers(low, high))
                start = int(rng.integers(0, hours - length))
                mask[unit, start : start + length] = True
    elif pattern == "batch":
        day_on = rng.random(hours // 24 + 1) < 0.9
        row = (hod >= 1) & (hod < 7) & day_on[day]
        mask = np.repeat(row[None, :], units, axis=0)
    elif pattern == "business":
        row = (weekday < 5) & (hod >= 13) & (hod < 23)
        mask = np.repeat(row[None, :], units, axis=0)
    else:
        raise ValueError(pattern)
    if frac < 1.0:
        # The last unit of a fractional fleet runs for a window of the month only, so row counts stay
        # proportional to scale. The window opens at an hour the pattern is active, so every fleet shows up in
        # every month even at the smallest scale.
        last = mask[units - 1]
        length = min(hours, max(6, math.ceil(frac * hours)))
        active = np.flatnonzero(last)
        opening = int(rng.choice(active)) if len(active) else 0
        start = min(opening, hours - length)
        window = np.zeros(hours, dtype=bool)
        window[start : start + length] = True
        mask[units - 1] = last & window
    return mask


# ------------------------------------------------------------------------------------------------------------
# One billing period.
# ------------------------------------------------------------------------------------------------------------


class _Registry:
    """Distinct dicts (product attributes, tag sets) referenced by integer code."""

    def __init__(self) -> None:
        self._codes: dict[object, int] = {}
        self.items: list[dict] = []

    def code(self, key: object, build: Callable[[], dict]) -> int:
        found = self._codes.get(key)
        if found is None:
            found = len(self.items)
            self._codes[key] = found
            self.items.append(build())
        return found


_PRODUCT_SCALARS = tuple(
    name for name, kind in CUR2_COLUMNS if name.startswith("product_") and kind == "string"
)
_BILL_TYPES = ("Anniversary", "Purchase", "Refund")


@dataclass
class _Block:
    n: int
    account: int | np.ndarray
    product: int | np.ndarray
    tags: int | np.ndarray
    start: int | np.ndarray
    end: int | np.ndarray
    bill_type: int
    columns: dict


class _PeriodGenerator:
    def __init__(self, plan: _Plan, period: _Period) -> None:
        self.plan = plan
        self.period = period
        self.seed = plan.seed
        self.blocks: list[_Block] = []
        self.products = _Registry()
        self.tagsets = _Registry()
        self.tagsets.code("none", dict)
        self.billed: dict[tuple[int, str], int] = {}  # (account index, product code) -> nano-dollars

    # -- plumbing --------------------------------------------------------------------------------------------

    def rng(self, *keys: object) -> np.random.Generator:
        return _rng(self.seed, self.period.label, *keys)

    def hour_ms(self, hours: np.ndarray | int) -> np.ndarray | int:
        return self.period.start_ms + np.asarray(hours, dtype=np.int64) * HOUR_MS

    def add(
        self,
        n: int,
        *,
        account: int | np.ndarray,
        product: int | np.ndarray,
        tags: int | np.ndarray = 0,
        start: int | np.ndarray,
        end: int | np.ndarray,
        bill_type: str = "Anniversary",
        **columns: object,
    ) -> None:
        if n == 0:
            return
        self.blocks.append(
            _Block(n, account, product, tags, start, end, _BILL_TYPES.index(bill_type), columns)
        )
        cost = columns.get("line_item_unblended_cost")
        code = columns.get("line_item_product_code")
        if cost is None or not isinstance(code, str):
            return
        accounts = np.broadcast_to(np.asarray(account), (n,))
        costs = np.broadcast_to(np.asarray(cost, dtype=np.int64), (n,))
        for index in np.unique(accounts):
            key = (int(index), code)
            self.billed[key] = self.billed.get(key, 0) + int(costs[accounts == index].sum())

    def tag_code(self, key: object, **tags: str | None) -> int:
        return self.tagsets.code(key, lambda: {k: v for k, v in tags.items() if v is not None})

    def fleet_tags(self, team: str, model: str | None, workload: str, environment: str, **extra: str) -> int:
        return self.tag_code(
            ("user", team, model, workload, environment, tuple(sorted(extra.items()))),
            user_team=team,
            user_model=model,
            user_workload=workload,
            user_environment=environment,
            **extra,
        )

    def product(
        self,
        key: tuple,
        *,
        servicecode: str,
        name: str,
        family: str | None,
        usagetype: str | None,
        operation: str | None,
        region: str | None,
        unit: str | None,
        instance: _InstanceType | None = None,
        instance_type: str | None = None,
        to_region: str | None = None,
        transfer_type: str | None = None,
        extra: dict | None = None,
    ) -> int:
        def build() -> dict:
            entry: dict = {
                "product_servicecode": servicecode,
                "product_product_family": family,
                "product_usagetype": usagetype,
                "product_operation": operation,
                "product_pricing_unit": unit,
                "product_sku": _sku(*key),
            }
            mapping = {"product_name": name, "servicecode": servicecode, "servicename": name}
            if region is not None:
                location = _REGIONS[region][0]
                entry.update(
                    product_region_code=region, product_location=location, product_location_type="AWS Region"
                )
                mapping["region"] = region
            if to_region is not None:
                entry.update(
                    product_from_location=_REGIONS[region][0] if region else None,
                    product_from_location_type="AWS Region",
                    product_from_region_code=region,
                    product_to_location=_REGIONS[to_region][0],
                    product_to_location_type="AWS Region",
                    product_to_region_code=to_region,
                )
            if transfer_type is not None:
                mapping["transfer_type"] = transfer_type
            if instance is not None:
                shown = instance_type or instance.name
                entry.update(product_instance_type=shown, product_instance_family=instance.family)
                mapping.update(
                    instance_type=shown,
                    instance_type_family=shown.removeprefix("ml.").split(".")[0],
                    vcpu=str(instance.vcpu),
                    memory=f"{instance.memory_gib} GiB",
                    physical_processor=instance.processor,
                    network_performance=instance.network,
                    operating_system="Linux",
                    tenancy="Shared",
                    normalization_size_factor=str(_size_factor(instance.name)),
                )
                if instance.gpu:
                    mapping.update(gpu=str(instance.gpu), gpu_memory=f"{instance.gpu_memory_gib} GB")
            if extra:
                mapping.update(extra)
            entry["map"] = mapping
            return entry

        return self.products.code(key, build)

    # -- usage ----------------------------------------------------------------------------------------------

    def generate(self) -> pa.Table:
        self.ec2()
        self.sagemaker()
        self.s3()
        self.data_transfer()
        self.commitment_fees()
        self.adjustments()
        return self.assemble()

    def ec2_product(self, instance: _InstanceType, region: str, variant: str) -> int:
        prefix = "" if region == "us-east-1" else _REGIONS[region][1] + "-"
        operation = {"SpotUsage": "RunInstances:SV001"}.get(variant, "RunInstances")
        family = {"HeavyUsage": None, "CapacityBlockFee": "Compute Instance"}.get(variant, "Compute Instance")
        extra = {"capacitystatus": "UnusedCapacityReservation" if variant == "UnusedBox" else "Used"}
        return self.product(
            ("ec2", instance.name, region, variant),
            servicecode="AmazonEC2",
            name="Amazon Elastic Compute Cloud",
            family=family,
            usagetype=f"{prefix}{variant}:{instance.name}",
            operation=operation,
            region=region,
            unit="Hrs",
            instance=instance,
            extra=extra,
        )

    def ec2(self) -> None:
        plan, period = self.plan, self.period
        hours = period.hours
        type_names = list(_INSTANCE_TYPES)
        fleet_rows, unit_rows, hour_rows = [], [], []
        instance_ids: list[str] = []
        block_start = 0
        block_hours = 0
        for index, (fleet, units, frac) in enumerate(plan.ec2):
            rng = self.rng("ec2", fleet.key)
            if fleet.pattern == "block":
                # One EC2 Capacity Block for ML a month; blocks start at 12:00 UTC (assumption: hour-aligned).
                block_hours = 48 if frac >= 0.5 else 24
                block_start = int(rng.integers(2, hours // 24 - 3)) * 24 + 12
                mask = np.zeros((units, hours), dtype=bool)
                mask[:, block_start : block_start + block_hours] = True
            else:
                mask = _activity(fleet.pattern, units, frac, period, rng)
            unit_index, hour_index = np.nonzero(mask)
            fleet_rows.append(np.full(len(unit_index), index, dtype=np.int64))
            unit_rows.append(unit_index + len(instance_ids))
            hour_rows.append(hour_index)
            for unit in range(units):
                key = (fleet.key, unit) if fleet.stable_ids else (fleet.key, unit, period.label)
                instance_ids.append("i-0" + _hex(self.seed, "instance", *key, length=16))
        fleet_of = np.concatenate(fleet_rows)
        unit_of = np.concatenate(unit_rows)
        hour = np.concatenate(hour_rows).astype(np.int64)
        n = len(hour)

        fleets = [fleet for fleet, _, _ in plan.ec2]
        type_of = np.array([type_names.index(f.instance_type) for f in fleets])[fleet_of]
        on_demand = np.array([_nanos(_INSTANCE_TYPES[t].on_demand) for t in type_names])[type_of]
        sp_rate = np.array([_nanos(_INSTANCE_TYPES[t].savings_plan) for t in type_names])[type_of]
        purchase = np.array([("ondemand", "spot", "capacity_block").index(f.purchase) for f in fleets])[
            fleet_of
        ]
        region_of = np.array([list(_REGIONS).index(f.region) for f in fleets])[fleet_of]
        is_odcr = np.array([f.odcr for f in fleets])[fleet_of]
        is_eks = np.array([f.eks for f in fleets])[fleet_of]
        start = self.hour_ms(hour)

        # Reserved instances apply first (regional RIs, exact instance type), lowest row first.
        ri_of = np.full(n, -1, dtype=np.int64)
        for ri_index, ri in enumerate(plan.reserved_instances):
            first_hour = max(0, (ri.start_ms - period.start_ms) // HOUR_MS)
            if ri.start_ms >= period.end_ms:
                continue
            eligible = np.flatnonzero(
                (purchase == 0)
                & (type_of == type_names.index(ri.instance_type))
                & (region_of == list(_REGIONS).index(ri.region))
                & (hour >= first_hour)
                & (ri_of < 0)
            )
            order = eligible[np.lexsort((eligible, hour[eligible]))]
            covered = order[_group_rank(hour[order]) < ri.quantity]
            ri_of[covered] = ri_index

        # The Savings Plan then covers on-demand usage, highest discount first, up to its hourly commitment.
        sp = plan.savings_plan
        commitment = sp.commitment
        eligible = np.flatnonzero((purchase == 0) & (ri_of < 0))
        discount_ppm = (on_demand - sp_rate) * 1_000_000 // on_demand
        order = eligible[np.lexsort((eligible, -discount_ppm[eligible], hour[eligible]))]
        cost = sp_rate[order]
        cumulative = _group_cumsum(hour[order], cost)
        before = cumulative - cost
        covered_sp = np.where(cumulative <= commitment, cost, np.clip(commitment - before, 0, None))
        sp_covered = np.zeros(n, dtype=np.int64)
        sp_covered[order] = covered_sp
        used = np.zeros(hours, dtype=np.int64)
        np.add.at(used, hour[order], covered_sp)
        self.sp_used = used

        full = sp_covered == sp_rate
        partial = (sp_covered > 0) & ~full
        fraction = np.where(sp_covered > 0, sp_covered / sp_rate, 0.0)
        covered_od = np.where(full, on_demand, np.where(partial, _round10(on_demand * fraction), 0))

        # Effective (amortised) cost of every instance-hour, for the EKS split below.
        effective = on_demand.copy()
        for ri_index, ri in enumerate(plan.reserved_instances):
            effective[ri_of == ri_index] = ri.recurring + ri.amortized
        effective = np.where(sp_covered > 0, sp_covered + (on_demand - covered_od), effective)
        effective[purchase == 1] = np.array([_nanos(_INSTANCE_TYPES[t].spot) for t in type_names])[
            type_of[purchase == 1]
        ]
        effective[purchase == 2] = 0

        # Per-row attributes shared by every line type.
        accounts = np.array([_ACCOUNT_INDEX[f.account] for f in fleets])[fleet_of]
        az = _cat([f.az for f in fleets], fleet_of)
        resource = _cat(instance_ids, unit_of)
        tags = np.array(
            [self.fleet_tags(f.team, f.model, f.workload, f.environment, **_eks_node_tags(f)) for f in fleets]
        )[fleet_of]
        factor = np.array([float(_size_factor(t)) for t in type_names])[type_of]
        box_of_fleet = [
            self.ec2_product(_INSTANCE_TYPES[f.instance_type], f.region, "BoxUsage") for f in fleets
        ]
        box = np.array(box_of_fleet)[fleet_of]
        rate_codes = [
            f"{self.products.items[c]['product_sku']}.{_OFFER_ON_DEMAND}.{_RATE_HOURLY}" for c in box_of_fleet
        ]
        block_arn = f"arn:aws:ec2:us-east-1:{_ACCOUNTS['train'].account_id}:capacity-reservation/cr-0" + _hex(
            self.seed, "capacity-block", period.label, length=16
        )
        cr_code = np.where(purchase == 2, 2, np.where(is_odcr, 1, 0))
        types = list(_INSTANCE_TYPES.values())
        od_rates = [_rate_string(_nanos(t.on_demand)) for t in types]
        od_descriptions = [
            f"${_usd(_nanos(t.on_demand))} per On Demand Linux {t.name} Instance Hour" for t in types
        ]

        def lines(
            rows: np.ndarray,
            kind: str,
            cost: np.ndarray | int,
            *,
            amount: np.ndarray | None = None,
            rate: pa.Array | str | None = None,
            products: np.ndarray | None = None,
            capacity: bool = True,
            **columns: object,
        ) -> None:
            """Add instance-hour lines for ``rows``, with the columns every EC2 line type shares."""
            amount = np.ones(len(rows)) if amount is None else amount
            products = box[rows] if products is None else products
            if capacity:
                codes = cr_code[rows]
                columns["capacity_reservation_capacity_reservation_arn"] = _cat(
                    [None, plan.odcr_arn, block_arn], codes
                )
                columns["capacity_reservation_capacity_reservation_type"] = _cat(
                    [None, _CR_TYPE_ODCR, _CR_TYPE_BLOCK], codes
                )
                columns["capacity_reservation_capacity_reservation_status"] = _cat(
                    [None, "Used", "Used"], codes
                )
            columns.setdefault("line_item_operation", "RunInstances")
            self.add(
                len(rows),
                account=accounts[rows],
                product=products,
                tags=tags[rows],
                start=start[rows],
                end=start[rows] + HOUR_MS,
                line_item_line_item_type=kind,
                line_item_product_code="AmazonEC2",
                line_item_usage_type=self.usage_types(products),
                line_item_availability_zone=az.take(pa.array(rows)),
                line_item_resource_id=resource.take(pa.array(rows)),
                line_item_usage_amount=amount,
                line_item_normalization_factor=factor[rows],
                line_item_normalized_usage_amount=amount * factor[rows],
                line_item_unblended_rate=rate,
                line_item_unblended_cost=cost,
                line_item_blended_rate=rate,
                line_item_blended_cost=cost,
                pricing_unit="Hrs",
                pricing_public_on_demand_rate=_cat(od_rates, type_of[rows]),
                **columns,
            )

        # On-demand usage, including the uncovered remainder of partially covered hours.
        plain = np.flatnonzero((purchase == 0) & (ri_of < 0) & (sp_covered == 0))
        remainder = np.flatnonzero(partial)
        rows = np.concatenate([plain, remainder])
        cost = np.concatenate([on_demand[plain], on_demand[remainder] - covered_od[remainder]])
        lines(
            rows,
            "Usage",
            cost,
            amount=np.concatenate([np.ones(len(plain)), 1.0 - fraction[remainder]]),
            rate=_cat(od_rates, type_of[rows]),
            line_item_line_item_description=_cat(od_descriptions, type_of[rows]),
            pricing_public_on_demand_cost=cost,
            pricing_term="OnDemand",
            pricing_rate_code=_cat(rate_codes, fleet_of[rows]),
            pricing_rate_id=_cat([_digits(0, "rate-id", c, length=9) for c in rate_codes], fleet_of[rows]),
        )

        # Reserved-instance-covered usage: zero-rated, the RI cost is in reservation_effective_cost.
        for ri_index, ri in enumerate(plan.reserved_instances):
            rows = np.flatnonzero(ri_of == ri_index)
            lines(
                rows,
                "DiscountedUsage",
                0,
                rate="0.0000000000",
                line_item_line_item_description=f"Linux/UNIX (Amazon VPC), {ri.instance_type} reserved instance applied",
                pricing_public_on_demand_cost=on_demand[rows],
                pricing_term="Reserved",
                pricing_purchase_option="Partial Upfront",
                pricing_offering_class="standard",
                pricing_lease_contract_length="1yr",
                pricing_rate_code=_cat(
                    [c.replace(_OFFER_ON_DEMAND, _OFFER_RI_1YR_STANDARD_PARTIAL) for c in rate_codes],
                    fleet_of[rows],
                ),
                reservation_reservation_a_r_n=ri.arn,
                reservation_effective_cost=ri.recurring + ri.amortized,
                reservation_recurring_fee_for_usage=ri.recurring,
                reservation_amortized_upfront_cost_for_usage=ri.amortized,
                reservation_start_time=_iso(ri.start_ms, millis=True),
                reservation_end_time=_iso(ri.end_ms, millis=True),
                reservation_subscription_id=ri.subscription_id,
                reservation_modification_status="Original",
            )

        # Savings-Plan-covered usage at the on-demand rate, and the negation line that cancels it.
        rows = np.flatnonzero(sp_covered > 0)
        amount = np.where(full[rows], 1.0, fraction[rows])
        sp_columns = {
            "savings_plan_savings_plan_a_r_n": sp.arn,
            "savings_plan_offering_type": "ComputeSavingsPlans",
            "savings_plan_payment_option": "Partial Upfront",
            "savings_plan_purchase_term": "1yr",
            "savings_plan_start_time": _iso(sp.start_ms, millis=True),
            "savings_plan_end_time": _iso(sp.end_ms, millis=True),
        }
        lines(
            rows,
            "SavingsPlanCoveredUsage",
            covered_od[rows],
            amount=amount,
            rate=_cat(od_rates, type_of[rows]),
            line_item_line_item_description=_cat(od_descriptions, type_of[rows]),
            pricing_public_on_demand_cost=covered_od[rows],
            pricing_term="OnDemand",
            pricing_rate_code=_cat(rate_codes, fleet_of[rows]),
            savings_plan_savings_plan_rate=_cat(
                [_rate_string(_nanos(t.savings_plan)) for t in types], type_of[rows]
            ),
            savings_plan_savings_plan_effective_cost=sp_covered[rows],
            **sp_columns,
        )
        skus = [item["product_sku"] for item in self.products.items]
        lines(
            rows,
            "SavingsPlanNegation",
            -covered_od[rows],
            amount=amount,
            capacity=False,
            line_item_line_item_description=_cat(
                [
                    f"SavingsPlanNegation used by AccountId : {_ACCOUNTS[key].account_id} and UsageSku : {sku}"
                    for key in _ACCOUNT_KEYS
                    for sku in skus
                ],
                accounts[rows] * len(skus) + box[rows],
            ),
            pricing_public_on_demand_cost=-covered_od[rows],  # assumption: negated like the unblended cost
            pricing_term="OnDemand",
            **sp_columns,
        )

        # Spot usage: a Usage line at the spot price.
        rows = np.flatnonzero(purchase == 1)
        spot = np.array([_nanos(t.spot) for t in types])[type_of[rows]]
        lines(
            rows,
            "Usage",
            spot,
            rate=_cat([_rate_string(_nanos(t.spot)) for t in types], type_of[rows]),
            products=np.array(
                [self.ec2_product(_INSTANCE_TYPES[f.instance_type], f.region, "SpotUsage") for f in fleets]
            )[fleet_of[rows]],
            line_item_operation="RunInstances:SV001",
            line_item_line_item_description=_cat(
                [
                    f"{t.name} Linux/UNIX Spot Instance-hour in US East (N. Virginia) in VPC Zone #1"
                    for t in types
                ],
                type_of[rows],
            ),
            pricing_public_on_demand_cost=on_demand[rows],
            pricing_term="Spot",
        )

        # Instances running inside the Capacity Block: prepaid, so zero-rated usage lines (assumption: they
        # keep the BoxUsage usage type; the block itself is billed as a CapacityBlockFee line).
        rows = np.flatnonzero(purchase == 2)
        lines(
            rows,
            "Usage",
            0,
            rate="0.0000000000",
            line_item_line_item_description="$0.00 per Linux p5.48xlarge Capacity Block Instance Hour",
            pricing_public_on_demand_cost=on_demand[rows],
            pricing_term="OnDemand",
        )
        if len(rows):
            self.capacity_block_fee(block_arn, block_start, block_hours, len(rows))
        self.odcr_unused(hour, is_odcr)
        self.eks_pods(np.flatnonzero(is_eks), hour, unit_of, instance_ids, effective, on_demand, accounts)

    def usage_types(self, products: np.ndarray) -> pa.Array:
        return _cat([item["product_usagetype"] for item in self.products.items], products)

    def capacity_block_fee(self, arn: str, block_start: int, block_hours: int, instance_hours: int) -> None:
        instance = _INSTANCE_TYPES["p5.48xlarge"]
        rate = _nanos(_CAPACITY_BLOCK_RATE)
        purchased = self.hour_ms(max(0, block_start - 60))
        product = self.ec2_product(instance, "us-east-1", "CapacityBlockFee")
        self.add(
            1,
            account=_ACCOUNT_INDEX["train"],
            product=product,
            tags=self.fleet_tags("llm-platform", "llama-3-70b-ft", "training", "prod"),
            start=purchased,
            end=purchased + HOUR_MS,
            bill_type="Purchase",
            line_item_line_item_type="Fee",
            line_item_product_code="AmazonEC2",
            line_item_usage_type=self.products.items[product]["product_usagetype"],
            line_item_operation="RunInstances",
            line_item_resource_id=arn,
            line_item_usage_amount=float(instance_hours),
            line_item_unblended_rate=_rate_string(rate),
            line_item_unblended_cost=rate * instance_hours,
            line_item_blended_rate=_rate_string(rate),
            line_item_blended_cost=rate * instance_hours,
            line_item_line_item_description=(
                f"EC2 Capacity Block for ML: {instance_hours // block_hours} x {instance.name} for "
                f"{block_hours} hours"
            ),
            pricing_unit="Hrs",
            pricing_public_on_demand_cost=rate * instance_hours,
            pricing_public_on_demand_rate=_rate_string(rate),
            capacity_reservation_capacity_reservation_arn=arn,
            capacity_reservation_capacity_reservation_type=_CR_TYPE_BLOCK,
        )

    def odcr_unused(self, hour: np.ndarray, is_odcr: np.ndarray) -> None:
        """Unused On-Demand Capacity Reservation hours, billed at the on-demand rate."""
        fleet, units, frac = next(entry for entry in self.plan.ec2 if entry[0].odcr)
        quantity = units + 1  # one spare instance of headroom
        active = np.bincount(hour[is_odcr], minlength=self.period.hours)
        hours_reserved = np.zeros(self.period.hours, dtype=bool)
        if units > 1 or frac >= 1.0:
            hours_reserved[:] = True
        elif active.any():
            used_hours = np.flatnonzero(active)
            hours_reserved[used_hours[0] : used_hours[-1] + 1] = True
        unused = np.where(hours_reserved, quantity - active, 0)
        rows = np.flatnonzero(unused > 0)
        instance = _INSTANCE_TYPES[fleet.instance_type]
        rate = _nanos(instance.on_demand)
        product = self.ec2_product(instance, fleet.region, "UnusedBox")
        start = self.hour_ms(rows)
        cost = rate * unused[rows]
        self.add(
            len(rows),
            account=_ACCOUNT_INDEX[fleet.account],
            product=product,
            tags=self.fleet_tags(fleet.team, fleet.model, fleet.workload, fleet.environment),
            start=start,
            end=start + HOUR_MS,
            line_item_line_item_type="Usage",
            line_item_product_code="AmazonEC2",
            line_item_usage_type=self.products.items[product]["product_usagetype"],
            line_item_operation="RunInstances",
            line_item_availability_zone=fleet.az,
            line_item_resource_id=self.plan.odcr_arn,
            line_item_usage_amount=unused[rows].astype(np.float64),
            line_item_normalization_factor=float(_size_factor(instance.name)),
            line_item_normalized_usage_amount=unused[rows] * float(_size_factor(instance.name)),
            line_item_unblended_rate=_rate_string(rate),
            line_item_unblended_cost=cost,
            line_item_blended_rate=_rate_string(rate),
            line_item_blended_cost=cost,
            line_item_line_item_description=(
                f"${_usd(rate)} per Unused Reservation Linux {instance.name} Instance Hour"
            ),
            pricing_public_on_demand_cost=cost,
            pricing_public_on_demand_rate=_rate_string(rate),
            pricing_term="OnDemand",
            pricing_unit="Hrs",
            capacity_reservation_capacity_reservation_arn=self.plan.odcr_arn,
            capacity_reservation_capacity_reservation_status="Unused",
            capacity_reservation_capacity_reservation_type=_CR_TYPE_ODCR,
        )

    def eks_pods(
        self,
        nodes: np.ndarray,
        hour: np.ndarray,
        unit_of: np.ndarray,
        instance_ids: list[str],
        effective: np.ndarray,
        on_demand: np.ndarray,
        accounts: np.ndarray,
    ) -> None:
        """Split cost allocation rows: one vCPU row and one memory row per pod and hour (EKSPod-EC2)."""
        if len(nodes) == 0:
            return
        rng = self.rng("eks-pods")
        instance = _INSTANCE_TYPES["g5.12xlarge"]
        pods_per_node = rng.choice([1, 2, 3, 4], size=len(nodes), p=[0.2, 0.35, 0.3, 0.15])
        node = np.repeat(nodes, pods_per_node)
        slot = _group_rank(np.repeat(np.arange(len(nodes)), pods_per_node))
        n = len(node)
        cpu_request = np.array([d[4] for d in _EKS_DEPLOYMENTS])[slot]
        mem_request = np.array([d[5] for d in _EKS_DEPLOYMENTS])[slot]
        cpu_used = np.round(cpu_request * rng.uniform(0.3, 1.15, size=n), 4)
        mem_used = np.round(mem_request * rng.uniform(0.4, 1.1, size=n), 4)
        cpu_split = np.maximum(cpu_request, cpu_used)
        mem_split = np.maximum(mem_request, mem_used)
        cpu_ratio = cpu_split / instance.vcpu
        mem_ratio = mem_split / instance.memory_gib
        node_pos = np.repeat(np.arange(len(nodes)), pods_per_node)
        cpu_total = np.bincount(node_pos, weights=cpu_ratio)[node_pos]
        mem_total = np.bincount(node_pos, weights=mem_ratio)[node_pos]
        cpu_share = _EKS_CPU_WEIGHT * instance.vcpu / (_EKS_CPU_WEIGHT * instance.vcpu + instance.memory_gib)

        def split(
            node_cost: np.ndarray, ratio: np.ndarray, total: np.ndarray
        ) -> tuple[np.ndarray, np.ndarray]:
            split_cost = np.round(node_cost * ratio, 8)
            unused_cost = np.round(node_cost * (1.0 - total) * ratio / total, 8)
            return split_cost, unused_cost

        node_eff = effective[node] / NANOS
        node_od = on_demand[node] / NANOS

        # Pods are identified by (node, slot, day): one pod object per slot per day.
        day = hour[node] // 24
        pod_key = (unit_of[node] * 8 + slot) * 64 + day
        distinct, pod_code = np.unique(pod_key, return_inverse=True)
        arns, pod_tags = [], []
        account_id = _ACCOUNTS["infer"].account_id
        for key in distinct:
            node_unit, rest = divmod(int(key), 8 * 64)
            pod_slot, pod_day = divmod(rest, 64)
            namespace, deployment, team, model, _, _ = _EKS_DEPLOYMENTS[pod_slot]
            replica_set = _hex(self.seed, "replicaset", deployment, length=10)
            suffix = _hex(self.seed, "pod", node_unit, pod_slot, pod_day, self.period.label, length=5)
            pod_uid = _uuid(self.seed, "pod", node_unit, pod_slot, pod_day, self.period.label)
            arns.append(
                f"arn:aws:eks:us-east-1:{account_id}:pod/{_EKS_CLUSTER}/{namespace}/"
                f"{deployment}-{replica_set}-{suffix}/{pod_uid}"
            )
            node_name = f"ip-10-42-{node_unit // 250}-{node_unit % 250 + 4}.ec2.internal"
            pod_tags.append(
                self.tag_code(
                    ("pod", pod_slot, node_unit),
                    user_team=team,
                    user_model=model,
                    user_workload="inference",
                    user_environment="prod",
                    aws_eks_cluster_name=_EKS_CLUSTER,
                    aws_eks_namespace=namespace,
                    aws_eks_deployment=deployment,
                    aws_eks_workload_type="ReplicaSet",
                    aws_eks_workload_name=f"{deployment}-{replica_set}",
                    aws_eks_node=node_name,
                )
            )
        pod_arn = _cat(arns, pod_code)
        tags = np.array(pod_tags)[pod_code]
        # What the Kubernetes telemetry generator (ai_finops.generate.k8s_telemetry) reads to stay consistent
        # with these rows: the node-hours with their effective cost, and the pods on them.
        self.eks_split = {
            "node_hour": hour[nodes],
            "node_unit": unit_of[nodes],
            "node_effective_nanos": effective[nodes],
            "instance_ids": instance_ids,
            "pod_node_row": node_pos,
            "pod_slot": slot,
            "pod_arn": [arns[code] for code in pod_code],
            "cpu_request": cpu_request,
            "mem_request": mem_request,
        }
        parent = _cat(instance_ids, unit_of[node])
        start = self.hour_ms(hour[node])
        for resource, unit, ratio, total, used, reserved, split_usage, share in (
            ("vCPU", "vCPU-Hours", cpu_ratio, cpu_total, cpu_used, cpu_request, cpu_split, cpu_share),
            ("GB", "GB-Hours", mem_ratio, mem_total, mem_used, mem_request, mem_split, 1.0 - cpu_share),
        ):
            product = self.product(
                ("eks", resource),
                servicecode="AmazonEKS",
                name="Amazon Elastic Kubernetes Service",
                family="Compute",
                usagetype=f"USE1-EKS-EC2-{resource}-Hours",
                operation="EKSPod-EC2",
                region="us-east-1",
                unit=unit,
            )
            split_cost, unused_cost = split(node_eff * share, ratio, total)
            # split_line_item_split_cost per pod-hour: pod_vcpu_split_cost, pod_gb_split_cost
            self.eks_split[f"pod_{resource.lower()}_split_cost"] = split_cost
            od_split, od_unused = split(node_od * share, ratio, total)
            self.add(
                n,
                account=accounts[node],
                product=product,
                tags=tags,
                start=start,
                end=start + HOUR_MS,
                line_item_line_item_type="Usage",
                line_item_product_code="AmazonEKS",
                line_item_usage_type=f"USE1-EKS-EC2-{resource}-Hours",
                line_item_operation="EKSPod-EC2",
                line_item_availability_zone="us-east-1b",
                line_item_resource_id=pod_arn,
                line_item_usage_amount=split_usage,
                line_item_unblended_rate="0.0000000000",
                line_item_unblended_cost=0,
                line_item_blended_rate="0.0000000000",
                line_item_blended_cost=0,
                line_item_line_item_description=f"{resource} split cost allocation for EKS pod on EC2",
                pricing_public_on_demand_cost=0,
                pricing_unit=unit,
                split_line_item_parent_resource_id=parent,
                split_line_item_split_usage=split_usage,
                split_line_item_split_usage_ratio=np.round(ratio, 10),
                split_line_item_actual_usage=used,
                split_line_item_reserved_usage=reserved,
                split_line_item_split_cost=split_cost,
                split_line_item_unused_cost=unused_cost,
                split_line_item_public_on_demand_split_cost=od_split,
                split_line_item_public_on_demand_unused_cost=od_unused,
            )

    def sagemaker(self) -> None:
        for fleet, units, frac in self.plan.sagemaker:
            rng = self.rng("sagemaker", fleet.key)
            mask = _activity(fleet.pattern, units, frac, self.period, rng)
            instance = _INSTANCE_TYPES[fleet.ml_type.removeprefix("ml.")]
            rate = _nanos((Decimal(instance.on_demand) * _SAGEMAKER_MARKUP).quantize(Decimal("0.0001")))
            usage_type = f"USE1-{fleet.component}:{fleet.ml_type}"
            product = self.product(
                ("sagemaker", fleet.component, fleet.ml_type),
                servicecode="AmazonSageMaker",
                name="Amazon SageMaker",
                family="ML Instance",
                usagetype=usage_type,
                operation="RunInstance",
                region="us-east-1",
                unit="Hrs",
                instance=instance,
                instance_type=fleet.ml_type,
                extra={"component": "Training" if fleet.component == "Train" else "Hosting"},
            )
            account_id = _ACCOUNTS[fleet.account].account_id
            names, codes, hours = [], [], []
            for unit in range(units):
                active = mask[unit]
                if fleet.component == "Train":
                    runs = _runs(active)
                    first_hours = [int(np.flatnonzero(runs == r)[0]) for r in range(runs.max() + 1)]
                    for first_hour in first_hours:
                        stamp = _iso(int(self.hour_ms(first_hour)))[:16].replace("-", "").replace(":", "")
                        names.append(
                            f"arn:aws:sagemaker:us-east-1:{account_id}:training-job/"
                            f"{fleet.model}-{stamp.replace('T', '-')}-{unit:02d}"
                        )
                    offset = len(names) - len(first_hours)
                    codes.append(runs[active] + offset)
                else:
                    suffix = "" if unit == 0 else f"-{unit:02d}"
                    names.append(
                        f"arn:aws:sagemaker:us-east-1:{account_id}:endpoint/"
                        f"{fleet.model}-{fleet.environment}{suffix}"
                    )
                    codes.append(np.full(int(active.sum()), len(names) - 1))
                hours.append(np.flatnonzero(active))
            hour = np.concatenate(hours)
            start = self.hour_ms(hour)
            cost = rate * fleet.instances
            self.add(
                len(hour),
                account=_ACCOUNT_INDEX[fleet.account],
                product=product,
                tags=self.fleet_tags(fleet.team, fleet.model, fleet.workload, fleet.environment),
                start=start,
                end=start + HOUR_MS,
                line_item_line_item_type="Usage",
                line_item_product_code="AmazonSageMaker",
                line_item_usage_type=usage_type,
                line_item_operation="RunInstance",
                line_item_availability_zone="us-east-1a",
                line_item_resource_id=_cat(names, np.concatenate(codes)),
                line_item_usage_amount=float(fleet.instances),
                line_item_unblended_rate=_rate_string(rate),
                line_item_unblended_cost=cost,
                line_item_blended_rate=_rate_string(rate),
                line_item_blended_cost=cost,
                line_item_line_item_description=(
                    f"${_usd(rate)} per {'Training' if fleet.component == 'Train' else 'Hosting'} "
                    f"{fleet.ml_type} hour in US East (N. Virginia)"
                ),
                pricing_public_on_demand_cost=cost,
                pricing_public_on_demand_rate=_rate_string(rate),
                pricing_term="OnDemand",
                pricing_unit="Hrs",
                pricing_rate_code=f"{_sku('sagemaker', fleet.component, fleet.ml_type)}.{_OFFER_ON_DEMAND}."
                f"{_RATE_HOURLY}",
            )

    def days(self) -> np.ndarray:
        return np.arange(self.period.hours // 24, dtype=np.int64)

    def s3(self) -> None:
        """Daily S3 storage (TimedStorage-ByteHrs, in GB-Mo) and request lines per bucket."""
        rng = self.rng("s3")
        days = self.days()
        storage_rate = _nanos(_S3_STANDARD_GB_MONTH)
        for bucket in _BUCKETS:
            for copy in range(self.plan.bucket_copies):
                name = f"ai-finops-demo-{bucket.name}" + (f"-{copy:02d}" if copy else "")
                tags = self.fleet_tags(bucket.team, bucket.model, bucket.workload, "prod")
                account = _ACCOUNT_INDEX[bucket.account]
                start = self.period.start_ms + days * DAY_MS
                growth = 1.0 + 0.15 * (self.period.index + days / len(days)) / 12
                size = bucket.terabytes * 1024 * self.plan.units_scale / self.plan.bucket_copies
                gigabytes = np.round(size * growth * rng.uniform(0.97, 1.03, len(days)), 3)
                amount = gigabytes * 24 / self.period.hours  # GB-Mo for one day
                product = self.product(
                    ("s3", "TimedStorage-ByteHrs"),
                    servicecode="AmazonS3",
                    name="Amazon Simple Storage Service",
                    family="Storage",
                    usagetype="TimedStorage-ByteHrs",
                    operation="StandardStorage",
                    region="us-east-1",
                    unit="GB-Mo",
                    extra={"storage_class": "General Purpose", "volume_type": "Standard"},
                )
                cost = _round10(amount * storage_rate)
                self.add(
                    len(days),
                    account=account,
                    product=product,
                    tags=tags,
                    start=start,
                    end=start + DAY_MS,
                    line_item_line_item_type="Usage",
                    line_item_product_code="AmazonS3",
                    line_item_usage_type="TimedStorage-ByteHrs",
                    line_item_operation="StandardStorage",
                    line_item_resource_id=name,
                    line_item_usage_amount=amount,
                    line_item_unblended_rate=_rate_string(storage_rate),
                    line_item_unblended_cost=cost,
                    line_item_blended_rate=_rate_string(storage_rate),
                    line_item_blended_cost=cost,
                    line_item_line_item_description="$0.023 per GB - first 50 TB / month of storage used",
                    pricing_public_on_demand_cost=cost,
                    pricing_public_on_demand_rate=_rate_string(storage_rate),
                    pricing_term="OnDemand",
                    pricing_unit="GB-Mo",
                )
                if not bucket.requests:
                    continue
                active = self.window_days(rng, len(days))
                for tier, operation, rate_text, volume, description in (
                    ("Requests-Tier1", "PutObject", _S3_TIER1_PER_REQUEST, 4.0e5,
                     "$0.005 per 1,000 PUT, COPY, POST, or LIST requests"),
                    ("Requests-Tier2", "GetObject", _S3_TIER2_PER_REQUEST, 6.0e6,
                     "$0.0004 per 10,000 GET and all other requests"),
                ):  # fmt: skip
                    rate = _nanos(rate_text)
                    count = np.rint(volume * rng.uniform(0.5, 1.5, len(active)))
                    product = self.product(
                        ("s3", tier),
                        servicecode="AmazonS3",
                        name="Amazon Simple Storage Service",
                        family="API Request",
                        usagetype=tier,
                        operation=operation,
                        region="us-east-1",
                        unit="Requests",
                    )
                    cost = (count * rate).astype(np.int64)
                    self.add(
                        len(active),
                        account=account,
                        product=product,
                        tags=tags,
                        start=self.period.start_ms + active * DAY_MS,
                        end=self.period.start_ms + (active + 1) * DAY_MS,
                        line_item_line_item_type="Usage",
                        line_item_product_code="AmazonS3",
                        line_item_usage_type=tier,
                        line_item_operation=operation,
                        line_item_resource_id=name,
                        line_item_usage_amount=count,
                        line_item_unblended_rate=_rate_string(rate),
                        line_item_unblended_cost=cost,
                        line_item_blended_rate=_rate_string(rate),
                        line_item_blended_cost=cost,
                        line_item_line_item_description=description,
                        pricing_public_on_demand_cost=cost,
                        pricing_public_on_demand_rate=_rate_string(rate),
                        pricing_term="OnDemand",
                        pricing_unit="Requests",
                    )

    def window_days(self, rng: np.random.Generator, days: int) -> np.ndarray:
        """All days at full scale; a proportional window of days below one fleet unit."""
        if self.plan.units_scale >= 1:
            return np.arange(days, dtype=np.int64)
        length = min(days, max(2, math.ceil(self.plan.units_scale * days)))
        first = int(rng.integers(0, days - length + 1))
        return np.arange(first, first + length, dtype=np.int64)

    def data_transfer(self) -> None:
        rng = self.rng("data-transfer")
        days = self.days()
        copies = self.plan.bucket_copies
        # Inter-region: checkpoints replicated from us-east-1 to the us-west-2 serving fleet.
        rate = _nanos(_INTER_REGION_PER_GB)
        product = self.product(
            ("transfer", "USE1-USW2-AWS-Out-Bytes"),
            servicecode="AWSDataTransfer",
            name="AWS Data Transfer",
            family="Data Transfer",
            usagetype="USE1-USW2-AWS-Out-Bytes",
            operation="PutObject",
            region="us-east-1",
            unit="GB",
            to_region="us-west-2",
            transfer_type="InterRegion Outbound",
        )
        for copy in range(copies):
            active = self.window_days(rng, len(days))
            gigabytes = np.round(rng.uniform(40.0, 400.0, len(active)), 6)
            cost = _round10(gigabytes * rate)
            start = self.period.start_ms + active * DAY_MS
            self.add(
                len(active),
                account=_ACCOUNT_INDEX["train"],
                product=product,
                tags=self.fleet_tags("llm-platform", "llama-3-70b-ft", "training", "prod"),
                start=start,
                end=start + DAY_MS,
                line_item_line_item_type="Usage",
                line_item_product_code="AmazonS3",
                line_item_usage_type="USE1-USW2-AWS-Out-Bytes",
                line_item_operation="PutObject",
                line_item_resource_id="ai-finops-demo-model-checkpoints" + (f"-{copy:02d}" if copy else ""),
                line_item_usage_amount=gigabytes,
                line_item_unblended_rate=_rate_string(rate),
                line_item_unblended_cost=cost,
                line_item_blended_rate=_rate_string(rate),
                line_item_blended_cost=cost,
                line_item_line_item_description=(
                    "$0.02 per GB - US East (Northern Virginia) data transfer to US West (Oregon)"
                ),
                pricing_public_on_demand_cost=cost,
                pricing_public_on_demand_rate=_rate_string(rate),
                pricing_term="OnDemand",
                pricing_unit="GB",
            )
        # Inter-AZ: the feature ETL instances shuffle data across zones. In us-east-1 EC2 data transfer usage
        # types carry no region prefix (as in the real WA-labs CUR sample): DataTransfer-Regional-Bytes.
        rate = _nanos(_INTER_AZ_PER_GB)
        fleet, units, _ = next(entry for entry in self.plan.ec2 if entry[0].key == "features-etl-c6i")
        tags = self.fleet_tags(fleet.team, fleet.model, fleet.workload, fleet.environment)
        for direction in ("InterZone-Out", "InterZone-In"):
            product = self.product(
                ("transfer", "DataTransfer-Regional-Bytes", direction),
                servicecode="AWSDataTransfer",
                name="AWS Data Transfer",
                family="Data Transfer",
                usagetype="DataTransfer-Regional-Bytes",
                operation=direction,
                region="us-east-1",
                unit="GB",
                to_region="us-east-1",
                transfer_type="IntraRegion",
            )
            for unit in range(units):
                active = self.window_days(rng, len(days))
                gigabytes = np.round(rng.uniform(100.0, 2000.0, len(active)), 6)
                cost = _round10(gigabytes * rate)
                start = self.period.start_ms + active * DAY_MS
                self.add(
                    len(active),
                    account=_ACCOUNT_INDEX[fleet.account],
                    product=product,
                    tags=tags,
                    start=start,
                    end=start + DAY_MS,
                    line_item_line_item_type="Usage",
                    line_item_product_code="AmazonEC2",
                    line_item_usage_type="DataTransfer-Regional-Bytes",
                    line_item_operation=direction,
                    line_item_availability_zone=fleet.az,
                    line_item_resource_id="i-0" + _hex(self.seed, "instance", fleet.key, unit, length=16),
                    line_item_usage_amount=gigabytes,
                    line_item_unblended_rate=_rate_string(rate),
                    line_item_unblended_cost=cost,
                    line_item_blended_rate=_rate_string(rate),
                    line_item_blended_cost=cost,
                    line_item_line_item_description=_INTER_AZ_DESCRIPTION,
                    pricing_public_on_demand_cost=cost,
                    pricing_public_on_demand_rate=_rate_string(rate),
                    pricing_term="OnDemand",
                    pricing_unit="GB",
                )
        # One line worth exactly 0.000000001 USD: 100 bytes across zones. Decimal pipelines must keep it.
        product = self.product(
            ("transfer", "DataTransfer-Regional-Bytes", "InterZone-In"),
            servicecode="AWSDataTransfer",
            name="AWS Data Transfer",
            family="Data Transfer",
            usagetype="DataTransfer-Regional-Bytes",
            operation="InterZone-In",
            region="us-east-1",
            unit="GB",
            to_region="us-east-1",
            transfer_type="IntraRegion",
        )
        start = self.period.start_ms + DAY_MS
        self.add(
            1,
            account=_ACCOUNT_INDEX[fleet.account],
            product=product,
            tags=tags,
            start=start,
            end=start + HOUR_MS,
            line_item_line_item_type="Usage",
            line_item_product_code="AmazonEC2",
            line_item_usage_type="DataTransfer-Regional-Bytes",
            line_item_operation="InterZone-In",
            line_item_availability_zone=fleet.az,
            line_item_resource_id="i-0" + _hex(self.seed, "instance", fleet.key, 0, length=16),
            line_item_usage_amount=1e-7,
            line_item_unblended_rate=_rate_string(rate),
            line_item_unblended_cost=1,
            line_item_blended_rate=_rate_string(rate),
            line_item_blended_cost=1,
            line_item_line_item_description=_INTER_AZ_DESCRIPTION,
            pricing_public_on_demand_cost=1,
            pricing_public_on_demand_rate=_rate_string(rate),
            pricing_term="OnDemand",
            pricing_unit="GB",
        )

    # -- commitments ----------------------------------------------------------------------------------------

    def commitment_fees(self) -> None:
        period = self.period
        for ri in self.plan.reserved_instances:
            if ri.start_ms >= period.end_ms:
                continue
            self.reserved_instance_fees(ri)
        self.savings_plan_fees()

    def reserved_instance_fees(self, ri: _ReservedInstance) -> None:
        period = self.period
        instance = _INSTANCE_TYPES[ri.instance_type]
        factor = _size_factor(instance.name)
        first_hour = max(0, (ri.start_ms - period.start_ms) // HOUR_MS)
        hours = period.hours - first_hour
        reserved_hours = hours * ri.quantity
        # Covered instance-hours are read back from the DiscountedUsage lines generated for this period.
        covered = sum(
            block.n
            for block in self.blocks
            if block.columns.get("reservation_reservation_a_r_n") == ri.arn
            and block.columns.get("line_item_line_item_type") == "DiscountedUsage"
        )
        unused = reserved_hours - covered
        product = self.ec2_product(instance, ri.region, "HeavyUsage")
        start = max(period.start_ms, ri.start_ms)
        ri_columns = {
            "line_item_product_code": "AmazonEC2",
            "line_item_usage_type": self.products.items[product]["product_usagetype"],
            "line_item_operation": "RunInstances",
            "reservation_reservation_a_r_n": ri.arn,
            "reservation_start_time": _iso(ri.start_ms, millis=True),
            "reservation_end_time": _iso(ri.end_ms, millis=True),
            "reservation_subscription_id": ri.subscription_id,
            "reservation_modification_status": "Original",
            "reservation_number_of_reservations": str(ri.quantity),
            "reservation_upfront_value": ri.upfront,
            "pricing_term": "Reserved",
            "pricing_purchase_option": "Partial Upfront",
            "pricing_offering_class": "standard",
            "pricing_lease_contract_length": "1yr",
        }
        fee = ri.recurring * reserved_hours
        self.add(
            1,
            account=_ACCOUNT_INDEX[ri.account],
            product=product,
            start=start,
            end=period.end_ms,
            line_item_line_item_type="RIFee",
            line_item_usage_amount=float(reserved_hours),
            line_item_normalization_factor=float(factor),
            line_item_normalized_usage_amount=float(reserved_hours * factor),
            line_item_unblended_rate=_rate_string(ri.recurring),
            line_item_unblended_cost=fee,
            line_item_blended_rate=_rate_string(ri.recurring),
            line_item_blended_cost=fee,
            line_item_line_item_description=(
                f"USD {_usd(ri.recurring)} hourly fee per Linux/UNIX (Amazon VPC), {instance.name} instance"
            ),
            pricing_unit="Hrs",
            pricing_public_on_demand_cost=0,
            pricing_rate_code=f"{self.products.items[product]['product_sku']}.{_OFFER_RI_1YR_STANDARD_PARTIAL}."
            f"{_RATE_HOURLY}",
            reservation_amortized_upfront_fee_for_billing_period=ri.amortized * reserved_hours,
            reservation_unused_quantity=float(unused),
            reservation_unused_normalized_unit_quantity=float(unused * factor),
            reservation_unused_recurring_fee=ri.recurring * unused,
            reservation_unused_amortized_upfront_fee_for_billing_period=ri.amortized * unused,
            reservation_units_per_reservation=float(hours),
            reservation_total_reserved_units=float(reserved_hours),
            reservation_normalized_units_per_reservation=float(hours * factor),
            reservation_total_reserved_normalized_units=float(reserved_hours * factor),
            **ri_columns,
        )
        if period.start_ms <= ri.start_ms < period.end_ms:
            self.add(
                1,
                account=_ACCOUNT_INDEX[ri.account],
                product=product,
                start=ri.start_ms,
                end=ri.start_ms + HOUR_MS,
                bill_type="Purchase",
                line_item_line_item_type="Fee",
                line_item_usage_amount=float(ri.quantity),
                line_item_unblended_rate=_rate_string(ri.upfront // ri.quantity),
                line_item_unblended_cost=ri.upfront,
                line_item_blended_rate=_rate_string(ri.upfront // ri.quantity),
                line_item_blended_cost=ri.upfront,
                line_item_line_item_description=(
                    f"Sign up charge for subscription: {ri.subscription_id}, planId: "
                    f"{_digits(self.seed, 'plan', ri.arn, length=7)}"
                ),
                pricing_unit="Quantity",
                pricing_rate_code=f"{self.products.items[product]['product_sku']}."
                f"{_OFFER_RI_1YR_STANDARD_PARTIAL}.{_RATE_UPFRONT}",
                **ri_columns,
            )

    def savings_plan_fees(self) -> None:
        period, sp = self.period, self.plan.savings_plan
        hours = np.arange(period.hours, dtype=np.int64)
        active = (self.hour_ms(hours) >= sp.start_ms) & (self.hour_ms(hours) < sp.end_ms)
        hours = hours[active]
        product = self.product(
            ("savings-plan", "ComputeSP:1yrPartialUpfront"),
            servicecode="ComputeSavingsPlans",
            name="Savings Plans for AWS Compute usage",
            family="Savings Plan",
            usagetype="ComputeSP:1yrPartialUpfront",
            operation=None,
            region=None,
            unit="Hrs",
        )
        columns = {
            "line_item_product_code": "ComputeSavingsPlans",
            "line_item_usage_type": "ComputeSP:1yrPartialUpfront",
            "line_item_resource_id": sp.arn,
            "savings_plan_savings_plan_a_r_n": sp.arn,
            "savings_plan_offering_type": "ComputeSavingsPlans",
            "savings_plan_payment_option": "Partial Upfront",
            "savings_plan_purchase_term": "1yr",
            "savings_plan_start_time": _iso(sp.start_ms, millis=True),
            "savings_plan_end_time": _iso(sp.end_ms, millis=True),
        }
        start = self.hour_ms(hours)
        self.add(
            len(hours),
            account=_ACCOUNT_INDEX[sp.account],
            product=product,
            start=start,
            end=start + HOUR_MS,
            line_item_line_item_type="SavingsPlanRecurringFee",
            line_item_usage_amount=1.0,
            line_item_unblended_rate=_rate_string(sp.recurring),
            line_item_unblended_cost=sp.recurring,
            line_item_blended_rate=_rate_string(sp.recurring),
            line_item_blended_cost=sp.recurring,
            line_item_line_item_description="1 year Partial Upfront Compute Savings Plan recurring fee",
            pricing_unit="Hrs",
            savings_plan_total_commitment_to_date=sp.commitment,
            savings_plan_used_commitment=self.sp_used[hours],
            savings_plan_recurring_commitment_for_billing_period=sp.recurring,
            savings_plan_amortized_upfront_commitment_for_billing_period=sp.amortized,
            **columns,
        )
        if period.start_ms <= sp.start_ms < period.end_ms:
            self.add(
                1,
                account=_ACCOUNT_INDEX[sp.account],
                product=product,
                start=sp.start_ms,
                end=sp.start_ms + HOUR_MS,
                bill_type="Purchase",
                line_item_line_item_type="SavingsPlanUpfrontFee",
                line_item_usage_amount=1.0,
                line_item_unblended_rate=_rate_string(sp.upfront),
                line_item_unblended_cost=sp.upfront,
                line_item_blended_rate=_rate_string(sp.upfront),
                line_item_blended_cost=sp.upfront,
                line_item_line_item_description="1 year Partial Upfront Compute Savings Plan upfront fee",
                pricing_unit="Quantity",
                savings_plan_total_commitment_to_date=sp.commitment,
                **columns,
            )

    # -- monthly adjustments --------------------------------------------------------------------------------

    def adjustments(self) -> None:
        """EDP discount, credit, refunds and tax lines; each a separate line item for the whole period."""
        period = self.period
        billed = dict(sorted(self.billed.items()))
        names = {
            "AmazonEC2": "Amazon Elastic Compute Cloud",
            "AmazonSageMaker": "Amazon SageMaker",
            "AmazonS3": "Amazon Simple Storage Service",
            "ComputeSavingsPlans": "Savings Plans for AWS Compute usage",
            "AmazonEKS": "Amazon Elastic Kubernetes Service",
        }

        def product(code: str) -> int:
            return self.product(
                ("service", code),
                servicecode=code,
                name=names[code],
                family=None,
                usagetype=None,
                operation=None,
                region=None,
                unit=None,
            )

        def line(account: int, code: str, kind: str, amount: int, description: str, **extra: object) -> None:
            self.add(
                1,
                account=account,
                product=product(code),
                start=period.start_ms,
                end=period.end_ms,
                bill_type=str(extra.pop("bill_type", "Anniversary")),
                line_item_line_item_type=kind,
                line_item_product_code=code,
                line_item_usage_amount=float(extra.pop("usage", 0.0)),
                line_item_unblended_cost=amount,
                line_item_line_item_description=description,
                **extra,
            )

        # Enterprise Discount Program: 3% off, one line per account and service (discounts as line items).
        edp = {}
        for (account, code), total in billed.items():
            if total > 0 and code != "AmazonEKS":
                edp[(account, code)] = -_round_int(total * 3 // 100, 10)
                line(
                    account, code, "EdpDiscount", edp[(account, code)], "Enterprise Discount Program discount"
                )
        train = _ACCOUNT_INDEX["train"]
        sagemaker = billed.get((train, "AmazonSageMaker"), 0)
        credit = -max(NANOS, _round_int(sagemaker // 20, NANOS // 100))
        line(train, "AmazonSageMaker", "Credit", credit, "AWS Credits: Generative AI Accelerator program")
        sp = self.plan.savings_plan
        line(
            _ACCOUNT_INDEX["payer"],
            "ComputeSavingsPlans",
            "Refund",
            -2 * sp.recurring,
            "Refund of Savings Plan recurring fee (billing adjustment)",
            bill_type="Refund",
            line_item_resource_id=sp.arn,
            savings_plan_savings_plan_a_r_n=sp.arn,
        )
        infer = _ACCOUNT_INDEX["infer"]
        ec2 = billed.get((infer, "AmazonEC2"), 0)
        line(
            infer,
            "AmazonEC2",
            "Refund",
            -max(NANOS // 100, _round_int(ec2 // 500, NANOS // 100)),
            "Refund for instance retirement during scheduled maintenance",
            bill_type="Refund",
        )
        # US sales tax on the discounted charges of each account and service, rounded to the cent.
        for (account, code), total in billed.items():
            base = total + edp.get((account, code), 0)
            if base <= 0 or code == "AmazonEKS":
                continue
            tax = _round_int(base * 6 // 100, NANOS // 100)
            line(
                account,
                code,
                "Tax",
                tax,
                f"Tax for product code {code}",
                usage=1.0,
                line_item_tax_type="USSalesTax",
                line_item_legal_entity=_LEGAL_ENTITY,
                pricing_public_on_demand_cost=0,
            )

    # -- table ----------------------------------------------------------------------------------------------

    def assemble(self) -> pa.Table:
        tables = []
        provided = {
            name for block in self.blocks for name in block.columns if _SCHEMA.field(name).type == pa.string()
        }
        for block in self.blocks:
            arrays, fields = [], []
            for name, value in block.columns.items():
                field = _SCHEMA.field(name)
                arrays.append(_to_array(name, field.type, value, block.n))
                fields.append(field.with_type(arrays[-1].type))
            for name in provided - block.columns.keys():  # string columns: no promote-filled nulls
                arrays.append(_null_strings(block.n))
                fields.append(pa.field(name, _DICTIONARY))
            tables.append(pa.Table.from_arrays(arrays, schema=pa.schema(fields)))
        table = pa.concat_tables(tables, promote_options="default")
        n = table.num_rows

        def gather(attribute: str) -> np.ndarray:
            return np.concatenate(
                [
                    np.broadcast_to(np.asarray(getattr(b, attribute), dtype=np.int64), (b.n,))
                    for b in self.blocks
                ]
            )

        account = gather("account")
        product = gather("product")
        tags = gather("tags")
        start = gather("start")
        end = gather("end")
        bill_type = gather("bill_type")
        period = self.period
        invoices = [
            None if period.is_last else _digits(self.seed, "invoice", period.label, kind, length=9)
            for kind in _BILL_TYPES
        ]
        interval_key = (start // 1000) * (1 << 22) + (end - start) // 1000
        intervals, interval_code = np.unique(interval_key, return_inverse=True)
        interval_text = [
            f"{_iso(int(k >> 22) * 1000)}/{_iso(int(k >> 22) * 1000 + int(k & ((1 << 22) - 1)) * 1000)}"
            for k in intervals
        ]
        products = self.products.items
        special: dict[str, pa.Array] = {
            "bill_bill_type": _cat(list(_BILL_TYPES), bill_type),
            "bill_billing_entity": _const("AWS", n),
            "bill_billing_period_start_date": pa.repeat(
                pa.scalar(period.start_ms, _SCHEMA.field("bill_billing_period_start_date").type), n
            ),
            "bill_billing_period_end_date": pa.repeat(
                pa.scalar(period.end_ms, _SCHEMA.field("bill_billing_period_end_date").type), n
            ),
            "bill_invoice_id": _cat(invoices, bill_type),
            "bill_invoicing_entity": _const(_LEGAL_ENTITY, n),
            "bill_payer_account_id": _const(PAYER_ACCOUNT_ID, n),
            "bill_payer_account_name": _const(_PAYER_NAME, n),
            "cost_category": _maps(
                [{"business_unit": _ACCOUNTS[k].business_unit} for k in _ACCOUNT_KEYS], account
            ),
            "discount": _maps([{}], np.zeros(n, dtype=np.int32), value_type=pa.float64()),
            "identity_line_item_id": _line_item_ids(self.rng("line-item-ids"), n),
            "identity_time_interval": _cat(interval_text, interval_code),
            "line_item_currency_code": _const("USD", n),
            "line_item_legal_entity": _const(_LEGAL_ENTITY, n),
            "line_item_usage_account_id": _cat([_ACCOUNTS[k].account_id for k in _ACCOUNT_KEYS], account),
            "line_item_usage_account_name": _cat([_ACCOUNTS[k].name for k in _ACCOUNT_KEYS], account),
            "line_item_usage_start_date": pa.array(start, _SCHEMA.field("line_item_usage_start_date").type),
            "line_item_usage_end_date": pa.array(end, _SCHEMA.field("line_item_usage_end_date").type),
            "pricing_currency": _const("USD", n),
            "product": _maps([item["map"] for item in products], product),
            "resource_tags": _maps(self.tagsets.items, tags),
            "tags": _maps(self.tagsets.items, tags),
        }
        for name in _PRODUCT_SCALARS:
            special[name] = _cat([item.get(name) for item in products], product)
        columns = []
        for field in _SCHEMA:
            if field.name in special:
                columns.append(special[field.name])
            elif field.name in table.column_names:
                columns.append(table[field.name])
            else:
                columns.append(pa.nulls(n, field.type))
        return pa.Table.from_arrays(
            [c if isinstance(c, pa.ChunkedArray) else pa.chunked_array([c]) for c in columns],
            names=_SCHEMA.names,
        )


def _to_array(name: str, arrow_type: pa.DataType, value: object, n: int) -> pa.Array:
    if arrow_type == pa.string():
        if isinstance(value, pa.Array):
            return value if value.type == _DICTIONARY else value.dictionary_encode()
        return _null_strings(n) if value is None else _const(str(value), n)
    if isinstance(value, pa.Array):
        return value.cast(arrow_type) if value.type != arrow_type else value
    if value is None:
        return pa.nulls(n, arrow_type)
    if name in _MONEY_COLUMNS:
        nanos = np.broadcast_to(np.asarray(value), (n,))
        if nanos.dtype.kind not in "iu":
            raise TypeError(f"{name} must be integer nano-dollars")
        return pa.array(nanos.astype(np.int64) / NANOS, pa.float64())
    if isinstance(value, np.ndarray):
        return pa.array(value.astype(np.float64) if pa.types.is_floating(arrow_type) else value, arrow_type)
    if pa.types.is_floating(arrow_type):
        return pa.array(np.full(n, float(value)), arrow_type)  # type: ignore[arg-type]
    return pa.repeat(pa.scalar(value, arrow_type), n)


def _maps(items: Sequence[dict], codes: np.ndarray, value_type: pa.DataType | None = None) -> pa.Array:
    """A map column with one of ``items`` per row; keys and values stay dictionary-encoded."""
    pairs = [sorted(item.items()) for item in items]
    lengths = np.array([len(p) for p in pairs], dtype=np.int64)
    firsts = np.r_[0, np.cumsum(lengths)[:-1]]
    codes = np.asarray(codes, dtype=np.int64)
    offsets = np.r_[0, np.cumsum(lengths[codes])]
    position = np.repeat(firsts[codes] - offsets[:-1], lengths[codes]) + np.arange(offsets[-1])

    def encoded(flat: list) -> tuple[list, np.ndarray]:
        distinct = list(dict.fromkeys(flat))  # unique dictionary entries, in first-seen order
        lookup = {value: i for i, value in enumerate(distinct)}
        return distinct, np.array([lookup[v] for v in flat], dtype=np.int32)[position]

    key_dictionary, key_codes = encoded([k for p in pairs for k, _ in p])
    value_dictionary, value_codes = encoded([v for p in pairs for _, v in p])
    keys = pa.DictionaryArray.from_arrays(pa.array(key_codes), pa.array(key_dictionary, pa.string()))
    if value_type is not None and value_type != pa.string():
        values = pa.array(value_dictionary, value_type).take(pa.array(value_codes))
    else:
        values = pa.DictionaryArray.from_arrays(
            pa.array(value_codes), pa.array(value_dictionary, pa.string())
        )
    return pa.MapArray.from_arrays(pa.array(offsets.astype(np.int32)), keys, values)


def _line_item_ids(rng: np.random.Generator, n: int) -> pa.Array:
    """52-character lowercase base32 identifiers, like identity_line_item_id in real CUR files."""
    alphabet = np.frombuffer(b"abcdefghijklmnopqrstuvwxyz234567", dtype=np.uint8)
    data = alphabet[np.frombuffer(rng.bytes(n * 52), dtype=np.uint8) & 31]
    offsets = np.arange(0, (n + 1) * 52, 52, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data.tobytes()))


# ------------------------------------------------------------------------------------------------------------
# Truth, restatement, delivery.
# ------------------------------------------------------------------------------------------------------------


def _text(table: pa.Table, name: str) -> pa.Array:
    """A string column as plain, non-null strings ('' for null)."""
    return pc.fill_null(table[name].cast(pa.string()), "").combine_chunks()


def _is(table: pa.Table, name: str, value: str) -> np.ndarray:
    return pc.equal(_text(table, name), value).to_numpy(zero_copy_only=False)


def _nanos_column(table: pa.Table, name: str) -> np.ndarray:
    values = pc.fill_null(table[name], 0.0).to_numpy()
    nanos = np.rint(values * NANOS).astype(np.int64)
    if not np.array_equal(nanos / NANOS, values):
        raise AssertionError(f"{name} holds a value that is not a whole number of nano-dollars")
    return nanos


def _effective_nanos(table: pa.Table) -> np.ndarray:
    """The CID amortised-cost CASE expression (shared notes provider_exports.md section 1.5), row by row."""
    kind = _text(table, "line_item_line_item_type")

    def of(value: str) -> np.ndarray:
        return pc.equal(kind, value).to_numpy(zero_copy_only=False)

    effective = _nanos_column(table, "line_item_unblended_cost")
    effective = np.where(
        of("SavingsPlanCoveredUsage"),
        _nanos_column(table, "savings_plan_savings_plan_effective_cost"),
        effective,
    )
    effective = np.where(
        of("SavingsPlanRecurringFee"),
        _nanos_column(table, "savings_plan_total_commitment_to_date")
        - _nanos_column(table, "savings_plan_used_commitment"),
        effective,
    )
    effective = np.where(of("SavingsPlanNegation") | of("SavingsPlanUpfrontFee"), 0, effective)
    effective = np.where(of("DiscountedUsage"), _nanos_column(table, "reservation_effective_cost"), effective)
    effective = np.where(
        of("RIFee"),
        _nanos_column(table, "reservation_unused_amortized_upfront_fee_for_billing_period")
        + _nanos_column(table, "reservation_unused_recurring_fee"),
        effective,
    )
    ri_upfront = of("Fee") & ~_is(table, "reservation_reservation_a_r_n", "")
    sp_refund = of("Refund") & _is(table, "line_item_product_code", "ComputeSavingsPlans")
    return np.where(ri_upfront | sp_refund, 0, effective)


def _sum_by(keys: pa.Array, values: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    encoded = pc.dictionary_encode(pc.filter(keys, pa.array(mask)))
    sums = np.zeros(len(encoded.dictionary), dtype=np.int64)
    np.add.at(sums, encoded.indices.to_numpy(zero_copy_only=False), values[mask])
    return {str(k): int(v) for k, v in zip(encoded.dictionary.to_pylist(), sums, strict=True)}


def _period_truth(table: pa.Table, label: str) -> tuple[dict, dict]:
    kind = _text(table, "line_item_line_item_type")
    billed = _nanos_column(table, "line_item_unblended_cost")
    effective = _effective_nanos(table)
    total = {
        "bill_payer_account_id": PAYER_ACCOUNT_ID,
        "billing_period": label,
        "line_item_currency_code": "USD",
        "row_count": table.num_rows,
        "billed_cost": _decimal_string(int(billed.sum())),
        "effective_cost": _decimal_string(int(effective.sum())),
    }
    counts = pc.value_counts(kind).to_pylist()

    def is_kind(value: str) -> np.ndarray:
        return pc.equal(kind, value).to_numpy(zero_copy_only=False)

    ri_arn = _text(table, "reservation_reservation_a_r_n")
    sp_arn = _text(table, "savings_plan_savings_plan_a_r_n")
    commitments = []
    used = _sum_by(ri_arn, _nanos_column(table, "reservation_effective_cost"), is_kind("DiscountedUsage"))
    fees = is_kind("RIFee")
    unused = _sum_by(
        ri_arn,
        _nanos_column(table, "reservation_unused_amortized_upfront_fee_for_billing_period")
        + _nanos_column(table, "reservation_unused_recurring_fee"),
        fees,
    )
    recurring = _sum_by(ri_arn, billed, fees)
    amortized = _sum_by(
        ri_arn, _nanos_column(table, "reservation_amortized_upfront_fee_for_billing_period"), fees
    )
    for arn in sorted(recurring):
        commitments.append(
            ("reserved_instance", arn, used.get(arn, 0), unused[arn], recurring[arn], amortized[arn])
        )
    used = _sum_by(
        sp_arn,
        _nanos_column(table, "savings_plan_savings_plan_effective_cost"),
        is_kind("SavingsPlanCoveredUsage"),
    )
    fees = is_kind("SavingsPlanRecurringFee")
    unused = _sum_by(
        sp_arn,
        _nanos_column(table, "savings_plan_total_commitment_to_date")
        - _nanos_column(table, "savings_plan_used_commitment"),
        fees,
    )
    recurring = _sum_by(sp_arn, billed, fees)
    amortized = _sum_by(
        sp_arn, _nanos_column(table, "savings_plan_amortized_upfront_commitment_for_billing_period"), fees
    )
    for arn in sorted(recurring):
        commitments.append(
            ("savings_plan", arn, used.get(arn, 0), unused[arn], recurring[arn], amortized[arn])
        )
    for _, arn, used_cost, unused_cost, recurring_fee, amortized_fee in commitments:
        if used_cost + unused_cost != recurring_fee + amortized_fee:
            raise AssertionError(f"commitment {arn} does not conserve cost in {label}")
    split_rows = int(_is(table, "line_item_operation", "EKSPod-EC2").sum())
    detail = {
        "bill_payer_account_id": PAYER_ACCOUNT_ID,
        "billing_period": label,
        "line_item_type_counts": {
            c["values"]: c["counts"] for c in sorted(counts, key=lambda c: c["values"])
        },
        "split_rows": split_rows,
        "commitments": [
            {
                "commitment_type": kind_name,
                "commitment_arn": arn,
                "used_effective_cost": _decimal_string(used_cost),
                "unused_cost": _decimal_string(unused_cost),
                "recurring_fee_billed": _decimal_string(recurring_fee),
                "amortized_upfront": _decimal_string(amortized_fee),
            }
            for kind_name, arn, used_cost, unused_cost, recurring_fee, amortized_fee in commitments
        ],
    }
    return total, detail


def _earlier_delivery(final: pa.Table, seed: int, label: str) -> pa.Table:
    """An earlier delivery of the same period: a few S3 lines missing or re-rated, one line not kept later."""
    rng = _rng(seed, label, "earlier-delivery")
    n = final.num_rows
    cost = _nanos_column(final, "line_item_unblended_cost")
    candidate = (
        _is(final, "line_item_line_item_type", "Usage")
        & _is(final, "line_item_product_code", "AmazonS3")
        & (cost > 10_000)
    )
    pool = np.flatnonzero(candidate)
    missing_count = max(3, n // 2000)
    changed_count = max(5, n // 1000)
    picked = rng.choice(pool, size=missing_count + changed_count + 1, replace=False)
    missing, changed, extra = picked[:missing_count], picked[missing_count:-1], picked[-1]
    factor = rng.uniform(0.55, 0.95, len(changed))
    new_cost = cost.copy()
    new_cost[changed] = _round10(cost[changed] * factor)
    amount = pc.fill_null(final["line_item_usage_amount"], 0.0).to_numpy().copy()
    amount[changed] = amount[changed] * factor
    public = _nanos_column(final, "pricing_public_on_demand_cost")
    public[changed] = new_cost[changed]
    table = final
    for name, values in (
        ("line_item_unblended_cost", new_cost / NANOS),
        ("line_item_blended_cost", new_cost / NANOS),
        ("pricing_public_on_demand_cost", public / NANOS),
        ("line_item_usage_amount", amount),
    ):
        index = table.schema.get_field_index(name)
        table = table.set_column(index, table.schema.field(index), pa.array(values, pa.float64()))
    # A duplicate of one storage line, withdrawn before the final delivery.
    duplicate = table.slice(int(extra), 1)
    index = table.schema.get_field_index("identity_line_item_id")
    duplicate = duplicate.set_column(index, table.schema.field(index), _line_item_ids(rng, 1))
    edges = np.r_[-1, np.sort(missing), n]
    pieces = [table.slice(a + 1, b - a - 1) for a, b in itertools.pairwise(edges)]
    table = pa.concat_tables([*pieces, duplicate])
    index = table.schema.get_field_index("bill_invoice_id")
    return table.set_column(index, table.schema.field(index), _null_strings(table.num_rows))


def _write_delivery(
    out_dir: Path, prefix: str, period: _Period, table: pa.Table, execution_id: str
) -> list[str]:
    export_root = out_dir / prefix / EXPORT_NAME
    data_dir = export_root / "data" / f"BILLING_PERIOD={period.label}"
    metadata_dir = export_root / "metadata" / f"BILLING_PERIOD={period.label}"
    data_dir.mkdir(parents=True, exist_ok=True)
    metadata_dir.mkdir(parents=True, exist_ok=True)
    files = max(1, math.ceil(table.num_rows / _MAX_ROWS_PER_FILE))
    per_file = math.ceil(table.num_rows / files)
    names = [f"{EXPORT_NAME}-{i + 1:05d}.snappy.parquet" for i in range(files)]
    for stale in data_dir.glob("*.parquet"):  # OVERWRITE_REPORT replaces the whole partition
        if stale.name not in names:
            stale.unlink()
    written = []
    for i, name in enumerate(names):
        path = data_dir / name
        pq.write_table(
            table.slice(i * per_file, per_file),
            path,
            compression="snappy",
            version="2.6",
            use_dictionary=True,
            write_statistics=True,
            row_group_size=_ROW_GROUP_SIZE,
            store_schema=False,
        )
        written.append(path.relative_to(out_dir).as_posix())
    manifest = {
        "executionId": execution_id,
        "exportArn": _EXPORT_ARN,
        "exportName": EXPORT_NAME,
        "billingPeriod": {
            "start": _iso(period.start_ms, millis=True),
            "end": _iso(period.end_ms, millis=True),
        },
        "columns": [{"name": name, "type": kind} for name, kind in CUR2_COLUMNS],
        "dataFiles": [f"s3://{_S3_BUCKET}/{key}" for key in written],
        "additionalOutputFiles": [],
    }
    manifest_path = metadata_dir / f"{EXPORT_NAME}-Manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return [*written, manifest_path.relative_to(out_dir).as_posix()]


def generate_aws_cur2(
    out_dir: Path,
    *,
    seed: int = 42,
    scale: float = 1.0,
    months: int = 3,
    last_period: str = "2026-10",
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Write a deterministic CUR 2.0 demo export (final and earlier deliveries) and its truth file.

    Args:
        out_dir: Root folder; files go under ``aws/cur2``, ``aws/cur2-earlier`` and ``truth``.
        seed: Random seed; the same arguments always give byte-identical data files.
        scale: 1.0 gives about 10,000 rows per month; rows grow linearly with it.
        months: Number of consecutive billing periods, ending at ``last_period``.
        last_period: Last billing period, ``YYYY-MM``; it is the open (not yet invoiced) month.
        progress: Called as ``progress(done, total)`` after each delivery is written.

    Returns:
        A summary: files written (relative to ``out_dir``) and rows per period of the final and earlier
        deliveries.
    """
    if scale <= 0:
        raise ValueError("scale must be positive")
    if months < 1:
        raise ValueError("months must be at least 1")
    datetime.strptime(last_period, "%Y-%m")  # validates the format
    out_dir = Path(out_dir)
    plan = _build_plan(seed, scale, months, last_period)
    restated = plan.periods[-2:]
    total_steps = len(plan.periods) + len(restated)
    done = 0
    files: list[str] = []
    rows: dict[str, int] = {}
    earlier_rows: dict[str, int] = {}
    totals, details, earlier = [], [], []
    for period in plan.periods:
        table = _PeriodGenerator(plan, period).generate()
        total, detail = _period_truth(table, period.label)
        totals.append(total)
        details.append(detail)
        if period in restated:
            previous = _earlier_delivery(table, seed, period.label)
            files += _write_delivery(
                out_dir, _EARLIER_PREFIX, period, previous, _uuid(seed, "execution", period.label, "earlier")
            )
            earlier_rows[period.label] = previous.num_rows
            earlier.append(
                {
                    "billing_period": period.label,
                    "row_count": previous.num_rows,
                    "billed_cost": _decimal_string(
                        int(_nanos_column(previous, "line_item_unblended_cost").sum())
                    ),
                }
            )
            done += 1
            if progress:
                progress(done, total_steps)
        files += _write_delivery(
            out_dir, _FINAL_PREFIX, period, table, _uuid(seed, "execution", period.label, "final")
        )
        rows[period.label] = table.num_rows
        done += 1
        if progress:
            progress(done, total_steps)
    truth = {
        "generator": {
            "name": "ai_finops.generate.aws_cur2",
            "seed": seed,
            "scale": scale,
            "months": months,
            "last_period": last_period,
        },
        "export_name": EXPORT_NAME,
        "totals": totals,
        "periods": details,
        "earlier_deliveries": earlier,
    }
    truth_path = out_dir / "truth" / "aws_cur2.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    files.append(truth_path.relative_to(out_dir).as_posix())
    return {
        "export_name": EXPORT_NAME,
        "files": files,
        "rows_per_period": rows,
        "earlier_rows_per_period": earlier_rows,
        "truth_file": truth_path.relative_to(out_dir).as_posix(),
    }
