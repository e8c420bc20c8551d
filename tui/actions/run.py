"""Executing a confirmed action: dry run, apply, retry a conflict on a fresh object, audit."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gok_tui.actions.audit import AuditLog
from gok_tui.actions.base import JSON_PATCH, Action, Plan, Request
from gok_tui.backends.kube import KubeBackend, KubeError

CONFLICT_ATTEMPTS = 3


@dataclass(frozen=True)
class Result:
    ok: bool
    message: str
    plan: Plan | None
    response: dict[str, Any] | None = None
    attempts: int = 1


def check_same_cluster(action: Action, backend: KubeBackend) -> None:
    """An action names its cluster; it never runs against another one."""
    target = backend.target
    if (action.ref.context, action.ref.server) != (target.context, target.cluster_server):
        raise KubeError(
            f"refused: this {action.name} was made for context {action.ref.context} "
            f"({action.ref.server}) but gok-tui now points at {target.context} "
            f"({target.cluster_server}); switch back with :ctx {action.ref.context}"
        )


def plan_action(action: Action, backend: KubeBackend) -> Plan:
    """Read and plan; raises KubeError when the reads fail or the cluster is not the action's."""
    check_same_cluster(action, backend)
    return action.plan(action.fetch(backend))


def execute(
    action: Action,
    backend: KubeBackend,
    *,
    confirmed: Plan | None = None,
    audit: AuditLog | None = None,
    dry_run_first: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Result:
    """Run an action the user confirmed. Never raises for API errors: the Result says it.

    The object is read again and the action re-planned (also after a 409); when the fresh
    plan starts from another state than the one the user confirmed, nothing is sent.
    """
    started = time.monotonic()
    plan: Plan | None = None
    try:
        check_same_cluster(action, backend)
    except KubeError as error:
        return Result(False, error.message, confirmed)
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            plan = plan_action(action, backend)
            if confirmed is not None and not same_change(confirmed, plan):
                moved = (
                    f"was {confirmed.before}, now {plan.before}"
                    if plan.before != confirmed.before
                    else "the request to send is no longer the one you saw"
                )
                message = (
                    f"not sent: {plan.ref} changed since you confirmed ({moved}); review it again"
                )
                # audited as confirmed: what the user saw and agreed to is what was refused
                return _finish(audit, backend, confirmed, False, message, started, attempt)
            if plan.refusal:
                return _finish(audit, backend, plan, False, f"refused: {plan.refusal}", started)
            if plan.noop:
                return Result(True, f"nothing to do: {plan.summary} is already so", plan)
            if plan.command:
                return _run_command(audit, backend, plan, started, attempt, dry_run_first)
            if plan.each_on_its_own:
                return _execute_each(
                    backend, plan, audit, started, attempt, dry_run_first, progress
                )
            if dry_run_first:
                _send(backend, plan, dry_run=True)
                for request in plan.then:
                    _send_request(backend, request, dry_run=True)
            response = _send(backend, plan, dry_run=False)
        except KubeError as error:
            if _is_conflict(error, plan) and attempt < CONFLICT_ATTEMPTS:
                continue
            if plan is None:
                return Result(False, error.message, None, attempts=attempt)
            return _finish(audit, backend, plan, False, error.message, started, attempt)
        for request in plan.then:
            try:
                _send_request(backend, request, dry_run=False)
            except KubeError as error:
                message = (
                    f"partly done: {plan.summary} was sent, but {request.summary} failed: "
                    f"{error.message}"
                )
                return _finish(audit, backend, plan, False, message, started, attempt, response)
        return _finish(
            audit, backend, plan, True, f"done: {plan.summary}", started, attempt, response
        )
    raise AssertionError("unreachable")


def _execute_each(
    backend: KubeBackend,
    plan: Plan,
    audit: AuditLog | None,
    started: float,
    attempt: int,
    dry_run_first: bool,
    progress: Callable[[str], None] | None,
) -> Result:
    """The first request, then each of ``plan.then`` on its own (a drain: cordon, then one
    eviction per pod). A failure of the first raises (nothing else is sent); one of the
    others is said per request and the rest are still sent. A request its dry run refused is
    not sent for real: a PodDisruptionBudget that says no is never argued with."""
    from gok_tui.actions.nodes import eviction_failure

    refused: dict[int, str] = {}
    if dry_run_first:
        _send(backend, plan, dry_run=True)
        for index, request in enumerate(plan.then):
            try:
                _send_request(backend, request, dry_run=True)
            except KubeError as error:
                refused[index] = eviction_failure(error)
    response = _send(backend, plan, dry_run=False)
    failed: list[str] = []
    total = len(plan.then)
    for index, request in enumerate(plan.then):
        if progress is not None:
            progress(f"{plan.action} {plan.ref.name}: {total - index} of {total} left")
        why = refused.get(index)
        if why is None:
            try:
                _send_request(backend, request, dry_run=False)
            except KubeError as error:
                why = eviction_failure(error)
        if why is not None:
            failed.append(f"{request.summary}: {why}")
    if progress is not None:
        progress("")
    if failed:
        message = (
            f"partly done: {plan.summary.split(':')[0]}: {total - len(failed)} of {total} done; "
            + "; ".join(failed)
        )
        return _finish(audit, backend, plan, False, message, started, attempt, response)
    return _finish(audit, backend, plan, True, f"done: {plan.summary}", started, attempt, response)


COMMAND_TIMEOUT_S = 300.0


def _run(argv: tuple[str, ...], env: dict[str, str]) -> tuple[int, str]:
    """Exit code and what the program said last (stderr, else stdout); 127: not runnable."""
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=env, timeout=COMMAND_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return 127, str(error)
    said = (done.stderr.strip() or done.stdout.strip()).splitlines()
    return done.returncode, " ".join(said[-3:])


def _run_command(
    audit: AuditLog | None,
    backend: KubeBackend,
    plan: Plan,
    started: float,
    attempt: int,
    dry_run_first: bool,
) -> Result:
    """A plan that runs a program (helm rollback): ``--dry-run`` first, then for real; its
    exit code says whether it was done."""
    if backend.readonly:  # the program writes to the cluster itself: refused here, as requests are
        message = f"read-only mode: refused to run {plan.command[0]}"
        return _finish(audit, backend, plan, False, message, started, attempt)
    env = {**os.environ, **dict(plan.command_env)}
    if dry_run_first:
        code, said = _run((*plan.command, "--dry-run"), env)
        if code != 0:
            message = f"not run: its dry run failed (exit {code}): {said}"
            return _finish(audit, backend, plan, False, message, started, attempt)
    code, said = _run(plan.command, env)
    if code != 0:
        message = f"{plan.command[0]} failed (exit {code}): {said}"
        return _finish(audit, backend, plan, False, message, started, attempt)
    return _finish(audit, backend, plan, True, f"done: {plan.summary}", started, attempt)


def same_change(confirmed: Plan, fresh: Plan) -> bool:
    """Whether ``fresh`` (planned again on the object as it is now) sends what the user
    confirmed: the same state before, and the same requests but for the resourceVersion they
    are made against (a status write moves it without changing what was agreed to)."""
    return confirmed.before == fresh.before and _requests(confirmed) == _requests(fresh)


def _requests(plan: Plan) -> list[tuple[object, ...]]:
    first = (plan.method, plan.path, plan.content_type, plan.query, _unversioned(plan.body))
    return [first] + [
        (r.method, r.path, r.content_type, (), _unversioned(r.body)) for r in plan.then
    ]


def _unversioned(body: Any) -> Any:
    if isinstance(body, dict):
        return {
            key: (
                {k: v for k, v in value.items() if k != "resourceVersion"}
                if key == "metadata" and isinstance(value, dict)
                else _unversioned(value)
            )
            for key, value in body.items()
        }
    if isinstance(body, list):
        return [
            item
            for item in map(_unversioned, body)
            if not (isinstance(item, dict) and item.get("path") == "/metadata/resourceVersion")
        ]
    return body


def _is_conflict(error: KubeError, plan: Plan | None) -> bool:
    """The object moved under the request: a 409, or a 422 for a JSON patch that carries
    ``test`` ops (the API server says only "the server rejected our request due to an error
    in our request" when one fails). Either way it is read again and re-planned, and sent
    again only if it still starts from what the user confirmed."""
    if error.status == 409:
        return True
    return (
        error.status == 422
        and plan is not None
        and plan.content_type == JSON_PATCH
        and any(isinstance(op, dict) and op.get("op") == "test" for op in plan.body or [])
    )


def _send(backend: KubeBackend, plan: Plan, *, dry_run: bool) -> dict[str, Any]:
    request = Request(plan.method, plan.path, plan.body, plan.content_type, plan.summary)
    return _send_request(backend, request, dry_run=dry_run, query=dict(plan.query))


def _send_request(
    backend: KubeBackend,
    request: Request,
    *,
    dry_run: bool,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    query, body = dict(query or {}), request.body
    if dry_run:
        if request.method == "DELETE" and isinstance(body, dict):
            # the API server reads a DELETE's options from its body when it has one and then
            # ignores the query: a ?dryRun=All beside DeleteOptions deletes for real
            body = {**body, "dryRun": ["All"]}
        else:
            query["dryRun"] = "All"
    return backend.mutate(
        request.method, request.path, body, content_type=request.content_type, query=query
    )


def _finish(
    audit: AuditLog | None,
    backend: KubeBackend,
    plan: Plan,
    ok: bool,
    message: str,
    started: float,
    attempts: int = 1,
    response: dict[str, Any] | None = None,
) -> Result:
    if audit is not None:
        audit.record(
            plan,
            kube_user=backend.target.user,
            result=message,
            ok=ok,
            duration_s=time.monotonic() - started,
        )
    return Result(ok, message, plan, response, attempts)
