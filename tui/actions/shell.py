"""A shell in a container, on the terminal gok-tui hands over (the UI suspends around it).

With ``kubectl`` on PATH it runs ``kubectl exec -it`` (as k9s does) with the context and
kubeconfig gok-tui resolved, and a one-liner that prefers bash; without it, an exec over the
API server's websocket (``KubeBackend.exec_session``) is bridged to the terminal here: raw
mode, SIGWINCH -> resize, bash and then sh. Read-only mode refuses both. Each shell is written
to the audit log (pod, container, how, exit code), never a byte of what is typed or printed.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import termios
import threading
import time
import tty
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gok_tui.actions.base import ObjectRef, Plan
from gok_tui.backends.kube import KubeError, ReadOnlyError
from gok_tui.domain.kinds import KINDS

if TYPE_CHECKING:
    from gok_tui.actions.audit import AuditLog
    from gok_tui.backends.kube import KubeBackend
    from gok_tui.backends.kube_streams import ExecSession
    from gok_tui.config.kubeconfig import KubeTarget

PREFER_BASH = "command -v bash >/dev/null && exec bash || exec sh"
SHELLS: tuple[tuple[str, ...], ...] = (("bash",), ("sh",))
POLL = 0.1  # seconds between looks at a resize while nothing is typed or printed
OPEN_TIMEOUT = 15.0  # seconds to open the exec connection


@dataclass(frozen=True)
class ShellOutcome:
    ok: bool
    message: str  # for the toast and the audit log
    exit_code: int | None = None


def shell_plan(ref: ObjectRef, container: str, via: str) -> Plan:
    """What the audit log keeps of a shell: where, and how; never what ran in it."""
    where = f"{ref.namespace}/{ref.name}"
    return Plan(
        action="shell",
        ref=ref,
        summary=f"shell in pod {where} container {container} ({via})",
        before="",
        after="",
        method="GET",
        path=KINDS["pods"].object_path(ref.namespace, ref.name) + "/exec",
        body={"container": container, "via": via},
        content_type="",
    )


def find_kubectl() -> str | None:
    """kubectl on PATH, if any (then the shell is kubectl's)."""
    return shutil.which("kubectl")


def kubectl_command(
    kubectl: str, target: KubeTarget, namespace: str, pod: str, container: str
) -> tuple[list[str], dict[str, str]]:
    """``kubectl exec -it`` as gok-tui resolved the cluster, and its environment (several
    kubeconfig files are passed as KUBECONFIG: kubectl's flag takes one)."""
    argv = [kubectl, "exec", "-it", pod, "-c", container]
    env = dict(os.environ)
    if not target.in_cluster:
        argv += ["--context", target.context]
        if len(target.files) == 1:
            argv += ["--kubeconfig", target.files[0]]
        elif target.files:
            env["KUBECONFIG"] = os.pathsep.join(target.files)
    argv += ["-n", namespace, "--", "sh", "-c", PREFER_BASH]
    return argv, env


def run_kubectl(
    kubectl: str, target: KubeTarget, namespace: str, pod: str, container: str
) -> ShellOutcome:
    """Run kubectl on this terminal; its own complaints (not the shell's) come back."""
    argv, env = kubectl_command(kubectl, target, namespace, pod, container)
    try:
        finished = subprocess.run(argv, env=env, stderr=subprocess.PIPE, check=False)
    except OSError as error:
        return ShellOutcome(False, f"cannot run {kubectl}: {error.strerror or error}")
    said = finished.stderr.decode("utf-8", "replace").strip().splitlines()
    code = finished.returncode
    if code == 0:
        return ShellOutcome(True, f"shell in pod {namespace}/{pod} ended (exit code 0)", 0)
    last = said[-1][:200] if said else ""
    # "command terminated with exit code N": the shell's own code, not kubectl failing
    from_shell = last.startswith("command terminated with exit code")
    why = f": {last}" if last and not from_shell else ""
    return ShellOutcome(
        from_shell, f"shell in pod {namespace}/{pod} ended with exit code {code}{why}", code
    )


def run_in_process(
    backend: KubeBackend,
    namespace: str,
    pod: str,
    container: str,
    stdin_fd: int,
    stdout_fd: int,
    shells: Sequence[tuple[str, ...]] = SHELLS,
) -> ShellOutcome:
    """bash, else sh, in the container, bridged to this terminal."""
    where = f"pod {namespace}/{pod}"
    for command in shells:
        session = backend.exec_session(
            namespace, pod, container, command, tty=True, timeout=OPEN_TIMEOUT
        )
        with session:
            bridge(session, stdin_fd, stdout_fd)
        if session.command_missing:
            continue
        if session.exit_code is not None:
            return ShellOutcome(
                True,
                f"{command[0]} in {where} ended (exit code {session.exit_code})",
                session.exit_code,
            )
        return ShellOutcome(False, f"{command[0]} in {where}: {session.error}")
    names = " nor ".join(command[0] for command in shells)
    return ShellOutcome(False, f"no shell in {where} container {container}: neither {names}")


def bridge(session: ExecSession, stdin_fd: int, stdout_fd: int) -> None:
    """Terminal <-> session until the command ends: raw mode while it runs, the terminal's
    size sent at the start and on every SIGWINCH."""
    resized = threading.Event()
    resized.set()
    reading = True
    with _raw(stdin_fd), _on_resize(resized):
        while not session.finished:
            if resized.is_set():
                resized.clear()
                size = _size(stdout_fd)
                if size is not None:
                    with contextlib.suppress(KubeError):
                        session.resize(*size)
            watched = [session.fileno()] + ([stdin_fd] if reading else [])
            try:
                ready = select.select(watched, [], [], POLL)[0]
            except (OSError, ValueError):
                ready = []
            if stdin_fd in ready:
                typed = os.read(stdin_fd, 4096)
                if not typed:
                    reading = False  # end of input: tell the command, if the server can
                    with contextlib.suppress(KubeError):
                        session.close_stdin()
                else:
                    try:
                        session.write(typed)
                    except KubeError:
                        break
            while (output := session.read(0)) is not None:
                _write_all(stdout_fd, output.data)


@contextlib.contextmanager
def _raw(fd: int) -> Iterator[None]:
    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def _on_resize(resized: threading.Event) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers live in the main thread only
        return
    previous = signal.signal(signal.SIGWINCH, lambda *_: resized.set())
    try:
        yield
    finally:
        signal.signal(signal.SIGWINCH, previous)


def _size(fd: int) -> tuple[int, int] | None:
    try:
        size = os.get_terminal_size(fd)
    except OSError:
        return None
    return size.columns, size.lines


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def open_shell(
    backend: KubeBackend,
    ref: ObjectRef,
    container: str,
    audit: AuditLog,
    *,
    kubectl: str | None,
    stdin_fd: int = 0,
    stdout_fd: int = 1,
) -> ShellOutcome:
    """A shell in ``container`` of the pod ``ref``, on this terminal; audited. Raises
    ReadOnlyError in read-only mode (before anything runs); the cluster's refusals and
    failures come back as a ShellOutcome that is not ok."""
    via = "kubectl" if kubectl else "in-process"
    if backend.readonly:
        raise ReadOnlyError(
            f"read-only mode: refused to open a shell in pod {ref.namespace}/{ref.name}",
            status=None,
        )
    started = time.monotonic()
    if kubectl:
        outcome = run_kubectl(kubectl, backend.target, ref.namespace, ref.name, container)
    else:
        try:
            outcome = run_in_process(
                backend, ref.namespace, ref.name, container, stdin_fd, stdout_fd
            )
        except KubeError as error:
            outcome = ShellOutcome(False, error.message)
    audit.record(
        shell_plan(ref, container, via),
        kube_user=backend.target.user,
        result=outcome.message,
        ok=outcome.ok,
        duration_s=time.monotonic() - started,
    )
    return outcome
