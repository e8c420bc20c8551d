"""Failures in the API server's words: the Status it answers, with the details it gives
(apimachinery api/errors: ``details.kind`` is the resource for most errors, the Kind for
Invalid and for a delete precondition; ``details.group`` only outside the core group)."""

from __future__ import annotations

from typing import Any

from tests.kubefake.resources import BY_PLURAL


class ApiError(Exception):
    def __init__(
        self, code: int, reason: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            status["details"] = self.details
        if not self.reason:
            del status["reason"]
        return status


def _qualified(plural: str) -> tuple[str, dict[str, str]]:
    """("deployments.apps", {"group": "apps", "kind": "deployments"})."""
    group = BY_PLURAL[plural].group if plural in BY_PLURAL else ""
    details = {"group": group, "kind": plural} if group else {"kind": plural}
    return (f"{plural}.{group}" if group else plural), details


def not_found(plural: str, name: str) -> ApiError:
    qualified, details = _qualified(plural)
    return ApiError(404, "NotFound", f'{qualified} "{name}" not found', {"name": name, **details})


def already_exists(plural: str, name: str) -> ApiError:
    qualified, details = _qualified(plural)
    return ApiError(
        409, "AlreadyExists", f'{qualified} "{name}" already exists', {"name": name, **details}
    )


def conflict(plural: str, name: str) -> ApiError:
    qualified, details = _qualified(plural)
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified} "{name}": the object has been modified; '
        "please apply your changes to the latest version and try again",
        {"name": name, **details},
    )


def precondition_failed(plural: str, name: str, field: str, wanted: str, actual: str) -> ApiError:
    """A delete whose UID or resourceVersion precondition does not hold (rest/delete.go)."""
    resource = BY_PLURAL[plural]
    qualified = f"{resource.kind}.{resource.group}" if resource.group else resource.kind
    details = {"name": name, "kind": resource.kind}
    if resource.group:
        details["group"] = resource.group
    why = {
        "UID": "The object might have been deleted and then recreated",
        "ResourceVersion": "The object might have been modified",
    }[field]
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified} "{name}": the {field} in the '
        f"precondition ({wanted}) does not match the {field} in record ({actual}). {why}",
        details,
    )


def invalid(plural: str, name: str, field: str, problem: str) -> ApiError:
    """422 Invalid for one field: ``problem`` as validation says it ("Required value",
    "Invalid value: -1: must be greater than or equal to 0")."""
    resource = BY_PLURAL[plural]
    qualified = f"{resource.kind}.{resource.group}" if resource.group else resource.kind
    details: dict[str, Any] = {"name": name, "kind": resource.kind}
    if resource.group:
        details["group"] = resource.group
    reason = "FieldValueRequired" if problem.startswith("Required") else "FieldValueInvalid"
    details["causes"] = [{"reason": reason, "message": problem, "field": field}]
    return ApiError(422, "Invalid", f'{qualified} "{name}" is invalid: {field}: {problem}', details)


def gone(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)
