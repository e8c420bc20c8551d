"""Resource usage from metrics.k8s.io (what ``kubectl top`` reads): PodMetrics and NodeMetrics
lists parsed into numbers, set against the containers' requests and limits and the nodes'
allocatable, as k9s shows them (CPU, %CPU/R, %CPU/L, MEM, %MEM/R, %MEM/L).

Pure and headless, on the API's raw JSON. A usage the quantity parser cannot read is unknown
(None), never a crash, and is shown as such.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gok_tui.domain.quantity import format_cpu, format_memory, quantity_or_none
from gok_tui.domain.selectors import selects
from gok_tui.domain.table import Column

UNKNOWN = "?"  # a usage that did not parse, or that no sample gave
NOT_SET = "n/a"  # a percentage of a request or limit the containers do not set
OOM_RISK_PERCENT = 90  # of its memory limit, from which a container may be OOMKilled soon
OOM_MARK = "OOM"
SPARK_BLOCKS = "▁▂▃▄▅▆▇█"

POD_METRIC_COLUMNS: tuple[Column, ...] = (
    Column("cpu_use", "CPU", 6),
    Column("cpu_req", "%CPU/R", 6),
    Column("cpu_lim", "%CPU/L", 6),
    Column("mem_use", "MEM", 7),
    Column("mem_req", "%MEM/R", 6),
    Column("mem_lim", "%MEM/L", 10),
)
# at 80 columns the usage and the share of the limits (the OOM mark is in %MEM/L)
NARROW_POD_METRIC_KEYS = ("cpu_use", "mem_use", "mem_lim")
NODE_METRIC_COLUMNS: tuple[Column, ...] = (
    Column("cpu_now", "CPU NOW", 14),
    Column("mem_now", "MEM NOW", 16),
)


@dataclass(frozen=True, slots=True)
class Usage:
    """What a container (or node) uses: CPU in cores, memory in bytes; None when unknown."""

    cpu: Decimal | None
    memory: Decimal | None


@dataclass(frozen=True, slots=True)
class Resources:
    """Requests and limits of one container (or their sums over a pod): None when not set."""

    cpu_request: Decimal | None = None
    memory_request: Decimal | None = None
    cpu_limit: Decimal | None = None
    memory_limit: Decimal | None = None


@dataclass(frozen=True)
class OomRisk:
    pod: str  # "namespace/name"
    container: str
    used: Decimal
    limit: Decimal
    percent: int

    def sentence(self) -> str:
        return (
            f"{self.container} uses {format_memory(self.used)} of its "
            f"{format_memory(self.limit)} memory limit ({self.percent} %): OOMKill risk"
        )


PodUsage = Mapping[str, Usage]  # container name -> usage


def _usage(entry: object) -> Usage:
    usage = (entry.get("usage") if isinstance(entry, Mapping) else None) or {}
    if not isinstance(usage, Mapping):
        return Usage(None, None)
    return Usage(quantity_or_none(usage.get("cpu")), quantity_or_none(usage.get("memory")))


def _items(document: object) -> list[Mapping[str, Any]]:
    items = document.get("items") if isinstance(document, Mapping) else None
    return [item for item in items or () if isinstance(item, Mapping)]


def _name_of(item: Mapping[str, Any]) -> tuple[str, str]:
    meta = item.get("metadata") or {}
    if not isinstance(meta, Mapping):
        return "", ""
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")


def parse_pod_metrics(
    document: object,
) -> tuple[dict[str, dict[str, Usage]], dict[str, Mapping[str, Any]]]:
    """A PodMetricsList: "namespace/name" -> container -> usage, and the pods' labels
    (metrics-server copies them from the pods); malformed entries are skipped."""
    pods: dict[str, dict[str, Usage]] = {}
    labels: dict[str, Mapping[str, Any]] = {}
    # the pods of one ReplicaSet carry the same labels: one dict for all of them (10,000 pods
    # keep a few hundred label dicts, not 10,000)
    shared: dict[tuple[tuple[str, str], ...], Mapping[str, Any]] = {}
    for item in _items(document):
        namespace, name = _name_of(item)
        if not name:
            continue
        key = f"{namespace}/{name}" if namespace else name
        containers = item.get("containers")
        pods[key] = {
            sys.intern(str(entry.get("name") or "")): _usage(entry)
            for entry in (containers if isinstance(containers, list) else ())
            if isinstance(entry, Mapping)
        }
        own = (item.get("metadata") or {}).get("labels")
        if not isinstance(own, Mapping):
            own = {}
        try:
            labels[key] = shared.setdefault(tuple(sorted(own.items())), own)
        except TypeError:  # a value that does not sort or hash (not a label a server gives)
            labels[key] = own
    return pods, labels


def parse_node_metrics(document: object) -> dict[str, Usage]:
    """A NodeMetricsList: node name -> usage."""
    return {name: _usage(item) for item in _items(document) if (name := _name_of(item)[1])}


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    return None if total is None or value is None else total + value


def pod_total(usage: PodUsage | None) -> Usage:
    """A pod's usage: its containers' summed (unknown if any one is)."""
    if not usage:
        return Usage(None, None)
    cpu: Decimal | None = Decimal(0)
    memory: Decimal | None = Decimal(0)
    for container in usage.values():
        cpu, memory = _add(cpu, container.cpu), _add(memory, container.memory)
    return Usage(cpu, memory)


def sum_usage(usages: Iterable[Usage]) -> Usage:
    cpu: Decimal | None = Decimal(0)
    memory: Decimal | None = Decimal(0)
    seen = False
    for usage in usages:
        seen = True
        cpu, memory = _add(cpu, usage.cpu), _add(memory, usage.memory)
    return Usage(cpu, memory) if seen else Usage(None, None)


def container_resources(container: Mapping[str, Any]) -> Resources:
    resources = container.get("resources") or {}
    requests = resources.get("requests") or {} if isinstance(resources, Mapping) else {}
    limits = resources.get("limits") or {} if isinstance(resources, Mapping) else {}
    if not isinstance(requests, Mapping) or not isinstance(limits, Mapping):
        return Resources()
    return Resources(
        quantity_or_none(requests.get("cpu")),
        quantity_or_none(requests.get("memory")),
        quantity_or_none(limits.get("cpu")),
        quantity_or_none(limits.get("memory")),
    )


def _containers(pod: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    containers = (pod.get("spec") or {}).get("containers") or ()
    return [c for c in containers if isinstance(c, Mapping)]


def pod_resources(pod: Mapping[str, Any]) -> Resources:
    """The containers' requests and limits summed; a sum is None when no container sets it
    (a percentage of it means nothing), as k9s counts them."""
    sums: list[Decimal | None] = [None, None, None, None]
    for container in _containers(pod):
        own = container_resources(container)
        for index, value in enumerate(
            (own.cpu_request, own.memory_request, own.cpu_limit, own.memory_limit)
        ):
            if value is not None:
                sums[index] = (sums[index] or Decimal(0)) + value
    return Resources(*sums)


def share(used: Decimal | None, of: Decimal | None) -> int | None:
    """``used`` as a whole percentage of ``of``, rounded to the nearest (k9s rounds too)."""
    if used is None or of is None or of <= 0:
        return None
    return int((used * 100 / of).to_integral_value(ROUND_HALF_UP))


def _percent_cell(used: Decimal | None, of: Decimal | None) -> str:
    if of is None or of <= 0:
        return NOT_SET
    if used is None:
        return UNKNOWN
    return str(share(used, of))


def cpu_cell(cores: Decimal | None) -> str:
    return UNKNOWN if cores is None else format_cpu(cores)


def memory_cell(size: Decimal | None) -> str:
    return UNKNOWN if size is None else format_memory(size)


def usage_cells(usage: Usage, resources: Resources, at_risk: bool = False) -> tuple[str, ...]:
    """CPU, %CPU/R, %CPU/L, MEM, %MEM/R, %MEM/L; ``at_risk`` marks %MEM/L as an OOMKill risk."""
    memory_limit = _percent_cell(usage.memory, resources.memory_limit)
    return (
        cpu_cell(usage.cpu),
        _percent_cell(usage.cpu, resources.cpu_request),
        _percent_cell(usage.cpu, resources.cpu_limit),
        memory_cell(usage.memory),
        _percent_cell(usage.memory, resources.memory_request),
        f"{memory_limit} {OOM_MARK}" if at_risk else memory_limit,
    )


def no_usage_cells() -> tuple[str, ...]:
    """A row with no sample (yet, or its pod is not in the metrics list)."""
    return (UNKNOWN,) * len(POD_METRIC_COLUMNS)


def oom_risks(pod: Mapping[str, Any], usage: PodUsage | None) -> list[OomRisk]:
    """The containers at or above OOM_RISK_PERCENT of their memory limit."""
    if not usage:
        return []
    meta = pod.get("metadata") or {}
    key = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"
    risks = []
    for container in _containers(pod):
        name = str(container.get("name") or "")
        used = usage.get(name)
        limit = container_resources(container).memory_limit
        if used is None or used.memory is None or limit is None or limit <= 0:
            continue
        if used.memory * 100 >= limit * OOM_RISK_PERCENT:  # exactly, not the rounded share
            risks.append(OomRisk(key, name, used.memory, limit, share(used.memory, limit) or 0))
    return risks


def pod_cells(pod: Mapping[str, Any], usage: PodUsage | None) -> tuple[str, ...]:
    """The six usage cells of a pod's row."""
    if not usage:
        return no_usage_cells()
    return usage_cells(pod_total(usage), pod_resources(pod), bool(oom_risks(pod, usage)))


def pod_template(workload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pod template a workload makes its pods from (a CronJob's through its Job's)."""
    spec = workload.get("spec") or {}
    if "jobTemplate" in spec:
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = spec.get("template") if isinstance(spec, Mapping) else None
    return template if isinstance(template, Mapping) else {}


def workload_pods(
    workload: Mapping[str, Any],
    usages: Mapping[str, PodUsage],
    labels: Mapping[str, Mapping[str, Any]],
    keys: Iterable[str],
) -> list[str]:
    """The pods (of ``keys``, the namespace's with metrics) the workload's selector selects."""
    selector = (workload.get("spec") or {}).get("selector")
    if "jobTemplate" in (workload.get("spec") or {}):  # a CronJob: its Jobs' pods, by labels
        selector = {"matchLabels": (pod_template(workload).get("metadata") or {}).get("labels")}
    if not isinstance(selector, Mapping) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        return []
    return [key for key in keys if key in usages and selects(selector, labels.get(key) or {})]


def workload_cells(
    workload: Mapping[str, Any],
    usages: Mapping[str, PodUsage],
    labels: Mapping[str, Mapping[str, Any]],
    keys: Iterable[str],
) -> tuple[str, ...]:
    """The six usage cells of a workload: its pods' usage summed, against its pod template's
    requests and limits times its pods (OOM: any pod's container near the template's limit)."""
    picked = workload_pods(workload, usages, labels, keys)
    if not picked:
        return no_usage_cells()
    template = {"spec": (pod_template(workload).get("spec") or {})}
    each = pod_resources(template)
    count = Decimal(len(picked))

    def times(value: Decimal | None) -> Decimal | None:
        return None if value is None else value * count

    resources = Resources(
        times(each.cpu_request),
        times(each.memory_request),
        times(each.cpu_limit),
        times(each.memory_limit),
    )
    at_risk = any(oom_risks(template, usages[key]) for key in picked)
    return usage_cells(sum_usage(pod_total(usages[key]) for key in picked), resources, at_risk)


def node_cells(
    usage: Usage | None, cpu_offered: Decimal, memory_offered: Decimal
) -> tuple[str, str]:
    """CPU NOW and MEM NOW: "350m (8%)", "1.2Gi (15%)" of what the node offers pods."""
    if usage is None:
        return UNKNOWN, UNKNOWN

    def cell(text: str, used: Decimal | None, offered: Decimal) -> str:
        percent = share(used, offered)
        return text if percent is None else f"{text} ({percent}%)"

    return (
        cell(cpu_cell(usage.cpu), usage.cpu, cpu_offered),
        cell(memory_cell(usage.memory), usage.memory, memory_offered),
    )


def sparkline(values: Sequence[Decimal | None], width: int = 20) -> str:
    """The last ``width`` samples as block characters, scaled to their own largest; an
    unknown sample is a space."""
    recent = list(values)[-width:]
    known = [v for v in recent if v is not None]
    top = max(known, default=Decimal(0))
    if top <= 0:
        return "".join(" " if v is None else SPARK_BLOCKS[0] for v in recent)
    steps = len(SPARK_BLOCKS) - 1
    return "".join(
        " " if v is None else SPARK_BLOCKS[min(steps, int(v * steps / top))] for v in recent
    )


# -- describe ------------------------------------------------------------------------------
Samples = tuple[Sequence[Decimal | None], Sequence[Decimal | None]]  # CPU, memory: oldest first
SPARK_WIDTH = 20


def _against(used: Decimal | None, amount: Decimal | None, what: str, fmt: Any) -> str:
    if amount is None:
        return f"no {what}"
    percent = share(used, amount)
    return f"{UNKNOWN if percent is None else percent}% of {what} {fmt(amount)}"


def _usage_lines(
    usage: Usage, resources: Resources, samples: Samples, risk: OomRisk | None = None
) -> list[str]:
    cpu_spark, memory_spark = (sparkline(s, SPARK_WIDTH) for s in samples)
    cpu = (
        f"CPU {cpu_cell(usage.cpu)} "
        f"({_against(usage.cpu, resources.cpu_request, 'request', format_cpu)}, "
        f"{_against(usage.cpu, resources.cpu_limit, 'limit', format_cpu)})"
    )
    memory = (
        f"MEM {memory_cell(usage.memory)} "
        f"({_against(usage.memory, resources.memory_request, 'request', format_memory)}, "
        f"{_against(usage.memory, resources.memory_limit, 'limit', format_memory)})"
    )
    lines = [f"{cpu}  {cpu_spark}".rstrip(), f"{memory}  {memory_spark}".rstrip()]
    if risk is not None:
        lines.append(f"OOMKill risk: {risk.sentence()}")
    return lines


NO_SAMPLE = "no sample yet (metrics.k8s.io has not named it)"


def describe_pod_usage(
    pod: Mapping[str, Any],
    usage: PodUsage | None,
    samples_of: Callable[[str], Samples],
) -> list[str]:
    """The "Resource usage" lines of a pod's describe: per container, its usage against its
    requests and limits, the last samples as sparklines, and an OOMKill risk in words."""
    risks = {risk.container: risk for risk in oom_risks(pod, usage)}
    lines = []
    for container in _containers(pod):
        name = str(container.get("name") or "")
        lines.append(f"{name}:")
        used = (usage or {}).get(name)
        if used is None:
            lines.append(f"  {NO_SAMPLE}")
            continue
        own = _usage_lines(used, container_resources(container), samples_of(name), risks.get(name))
        lines.extend(f"  {line}" for line in own)
    return lines


def _summed(series: Iterable[Sequence[Decimal | None]]) -> list[Decimal | None]:
    """Samples of several containers added up, aligned on the newest."""
    columns: list[list[Decimal | None]] = [list(s) for s in series if s]
    if not columns:
        return []
    length = max(len(c) for c in columns)
    total: list[Decimal | None] = []
    for back in range(length, 0, -1):
        values = [c[len(c) - back] if back <= len(c) else None for c in columns]
        known = [v for v in values if v is not None]
        total.append(sum(known, Decimal(0)) if known else None)
    return total


def describe_workload_usage(
    workload: Mapping[str, Any],
    usages: Mapping[str, PodUsage],
    labels: Mapping[str, Mapping[str, Any]],
    keys: Iterable[str],
    samples_of: Callable[[str, str], Samples],
) -> list[str]:
    """The "Resource usage" lines of a workload's describe: its pods' usage summed, against
    their template's requests and limits, with the sums' last samples as sparklines."""
    picked = workload_pods(workload, usages, labels, keys)
    if not picked:
        return [NO_SAMPLE]
    cells = workload_cells(workload, usages, labels, picked)
    template = {"spec": (pod_template(workload).get("spec") or {})}
    names = [str(c.get("name") or "") for c in _containers(template)]
    every = [samples_of(key, name) for key in picked for name in names]
    cpu_spark = sparkline(_summed(s[0] for s in every), SPARK_WIDTH)
    memory_spark = sparkline(_summed(s[1] for s in every), SPARK_WIDTH)
    titles = [c.title for c in POD_METRIC_COLUMNS]
    lines = [
        f"{len(picked)} pods: " + ", ".join(f"{t} {v}" for t, v in zip(titles, cells, strict=True)),
        f"CPU  {cpu_spark}".rstrip(),
        f"MEM  {memory_spark}".rstrip(),
    ]
    for key in picked:
        for risk in oom_risks({**template, "metadata": _key_meta(key)}, usages[key]):
            lines.append(f"OOMKill risk: pod {key.partition('/')[2]}: {risk.sentence()}")
    return lines


def _key_meta(key: str) -> dict[str, str]:
    namespace, _, name = key.partition("/")
    return {"namespace": namespace, "name": name}


def describe_node_usage(
    usage: Usage | None, cpu_offered: Decimal, memory_offered: Decimal, samples: Samples
) -> list[str]:
    """The "Resource usage" lines of a node's describe: usage against allocatable."""
    if usage is None:
        return [NO_SAMPLE]
    offered = Resources(cpu_limit=cpu_offered, memory_limit=memory_offered)
    cpu_spark, memory_spark = (sparkline(s, SPARK_WIDTH) for s in samples)
    return [
        f"CPU {cpu_cell(usage.cpu)} "
        f"({_against(usage.cpu, offered.cpu_limit, 'allocatable', format_cpu)})  {cpu_spark}",
        f"MEM {memory_cell(usage.memory)} "
        f"({_against(usage.memory, offered.memory_limit, 'allocatable', format_memory)})"
        f"  {memory_spark}",
    ]
