"""Train the gradient-boosted forecaster and write reports/metrics.json."""

from __future__ import annotations

import json
import sys

import joblib
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_percentage_error


def train(features: pd.DataFrame) -> tuple[HistGradientBoostingRegressor, float]:
    cutoff = features["date"].max() - pd.Timedelta(weeks=8)
    fit, holdout = features[features["date"] <= cutoff], features[features["date"] > cutoff]
    columns = ["weekday", "promo", "holiday"]
    model = HistGradientBoostingRegressor(learning_rate=0.05, max_depth=6)
    model.fit(fit[columns], fit["units"])
    return model, mean_absolute_percentage_error(holdout["units"], model.predict(holdout[columns]))


if __name__ == "__main__":
    model, mape = train(pd.read_parquet(sys.argv[1]))
    joblib.dump(model, sys.argv[2])
    with open("reports/metrics.json", "w", encoding="utf-8") as handle:
        json.dump({"val_mape": mape}, handle)
