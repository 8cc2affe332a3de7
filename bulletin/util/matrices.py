"""The transformation matrices of PDF content (ISO 32000-1, 8.3.3), as six numbers [a b c d e f]: read from an
operator's operands, and composed as a content stream composes them."""

from __future__ import annotations

from typing import Any

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def matrix(operands: Any) -> Matrix:
    """The matrix six operands give (of cm or Tm, or a form's /Matrix)."""
    a, b, c, d, e, f = (float(value) for value in operands)
    return (a, b, c, d, e, f)


def times(first: Matrix, second: Matrix) -> Matrix:
    """The product of two matrices: `first` applied, then `second` (a cm's matrix times the one in force)."""
    a, b, c, d, e, f = first
    p, q, r, s, t, u = second
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)
