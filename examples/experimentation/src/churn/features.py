"""Feature engineering for the churn model: one row per account and snapshot date."""

from __future__ import annotations

import pandas as pd

LEAKY_COLUMNS = ("cancellation_page_views", "cancel_reason")


def build_features(customers: pd.DataFrame, tickets: pd.DataFrame) -> pd.DataFrame:
    """Tenure, plan, ticket counts over 30 and 90 days; leaky columns dropped."""
    recent = tickets[tickets["age_days"] <= 30].groupby("account_id").size()
    quarter = tickets[tickets["age_days"] <= 90].groupby("account_id").size()
    features = customers.drop(columns=list(LEAKY_COLUMNS), errors="ignore").set_index("account_id")
    features["tickets_30d"] = recent.reindex(features.index, fill_value=0)
    features["tickets_90d"] = quarter.reindex(features.index, fill_value=0)
    return features
