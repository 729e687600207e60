"""Two pictures that say more than the tables: where fields fail, and whether confidence lies.

matplotlib runs headless (Agg) and is imported only here, so scoring stays fast to import.
"""

from __future__ import annotations

from pathlib import Path

from evaluation.scores import Scores

FIELD_ACCURACY_PNG = "field_accuracy.png"
RELIABILITY_PNG = "reliability.png"
_DOC_COLOURS = {
    "birth_certificate": "#4C72B0", "marriage_certificate": "#DD8452",
    "death_certificate": "#55A868", "land_certificate": "#8172B3", "unknown": "#937860",
}


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_field_accuracy(scores: Scores, path: Path) -> Path:
    """Horizontal bars, one per (doc type, key), worst first inside each doc-type group."""
    plt = _pyplot()
    rows: list[tuple[str, str, float, int]] = []
    for dt, keys in scores.field_per_key.items():
        group = sorted(((k, r.rate or 0.0, r.total) for k, r in keys.items()),
                       key=lambda x: (x[1], x[0]))
        rows += [(dt, k, rate, n) for k, rate, n in group]
    height = max(3.0, 0.28 * len(rows) + 1.5)
    fig, ax = plt.subplots(figsize=(9, height))
    ys = list(range(len(rows)))[::-1]  # first row at the top
    colours = [_DOC_COLOURS.get(dt, "#999999") for dt, *_ in rows]
    ax.barh(ys, [r[2] for r in rows], color=colours, height=0.75)
    ax.set_yticks(ys, [f"{k}  (n={n})" for _, k, _, n in rows], fontsize=8)
    for y, (_, _, rate, _) in zip(ys, rows):
        ax.text(min(rate, 1.0) + 0.01, y, f"{rate:.0%}", va="center", fontsize=7)
    ax.set_xlim(0, 1.1)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    for y, (dt, prev) in zip(ys[1:], zip([r[0] for r in rows[1:]], [r[0] for r in rows])):
        if dt != prev:  # a thin rule between doc-type groups
            ax.axhline(y + 0.5, color="#999999", lw=0.6)
    ax.set_xlabel("field accuracy (share of truth fields predicted exactly)")
    ax.axvline(1.0, color="#cccccc", lw=0.8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=_DOC_COLOURS.get(dt, "#999999"))
               for dt in scores.field_per_key]
    labels = [f"{dt} ({(r.rate or 0):.0%})" for dt, r in scores.field_per_doc_type.items()]
    if handles:
        ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2,
                  fontsize=8, frameon=False)
    overall = scores.field_overall.rate
    title = "Field accuracy per field"
    ax.set_title(title + (f" — overall {overall:.1%}" if overall is not None else ""),
                 pad=12 + 14 * ((len(handles) + 1) // 2))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_reliability(scores: Scores, path: Path) -> Path:
    """Observed accuracy per confidence bin against the diagonal; bin counts underneath."""
    plt = _pyplot()
    fig, (ax, ax_n) = plt.subplots(2, 1, figsize=(6.5, 7), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 1]})
    width = 1.0 / max(len(scores.bins), 1)
    filled = [b for b in scores.bins if b.count]
    ax.plot([0, 1], [0, 1], ls="--", color="#888888", lw=1, label="perfect calibration")
    ax.bar([b.low for b in filled], [b.accuracy or 0.0 for b in filled], width=width * 0.95,
           align="edge", color="#4C72B0", alpha=0.75, edgecolor="#2a4a80",
           label="observed accuracy")
    ax.plot([b.mean_confidence for b in filled], [b.accuracy for b in filled], "o-",
            color="#C44E52", ms=4, lw=1, label="(mean confidence, accuracy)")
    for c in scores.thresholds:
        if c.ok is False:
            ax.axvline(c.threshold, color="#C44E52", lw=0.8, ls=":")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("observed accuracy")
    failed = ", ".join(f"{t:g}" for t in scores.failed_thresholds) or "none"
    ax.set_title(f"Reliability of field confidence\n(calibration property fails at c = {failed})",
                 fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    ax_n.bar([b.low for b in scores.bins], [b.count for b in scores.bins], width=width * 0.95,
             align="edge", color="#8c8c8c")
    for b in scores.bins:
        if b.count:
            ax_n.text(b.low + width / 2, b.count, str(b.count), ha="center", va="bottom",
                      fontsize=7)
    ax_n.set_ylabel("fields")
    ax_n.set_xlabel("predicted confidence")
    ax_n.set_ylim(0, max([b.count for b in scores.bins] + [1]) * 1.25)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(scores: Scores, folder: Path) -> dict[str, Path]:
    return {"field_accuracy": plot_field_accuracy(scores, folder / FIELD_ACCURACY_PNG),
            "reliability": plot_reliability(scores, folder / RELIABILITY_PNG)}
