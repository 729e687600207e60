"""Is confidence honest? Reliability bins and the spec's calibration property.

records.md promises: among fields auto-accepted at confidence ≥ c, the share that is wrong is
≤ 1 − c on the evaluation corpus. The bins show *where* confidence lies; the threshold check
says *whether* the promise holds at the thresholds a review rule would plausibly use.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLDS: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
_EPS = 1e-9  # 1 - 0.9 is 0.09999…: do not fail a threshold on float rounding


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_confidence: float | None
    accuracy: float | None  # observed share correct

    def to_json(self) -> dict[str, float | int | None]:
        return {"low": self.low, "high": self.high, "count": self.count,
                "mean_confidence": self.mean_confidence, "accuracy": self.accuracy}


@dataclass(frozen=True)
class ThresholdCheck:
    threshold: float
    count: int  # auto-accepted fields with confidence ≥ threshold
    wrong: int
    limit: float  # 1 − threshold

    @property
    def error(self) -> float | None:
        return self.wrong / self.count if self.count else None

    @property
    def ok(self) -> bool | None:
        """None when no field reaches the threshold: nothing to check."""
        if not self.count:
            return None
        return self.wrong / self.count <= self.limit + _EPS

    def to_json(self) -> dict[str, float | int | bool | None]:
        return {"threshold": self.threshold, "count": self.count, "wrong": self.wrong,
                "error": self.error, "limit": self.limit, "ok": self.ok}


def reliability_bins(pairs: list[tuple[float, bool]], n_bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width bins over [0, 1]; confidence 1.0 falls in the last bin."""
    sums = [[0, 0.0, 0] for _ in range(n_bins)]  # count, confidence sum, correct
    for conf, correct in pairs:
        i = min(int(conf * n_bins), n_bins - 1)
        sums[i][0] += 1
        sums[i][1] += conf
        sums[i][2] += int(correct)
    bins = []
    for i, (count, conf_sum, right) in enumerate(sums):
        bins.append(ReliabilityBin(
            low=round(i / n_bins, 6), high=round((i + 1) / n_bins, 6), count=int(count),
            mean_confidence=conf_sum / count if count else None,
            accuracy=right / count if count else None))
    return bins


def threshold_checks(auto_pairs: list[tuple[float, bool]],
                     thresholds: tuple[float, ...] = THRESHOLDS) -> list[ThresholdCheck]:
    """The calibration property at each threshold, over auto-accepted fields only."""
    checks = []
    for c in thresholds:
        above = [correct for conf, correct in auto_pairs if conf >= c]
        checks.append(ThresholdCheck(threshold=c, count=len(above),
                                     wrong=sum(1 for ok in above if not ok),
                                     limit=round(1.0 - c, 6)))
    return checks


def expected_calibration_error(bins: list[ReliabilityBin]) -> float | None:
    """Count-weighted mean |accuracy − confidence| over bins: one number for trend lines."""
    total = sum(b.count for b in bins)
    if not total:
        return None
    return sum(b.count * abs((b.accuracy or 0.0) - (b.mean_confidence or 0.0))
               for b in bins if b.count) / total
