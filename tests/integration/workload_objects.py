"""StatefulSets, DaemonSets and CronJobs for tests, as a user would apply them."""

from __future__ import annotations

from typing import Any


def _template(name: str, image: str, container: str) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": name}},
        "spec": {"containers": [{"name": container, "image": image}]},
    }


def statefulset(
    name: str = "db",
    image: str = "db:1",
    replicas: int = 3,
    ns: str = "default",
    partition: int = 0,
) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "serviceName": name,
            "selector": {"matchLabels": {"app": name}},
            "template": _template(name, image, name),
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": partition}},
        },
    }


def daemonset(name: str = "agent", image: str = "agent:1", ns: str = "default") -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": _template(name, image, name),
        },
    }


def cronjob(
    name: str = "tick", image: str = "tick:1", ns: str = "default", suspend: bool = False
) -> dict[str, Any]:
    job_template = _template(name, image, "tick")
    job_template["spec"]["restartPolicy"] = "Never"
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "schedule": "*/5 * * * *",
            "suspend": suspend,
            "jobTemplate": {"spec": {"template": job_template}},
        },
    }


def pod_names(fake: Any, owner: str, ns: str = "default") -> list[str]:
    """Live (not terminating) pods whose app label is ``owner``, by name."""
    return sorted(
        pod["metadata"]["name"]
        for pod in fake.list_objects("pods", ns)
        if (pod["metadata"].get("labels") or {}).get("app") == owner
        and not pod["metadata"].get("deletionTimestamp")
    )
