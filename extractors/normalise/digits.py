"""OCR letter-for-digit confusions, repaired only inside digit runs.

'O'→0, 'l'/'I'→1, 'S'→5, 'B'→8 are only digits when they sit in a token that is otherwise
digits ("0011900l2345"); a lone 'I' or 'S' in running text stays a letter.
"""

from __future__ import annotations

import re

CONFUSIONS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1",
                            "i": "1", "|": "1", "!": "1", "¡": "1", "S": "5", "s": "5", "B": "8",
                            "Z": "2", "z": "2", "G": "6", "g": "9", "Ø": "0",
                            "ø": "0"})
_TOKEN = re.compile(r"[0-9A-Za-zØø|!¡]+(?:[/.\-][0-9A-Za-zØø|!¡]+)*")
SLASHES = str.maketrans({"⁄": "/", "∕": "/", "／": "/"})


def repair_digit_runs(text: str, *, min_digit_share: float = 0.5) -> tuple[str, bool]:
    """Map confusable letters to digits in tokens that are mostly digits already."""
    changed = False

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        tok = m.group(0)
        chars = [c for c in tok if c not in "/.-"]
        digits = sum(c.isdigit() for c in chars)
        if digits == len(chars) or digits < 1 or digits / len(chars) < min_digit_share:
            return tok
        fixed = "".join(c if c in "/.-" else c.translate(CONFUSIONS) for c in tok)
        if not all(c.isdigit() or c in "/.-" for c in fixed):
            return tok
        changed = True
        return fixed

    return _TOKEN.sub(fix, text.translate(SLASHES)), changed
