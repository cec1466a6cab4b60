"""Deterministic Kubernetes GPU telemetry (kube-state-metrics and dcgm-exporter) consistent with the demo bills.

The GPU nodes, their hours and their cost come from the billing generators' own plans, so telemetry and bill
agree on resources, accounts and hours:

* **EKS** `ml-platform-prod` (AWS, account ml-inference): the `eks-gpu-nodes` g5.12xlarge fleet (4 x A10G) and
  the pods of its split cost allocation rows (same namespaces, pod names, uids, vCPU and memory requests),
  each pod holding one whole GPU (exclusive). Node-hour cost = the generator's effective (amortised) cost of
  the instance-hour. dcgm-exporter renamed `Hostname` to `hostname` during the window (both appear); one node
  has a metrics gap of two hours; one DCGM series is duplicated by a second Prometheus replica with a clock
  skewed by two seconds; one node in the cluster is not on the bill. These nodes have split cost allocation rows,
  so their truth is the AWS generator's split cost per pod (every generated period), not the telemetry rule.
* **AKS** `aks-inference-prod` (Azure EA): pool `gpuinfer` (NC24ads A100 v4, A100 80GB) partitioned with MIG
  (mixed strategy, profiles 1g.10gb / 2g.20gb / 3g.40gb / 7g.80gb; an old exporter with `Hostname`,
  `pod_name`, `pod_namespace`, `container_name`), pool `gpuspot` (Spot) time-sliced with 4 replicas and
  dcgm-exporter >= 4.5.3 in virtual-GPU mode (per-pod GPU_UTIL and FB_USED).
* **AKS** `aks-genai-eu` (Azure MCA, EUR): pool `gpupool` sharing its GPU with MPS (4 replicas) and an
  exporter without virtual-GPU mode (device-level series only: the even split is the only option).

AKS pods carry `team`, `model`, `workload` labels: inference Deployments (ReplicaSet owners) and training Jobs
with `mlflow-run-id` (`managed_ml.mlflow_run_id(seed, "k8s", cluster, job)`; those runs are not in the generated
MLflow store); one JupyterHub notebook pod (`component=singleuser-server`, `notebook-name`) and one pod without
labels. The first MIG layout (3g + 2g + 1g + 1g) sums above one GPU.

Azure bills VM scale sets per day; the daily EffectiveCost (amortised) of a scale set is spread over the
node-seconds telemetry observed that day. Node counts per day are the bill's quantity / 24; Spot's fractional
hours become a last node running a partial day.

Output (under `<out>/telemetry/prometheus/`):

    query_range/cluster=<c>/<YYYY-MM-DD>/<metric>.json   `/api/v1/query_range` responses (resultType matrix)
    openmetrics/cluster=<c>/<YYYY-MM-DD>.txt            one cluster-day as OpenMetrics text (timestamped)

and `<out>/truth/k8s_workloads.json`: per workload its true GPU-hours allocated / used and EffectiveCost
(Decimal) under the allocation rules of issue 4, idle and unallocated per node-day, and the node-hour costs.

Allocation rules the truth applies. EKS node-hours that have split cost allocation rows (all of them, every
generated period): each pod gets its split cost (`aws_scad`), the unused cost is idle. Other node-hours (cost
E, over the seconds the node was observed):
unit = E / (9 x GPUs + 0.9 x vCPU + 0.1 x GiB); a GPU is worth 9 units, a vCPU 0.9, a GiB 0.1. Exclusive GPUs
go to the pod requesting them; a time-sliced or MPS GPU goes wholly to its sharers by their per-pod GPU_UTIL
share when reported, else evenly by replica (1 / replicas per replica requested; the rest idle); a MIG
instance gets max(compute/7, memory/8) of its GPU, scaled down proportionally when the GPU's allocated
instances sum above 1. CPU and memory by request. A pod's share is scaled by its seconds / the node's seconds in the hour
(here always 1). What nobody requested is `idle`; a node-hour without telemetry is `unallocated`.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ai_finops.generate.managed_ml import mlflow_run_id

STEP_SECONDS = 300  # query_range step and OpenMetrics sample interval
GPU_WEIGHT, CPU_WEIGHT, MEM_WEIGHT = Decimal(9), Decimal("0.9"), Decimal("0.1")
GIB = 1 << 30
_MIG_SLICES = {  # A100 80GB profiles: (compute slices of 7, memory slices of 8, memory MiB)
    "1g.10gb": (1, 1, 9728),
    "2g.20gb": (2, 2, 19968),
    "3g.40gb": (3, 4, 40192),
    "7g.80gb": (7, 8, 80384),
}
_MIG_LAYOUTS = (  # the first sums above one GPU by max(compute / 7, memory / 8): shares are scaled to 1
    ("3g.40gb", "2g.20gb", "1g.10gb", "1g.10gb"),
    ("3g.40gb", "3g.40gb"),
    ("2g.20gb", "2g.20gb", "2g.20gb", "1g.10gb"),
    ("7g.80gb",),
    ("1g.10gb",) * 7,
)
_TEAMS = (  # (team, model, workload): inference Deployments, training Jobs with an MLflow run
    ("assistant", "chat-assistant-v4", "inference"),
    ("search", "doc-embedder-v3", "inference"),
    ("vision", "segmenter-v2", "inference"),
    ("research", "ranker-v3", "training"),
)


def _digest(seed: int, *keys: object) -> str:
    return hashlib.sha256("|".join(map(str, (seed, *keys))).encode()).hexdigest()


def _uuid(seed: int, *keys: object) -> str:
    h = _digest(seed, "uuid", *keys)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def _rng(seed: int, *keys: object) -> random.Random:
    return random.Random(int(_digest(seed, *keys)[:16], 16))


@dataclass
class Node:
    cluster: str
    provider: str
    name: str
    provider_id: str
    billed_resource_id: str | None  # None: not on the bill
    account: str
    currency: str
    instance_type: str
    gpu_product: str  # label nvidia.com/gpu.product
    model_name: str  # DCGM modelName
    gpu_count: int
    gpu_memory_mib: int
    vcpu: int
    memory_gib: int
    sharing: str  # exclusive | time_slicing | mps | mig
    replicas: int = 1
    mig_layout: tuple[str, ...] = ()
    exporter: str = "new"  # new (hostname) | virtual (hostname, per-pod) | old (Hostname, pod_name, ...)
    labels: dict = field(default_factory=dict)
    # hour -> node seconds observed (multiple of STEP_SECONDS); cost per node-hour filled per billing rule
    seconds: dict[datetime, int] = field(default_factory=dict)
    cost: dict[datetime, Decimal] = field(default_factory=dict)
    gap_hours: set[datetime] = field(default_factory=set)
    hostname_legacy_days: set[date] = field(default_factory=set)
    clock_skew: int = 0  # seconds the exporter's samples are late
    # day -> billed node-hours / observed node-hours (> 1 when the bill's hours exceed the 5-minute samples)
    billed_hours_factor: dict[date, Decimal] = field(default_factory=dict)

    def gpu_uuid(self, index: int) -> str:
        h = _digest(0, "gpu", self.provider_id, index)
        return f"GPU-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


@dataclass
class Pod:
    cluster: str
    namespace: str
    name: str
    uid: str
    node: str
    owner_kind: str
    owner_name: str
    container: str
    labels: dict
    cpu: float  # cores requested
    memory_gib: float
    gpu_resource: str | None  # nvidia_com_gpu | nvidia_com_mig_<profile> | None
    gpu_amount: int  # GPUs (exclusive), replicas (shared), MIG instances
    gpu_index: int | None  # the physical GPU it runs on
    mig_instance: int | None = None  # GPU_I_ID
    mig_profile: str | None = None
    hours: set[datetime] = field(default_factory=set)
    util: dict[datetime, int] = field(default_factory=dict)  # per-pod GPU_UTIL (shared) or device util
    workload: str = ""

    def workload_key(self) -> str:
        return f"k8s:{self.cluster}/{self.namespace}/{self.owner_name or self.name}"


@dataclass
class ScadPodHour:
    """One EKS pod-hour of the AWS split cost allocation rows (every period generated, not only the window)."""

    cluster: str
    node: str
    node_hour: datetime
    workload_key: str
    namespace: str
    team: str
    model: str
    vcpu_split_cost: Decimal
    memory_split_cost: Decimal


@dataclass
class World:
    nodes: list[Node] = field(default_factory=list)
    pods: list[Pod] = field(default_factory=list)
    text_cluster_day: tuple[str, date] | None = None
    # EKS nodes with split cost allocation rows: allocation takes the split rows (aws_scad), not telemetry.
    scad_pods: list[ScadPodHour] = field(default_factory=list)
    scad_nodes: dict[tuple[str, str, datetime], Decimal] = field(
        default_factory=dict
    )  # node-hour -> EffectiveCost
    scad_node_ids: dict[str, str] = field(default_factory=dict)  # node name -> instance id


# ---------------------------------------------------------------------------------------------------------
# nodes and pods from the billing plans


def _window(last_period: str, days: int) -> list[date]:
    year, month = (int(p) for p in last_period.split("-"))
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    first = max(date(year, month, 1), nxt - timedelta(days=days))
    return [first + timedelta(days=i) for i in range((nxt - first).days)]


def _hour(day: date, h: int) -> datetime:
    return datetime(day.year, day.month, day.day, h, tzinfo=UTC)


def _eks(world: World, seed: int, scale: float, months: int, last_period: str, days: list[date]) -> None:
    from ai_finops.generate import aws_cur2 as aws

    plan = aws._build_plan(seed, scale, months, last_period)
    cluster = aws._EKS_CLUSTER
    split = None
    for period in plan.periods:
        gen = aws._PeriodGenerator(plan, period)
        gen.ec2()
        split = getattr(gen, "eks_split", None)
        if split is not None:
            _scad_truth(world, cluster, split, datetime.fromtimestamp(period.start_ms / 1000, tz=UTC))
    period = plan.periods[-1]
    if split is None:
        return
    instance = aws._INSTANCE_TYPES["g5.12xlarge"]
    account = aws._ACCOUNTS["infer"].account_id
    start = datetime.fromtimestamp(period.start_ms / 1000, tz=UTC)
    # The fleet may run only part of the month at small scales: take the last days it ran.
    ran = sorted({(start + timedelta(hours=int(h))).date() for h in split["node_hour"]})
    days = ran[-len(days) :]
    window = set(days)
    nodes: dict[int, Node] = {}
    row_hour: dict[int, datetime] = {}
    for row, (h, unit, eff) in enumerate(
        zip(split["node_hour"], split["node_unit"], split["node_effective_nanos"], strict=True)
    ):
        hour = start + timedelta(hours=int(h))
        if hour.date() not in window:
            continue
        unit = int(unit)
        if unit not in nodes:
            instance_id = split["instance_ids"][unit]
            nodes[unit] = Node(
                cluster=cluster,
                provider="aws",
                name=_eks_node_name(unit),
                provider_id=f"aws:///us-east-1b/{instance_id}",
                billed_resource_id=instance_id,
                account=account,
                currency="USD",
                instance_type="g5.12xlarge",
                gpu_product="NVIDIA-A10G",
                model_name="NVIDIA A10G",
                gpu_count=instance.gpu,
                gpu_memory_mib=23028,
                vcpu=instance.vcpu,
                memory_gib=instance.memory_gib,
                sharing="exclusive",
                exporter="new",
                labels={
                    "eks_amazonaws_com_nodegroup": "gpu-g5-12xlarge",
                    "topology_kubernetes_io_zone": "us-east-1b",
                },
                hostname_legacy_days={days[0]},
            )
        nodes[unit].seconds[hour] = 3600
        nodes[unit].cost[hour] = Decimal(int(eff)) / Decimal(1_000_000_000)
        row_hour[row] = hour
    if not nodes:
        return
    # A two-hour metrics gap on the first node, on the second day of the window.
    first_node = nodes[min(nodes)]
    hours = sorted(first_node.seconds)
    first_node.gap_hours = set(hours[len(hours) // 2 : len(hours) // 2 + 2])
    nodes[max(nodes)].clock_skew = 3
    world.nodes += [nodes[u] for u in sorted(nodes)]

    pods: dict[str, Pod] = {}
    rng = _rng(seed, "eks-util")
    for pos, arn in enumerate(split["pod_arn"]):
        row = int(split["pod_node_row"][pos])
        if row not in row_hour:
            continue
        hour = row_hour[row]
        unit = int(split["node_unit"][row])
        _, _, rest = arn.partition(":pod/")
        _, namespace, pod_name, uid = rest.split("/")
        slot = int(split["pod_slot"][pos])
        if uid not in pods:
            deployment = aws._EKS_DEPLOYMENTS[slot]
            owner = pod_name.rsplit("-", 1)[0]
            pods[uid] = Pod(
                cluster=cluster,
                namespace=namespace,
                name=pod_name,
                uid=uid,
                node=nodes[unit].name,
                owner_kind="ReplicaSet",
                owner_name=owner,
                container=deployment[1],
                labels={
                    "app": deployment[1],
                    "team": deployment[2],
                    "model": deployment[3],
                    "workload": "inference",
                },
                cpu=float(split["cpu_request"][pos]),
                memory_gib=float(split["mem_request"][pos]),
                gpu_resource="nvidia_com_gpu",
                gpu_amount=1,
                gpu_index=slot,  # slot s holds GPU s (at most 4 pods per node, 4 GPUs)
            )
        pods[uid].hours.add(hour)
        pods[uid].util[hour] = rng.randint(15, 95)
    world.pods += list(pods.values())

    # A node in the cluster that is not on the bill (e.g. another account's node joined by mistake).
    ghost_id = "i-0" + _digest(seed, "ghost-node")[:16]
    ghost = Node(
        cluster=cluster,
        provider="aws",
        name="ip-10-42-9-200.ec2.internal",
        provider_id=f"aws:///us-east-1b/{ghost_id}",
        billed_resource_id=None,
        account=account,
        currency="USD",
        instance_type="g5.12xlarge",
        gpu_product="NVIDIA-A10G",
        model_name="NVIDIA A10G",
        gpu_count=instance.gpu,
        gpu_memory_mib=23028,
        vcpu=instance.vcpu,
        memory_gib=instance.memory_gib,
        sharing="exclusive",
        exporter="new",
        labels={
            "eks_amazonaws_com_nodegroup": "gpu-g5-12xlarge",
            "topology_kubernetes_io_zone": "us-east-1b",
        },
    )
    ghost_day = days[-1]
    for h in range(6, 12):
        ghost.seconds[_hour(ghost_day, h)] = 3600
    world.nodes.append(ghost)
    pod = Pod(
        cluster=cluster,
        namespace="sandbox",
        name="gpu-burn-test",
        uid=_uuid(seed, "ghost-pod"),
        node=ghost.name,
        owner_kind="",
        owner_name="",
        container="gpu-burn",
        labels={"app": "gpu-burn"},
        cpu=4.0,
        memory_gib=16.0,
        gpu_resource="nvidia_com_gpu",
        gpu_amount=1,
        gpu_index=0,
    )
    for hour in ghost.seconds:
        pod.hours.add(hour)
        pod.util[hour] = 100
    world.pods.append(pod)


def _eks_node_name(unit: int) -> str:
    return f"ip-10-42-{unit // 250}-{unit % 250 + 4}.ec2.internal"


def _scad_truth(world: World, cluster: str, split: dict, start: datetime) -> None:
    """Node-hours and pod-hours of one period's split cost allocation rows: the truth for EKS pods."""
    from ai_finops.generate import aws_cur2 as aws

    node_hours = []
    for h, unit, eff in zip(
        split["node_hour"], split["node_unit"], split["node_effective_nanos"], strict=True
    ):
        hour = start + timedelta(hours=int(h))
        name = _eks_node_name(int(unit))
        world.scad_node_ids[name] = split["instance_ids"][int(unit)]
        world.scad_nodes[(cluster, name, hour)] = Decimal(int(eff)) / Decimal(1_000_000_000)
        node_hours.append((name, hour))
    for pos, arn in enumerate(split["pod_arn"]):
        name, hour = node_hours[int(split["pod_node_row"][pos])]
        _, namespace, pod_name, _ = arn.partition(":pod/")[2].split("/")
        _, _, team, model, _, _ = aws._EKS_DEPLOYMENTS[int(split["pod_slot"][pos])]
        world.scad_pods.append(
            ScadPodHour(
                cluster=cluster,
                node=name,
                node_hour=hour,
                workload_key=f"k8s:{cluster}/{namespace}/{pod_name.rsplit('-', 1)[0]}",
                namespace=namespace,
                team=team,
                model=model,
                vcpu_split_cost=_split_decimal(split["pod_vcpu_split_cost"][pos]),
                memory_split_cost=_split_decimal(split["pod_gb_split_cost"][pos]),
            )
        )


def _split_decimal(value: float) -> Decimal:
    """A CUR split cost (a double rounded to 8 decimals) as the exact decimal it stands for."""
    return Decimal(repr(float(value))).quantize(Decimal("0.00000001"))


def _azure_daily(rows: list[dict], resource_id: str) -> dict[date, tuple[Decimal, Decimal]]:
    """Per day: (node-hours, EffectiveCost) of one scale set, from the generator's usage rows."""
    out: dict[date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        if row.get("resource_id") != resource_id or row.get("meter_category") != "Virtual Machines":
            continue
        cost = row["cost"]
        amortized = cost["amortized"] if isinstance(cost, dict) else cost
        out[row["date"]][0] += Decimal(row["quantity"])
        out[row["date"]][1] += Decimal(int(amortized)) / Decimal(1_000_000_000)
    return {d: (v[0], v[1]) for d, v in out.items()}


def _aks_pool(
    world: World,
    seed: int,
    *,
    cluster: str,
    pool: str,
    vmss: str,
    account: str,
    daily: dict[date, tuple[Decimal, Decimal]],
    days: list[date],
    sharing: str,
    exporter: str,
    currency: str = "USD",
) -> list[Node]:
    vmss_name = vmss.rsplit("/", 1)[-1]
    nodes: dict[int, Node] = {}
    day_cost: dict[date, Decimal] = {}
    for day in days:
        if day not in daily:
            continue
        node_hours, cost = daily[day]
        day_cost[day] = cost
        remaining = node_hours
        index = 0
        while remaining > 0:
            if index not in nodes:
                nodes[index] = Node(
                    cluster=cluster,
                    provider="azure",
                    name=f"{vmss_name}{index:06d}",
                    provider_id=(
                        "azure://"
                        + vmss.replace("/resourceGroups/MC_", "/resourceGroups/mc_")
                        + f"/virtualMachines/{index}"
                    ),
                    billed_resource_id=vmss.lower(),
                    account=account,
                    currency=currency,
                    instance_type="Standard_NC24ads_A100_v4",
                    gpu_product="NVIDIA-A100-PCIE-80GB",
                    model_name="NVIDIA A100 80GB PCIe",
                    gpu_count=1,
                    gpu_memory_mib=81920,
                    vcpu=24,
                    memory_gib=220,
                    sharing=sharing,
                    replicas=4 if sharing in ("time_slicing", "mps") else 1,
                    mig_layout=_MIG_LAYOUTS[index % len(_MIG_LAYOUTS)] if sharing == "mig" else (),
                    exporter=exporter,
                    labels={"kubernetes_azure_com_agentpool": pool, "agentpool": pool},
                )
            node = nodes[index]
            hours = min(remaining, Decimal(24))
            full = int(hours)
            for h in range(full):
                node.seconds[_hour(day, h)] = 3600
            partial = hours - full
            if partial > 0:
                slots = max(1, int((partial * 3600 / STEP_SECONDS).to_integral_value()))
                node.seconds[_hour(day, full)] = slots * STEP_SECONDS
            remaining -= hours
            index += 1
    # Daily cost spread over the node-seconds observed that day (the rule for daily lines).
    for day, cost in day_cost.items():
        total = sum(s for n in nodes.values() for h, s in n.seconds.items() if h.date() == day)
        # The bill charged more node-hours than the 5-minute samples saw (a partial hour rounded down): capacity
        # the bill paid for and telemetry never saw is idle, as the models do (instance-hours = the greater).
        factor = max(Decimal(1), daily[day][0] * 3600 / Decimal(total))
        for node in nodes.values():
            node.billed_hours_factor[day] = factor
        for node in nodes.values():
            for hour, secs in node.seconds.items():
                if hour.date() == day:
                    node.cost[hour] = cost * Decimal(secs) / Decimal(total)
    result = [nodes[i] for i in sorted(nodes)]
    world.nodes += result
    return result


def _aks_pods(world: World, seed: int, nodes: list[Node], namespace_prefix: str) -> None:
    """Pods on AKS GPU nodes: one pod object per GPU slot (MIG instance or shared replica) per node-day."""
    for node in nodes:
        by_day: dict[date, list[datetime]] = defaultdict(list)
        for hour in sorted(node.seconds):
            by_day[hour.date()].append(hour)
        for day, hours in by_day.items():
            rng = _rng(seed, "aks-pods", node.name, day)
            if node.sharing == "mig":
                slots = [(i + 1, profile) for i, profile in enumerate(node.mig_layout)]
            else:
                slots = [(None, None)] * rng.randint(2, node.replicas)
            overfull = node.sharing == "mig" and _mig_shares(node.mig_layout) > 1
            for slot, (instance, profile) in enumerate(slots):
                unused = node.sharing == "mig" and rng.random() < 0.2
                if unused and not (overfull and day == min(by_day)):
                    continue  # an unused MIG instance: idle (all used on an over-full layout's first day)
                team, model, kind = _TEAMS[rng.randrange(len(_TEAMS))]
                labels: dict = {"app": f"{team}-{'serve' if kind == 'inference' else 'train'}", "team": team,
                                "model": model, "workload": kind}  # fmt: skip
                suffix = _digest(seed, "pod", node.name, day, slot)[:5]
                if kind == "training":  # one Job (and MLflow run) per pod
                    owner_kind, owner = (
                        "Job",
                        f"{model}-train-{_digest(seed, 'job', node.name, day, slot)[:6]}",
                    )
                    labels["mlflow-run-id"] = mlflow_run_id(seed, "k8s", node.cluster, owner)
                    labels["batch.kubernetes.io/job-name"] = owner
                    name = f"{owner}-{suffix}"
                else:
                    owner_kind = "ReplicaSet"
                    owner = f"{labels['app']}-{_digest(seed, 'rs', node.cluster, labels['app'])[:10]}"
                    name = f"{owner}-{suffix}"
                namespace = f"{namespace_prefix}-{team}"
                if slot == 0 and node is nodes[0] and day == min(by_day):
                    labels, owner_kind, owner = {}, "", ""  # a pod with no labels at all
                    namespace, name = "default", f"debug-shell-{suffix}"
                elif slot == 1 and node is nodes[-1] and day == max(by_day) and namespace_prefix == "genai":
                    # a JupyterHub single-user notebook server (no owner; team, no model)
                    labels = {"app": "jupyterhub", "component": "singleuser-server", "team": "research",
                              "notebook-name": "rag-experiments", "hub.jupyter.org/username": "alice"}  # fmt: skip
                    owner_kind, owner, kind = "", "", "notebook"
                    namespace, name = "jupyterhub", "jupyter-alice"
                pod = Pod(
                    cluster=node.cluster,
                    namespace=namespace,
                    name=name,
                    uid=_uuid(seed, "pod", node.name, day, slot),
                    node=node.name,
                    owner_kind=owner_kind,
                    owner_name=owner,
                    container=labels.get("app", "debug-shell"),
                    labels=labels,
                    cpu=float(rng.choice((2, 4, 4, 6))),
                    memory_gib=float(rng.choice((8, 16, 32))),
                    gpu_resource=(
                        "nvidia_com_mig_" + profile.replace(".", "_") if profile else "nvidia_com_gpu"
                    ),
                    gpu_amount=1,
                    gpu_index=0,
                    mig_instance=instance,
                    mig_profile=profile,
                )
                for hour in hours:
                    if hour in node.gap_hours:
                        continue
                    pod.hours.add(hour)
                    pod.util[hour] = rng.randint(0, 45)
                world.pods.append(pod)
        # One GPU-hour where every sharer reports 0 % (the even-split fallback).
        if node.sharing in ("time_slicing", "mps"):
            pods = [p for p in world.pods if p.node == node.name]
            first = min((h for p in pods for h in p.hours), default=None)
            for p in pods:
                if first in p.hours:
                    p.util[first] = 0


def _mig_share(profile: str) -> Decimal:
    comp, mem, _ = _MIG_SLICES[profile]
    return max(Decimal(comp) / 7, Decimal(mem) / 8)


def _mig_shares(profiles) -> Decimal:
    return sum((_mig_share(p) for p in profiles), Decimal(0))


def build_world(
    seed: int, scale: float, months: int, last_period: str, days: int, azure_scale: float | None = None
) -> World:
    """Nodes and pods of the window; `azure_scale` (default: `scale`) is the Azure cost generator's scale the
    AKS pools are read from (`scripts/bench.py` sets it apart from the EKS one)."""
    from ai_finops.generate import azure_cost as az

    world = World()
    window = _window(last_period, days)
    _eks(world, seed, scale, months, last_period, window)

    az_scale = scale if azure_scale is None else azure_scale
    periods = az._periods(months, last_period)
    plan = az._build_plan(seed, az_scale, periods)
    ea_rows = az._PeriodGenerator(seed, az_scale, az.EA, periods[-1], plan).generate().usage
    mca_rows = az._PeriodGenerator(seed, az_scale, az.MCA, periods[-1], plan).generate().usage
    platform = plan["subs"]["ea"][1]
    mc_rg = "MC_rg-aks-prod_aks-inference-prod_eastus"
    vmss = (
        f"/subscriptions/{platform.id}/resourceGroups/{mc_rg}/providers/Microsoft.Compute/"
        "virtualMachineScaleSets/aks-gpuinfer-31415926-vmss"
    )
    spot_vmss = vmss.replace("aks-gpuinfer-31415926", "aks-gpuspot-27182818")
    mig_nodes = _aks_pool(
        world, seed, cluster="aks-inference-prod", pool="gpuinfer", vmss=vmss, account=platform.id,
        daily=_azure_daily(ea_rows, vmss), days=window, sharing="mig", exporter="old",
    )  # fmt: skip
    spot_nodes = _aks_pool(
        world, seed, cluster="aks-inference-prod", pool="gpuspot", vmss=spot_vmss, account=platform.id,
        daily=_azure_daily(ea_rows, spot_vmss), days=window, sharing="time_slicing", exporter="virtual",
    )  # fmt: skip
    inference = plan["subs"]["mca"][0]
    mca_rg = "MC_rg-genai-eu_aks-genai-eu_westeurope"
    mca_vmss = (
        f"/subscriptions/{inference.id}/resourceGroups/{mca_rg}/providers/Microsoft.Compute/"
        "virtualMachineScaleSets/aks-gpupool-16180339-vmss"
    )
    mps_nodes = _aks_pool(
        world, seed, cluster="aks-genai-eu", pool="gpupool", vmss=mca_vmss, account=inference.id,
        daily=_azure_daily(mca_rows, mca_vmss), days=window, sharing="mps", exporter="new", currency="EUR",
    )  # fmt: skip
    _aks_pods(world, seed, mig_nodes, "inference")
    _aks_pods(world, seed, spot_nodes, "batch")
    _aks_pods(world, seed, mps_nodes, "genai")
    world.text_cluster_day = ("aks-inference-prod", window[-1])
    return world


# ---------------------------------------------------------------------------------------------------------
# series


def _slots(node: Node, hour: datetime) -> list[int]:
    """Unix seconds of the samples of one node-hour (none in a gap)."""
    if hour in node.gap_hours:
        return []
    base = int(hour.timestamp())
    return [base + k * STEP_SECONDS for k in range(node.seconds[hour] // STEP_SECONDS)]


class _Series:
    """Samples by (metric, frozen labels), with the day each sample falls in."""

    def __init__(self) -> None:
        self.data: dict[tuple[str, str, date], dict[tuple, list[tuple[int, float]]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, cluster: str, metric: str, labels: dict, ts: list[int], value) -> None:
        key = tuple(sorted((k, str(v)) for k, v in labels.items() if v not in (None, "")))
        for t in ts:
            day = datetime.fromtimestamp(t, tz=UTC).date()
            v = value(t) if callable(value) else value
            self.data[(cluster, metric, day)][key].append((t, v))


def _node_series(series: _Series, node: Node) -> None:
    c = node.cluster
    base = {"cluster": c, "job": "kube-state-metrics", "instance": "10.0.3.17:8080"}
    for hour in sorted(node.seconds):
        ts = _slots(node, hour)
        if not ts:
            continue
        series.add(c, "kube_node_info", {**base, "node": node.name, "provider_id": node.provider_id,
                                         "kubelet_version": "v1.31.4", "container_runtime_version": "containerd://1.7.24",
                                         "internal_ip": "10.0.0.4"}, ts, 1)  # fmt: skip
        labels = {
            **base,
            "node": node.name,
            "label_node_kubernetes_io_instance_type": node.instance_type,
            "label_nvidia_com_gpu_product": node.gpu_product,
            "label_nvidia_com_gpu_count": node.gpu_count,
            "label_nvidia_com_gpu_replicas": node.replicas,
            **{f"label_{k}": v for k, v in node.labels.items()},
        }
        if node.sharing == "mig":
            labels["label_nvidia_com_mig_strategy"] = "mixed"
        elif node.sharing in ("time_slicing", "mps"):
            labels["label_nvidia_com_gpu_sharing_strategy"] = (
                "time-slicing" if node.sharing != "mps" else "mps"
            )
        series.add(c, "kube_node_labels", labels, ts, 1)
        capacity = {"cpu": ("core", node.vcpu), "memory": ("byte", node.memory_gib * GIB)}
        if node.sharing == "mig":
            counts: dict[str, int] = defaultdict(int)
            for profile in node.mig_layout:
                counts["nvidia_com_mig_" + profile.replace(".", "_")] += 1
            capacity.update({r: ("integer", n) for r, n in counts.items()})
        else:
            capacity["nvidia_com_gpu"] = ("integer", node.gpu_count * node.replicas)
        for resource, (unit, value) in capacity.items():
            series.add(c, "kube_node_status_capacity",
                       {**base, "node": node.name, "resource": resource, "unit": unit}, ts, value)  # fmt: skip


def _label_name(key: str) -> str:
    """kube-state-metrics' Prometheus name of a Kubernetes label (`notebook-name` -> `label_notebook_name`)."""
    return "label_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)


def _pod_series(series: _Series, pod: Pod, node: Node) -> None:
    c = pod.cluster
    base = {"cluster": c, "job": "kube-state-metrics", "instance": "10.0.3.17:8080"}
    ident = {"namespace": pod.namespace, "pod": pod.name, "uid": pod.uid}
    for hour in sorted(pod.hours):
        ts = _slots(node, hour)
        if not ts:
            continue
        series.add(c, "kube_pod_info", {**base, **ident, "node": pod.node, "created_by_kind": pod.owner_kind or "<none>",
                                        "created_by_name": pod.owner_name or "<none>", "host_ip": "10.0.0.4",
                                        "priority_class": ""}, ts, 1)  # fmt: skip
        series.add(
            c,
            "kube_pod_labels",
            {**base, **ident, **{_label_name(k): v for k, v in pod.labels.items()}},
            ts,
            1,
        )
        requests = [("cpu", "core", pod.cpu), ("memory", "byte", pod.memory_gib * GIB)]
        if pod.gpu_resource:
            requests.append((pod.gpu_resource, "integer", pod.gpu_amount))
        for resource, unit, value in requests:
            series.add(c, "kube_pod_container_resource_requests",
                       {**base, **ident, "container": pod.container, "node": pod.node, "resource": resource,
                        "unit": unit}, ts, value)  # fmt: skip


def _dcgm_series(series: _Series, node: Node, pods: list[Pod], seed: int) -> None:
    c = node.cluster
    for hour in sorted(node.seconds):
        ts = [t + node.clock_skew for t in _slots(node, hour)]
        if not ts:
            continue
        legacy = node.exporter == "old" or hour.date() in node.hostname_legacy_days
        host_key = "Hostname" if legacy else "hostname"
        old_names = node.exporter == "old"
        pod_keys = (
            ("pod_namespace", "pod_name", "container_name")
            if old_names
            else ("namespace", "pod", "container")
        )
        here = [p for p in pods if hour in p.hours]
        for gpu in range(node.gpu_count):
            device = {
                "cluster": c,
                "job": "dcgm-exporter",
                "instance": "10.0.4.21:9400",
                "gpu": gpu,
                "UUID": node.gpu_uuid(gpu),
                "device": f"nvidia{gpu}",
                "pci_bus_id": f"00000000:{gpu + 16:02X}:00.0",
                "modelName": node.model_name,
                "DCGM_FI_DRIVER_VERSION": "550.127.05",
                host_key: node.name,
            }
            on_gpu = [p for p in here if p.gpu_index == gpu]
            if node.sharing == "mig":
                used_mib = 0
                for profile_index, profile in enumerate(node.mig_layout):
                    instance = profile_index + 1
                    labels = {**device, "GPU_I_ID": instance, "GPU_I_PROFILE": profile}
                    holder = next((p for p in on_gpu if p.mig_instance == instance), None)
                    active = 0.0
                    fb = 0
                    if holder:
                        labels.update(
                            dict(
                                zip(pod_keys, (holder.namespace, holder.name, holder.container), strict=True)
                            )
                        )
                        active = round(holder.util[hour] / 100, 4)
                        fb = int(_MIG_SLICES[profile][2] * 0.6)
                    used_mib += fb
                    total = _MIG_SLICES[profile][2]
                    series.add(c, "DCGM_FI_DEV_FB_USED", labels, ts, fb)
                    series.add(c, "DCGM_FI_DEV_FB_FREE", labels, ts, total - fb)
                    series.add(c, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", labels, ts, active)
                    series.add(c, "DCGM_FI_PROF_SM_ACTIVE", labels, ts, round(active * 0.8, 4))
                continue
            if node.sharing == "exclusive":
                holder = on_gpu[0] if on_gpu else None
                labels = dict(device)
                util = 0
                if holder:
                    labels.update(
                        dict(zip(pod_keys, (holder.namespace, holder.name, holder.container), strict=True))
                    )
                    util = holder.util[hour]
                fb = int(node.gpu_memory_mib * (0.7 if holder else 0.0))
                series.add(c, "DCGM_FI_DEV_GPU_UTIL", labels, ts, util)
                series.add(c, "DCGM_FI_DEV_FB_USED", labels, ts, fb)
                series.add(c, "DCGM_FI_DEV_FB_FREE", labels, ts, node.gpu_memory_mib - fb)
                series.add(c, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", labels, ts, round(util / 100, 4))
                series.add(c, "DCGM_FI_PROF_SM_ACTIVE", labels, ts, round(util / 125, 4))
                if holder and hour.hour == 3 and gpu == 0:
                    # A second Prometheus replica returned the same series two seconds later.
                    dup = {**labels, "prometheus_replica": "prometheus-k8s-1"}
                    series.add(c, "DCGM_FI_DEV_GPU_UTIL", dup, [t + 2 for t in ts], util)
                continue
            # time-slicing / MPS: device-level PROF and FB; per-pod GPU_UTIL / FB_USED only in virtual-GPU mode
            total_util = min(100, sum(p.util[hour] for p in on_gpu))
            fb_used = sum(4096 * (1 + i % 3) for i, _ in enumerate(on_gpu))
            series.add(c, "DCGM_FI_DEV_GPU_UTIL", device, ts, total_util)
            series.add(c, "DCGM_FI_DEV_FB_USED", device, ts, fb_used)
            series.add(c, "DCGM_FI_DEV_FB_FREE", device, ts, node.gpu_memory_mib - fb_used)
            series.add(c, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", device, ts, round(total_util / 100, 4))
            series.add(c, "DCGM_FI_PROF_SM_ACTIVE", device, ts, round(total_util / 130, 4))
            if node.exporter == "virtual":
                for i, p in enumerate(on_gpu):
                    labels = {**device, "namespace": p.namespace, "pod": p.name, "container": p.container}
                    series.add(c, "DCGM_FI_DEV_GPU_UTIL", labels, ts, p.util[hour])
                    series.add(c, "DCGM_FI_DEV_FB_USED", labels, ts, 4096 * (1 + i % 3))


# ---------------------------------------------------------------------------------------------------------
# writers


def _fmt(value) -> str:
    if isinstance(value, float):
        return repr(value) if value != int(value) else str(int(value))
    return str(value)


def _write_query_range(root: Path, series: _Series, text_day: tuple[str, date] | None) -> list[Path]:
    files = []
    for (cluster, metric, day), by_labels in sorted(series.data.items()):
        if text_day == (cluster, day):
            continue
        result = []
        for labels, samples in sorted(by_labels.items()):
            samples.sort()
            result.append(
                {
                    "metric": {"__name__": metric, **dict(labels)},
                    "values": [[t, _fmt(v)] for t, v in samples],
                }
            )
        body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        path = root / "query_range" / f"cluster={cluster}" / day.isoformat() / f"{metric}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, separators=(",", ":")) + "\n", encoding="utf-8")
        files.append(path)
    return files


_HELP = {
    "kube_node_info": ("gauge", "Information about a cluster node."),
    "kube_node_labels": ("gauge", "Kubernetes labels converted to Prometheus labels."),
    "kube_node_status_capacity": ("gauge", "The capacity for different resources of a node."),
    "kube_pod_info": ("gauge", "Information about pod."),
    "kube_pod_labels": ("gauge", "Kubernetes labels converted to Prometheus labels."),
    "kube_pod_container_resource_requests": (
        "gauge",
        "The number of requested request resource by a container.",
    ),
    "DCGM_FI_DEV_GPU_UTIL": ("gauge", "GPU utilization (in %)."),
    "DCGM_FI_DEV_FB_USED": ("gauge", "Framebuffer memory used (in MiB)."),
    "DCGM_FI_DEV_FB_FREE": ("gauge", "Framebuffer memory free (in MiB)."),
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE": ("gauge", "Ratio of time the graphics engine is active."),
    "DCGM_FI_PROF_SM_ACTIVE": ("gauge", "The ratio of cycles an SM has at least 1 warp assigned."),
}


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _write_openmetrics(root: Path, series: _Series, text_day: tuple[str, date]) -> Path:
    cluster, day = text_day
    lines = []
    for (c, metric, d), by_labels in sorted(series.data.items()):
        if (c, d) != text_day:
            continue
        kind, help_text = _HELP[metric]
        lines.append(f"# TYPE {metric} {kind}")
        lines.append(f"# HELP {metric} {help_text}")
        for labels, samples in sorted(by_labels.items()):
            # exposition has no external labels: the cluster comes from the folder name
            body = ",".join(f'{k}="{_escape(v)}"' for k, v in labels if k != "cluster")
            for t, v in sorted(samples):
                lines.append(f"{metric}{{{body}}} {_fmt(v)} {t}")
        if metric == "DCGM_FI_DEV_FB_FREE":  # a duplicated sample, as a re-sent scrape would give
            lines.append(lines[-1])
    lines.append("# EOF")
    path = root / "openmetrics" / f"cluster={cluster}" / f"{day.isoformat()}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------
# truth


def _q(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.0000000001")))


def compute_truth(world: World) -> dict:
    """Per workload: GPU-hours allocated / used and EffectiveCost; idle and unallocated per node-day."""
    pods_by_node: dict[str, list[Pod]] = defaultdict(list)
    for pod in world.pods:
        pods_by_node[(pod.cluster, pod.node)].append(pod)
    workloads: dict[str, dict] = {}
    node_days: dict[tuple[str, str, date], dict] = {}

    def workload(pod: Pod, currency: str) -> dict:
        key = pod.workload_key()
        if key not in workloads:
            if pod.labels.get("component") == "singleuser-server" or "notebook-name" in pod.labels:
                workload_class = "notebook"
            else:
                workload_class = {"Job": "training", "ReplicaSet": "inference"}.get(
                    pod.owner_kind, "unclassified"
                )
            workloads[key] = {
                "workload_key": key,
                "cluster": pod.cluster,
                "namespace": pod.namespace,
                "billing_currency": currency,
                "team": pod.labels.get("team"),
                "model_name": pod.labels.get("model"),
                "run_id": pod.labels.get("mlflow-run-id"),
                "workload_class": workload_class,
                "gpu_hours_allocated": Decimal(0),
                "gpu_hours_used": Decimal(0),
                "effective_cost": Decimal(0),
                "gpu_cost": Decimal(0),
                "cpu_cost": Decimal(0),
                "memory_cost": Decimal(0),
                "allocation_methods": set(),
            }
        return workloads[key]

    def node_day(cluster: str, name: str, resource_id: str | None, currency: str, day: date) -> dict:
        return node_days.setdefault(
            (cluster, name, day),
            {
                "cluster": cluster,
                "node": name,
                "resource_id": resource_id,
                "billing_currency": currency,
                "on_bill": resource_id is not None,
                "day": day.isoformat(),
                "node_hours": Decimal(0),
                "effective_cost": Decimal(0),
                "allocated": Decimal(0),
                "idle": Decimal(0),
                "unallocated": Decimal(0),
            },
        )

    # EKS node-hours with split cost allocation rows: each pod gets its split cost (aws_scad), the rest is idle.
    for (cluster, name, hour), cost in world.scad_nodes.items():
        nd = node_day(cluster, name, world.scad_node_ids[name], "USD", hour.date())
        nd["node_hours"] += 1
        nd["effective_cost"] += cost
        nd["idle"] += cost
    for sp in world.scad_pods:
        if sp.workload_key not in workloads:
            workloads[sp.workload_key] = {
                "workload_key": sp.workload_key,
                "cluster": sp.cluster,
                "namespace": sp.namespace,
                "billing_currency": "USD",
                "team": sp.team,
                "model_name": sp.model,
                "run_id": None,
                "workload_class": "inference",
                "gpu_hours_allocated": Decimal(0),
                "gpu_hours_used": None,  # no GPU split rows: the split cost carries no GPU measure
                "effective_cost": Decimal(0),
                "gpu_cost": Decimal(0),
                "cpu_cost": Decimal(0),
                "memory_cost": Decimal(0),
                "allocation_methods": {"aws_scad"},
            }
        w = workloads[sp.workload_key]
        w["gpu_hours_allocated"] += 1  # the pod holds one whole A10G (slot s on GPU s)
        w["cpu_cost"] += sp.vcpu_split_cost
        w["memory_cost"] += sp.memory_split_cost
        w["effective_cost"] += sp.vcpu_split_cost + sp.memory_split_cost
        nd = node_days[(sp.cluster, sp.node, sp.node_hour.date())]
        nd["allocated"] += sp.vcpu_split_cost + sp.memory_split_cost
        nd["idle"] -= sp.vcpu_split_cost + sp.memory_split_cost

    for node in world.nodes:
        pods = pods_by_node[(node.cluster, node.name)]
        for hour, secs in sorted(node.seconds.items()):
            if (node.cluster, node.name, hour) in world.scad_nodes:
                continue  # allocated by its split cost rows above
            cost = node.cost.get(hour, Decimal(0))
            nd = node_day(node.cluster, node.name, node.billed_resource_id, node.currency, hour.date())
            nd["node_hours"] += Decimal(secs) / 3600
            nd["effective_cost"] += cost
            if hour in node.gap_hours:
                nd["unallocated"] += cost
                continue
            unit = cost / (
                (GPU_WEIGHT * node.gpu_count + CPU_WEIGHT * node.vcpu + MEM_WEIGHT * node.memory_gib)
                * node.billed_hours_factor.get(hour.date(), Decimal(1))
            )
            here = [p for p in pods if hour in p.hours]
            allocated = Decimal(0)
            frac_hours = Decimal(secs) / 3600
            for gpu in range(node.gpu_count):
                on_gpu = [p for p in here if p.gpu_index == gpu and p.gpu_resource]
                gpu_cost = GPU_WEIGHT * unit
                # pod, share of the GPU's cost, GPU-hours allocated (requests), used GPU-hours, method
                shares: list[tuple[Pod, Decimal, Decimal, Decimal, str]] = []
                if node.sharing == "exclusive":
                    shares = [(p, Decimal(1), frac_hours, Decimal(p.util[hour]) / 100 * frac_hours,
                               "exclusive_request") for p in on_gpu]  # fmt: skip
                elif node.sharing == "mig":
                    total = _mig_shares(p.mig_profile for p in on_gpu)
                    cap = Decimal(1) / total if total > 1 else Decimal(1)  # an over-full layout: scaled to 1
                    for p in on_gpu:
                        share = _mig_share(p.mig_profile)
                        shares.append((p, share * cap, share * cap * frac_hours,
                                       Decimal(p.util[hour]) / 100 * share * frac_hours, "mig_slice"))  # fmt: skip
                elif on_gpu:
                    prefix = "time_sliced" if node.sharing == "time_slicing" else "mps"
                    total = sum(p.util[hour] for p in on_gpu)
                    for p in on_gpu:
                        requested = Decimal(p.gpu_amount) / node.replicas
                        used = Decimal(p.util[hour]) / 100 * frac_hours
                        if node.exporter == "virtual" and total > 0:  # fully allocated by per-pod GPU_UTIL
                            shares.append((p, Decimal(p.util[hour]) / total, requested * frac_hours, used,
                                           f"{prefix}_by_use"))  # fmt: skip
                        else:  # evenly by replica: unrequested replicas are idle
                            shares.append((p, requested, requested * frac_hours, used, f"{prefix}_even"))
                for p, share, hours_allocated, used, method in shares:
                    w = workload(p, node.currency)
                    amount = gpu_cost * share
                    w["gpu_cost"] += amount
                    w["effective_cost"] += amount
                    w["gpu_hours_allocated"] += hours_allocated
                    w["gpu_hours_used"] += used
                    w["allocation_methods"].add(method)
                    allocated += amount
            for p in here:
                w = workload(p, node.currency)
                cpu = CPU_WEIGHT * unit * Decimal(str(p.cpu))
                mem = MEM_WEIGHT * unit * Decimal(str(p.memory_gib))
                w["cpu_cost"] += cpu
                w["memory_cost"] += mem
                w["effective_cost"] += cpu + mem
                allocated += cpu + mem
            nd["allocated"] += allocated
            nd["idle"] += cost - allocated
    out_workloads = []
    for w in sorted(workloads.values(), key=lambda x: x["workload_key"]):
        out_workloads.append(
            {
                **{k: v for k, v in w.items() if not isinstance(v, Decimal | set)},  # (None stays null)
                **{k: _q(v) for k, v in w.items() if isinstance(v, Decimal)},
                "allocation_methods": sorted(w["allocation_methods"]),
            }
        )
    out_days = [
        {
            **{k: v for k, v in d.items() if not isinstance(v, Decimal)},
            **{k: _q(v) for k, v in d.items() if isinstance(v, Decimal)},
        }
        for _, d in sorted(node_days.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
    ]
    totals = {
        k: _q(sum((Decimal(d[k]) for d in out_days), Decimal(0)))
        for k in ("effective_cost", "allocated", "idle", "unallocated")
    }
    return {"workloads": out_workloads, "node_days": out_days, "totals": totals}


def expected_hourly(world: World) -> dict:
    """The hourly figures a correct ingest lands (for tests): node-hours and per-pod GPU_UTIL means."""
    node_hours = {}
    for node in world.nodes:
        for hour, secs in node.seconds.items():
            if hour not in node.gap_hours:
                node_hours[(node.cluster, node.name, hour)] = secs
    pod_requests = {}
    for pod in world.pods:
        node = next(n for n in world.nodes if n.cluster == pod.cluster and n.name == pod.node)
        for hour in pod.hours:
            if hour not in node.gap_hours and pod.gpu_resource:
                pod_requests[(pod.cluster, pod.uid, pod.gpu_resource, hour)] = pod.gpu_amount
    return {"node_hours": node_hours, "pod_gpu_requests": pod_requests}


def _world_series(world: World, seed: int, day: date | None = None) -> _Series:
    """Every series of the world, or only the samples of the node-hours and pod-hours of one UTC `day`."""
    nodes, pods = world.nodes, world.pods
    if day is not None:
        nodes = [replace(n, seconds={h: s for h, s in n.seconds.items() if h.date() == day}) for n in nodes]
        pods = [replace(p, hours={h for h in p.hours if h.date() == day}) for p in pods]
        pods = [p for p in pods if p.hours]  # a pod without samples that day writes none
    series = _Series()
    by_name = {(n.cluster, n.name): n for n in nodes}
    pods_of: dict[tuple[str, str], list[Pod]] = defaultdict(list)
    for pod in pods:
        pods_of[(pod.cluster, pod.node)].append(pod)
    for node in nodes:
        _node_series(series, node)
        _dcgm_series(series, node, pods_of[(node.cluster, node.name)], seed)
    for pod in pods:
        _pod_series(series, pod, by_name[(pod.cluster, pod.node)])
    return series


def generate_k8s_telemetry(
    out_dir: Path,
    *,
    seed: int = 42,
    scale: float = 1.0,
    months: int = 3,
    last_period: str = "2026-10",
    days: int = 3,
    azure_scale: float | None = None,
    by_day: bool = False,
) -> dict:
    """Write Prometheus query_range JSON and one OpenMetrics cluster-day, and `truth/k8s_workloads.json`.

    Telemetry covers the last `days` UTC days of `last_period`; hours before have no telemetry (the bill
    still has them: attribution shows them as unallocated). `azure_scale` (default `scale`): the Azure cost
    generator's scale the AKS pools come from. `by_day`: build and write the series one UTC day at a time
    (the same files; memory of one day's samples instead of the window's, for large scales)."""
    out_dir = Path(out_dir)
    world = build_world(seed, scale, months, last_period, days, azure_scale)
    root = out_dir / "telemetry" / "prometheus"
    files: list[Path] = []
    for day in sorted({h.date() for n in world.nodes for h in n.seconds}) if by_day else [None]:
        series = _world_series(world, seed, day)
        files += _write_query_range(root, series, world.text_cluster_day)
        if world.text_cluster_day and day in (None, world.text_cluster_day[1]):
            files.append(_write_openmetrics(root, series, world.text_cluster_day))
        del series
    truth = {
        "generator": {
            "name": "ai_finops.generate.k8s_telemetry",
            "seed": seed,
            "scale": scale,
            "months": months,
            "last_period": last_period,
            "days": days,
            **({"azure_scale": azure_scale} if azure_scale is not None else {}),
        },
        "rules": {
            "weights": {"gpu": "9", "vcpu": "0.9", "memory_gib": "0.1"},
            "exclusive": "whole GPU to the pod requesting it",
            "time_slicing_mps": "GPU fully allocated among its sharers by per-pod GPU_UTIL share when reported "
            "(virtual-GPU exporter) and the sum > 0, else evenly by replica (1 / nvidia.com/gpu.replicas per "
            "replica requested; unrequested replicas are idle)",
            "mig": "max(compute slices / 7, memory slices / 8) of the GPU; scaled proportionally when the "
            "GPU's allocated shares sum above 1",
            "aws_scad": "EKS nodes with split cost allocation rows: each pod its split_line_item_split_cost "
            "(every generated period), the unused cost idle; telemetry not used for those node-hours",
            "azure_daily_lines": "daily EffectiveCost of a scale set spread over the node-seconds observed that day; "
            "when the bill's node-hours exceed the observed ones, pods' shares are scaled by observed / billed and "
            "the rest is idle",
            "gaps": "a node-hour without telemetry is unallocated (hourly bills only)",
            "used_gpu_hours": "GR_ENGINE_ACTIVE (exclusive, MIG) or per-pod GPU_UTIL / 100 (shared) x hours",
        },
        "clusters": sorted({n.cluster for n in world.nodes}),
        "nodes": [
            {
                "cluster": n.cluster,
                "node": n.name,
                "provider": n.provider,
                "provider_id": n.provider_id,
                "billed_resource_id": n.billed_resource_id,
                "billing_currency": n.currency,
                "instance_type": n.instance_type,
                "gpu_sharing": n.sharing,
                "node_hours": _q(sum((Decimal(s) / 3600 for s in n.seconds.values()), Decimal(0))),
                "effective_cost": _q(sum(n.cost.values(), Decimal(0))),
            }
            for n in world.nodes
        ],
        **compute_truth(world),
    }
    truth_path = out_dir / "truth" / "k8s_workloads.json"
    truth_path.parent.mkdir(parents=True, exist_ok=True)
    truth_path.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return {
        "files": [f.relative_to(out_dir).as_posix() for f in files],
        "truth_file": truth_path.relative_to(out_dir).as_posix(),
        "nodes": len(world.nodes),
        "pods": len(world.pods),
    }
