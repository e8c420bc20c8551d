"""The fixed set of requests, in the order they are sent, each named after its answer file
(answers/NAME.json): 01-57 recorded by hand from a v1.28.7 server (given.py), 58 on by
record.py (product.py: what gok-tui and its fixes rely on beyond those)."""

from __future__ import annotations

from tests.conformance.case import Case
from tests.conformance.given import GIVEN
from tests.conformance.product import PRODUCT

CASES: tuple[Case, ...] = GIVEN + PRODUCT

__all__ = ["CASES", "Case"]
