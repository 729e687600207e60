"""Field confidence from the evidence gathered while reading a field.

This is the uncalibrated first version: a plain function of OCR word confidences, how cleanly
the value parsed, and the cross-checks. It sits behind `ConfidenceFn` so the calibrated model
(fit on the evaluation corpus) replaces it without touching the extractors.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass(slots=True)
class FieldEvidence:
    ocr_min: float = 0.0
    ocr_mean: float = 0.0
    n_tokens: int = 0
    label_score: float = 0.0  # 0..100, how well the anchoring label matched
    parsed: bool = False  # the normaliser produced a value
    clean: bool = False  # ... without guessing
    repaired: bool = False  # ... after correcting a known OCR confusion
    wrapped: bool = False  # the value continued on another line
    blank: bool = False  # label found, nothing written after it
    agreements: int = 0  # cross-checks that confirmed the value
    disagreements: int = 0  # cross-checks that contradict it
    key: str = ""  # record-format key of the field
    family: str = ""  # confidence-model family (extractors.evidence.family)
    features: dict[str, float] = field(default_factory=dict)  # extractors.evidence
    # Every word of the value came from a real PDF text layer (exactly what is printed; only
    # the layout can still be wrong). None: infer it from the word confidences (below).
    text_layer: bool | None = None

    @property
    def from_text_layer(self) -> bool:
        """Text-layer words carry confidence 1.0 (pipeline.pages); Tesseract's never reach it
        (highest seen on 28,864 OCR'd words of the working and validation corpora: 0.97)."""
        if self.text_layer is not None:
            return self.text_layer
        return self.n_tokens > 0 and self.ocr_min >= TEXT_LAYER_CONFIDENCE


ConfidenceFn = Callable[[FieldEvidence], float]
TEXT_LAYER_CONFIDENCE = 1.0


def heuristic_confidence(ev: FieldEvidence) -> float:
    """Worst word weighs in because one bad character spoils a word (and a value)."""
    if ev.blank:
        return round(0.92 * min(1.0, ev.label_score / 100.0), 4)
    if not ev.parsed or ev.n_tokens == 0:
        return 0.0
    conf = 0.6 * ev.ocr_mean + 0.4 * ev.ocr_min
    if not ev.clean:
        conf *= 0.75
    if ev.repaired:
        conf *= 0.92
    if ev.label_score < 90:
        conf *= 0.95
    if ev.wrapped:
        conf *= 0.97
    if ev.disagreements:
        conf *= 0.5
    elif ev.agreements:
        conf = 1.0 - (1.0 - conf) * 0.25
    return round(max(0.0, min(1.0, conf)), 4)


# --- The calibrated model ------------------------------------------------------------------
# One logistic regression per field family over the features below, fit on a working corpus
# by `sohoa calibrate CORPUS` (parameters in extractors/data/confidence_model.json).
# Each family also carries the confidence a field must reach to be accepted automatically,
# chosen on that corpus so that accepted fields are wrong ≤ 0.5% of the time.

MODEL_FILE = "confidence_model.json"
OCR_MIN_STEPS = (0.8, 0.9, 0.95)
OCR_MEAN_STEPS = (0.9, 0.95)
MAX_CONFIDENCE = 0.999  # never claim certainty: the scorer checks the promise up to 0.99
# A blank is as sure as the form allows the line to be empty: an identity number is often
# left blank (no ID issued yet, an old person, a foreigner), a whole optional block (a land
# certificate's second holder) is absent on most certificates, a father's lines are blank
# together; a register number, a place or a name line is never empty on a real form, so a
# blank there is mostly a value OCR lost.
BLANK_FAMILY_GROUPS = {"id_number": "id", "register_number": "register"}


def blank_group(ev: FieldEvidence) -> str:
    """The kind of blank line (above): `absent`, `id`, `register`, `father` or `other`."""
    if ev.label_score <= 0:  # no label either: the block is not on the form
        return "absent"
    if ev.family in BLANK_FAMILY_GROUPS:
        return BLANK_FAMILY_GROUPS[ev.family]
    return "father" if ev.key.startswith("father") else "other"


def feature_vector(ev: FieldEvidence) -> dict[str, float]:
    """The model's inputs for one field (missing inputs are 0)."""
    if ev.blank:
        return {"bias": 1.0, f"group_{blank_group(ev)}": 1.0, "agree": float(ev.agreements > 0),
                "disagree": float(ev.disagreements > 0),
                "label": min(1.0, ev.label_score / 100.0),
                **{k: v for k, v in ev.features.items() if k.startswith("doc_")}}
    x = {"bias": 1.0, "ocr_min": ev.ocr_min, "ocr_mean": ev.ocr_mean,
         "clean": float(ev.clean), "repaired": float(ev.repaired),
         "weak_label": float(ev.label_score < 90), "wrapped": float(ev.wrapped),
         "agree": float(ev.agreements > 0), "agree2": float(ev.agreements > 1),
         "disagree": float(ev.disagreements > 0), "text_layer": float(ev.from_text_layer)}
    if not ev.from_text_layer:
        # Tesseract's confidences matter by steps, not linearly: a value whose every word
        # scored ≥ 0.9 is nearly always right, one word under 0.8 often is not (dev corpora:
        # register, ID and date values read cleanly with every word ≥ 0.9: 2 wrong of 410)
        for cut in OCR_MIN_STEPS:
            x[f"ocr_min_ge{round(cut * 100)}"] = float(ev.ocr_min >= cut)
        for cut in OCR_MEAN_STEPS:
            x[f"ocr_mean_ge{round(cut * 100)}"] = float(ev.ocr_mean >= cut)
    x.update(ev.features)
    if ev.from_text_layer:  # word confidences say nothing more: the words are as printed
        x["ocr_min"] = x["ocr_mean"] = 0.0
        x[f"fam_{ev.family or 'text'}"] = 1.0  # the text-layer model's per-field baseline
    return x


TEXT_LAYER_FAMILY = "text_layer"


def model_family(ev: FieldEvidence) -> str:
    """Blank lines share one model; so do values read from a real text layer, whatever their
    field: their words are as printed, so the only errors left are layout errors (a wrong
    span, a lost wrapped line, a label glued to the value), which look alike across fields
    and are too few per field family to fit one model each."""
    if ev.blank:
        return "blank"
    if ev.from_text_layer:
        return TEXT_LAYER_FAMILY
    return ev.family or "text"


@cache
def load_model() -> dict:
    try:
        text = resources.files("extractors.data").joinpath(MODEL_FILE).read_text("utf-8")
    except FileNotFoundError:
        return {}
    return json.loads(text).get("families", {})


POOLED_FAMILY = "pooled"  # the families too small for a model of their own, together


def pooled_feature(family: str) -> str:
    return f"pooled_{family}"


def family_params(model: dict, family: str, x: dict[str, float]
                  ) -> tuple[dict | None, dict[str, float]]:
    """The family's entry of `model` and its inputs (a pooled family's baseline feature
    added); None when the model has neither."""
    if family in model:
        return model[family], x
    if POOLED_FAMILY in model:
        return model[POOLED_FAMILY], {**x, pooled_feature(family): 1.0}
    return None, x


def _params(ev: FieldEvidence) -> tuple[dict | None, dict[str, float]]:
    return family_params(load_model(), model_family(ev), feature_vector(ev))


def model_probability(params: dict, x: dict[str, float]) -> float:
    """P(value right) from one family's fitted weights (and its reviewer re-mapping)."""
    weights = params["weights"]
    z = sum(weights.get(k, 0.0) * v for k, v in x.items())
    remap = params.get("remap")  # re-mapping fitted on reviewer decisions, if any
    if remap is not None:  # logit p' = a·logit p + b (extractors/review_calibration.py)
        z = remap["a"] * max(-30.0, min(30.0, z)) + remap["b"]
    p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return round(min(MAX_CONFIDENCE, p), 4)


def calibrated_confidence(ev: FieldEvidence) -> float:
    """P(value right | evidence) from the fitted model; the heuristic where no model fits."""
    if not ev.blank and (not ev.parsed or ev.n_tokens == 0):
        return 0.0
    params, x = _params(ev)
    if params is None:
        return heuristic_confidence(ev)
    p = model_probability(params, x)
    if ev.repaired and not ev.from_text_layer:
        # a repair never makes a reading surer than the same reading needing none would be
        # (the model may weigh it up: repaired dates were right 39 times in 40 on the dev
        # corpora, about as often as dates read clean)
        p = min(p, model_probability(params, {**x, "repaired": 0.0, "clean": 1.0}))
        if ev.family in FIGURES_READ_BACK:
            p = min(p, READ_BACK_RIGHT)
    return p


# Dates and book numbers whose figures were read back through a known slip ('91/08/1989'
# as the 1st): the share of them found right is their confidence at most. A face that turns
# 0 into 9 turns other figures too: 39 of 41 such dates were right (the four dev corpora
# and the bundled samples, 2026-11-24; '91/08/1989' was 01/08/1988), 17 of 17 books.
FIGURES_READ_BACK = frozenset({"date", "register_number"})
READ_BACK_RIGHT = 0.95


def accept_threshold(ev: FieldEvidence) -> float | None:
    """The family's auto-accept confidence from the fitted model (None: settings decide)."""
    params, _ = _params(ev)
    return None if params is None else float(params["threshold"])


calibrated_confidence.accept_threshold = accept_threshold  # type: ignore[attr-defined]
