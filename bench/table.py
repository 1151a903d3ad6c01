"""The bench's one table: each operation and size against its baseline and budget.

Every figure is a median over repeated runs in this one run; `spread` is the range of
the middle half of the runs (25th to 75th percentile); `growth` is the median over
the median at the size before, so superlinear behaviour shows; `ratio` is the median
over the baseline's median, measured in the same run; `peak` is the median of the
runs' peak memory (the command's own max RSS, from wait4), where it was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from measure import median, spread

COLUMNS = (
    "operation",
    "size",
    "median",
    "spread",
    "growth",
    "baseline",
    "ratio",
    "budget",
    "holds",
    "peak",
)


@dataclass(frozen=True)
class Figure:
    """A median and its spread, in seconds (or KiB for memory, or a count of pairs)."""

    median: float
    spread: float | None
    unit: str = "s"
    peak_kib: float | None = None
    """The median peak memory (the command's own max RSS) of the same runs, when
    the scenario recorded it."""

    @classmethod
    def of(
        cls, values: Sequence[float], unit: str = "s", peak: Sequence[float] = ()
    ) -> Figure:
        return cls(median(values), spread(values), unit, median(peak) if peak else None)

    def text(self, value: float | None = None) -> str:
        value = self.median if value is None else value
        if self.unit == "KiB":
            return f"{value / 1024:.1f} MiB"
        if self.unit == "pairs":
            return f"{value:,.0f} pairs"
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


@dataclass(frozen=True)
class Budget:
    """A limit on the ratio (`× baseline`) or on the median itself (`s`)."""

    limit: float
    on: str  # "ratio" or "median"
    text: str

    def holds(self, figure: Figure, ratio: float) -> bool:
        return (ratio if self.on == "ratio" else figure.median) <= self.limit


def at_most(limit: float, what: str) -> Budget:
    """`≤ limit × what`, a budget on the ratio."""
    return Budget(limit, "ratio", f"≤ {limit:g} × {what}")


def within(seconds: float) -> Budget:
    return Budget(seconds, "median", f"≤ {seconds:g} s")


@dataclass(frozen=True)
class Row:
    operation: str
    size: str
    figure: Figure
    baseline_name: str
    baseline: Figure
    growth: float | None = None
    budget: Budget | None = None

    @property
    def ratio(self) -> float:
        return self.figure.median / self.baseline.median

    @property
    def holds(self) -> bool | None:
        return (
            None if self.budget is None else self.budget.holds(self.figure, self.ratio)
        )

    def cells(self) -> list[str]:
        holds = {None: "—", True: "yes", False: "NO"}[self.holds]
        peak = self.figure.peak_kib
        spread = self.figure.spread
        return [
            self.operation,
            self.size,
            self.figure.text(),
            "—" if spread is None else self.figure.text(spread),
            "—" if self.growth is None else f"{self.growth:.2f}×",
            f"{self.baseline_name} ({self.baseline.text()})",
            f"{self.ratio:.3f}" if self.ratio < 0.1 else f"{self.ratio:.2f}",
            "—" if self.budget is None else self.budget.text,
            holds,
            "—" if peak is None else f"{peak / 1024:.0f} MiB",
        ]


def with_growth(rows: Sequence[Row]) -> list[Row]:
    """`rows` of one operation by increasing size, each with its growth factor."""
    out: list[Row] = []
    for row in rows:
        before = out[-1].figure.median if out else None
        growth = None if before is None else row.figure.median / before
        out.append(replace(row, growth=growth))
    return out


def markdown(rows: Sequence[Row]) -> str:
    """The table in Markdown, numbers right-aligned."""
    right = {"median", "spread", "growth", "ratio", "peak"}
    lines = [
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---:" if c in right else "---" for c in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)
