"""The number of an identity paper written as a sentence, as marriage and death forms print
`Giấy tờ tùy thân:` — "Căn cước công dân số 001190012345 do Cục Cảnh sát … cấp ngày
01/02/2021", "CMND số 012345678 do Công an tỉnh … cấp ngày …", or the number alone.

Only the number after "số" is the value (the issue date's figures are not part of it); it
is then checked like any identity number (extractors.normalise.identity).
"""

from __future__ import annotations

import re

from extractors.normalise.digits import repair_digit_runs
from extractors.normalise.identity import normalise_id_number
from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import fold

# 'số' (folded 'so'; OCR: 'sô', 'sỏ', 's6') then the number, digits possibly spaced in groups
_AFTER_SO = re.compile(r"(?:^|[^a-z0-9])s[o0]\s*:?\s*([0-9][0-9 .]{6,18}[0-9])(?![0-9])")
_RUN = re.compile(r"(?<![0-9/.\-])[0-9](?:[0-9 ]{6,16})[0-9](?![0-9/.\-])")
_ISSUED = re.compile(r"\b(?:do|cap)\b")


def normalise_id_document(raw: str) -> Normalised:
    """The identity number of an identity-paper sentence, digits only."""
    text, repaired = repair_digit_runs(strip_wrapping(raw))
    folded = fold(text)
    cut = _ISSUED.search(folded)
    head = folded[:cut.start()] if cut else folded
    m = _AFTER_SO.search(head) or _AFTER_SO.search(folded)
    number = m.group(1) if m else None
    if number is None:
        runs = [r.group() for r in _RUN.finditer(head)]
        number = max(runs, key=len) if runs else None
    if number is None:
        return Normalised(None, ["unparsed_id"], clean=False)
    result = normalise_id_number(number)
    result.repaired = result.repaired or repaired
    alone = folded.strip() == number.strip()
    result.clean = result.clean and not repaired and (m is not None or alone)
    return result
