"""Score one order; the serving layer logs every request and score to the prediction log."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Order:
    amount: float
    country_mismatch: bool
    orders_last_hour: int


def score(order: Order, weights: dict[str, float]) -> float:
    raw = (
        weights["amount"] * order.amount
        + weights["country_mismatch"] * order.country_mismatch
        + weights["velocity"] * order.orders_last_hour
    )
    return max(0.0, min(1.0, raw))
