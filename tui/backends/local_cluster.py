"""Loading a built image into a local cluster (kind, minikube, k3d) instead of pushing it.

Which tool is detected from the kube context's name as each tool names its contexts
(``kind-NAME``, ``minikube`` or a minikube profile, ``k3d-NAME``), unless gok.toml's
``deploy.local_cluster`` says which.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

LOAD_TIMEOUT = 600.0  # seconds: loading copies the whole image into every node


class LoadError(Exception):
    """The image could not be loaded, said in one sentence."""


@dataclass(frozen=True)
class LocalCluster:
    tool: str  # "kind", "minikube", "k3d"
    name: str  # the cluster (kind, k3d) or profile (minikube)

    def command(self, image: str) -> list[str]:
        if self.tool == "kind":
            return ["kind", "load", "docker-image", image, "--name", self.name]
        if self.tool == "minikube":
            return ["minikube", "image", "load", image, "--profile", self.name]
        return ["k3d", "image", "import", image, "--cluster", self.name]


def detect(context: str, configured: str = "auto") -> LocalCluster | None:
    """The local cluster a context belongs to; None when it looks like a remote one."""
    if context.startswith("kind-"):
        guess: LocalCluster | None = LocalCluster("kind", context.removeprefix("kind-"))
    elif context.startswith("k3d-"):
        guess = LocalCluster("k3d", context.removeprefix("k3d-"))
    elif context == "minikube" or configured == "minikube":
        guess = LocalCluster("minikube", context)
    else:
        guess = None
    if configured in ("auto", "") or (guess is not None and guess.tool == configured):
        return guess
    # configured explicitly for a context named otherwise: the context name is the cluster's
    prefix = {"kind": "kind-", "k3d": "k3d-"}.get(configured, "")
    return LocalCluster(configured, context.removeprefix(prefix))


def load_image(cluster: LocalCluster, image: str, timeout: float = LOAD_TIMEOUT) -> str:
    command = cluster.command(image)
    if shutil.which(command[0]) is None:
        raise LoadError(
            f"{command[0]} is not installed (needed to load {image} into the "
            f'{cluster.tool} cluster {cluster.name!r}); install it or use delivery = "push"'
        )
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise LoadError(f"{' '.join(command[:3])} took longer than {timeout:.0f} s") from None
    if done.returncode != 0:
        lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
        reason = lines[-1].strip()[:300] if lines else f"exit code {done.returncode}"
        raise LoadError(f"{' '.join(command[:3])} failed: {reason}")
    return f"loaded {image} into {cluster.tool} cluster {cluster.name}"
