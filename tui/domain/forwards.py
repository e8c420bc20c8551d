"""Port-forward, the pure part: what a pod, Deployment or Service offers to forward, which
container port a forward reaches on a given pod, which Ready pod it goes to, and the local port
to offer. The listeners and streams are in ``store/forwards.py``.

As kubectl: a Service's port is translated to its ``targetPort`` on the chosen pod (a named
``targetPort`` through that pod's container ports); a Deployment's or Service's forward goes to
one Ready pod. Unlike kubectl's, it moves to another Ready pod when that one goes away.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gok_tui.domain.endpoints import ready_endpoint
from gok_tui.domain.selectors import selector_string, service_selector_string

Obj = Mapping[str, Any]
TargetKind = Literal["pods", "deployments", "services"]
TARGET_KINDS: tuple[TargetKind, ...] = ("pods", "deployments", "services")
SHORT = {"pods": "pod", "deployments": "deploy", "services": "svc"}
_TARGET_NAMES: dict[str, TargetKind] = {
    "pod": "pods",
    "pods": "pods",
    "po": "pods",
    "deployment": "deployments",
    "deployments": "deployments",
    "deploy": "deployments",
    "service": "services",
    "services": "services",
    "svc": "services",
}
LOOPBACK = "127.0.0.1"
# where a privileged remote port (below 1024) is offered locally: 80 -> 8080, 443 -> 8443
PRIVILEGED_OFFSET = 8000


class ForwardProblem(ValueError):
    """A forward that cannot be made as asked, in one sentence for the screen."""


@dataclass(frozen=True)
class ForwardTarget:
    kind: TargetKind
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{SHORT[self.kind]}/{self.name}"


@dataclass(frozen=True)
class PortChoice:
    """One port the picker offers. ``port`` is what the forward asks for: a container port
    (pod, Deployment) or a Service port; ``target`` is where a Service port goes (its
    targetPort, a number or a container port's name)."""

    port: int
    name: str = ""
    container: str = ""
    protocol: str = "TCP"
    target: int | str | None = None

    def label(self) -> str:
        text = f"{self.port}" + (f"/{self.name}" if self.name else "")
        if self.target is not None and str(self.target) != str(self.port):
            text += f" -> {self.target}"
        if self.container:
            text += f" ({self.container})"
        if self.protocol != "TCP":
            text += f" {self.protocol}: not forwardable"
        return text

    @property
    def forwardable(self) -> bool:
        return self.protocol == "TCP"


def parse_target(text: str, namespace: str) -> ForwardTarget:
    """``deployment/web``, ``svc/web``, ``pod/web-1`` (kubectl's forms) -> a target."""
    kind_text, slash, name = text.strip().partition("/")
    kind = _TARGET_NAMES.get(kind_text.lower())
    if not slash or kind is None or not name or "/" in name:
        raise ForwardProblem(
            f"{text!r} is not a target: write deployment/NAME, service/NAME or pod/NAME"
        )
    return ForwardTarget(kind, namespace, name)


def _pod_spec(kind: TargetKind, obj: Obj) -> Obj:
    spec = obj.get("spec") or {}
    if kind == "deployments":
        return (spec.get("template") or {}).get("spec") or {}
    return spec


def container_ports(pod_spec: Obj) -> list[PortChoice]:
    """The ports a pod spec's containers declare, in their order."""
    found: list[PortChoice] = []
    for container in pod_spec.get("containers") or []:
        for entry in container.get("ports") or []:
            number = entry.get("containerPort")
            if isinstance(number, int):
                found.append(
                    PortChoice(
                        number,
                        str(entry.get("name") or ""),
                        str(container.get("name") or ""),
                        str(entry.get("protocol") or "TCP"),
                    )
                )
    return found


def port_choices(kind: TargetKind, obj: Obj) -> list[PortChoice]:
    """What the picker offers for a pod, a Deployment (its pod template) or a Service."""
    if kind != "services":
        return container_ports(_pod_spec(kind, obj))
    choices = []
    for entry in (obj.get("spec") or {}).get("ports") or []:
        number = entry.get("port")
        if isinstance(number, int):
            target = entry.get("targetPort", number)
            choices.append(
                PortChoice(
                    number,
                    str(entry.get("name") or ""),
                    protocol=str(entry.get("protocol") or "TCP"),
                    target=target,
                )
            )
    return choices


def _ports_said(ports: Iterable[PortChoice]) -> str:
    said = ", ".join(choice.label() for choice in ports)
    return said or "none declared"


def pod_port(pod: Obj, wanted: int | str, what: str = "") -> int:
    """The container port of ``pod`` a forward to ``wanted`` (a number or a port's name)
    reaches. A number the pod's containers do not declare is refused when they declare some
    (a typo, most often); a pod that declares none is taken at its word. ``what`` names the
    pod in the message (default: "pod NAME")."""
    name = what or f"pod {(pod.get('metadata') or {}).get('name', '')}"
    declared = container_ports(pod.get("spec") or {})
    if isinstance(wanted, str) and not wanted.isdigit():
        for choice in declared:
            if choice.name == wanted:
                return choice.port
        raise ForwardProblem(
            f"{name} has no port named {wanted!r} (its ports: {_ports_said(declared)})"
        )
    number = int(wanted)
    if declared and all(choice.port != number for choice in declared):
        raise ForwardProblem(
            f"{name} does not expose port {number} (its ports: {_ports_said(declared)})"
        )
    return number


def service_port(service: Obj, wanted: int | str) -> PortChoice:
    """The Service port a forward asks for, by number or name."""
    choices = port_choices("services", service)
    for choice in choices:
        if str(choice.port) == str(wanted) or (choice.name and choice.name == wanted):
            return choice
    name = (service.get("metadata") or {}).get("name", "")
    raise ForwardProblem(
        f"service {name} has no port {wanted!r} (its ports: {_ports_said(choices)})"
    )


def reached_port(target_kind: TargetKind, target: Obj, wanted: int | str, pod: Obj) -> int:
    """The container port on ``pod`` that a forward to ``target``'s port ``wanted`` reaches."""
    if target_kind != "services":
        return pod_port(pod, wanted)
    choice = service_port(target, wanted)
    goes_to = choice.target if choice.target is not None else choice.port
    if isinstance(goes_to, int):
        return goes_to  # a Service's numbered targetPort need not be declared by the pod
    return pod_port(pod, goes_to)


def pod_selector(kind: TargetKind, obj: Obj) -> str | None:
    """The label selector of the pods a Deployment or Service forward may go to."""
    if kind == "deployments":
        return selector_string((obj.get("spec") or {}).get("selector"))
    if kind == "services":
        return service_selector_string(obj)
    return None


def pod_problem(pod: Obj) -> str:
    """Why a forward cannot go to this pod now ("" when it can)."""
    name = (pod.get("metadata") or {}).get("name", "")
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return f"pod {name} is terminating"
    phase = (pod.get("status") or {}).get("phase") or "Pending"
    if phase != "Running":
        return f"pod {name} is {phase}, not Running"
    return ""


def _fits(target_kind: TargetKind, target: Obj, wanted: int | str, pod: Obj) -> bool:
    try:
        reached_port(target_kind, target, wanted, pod)
    except ForwardProblem:
        return False
    return True


def pick_pod(
    pods: Iterable[Obj],
    target_kind: TargetKind,
    target: Obj,
    wanted: int | str,
    current: str | None = None,
) -> Obj | None:
    """The Ready pod a forward goes to: the one it is on while that one stays Ready, else the
    newest Ready pod that exposes the port (in a rollout the newest are the ones that stay)."""
    ready = [
        pod
        for pod in pods
        if ready_endpoint(pod) and not pod_problem(pod) and _fits(target_kind, target, wanted, pod)
    ]
    for pod in ready:
        if (pod.get("metadata") or {}).get("name") == current:
            return pod
    if not ready:
        return None

    def newest(pod: Obj) -> tuple[str, str]:
        meta = pod.get("metadata") or {}
        return (str(meta.get("creationTimestamp") or ""), str(meta.get("name") or ""))

    return max(ready, key=newest)


def local_port_problem(text: str) -> str:
    """Why typed text is not a local port ("" when it is one)."""
    value = text.strip()
    if not value.isdigit():
        return "the local port is a whole number from 1 to 65535"
    if not 1 <= int(value) <= 65535:
        return f"{value} is not a port: 1 to 65535"
    return ""


def local_port_candidates(remote: int) -> list[int]:
    """The local ports to offer for a remote port, best first (the first free one is offered):
    the same number (as kubectl), or 80 -> 8080 for a port only root may bind, then the next
    few numbers."""
    first = remote if remote >= 1024 else remote + PRIVILEGED_OFFSET
    return [port for port in range(first, first + 10) if 1024 <= port <= 65535]


def human_bytes(count: int) -> str:
    """1536 -> "1.5K"; under a kilobyte as the count."""
    value = float(count)
    for unit in ("B", "K", "M", "G"):
        if value < 1024 or unit == "G":
            return f"{int(value)}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1024
    return f"{count}B"  # pragma: no cover
