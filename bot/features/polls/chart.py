"""The poll results as a bar chart PNG (matplotlib, Agg backend, no display needed).

Counts are written on the bars as numbers, so the chart means the same without colour;
the message carries the same results as text and the image has alt text.
"""

from __future__ import annotations

import io
import textwrap
import warnings
from collections.abc import Sequence

from bot.text import strip_controls


def _label(text: str, width: int) -> str:
    # `$` would switch matplotlib into maths layout; escape it so text stays text.
    plain = strip_controls(text).replace("$", r"\$")
    return "\n".join(textwrap.wrap(plain, width, max_lines=3, placeholder="…")) or " "


def bar_chart_png(question: str, options: Sequence[str], counts: Sequence[int],
                  axis: str = "votes") -> bytes:
    """A horizontal bar chart of the counts, one bar per option, as PNG bytes (`axis`:
    the count axis's label, in the readers' language)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with warnings.catch_warnings():
        # A glyph missing from the font is drawn as a box; that is not worth a warning.
        warnings.simplefilter("ignore")
        height = 1.2 + 0.6 * len(options)
        figure = Figure(figsize=(8, height), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        positions = list(range(len(options)))
        bars = axes.barh(positions, list(counts), color="#3b6ea5")
        axes.set_yticks(positions, labels=[_label(o, 30) for o in options])
        axes.invert_yaxis()
        axes.bar_label(bars, labels=[str(c) for c in counts], padding=3)
        axes.set_xlabel(_label(axis, 40))
        axes.set_xlim(0, max([*counts, 1]) * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_title(_label(question, 70))
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()
