"""The check-in summary's chart: a bar per answer, counts written on the bars (so the
chart means the same without colour), rendered with matplotlib's Agg backend. The
summary message carries the same figures as text, and the image has alt text."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence


def answers_chart_png(title: str, spread: Sequence[tuple[str, int]],
                      axis: str = "check-ins") -> bytes:
    """A horizontal bar chart of how many check-ins got each answer, as PNG bytes (the
    title, answers and `axis` label already in the reader's language)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = [label.replace("$", r"\$") for label, _ in spread]
    counts = [count for _, count in spread]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figure = Figure(figsize=(8, 1.2 + 0.6 * len(spread)), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(spread)))
        bars = axes.barh(positions, counts, color="#3b6ea5")
        axes.set_yticks(positions, labels=labels)
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[str(c) for c in counts], padding=3)
        axes.set_xlabel(axis.replace("$", r"\$"))
        axes.set_xlim(0, max([*counts, 1]) * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(title.replace("$", r"\$"))
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
