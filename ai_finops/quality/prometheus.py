"""Expectation suite for Prometheus telemetry (kube-state-metrics and dcgm-exporter samples).

| suite               | runs on              | facts (one row per ...)                                        |
|---------------------|----------------------|----------------------------------------------------------------|
| `prometheus.ranges` | every ingest run     | metric: samples, samples outside the metric's range, the first |

Ranges: `DCGM_FI_DEV_GPU_UTIL` 0-100 (percent), `DCGM_FI_PROF_*` 0-1 (ratios), framebuffer MiB, resource
requests and capacities >= 0, info and label series exactly 1. The facts are computed in DuckDB by
`ai_finops.ingest.prometheus` over the de-duplicated samples. Structural refusals (invalid JSON, a resultType
that is not matrix, a value that is not a finite number, a sample without a timestamp, required labels
missing: `node`, `hostname`/`Hostname`, `UUID`, `gpu`, `uid`) stay in the reader: there is nothing to measure
yet.
"""

from __future__ import annotations

from ai_finops.quality.suites import problem, register

RANGES = "prometheus.ranges"

# metric -> (minimum, maximum or None)
BOUNDS: dict[str, tuple[float, float | None]] = {
    "DCGM_FI_DEV_GPU_UTIL": (0, 100),
    "DCGM_FI_DEV_FB_USED": (0, None),
    "DCGM_FI_DEV_FB_FREE": (0, None),
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE": (0, 1),
    "DCGM_FI_PROF_SM_ACTIVE": (0, 1),
    "kube_pod_container_resource_requests": (0, None),
    "kube_node_status_capacity": (0, None),
    "kube_node_info": (1, 1),
    "kube_node_labels": (1, 1),
    "kube_pod_info": (1, 1),
    "kube_pod_labels": (1, 1),
}


def bounds_text(metric: str) -> str:
    low, high = BOUNDS[metric]
    if high is None:
        return f">= {low:g}"
    return f"= {low:g}" if low == high else f"between {low:g} and {high:g}"


def range_facts(con, relation: str):
    """One row per metric of `relation` (metric, value, file, ts): samples out of range, the first of them."""
    import pandas as pd

    values = ", ".join(
        f"('{m}', {lo}, {'null' if hi is None else hi}, '{bounds_text(m)}')" for m, (lo, hi) in BOUNDS.items()
    )
    frame = con.execute(f"""
        with bounds(metric, low, high, allowed) as (values {values})
        select
            s.metric,
            any_value(b.allowed) as allowed,
            count(*) as samples,
            count(*) filter (where s.value < b.low or s.value > coalesce(b.high, s.value)) as out_of_range,
            arg_min(s.file, s.ts) filter (where s.value < b.low or s.value > coalesce(b.high, s.value))
                as source_file,
            arg_min(s.value, s.ts) filter (where s.value < b.low or s.value > coalesce(b.high, s.value))
                as first_value
        from {relation} as s
        inner join bounds as b on s.metric = b.metric
        group by s.metric
        order by s.metric
    """).df()
    if frame.empty:
        frame = pd.DataFrame(
            {"metric": ["(none)"], "allowed": [""], "samples": [0], "out_of_range": [0], "source_file": [None],
             "first_value": [None]}
        )  # fmt: skip
    frame["out_of_range"] = frame["out_of_range"].astype(int)
    return frame


@register(RANGES, "Prometheus telemetry: every sample of a metric within the metric's range.")
def _ranges(gx) -> list:
    return [
        gx.expect.ExpectColumnValuesToBeBetween(
            column="out_of_range",
            max_value=0,
            meta=problem(
                "{out_of_range} sample(s) outside the range (must be {allowed}); the first is {first_value}",
                column_field="metric",
            ),
            notes="DCGM_FI_DEV_GPU_UTIL is a percentage 0-100, DCGM_FI_PROF_* are ratios 0-1, framebuffer MiB, "
            "requests and capacities are never negative, info and label series are 1.",
        )
    ]
