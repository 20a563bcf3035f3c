"""bench/eval.py's scoring rules, on made-up values (the eval pages themselves are not needed)."""

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("eval_bench", Path(__file__).resolve().parents[1] / "bench" / "eval.py")
eval_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(eval_bench)


@pytest.mark.parametrize("truth, predicted, truth_frame, kz_day, page_day", [
    # a bare-day truth is a UTC day: 00:30 in Moscow is still the day before in UTC
    ("2021-03-04", "2021-03-05T00:30:00+03:00", True, False, False),
    # late evening in Moscow: the same UTC and page day, already the next day in Kazakhstan
    ("2021-03-04", "2021-03-04T22:40:00+03:00", True, False, True),
    ("2021-03-04", "2021-03-04T12:00:00+05:00", True, True, True),
    ("2021-03-04", "2021-03-04", True, True, True),  # a bare-day prediction, as written
    ("2021-03-04", "2021-03-05T12:00:00+05:00", False, False, False),
    # a truth with an offset: Kazakhstan days on both sides
    ("2021-03-04 22:40:00+03:00", "2021-03-05T00:40:00+05:00", True, True, True),
    ("2021-03-04 18:40:00+03:00", "2021-03-05T00:40:00+05:00", False, False, False),
    ("2021-03-04", None, False, False, False),
    ("2021-03-04", "not a date", False, False, False),
])
def test_date_rules(truth, predicted, truth_frame, kz_day, page_day):
    assert eval_bench.date_ok(truth, predicted) is truth_frame
    assert eval_bench.date_kz_ok(truth, predicted) is kz_day
    assert eval_bench.date_page_ok(truth, predicted) is page_day


def test_body_metric_counts_shingles():
    truth, predicted = "один два три четыре пять", "один два три четыре пять шесть"  # 2 shingles vs 3
    assert eval_bench.body_scores(truth, predicted) == (pytest.approx(2 / 3), 1.0)
    assert eval_bench.body_scores(predicted, truth) == (1.0, pytest.approx(2 / 3))
    assert eval_bench.body_scores("", "") == (1.0, 1.0)
