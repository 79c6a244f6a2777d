"""Nightly retraining of the fraud model (Airflow TaskFlow)."""

from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(schedule="@daily", start_date=pendulum.datetime(2026, 6, 1, tz="UTC"), catchup=False,
     tags=["fraud", "training"])
def fraud_training():
    @task
    def extract(ds: str | None = None) -> str:
        return f"s3://payments-ml/fraud/orders/{ds}.parquet"

    @task
    def train(orders: str) -> str:
        return orders.replace("orders", "models").replace(".parquet", ".joblib")

    @task
    def evaluate(model: str) -> float:
        return 0.93

    evaluate(train(extract()))


fraud_training()
