"""Aggregate order lines into one row per site and day, with calendar and promotion features."""

from __future__ import annotations

import sys

import pandas as pd


def prepare(orders: pd.DataFrame, min_history_days: int) -> pd.DataFrame:
    daily = orders.groupby(["site", "date"], as_index=False)["units"].sum()
    daily["weekday"] = pd.to_datetime(daily["date"]).dt.weekday
    history = daily.groupby("site")["date"].transform("nunique")
    return daily[history >= min_history_days]


if __name__ == "__main__":
    prepare(pd.read_parquet(sys.argv[1]), 84).to_parquet(sys.argv[2])
