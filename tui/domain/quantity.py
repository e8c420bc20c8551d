"""Kubernetes resource quantities ("250m", "1.5Gi", "2e3", "128974848") read exactly, and
shown short for a table cell.

The grammar is apimachinery's ``resource.Quantity``: a signed decimal number, then either a
binary suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E) or a decimal
exponent (e3, E-2). Values are kept as ``Decimal``: "100m" + "200m" is exactly 0.3 cores.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|[eE](?P<exponent>[+-]?[0-9]+)|(?P<decimal>[numkMGTPE]?))$"
)


class QuantityError(ValueError):
    """Not a quantity the API server would accept."""


def parse_quantity(text: object) -> Decimal:
    """The value of a quantity in its base unit (cores, bytes, pods). Numbers (as JSON may
    carry them) are taken as they are; anything else that does not parse raises
    ``QuantityError``."""
    if isinstance(text, bool):
        raise QuantityError(f"not a quantity: {text!r}")
    if isinstance(text, int):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(str(text))
    if not isinstance(text, str):
        raise QuantityError(f"not a quantity: {text!r}")
    return _parse_text(text)


@lru_cache(maxsize=4096)  # a cluster's pods ask for few distinct amounts ("250m", "128Mi")
def _parse_text(text: str) -> Decimal:
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise QuantityError(f"not a quantity: {text!r}")
    try:
        number = Decimal(match["number"])
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise QuantityError(f"not a quantity: {text!r}") from error
    if match["binary"]:
        return number * _BINARY[match["binary"]]
    if match["exponent"] is not None:
        exponent = int(match["exponent"])
        if abs(exponent) > 30:
            raise QuantityError(f"quantity out of range: {text!r}")
        return number.scaleb(exponent)
    return number * _DECIMAL[match["decimal"] or ""]


def quantity_or_none(text: object) -> Decimal | None:
    """A quantity, or None for a missing or malformed one (shown as unknown)."""
    if text is None:
        return None
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


def quantity_or_zero(text: object) -> Decimal:
    """A quantity, or 0 for a missing or malformed one (a table cell never fails on it)."""
    if text is None:
        return Decimal(0)
    try:
        return parse_quantity(text)
    except QuantityError:
        return Decimal(0)


def _trim(value: Decimal, places: int) -> str:
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_cpu(cores: Decimal) -> str:
    """Cores short: "4", "1.2", "250m" (under one core, as millicores)."""
    if cores == 0:
        return "0"
    if abs(cores) < 1:
        return f"{int((cores * 1000).to_integral_value())}m"
    return _trim(cores, 1)


def format_memory(size: Decimal) -> str:
    """Bytes short in binary units: "8Gi", "1.5Gi", "512Mi", "12Ki"."""
    for suffix, factor in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if abs(size) >= factor:
            return _trim(size / factor, 1) + suffix
    return _trim(size, 0)


def percent(used: Decimal, available: Decimal) -> int | None:
    """``used`` as a whole percentage of ``available`` (rounded down, as kubectl describe
    node shows it); None when nothing is available."""
    if available <= 0:
        return None
    return int(used * 100 / available)
