"""Gender: 'Nam' → male, 'Nữ' → female, read on folded text ('NU', 'Nừ', 'NỮ' all work)."""

from __future__ import annotations

import re

from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import fold

GENDER_WORDS: dict[str, str] = {"nam": "male", "nu": "female", "male": "male",
                                "female": "female"}
# One-letter OCR slips seen on these two short words.
NEAR_MISSES: dict[str, str] = {"narn": "male", "nan": "male", "ham": "male", "nau": "female",
                               "nuu": "female", "mu": "female", "nr": "female"}


def normalise_gender(raw: str) -> Normalised:
    words = re.findall(r"[a-z]+", fold(strip_wrapping(raw)))
    if not words:
        return Normalised(None, ["unparsed_gender"], clean=False)
    first = words[0]
    if first in GENDER_WORDS:
        return Normalised(GENDER_WORDS[first], clean=len(words) == 1)
    if first in NEAR_MISSES:
        return Normalised(NEAR_MISSES[first], clean=False, repaired=True)
    return Normalised(None, ["unparsed_gender"], clean=False)
