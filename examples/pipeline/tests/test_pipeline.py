"""Pipeline validation: run by CI with `pytest --junitxml=reports/pipeline-tests.xml`."""

import pandas as pd
from forecast.prepare import prepare


def test_prepare_drops_sites_with_short_history() -> None:
    orders = pd.DataFrame({"site": ["a"] * 3, "date": ["2026-01-01"] * 3, "units": [1, 2, 3]})
    assert prepare(orders, min_history_days=2).empty


def test_prepare_sums_units_per_site_and_day() -> None:
    orders = pd.DataFrame({"site": ["a", "a"], "date": ["2026-01-01"] * 2, "units": [1, 2]})
    assert prepare(orders, min_history_days=1)["units"].tolist() == [3]
