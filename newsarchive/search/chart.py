"""Charts of a trend: a text sparkline for the terminal and a bar chart drawn by matplotlib."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only: no display on a server

from matplotlib import pyplot  # noqa: E402

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """One block character per value, scaled to the largest (zero is the lowest block)."""
    if not values:
        return ""
    top = max(values) or 1
    return "".join(SPARK[0] if v <= 0 else SPARK[min(len(SPARK) - 1, 1 + (v * (len(SPARK) - 1) - 1) // top)]
                   for v in values)


def bar_chart_png(series: list[tuple[str, int]], path, *, title: str | None = None) -> None:
    """Write a bar chart of (period, count) to `path` as PNG."""
    labels = [label for label, _ in series]
    counts = [count for _, count in series]
    figure, axes = pyplot.subplots(figsize=(max(6.0, min(16.0, 0.25 * len(series))), 3.5), dpi=100)
    try:
        axes.bar(range(len(series)), counts, color="#3465a4")
        step = max(1, len(series) // 12)
        axes.set_xticks(range(0, len(series), step), labels[::step], rotation=45, ha="right", fontsize=8)
        axes.set_ylabel("articles")
        axes.yaxis.get_major_locator().set_params(integer=True)
        if title:
            axes.set_title(title)
        figure.tight_layout()
        figure.savefig(path, format="png")
    finally:
        pyplot.close(figure)
