"""Values of land-use-right certificates: serials, register-book numbers, areas (figures and
words), terms, usage forms, land categories and origins.

Serials and book numbers are two capital letters and a digit run; OCR's letter-for-digit
slips (O/0, I/1, …) are repaired only inside the digit run. Areas carry a decimal comma and
'.' thousands grouping ('1.234,5 m²'). Categories and origins are real printed wording from a
closed list: a read value is snapped to an entry only when one entry clearly wins, otherwise
kept as printed.
"""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from extractors.normalise.dates import DIGITS_REPAIRED, normalise_date, slip_read_parts
from extractors.normalise.digits import CONFUSIONS, SLASHES
from extractors.normalise.number_words import parse_number, repair_token
from extractors.normalise.places import repair_place
from extractors.normalise.result import Normalised, strip_wrapping
from pipeline.textnorm import clean, fold

# The serial: 2 letters + 6 digits on the old form, + 8 digits on the 2024 form (domain.md).
SERIAL_DIGITS_BY_FORM = {"pre-2024": 6, "2024": 8}
SERIAL_DIGITS = tuple(SERIAL_DIGITS_BY_FORM.values())
_DIGITISH = "0-9OoDQIl|!SBZG§"
_CODE = re.compile(rf"(?<![A-Za-zĐ])([A-ZĐ]{{2}})\s?[-.]?\s?([{_DIGITISH}][{_DIGITISH}\s]*)")
# Looser: letters read in lower case, as '5'/'0', or with a stray mark before the digits.
_CODE_LOOSE = re.compile(rf"(?<![A-Za-zĐ])([A-Za-zĐ5$§0][A-Za-zĐ5$§0])[\s'`’_.,:-]*"
                         rf"([{_DIGITISH}][{_DIGITISH}\s]*)")
# Lower-case letters shaped like their capitals ('cT' is CT as Tesseract reads it); any other
# in a code printed in capitals is a letter misread ('cr' for CT), its capital a guess.
_SHAPE_ALIKE = "cosuvwxz"
CODE_LETTERS_GUESSED = "code_letters_guessed"
_LETTERS = str.maketrans({"5": "S", "$": "S", "§": "S", "0": "O"})  # 'C§ 30185': a bold S

# Land categories (Luật Đất đai 2013 / 2024 and the certificates issued under them).
LAND_CATEGORIES = (
    "Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng lúa", "Đất chuyên trồng lúa nước",
    "Đất trồng lúa nước còn lại", "Đất trồng lúa nương", "Đất trồng cây hằng năm khác",
    "Đất bằng trồng cây hằng năm khác", "Đất nương rẫy trồng cây hằng năm khác",
    "Đất trồng cây lâu năm", "Đất nuôi trồng thủy sản", "Đất rừng sản xuất",
    "Đất rừng phòng hộ", "Đất rừng đặc dụng", "Đất làm muối", "Đất nông nghiệp khác",
    "Đất chăn nuôi tập trung", "Đất thương mại, dịch vụ", "Đất cơ sở sản xuất phi nông nghiệp",
    "Đất sản xuất, kinh doanh phi nông nghiệp", "Đất xây dựng trụ sở cơ quan",
    "Đất cơ sở tôn giáo", "Đất cơ sở tín ngưỡng", "Đất nghĩa trang, nhà tang lễ, cơ sở hỏa táng",
    "Đất phi nông nghiệp khác",
)
_ORIGIN_BASES = (
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Nhà nước giao đất không thu tiền sử dụng đất",
    "Nhà nước cho thuê đất trả tiền một lần",
    "Nhà nước cho thuê đất trả tiền thuê đất hằng năm",
    "Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Nhà nước công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
)
_ORIGIN_CHAINS = ("", "Nhận chuyển nhượng đất được ", "Nhận thừa kế đất được ",
                  "Nhận tặng cho đất được ")
LAND_ORIGINS = tuple(  # 'Nhà nước' keeps its capital inside a sentence
    chain + (base[0].lower() + base[1:] if chain and not base.startswith("Nhà nước") else base)
    for chain in _ORIGIN_CHAINS for base in _ORIGIN_BASES)
USAGE_FORMS = ("Sử dụng riêng", "Sử dụng chung")
LONG_TERM = "Lâu dài"
SNAP_SCORE, SNAP_MARGIN = 88.0, 3  # ratio to accept; edits ahead of the runner-up


_LAND_CONFUSIONS = {**CONFUSIONS, ord("§"): "8"}


def _key(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


def _digits(run: str) -> tuple[str, bool]:
    """A digit run with OCR letter slips mapped back to digits (spaces inside dropped)."""
    run = re.sub(r"\s", "", run)
    fixed = run.translate(_LAND_CONFUSIONS)
    return fixed, fixed != run


def _letter_code(raw: str, lengths: tuple[int, ...]) -> Normalised:
    text = clean(strip_wrapping(raw))
    m = _CODE.search(text)
    loose = m is None
    if loose:
        m = _CODE_LOOSE.search(text)
    if m is None or not (any(c.isdigit() for c in m.group(2)) or len(m.group(2).strip()) >= 5):
        return Normalised(text or None, ["unparsed_code"] if text else ["missing"], clean=False)
    letters = m.group(1).upper().translate(_LETTERS)
    digits, repaired = _digits(_code_run(m.group(2), lengths))
    if not digits.isdigit():
        digits = re.match(r"\d*", digits).group(0)  # letters after the run: another word
    issues = [] if len(digits) in lengths else ["code_invalid_shape"]
    if any(ch.islower() and ch not in _SHAPE_ALIKE for ch in m.group(1)):
        issues.append(CODE_LETTERS_GUESSED)
    tail = text[m.end():].strip(" .,;:")
    repaired = repaired or loose
    return Normalised(f"{letters} {digits}", issues,
                      clean=not issues and not repaired and not tail, repaired=repaired)


def _code_run(run: str, lengths: tuple[int, ...]) -> str:
    """The digit run of a code, without the next printed word that the loose digit class
    also matched ('CQ 05625219 GIẤY' is read 'CQ 05625219 GI…', G and I being digit slips):
    when the whole run has no valid length, its longest leading words that have one."""
    words = run.split()
    if len(words) < 2 or len(_digits(run)[0]) in lengths:
        return run
    for k in range(len(words) - 1, 0, -1):
        digits = _digits("".join(words[:k]))[0]
        if digits.isdigit() and len(digits) in lengths:
            return " ".join(words[:k])
    return run


def normalise_serial(raw: str) -> Normalised:
    """'BN 531146' (old form) / 'AA 09273289' (2024 form): two capitals, a space, digits.
    A slash between digits is a bold 7 as Tesseract reads it ('BV 625/33'), taken only when
    the run then has a serial's length (a repair: never accepted unreviewed on that alone)."""
    read = _letter_code(raw, SERIAL_DIGITS)
    if not read.issues or not _SLASHED_DIGIT.search(raw):
        return read
    seven = _letter_code(_SLASHED_DIGIT.sub("7", raw), SERIAL_DIGITS)
    if seven.issues:
        return read
    return Normalised(seven.value, [], clean=False, repaired=True)


_SLASHED_DIGIT = re.compile(r"(?<=\d)[/⁄∕](?=\d)")


def normalise_registry_number(raw: str) -> Normalised:
    """'Số vào sổ cấp GCN: CS 05494' -> 'CS 05494'."""
    return _letter_code(raw, (4, 5, 6, 7))


_AREA = re.compile(r"\d[\d.,\s]*")


def parse_area(text: str) -> tuple[float | None, bool]:
    """'1.234,5 m²' -> 1234.5. Thousands groups always have three digits, so the last group
    is the decimal part when a comma precedes it or it is not three digits long
    ('3.234.4', '4.310, 7', '5.592 9' as OCR prints them). Returns (value, repaired)."""
    fixed = re.sub(rf"(?<=[\d,.])[{_DIGITISH}](?=[\d,.]|\s*m)|[{_DIGITISH}](?=[\d,.]+)",
                   lambda m: m.group(0).translate(_LAND_CONFUSIONS), text)
    repaired = fixed != text
    m = _AREA.search(fixed.split("m")[0] if "m" in fixed else fixed)
    if m is None:
        return None, repaired
    run = m.group(0).strip(" .,")
    groups = re.split(r"[.,\s]+", run)
    seps = re.findall(r"[.,\s]+", run)
    if len(groups) == 1:
        return float(groups[0]), repaired
    if "," in seps[-1] or len(groups[-1]) != 3:
        whole, frac = groups[:-1], groups[-1]
    else:
        whole, frac = groups, "0"
    if any(len(g) != 3 for g in whole[1:]):
        repaired = True  # not a clean thousands grouping
    return float(f"{''.join(whole)}.{frac}"), repaired


def normalise_area(raw: str) -> Normalised:
    """An area in square metres as a number: '108,0 m²' -> 108.0."""
    text = clean(strip_wrapping(raw))
    value, repaired = parse_area(text)
    if value is None:
        return Normalised(None, ["unparsed_area"], clean=False)
    shape = re.fullmatch(r"[\d.,\s]+(?:m2|m²|m\s?2|m)?\.?", text.replace(" ", " "))
    return Normalised(value, clean=bool(shape) and not repaired, repaired=repaired)


_WORDS = re.compile(r"[a-z]+")
_UNIT_WORDS = ("met", "vuong", "m", "bang", "chu")


def parse_area_words(text: str) -> float | None:
    """'Một trăm linh tám mét vuông' -> 108; 'chín mươi lăm phẩy năm' -> 95.5."""
    words = [w for w in _WORDS.findall(fold(text)) if w not in _UNIT_WORDS]
    if "phay" in words:
        i = words.index("phay")
        whole_words, frac_words = words[:i], words[i + 1:]
    else:
        whole_words, frac_words = words, []
    whole = parse_number(whole_words)
    if whole is None:
        return None
    if not frac_words:
        return float(whole)
    lead = 0
    while lead < len(frac_words) - 1 and repair_token(frac_words[lead]) == "khong":
        lead += 1
    frac = parse_number(frac_words[lead:])
    if frac is None:
        return None
    return float(f"{whole}.{'0' * lead}{frac}")


def normalise_area_words(raw: str) -> Normalised:
    """The area in words, as a number, so it can be checked against the figures."""
    text = clean(strip_wrapping(raw))
    value = parse_area_words(text)
    if value is None:
        figures, _ = parse_area(text)
        if figures is not None:
            return Normalised(figures, clean=False)
        return Normalised(None, ["unparsed_area_words"], clean=False)
    return Normalised(int(value) if value.is_integer() else value)


_UNTIL = re.compile(r"^\W*den\W*ngay\W*(.*)$")


def normalise_term(raw: str) -> Normalised:
    """'Lâu dài' or 'Đến ngày 15/10/2063', as printed (the printed prefix re-spelled)."""
    text = clean(strip_wrapping(raw))
    if not text:
        return Normalised(None, ["missing"], clean=False)
    folded = fold(text)
    if fuzz.ratio(_key(text), "laudai") >= 80 or _key(text) in ("lau", "laud"):
        return Normalised(LONG_TERM, clean=text == LONG_TERM, repaired=text != LONG_TERM)
    m = _UNTIL.match(folded)
    if m is None and re.match(r"^\W*\w{2,4}\W+\w{3,5}\W*\d", folded):
        m = re.match(r"^\W*\w+\W+\w+\W*(.*)$", folded)  # the prefix misread
    if m is not None:
        date_text = text[len(text) - len(m.group(1)):] if m.group(1) else ""
        digits = re.sub(r"\s*/\s*", "/", date_text.translate(SLASHES))
        found = re.match(rf"[{_DIGITISH}]{{1,2}}/[{_DIGITISH}]{{1,2}}/[{_DIGITISH}]{{4}}", digits)
        debris = bool(found) and bool(digits[found.end():].strip(" .,;"))
        fixed, slips = _digits_in_date(found.group(0) if found else digits)
        slips = slips or debris or digits != date_text
        ok = bool(re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", fixed))
        issues = [] if ok else ["unparsed_term"]
        if ok:
            fixed, issues = _possible_term_date(fixed)
            slips = slips or bool(issues)
        value = f"Đến ngày {fixed}".strip()
        return Normalised(value, issues,
                          clean=ok and not slips and text == value, repaired=slips)
    return Normalised(text, ["unknown_term"], clean=False)


TERM_YEARS = (1950, 2150)  # a land-use term ends decades after the certificate, not centuries


def _possible_term_date(figures: str) -> tuple[str, list[str]]:
    """The term's end date as read when it is a real date; else, when each impossible part
    has exactly one reading with one slipped digit undone ('17/99/2074' is 17/09/2074,
    '92/10/2054' 02/10/2054), that reading, marked `date_digits_repaired` (a person
    confirms it); else as read, marked `invalid_term_date`."""
    fixed = slip_read_parts(figures.split("/"), [(1, 31), (1, 12), TERM_YEARS])
    if fixed is not None:
        try:
            date(int(fixed[2]), int(fixed[1]), int(fixed[0]))
        except ValueError:  # 31/02
            fixed = None
    if fixed is None:
        return figures, ["invalid_term_date"]
    repaired = "/".join(fixed)
    return repaired, [] if repaired == figures else [DIGITS_REPAIRED]


def _digits_in_date(text: str) -> tuple[str, bool]:
    fixed = "/".join(p.translate(_LAND_CONFUSIONS) if any(c.isdigit() for c in p) else p
                     for p in text.split("/"))
    fixed = fixed.rstrip(" .,;")
    return fixed, fixed != text.rstrip(" .,;")


def _snap(text: str, vocabulary: tuple[str, ...], *, score: float = SNAP_SCORE,
          margin: int = SNAP_MARGIN) -> tuple[str, bool]:
    """The entry the text is, when one entry clearly wins on folded letters; else the text.

    Also a value OCR cut short (a unique entry starts with it, most of it read) or one with
    a scrap of debris after it (it starts with exactly one entry, the longest that fits)."""
    keys = {_key(e): e for e in vocabulary}
    key = _key(text)
    if key in keys:
        entry = keys[key]
        return entry, clean(text) != entry
    if not key:
        return text, False
    best = process.extract(key, list(keys), scorer=fuzz.ratio, limit=2)
    if best and best[0][1] >= score:
        if len(best) < 2:
            return keys[best[0][0]], True
        # Clear means fewer edits by a margin ('có thu' and 'không thu' differ by four).
        d1, d2 = (Levenshtein.distance(key, b[0]) for b in best)
        if d2 - d1 >= margin:
            return keys[best[0][0]], True
        return text, False
    heads = [k for k in keys if len(key) >= max(10, 0.7 * len(k)) and len(key) < 0.95 * len(k)
             and fuzz.ratio(key, k[:len(key)]) >= 92]
    if len(heads) == 1:
        return keys[heads[0]], True
    tails = [k for k in keys if key.startswith(k) and len(key) - len(k) <= 6]
    if tails:
        return keys[max(tails, key=len)], True
    entry = _leading_entry(text, keys)
    return (entry, True) if entry is not None else (text, False)


def _leading_entry(text: str, keys: dict[str, str]) -> str | None:
    """An entry printed word for word, then debris of any length from the next line or a
    seal ('Đất ở tại đô thị 30709)095009/094IL…'): taken when no longer entry continues it
    the way the debris starts ('Đất trồng lúa nươc còn lai' is not 'Đất trồng lúa')."""
    words = [_key(w) for w in text.split()]
    key = _key(text)
    for k, entry in sorted(keys.items(), key=lambda kv: -len(kv[1])):
        parts = [_key(w) for w in entry.split()]
        if len(words) <= len(parts) or words[:len(parts)] != parts:
            continue
        longer = [o for o in keys if o != k and o.startswith(k)]
        if any(fuzz.ratio(key[:len(o)], o) >= 80 for o in longer):
            return None
        return entry
    return None


def _from_list(raw: str, vocabulary: tuple[str, ...], issue: str, *,
               score: float = SNAP_SCORE, margin: int = SNAP_MARGIN) -> Normalised:
    text = clean(strip_wrapping(raw))
    if not text:
        return Normalised(None, ["missing"], clean=False)
    value, snapped = _snap(text, vocabulary, score=score, margin=margin)
    if value not in vocabulary:
        return Normalised(text, [issue], clean=False)
    return Normalised(value, clean=not snapped, repaired=snapped)


def normalise_usage_form(raw: str) -> Normalised:
    """'Sử dụng riêng' / 'Sử dụng chung' (two entries far apart: a looser match and a
    smaller margin are safe; debris after the words, 'Sửdungrêpg 5 5<', is dropped)."""
    words = re.sub(r"[\d\W_]+$", "", clean(strip_wrapping(raw))) or raw
    return _from_list(words, USAGE_FORMS, "unknown_usage_form", score=75.0, margin=2)


def normalise_land_purpose(raw: str) -> Normalised:
    """A land category ('Đất ở tại đô thị'), snapped to the real category name when clear."""
    return _from_list(raw, LAND_CATEGORIES, "unknown_land_category")


def normalise_land_origin(raw: str) -> Normalised:
    """How the land was obtained ('Nhà nước giao đất có thu tiền sử dụng đất')."""
    return _from_list(raw, LAND_ORIGINS, "unknown_land_origin")


def normalise_parcel_number(raw: str) -> Normalised:
    """Parcel and map-sheet numbers: figures (a letter suffix is kept: '125a')."""
    text = clean(strip_wrapping(raw))
    compact = text.replace(" ", "")
    m = re.search(rf"[{_DIGITISH}]*\d[{_DIGITISH}]*[a-zA-Z]?", compact)
    if m is None:
        return Normalised(text or None, ["unparsed_number"], clean=False)
    run = m.group(0)
    suffix = run[-1] if run[-1].isalpha() and run[-1] not in _DIGITISH else ""
    digits, repaired = _digits(run[:len(run) - len(suffix)])
    if not digits.isdigit():
        return Normalised(text, ["unparsed_number"], clean=False)
    value = str(int(digits)) + suffix
    rest = compact[m.end():].strip(" .,;")
    repaired = repaired or m.start() > 0
    return Normalised(value, clean=not repaired and not rest, repaired=repaired)


_RUNNING = re.compile(r"n\w{1,4}\W*([0-9oil|!§]{1,2})\s*th\w{1,4}\W*([0-9oil|!§]{1,2})\s*"
                      r"n\w{1,3}\W*([0-9oil|!§]{4})(?![0-9])")
_DATE_DIGITS = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1", "!": "1", "§": "8"})


def normalise_issue_date(raw: str) -> Normalised:
    """'Hà Nội, ngày 09 tháng 6 năm 2023' -> '2023-06-09'; a month read as 'I' or 'l' is 1."""
    result = normalise_date(raw)
    if result.value is not None:
        return result
    m = _RUNNING.search(fold(strip_wrapping(raw)))
    if m is None:
        return result
    day, month, year = (int(g.translate(_DATE_DIGITS)) for g in m.groups())
    try:
        value = date(year, month, day).isoformat()
    except ValueError:
        return Normalised(None, ["invalid_date"], clean=False)
    return Normalised(value, clean=False, repaired=True)


AGENCIES = ("Ủy ban nhân dân", "Sở Tài nguyên và Môi trường", "Sở Nông nghiệp và Môi trường",
            "Văn phòng đăng ký đất đai", "Chi nhánh Văn phòng đăng ký đất đai")
_UNIT_WORDS_AUTH = {"tinh": "tỉnh", "tin": "tỉnh", "huyen": "huyện", "quan": "quận",
                    "xa": "xã", "phuong": "phường"}


def normalise_authority(raw: str) -> Normalised:
    """The issuing body as printed ('Sở Tài nguyên và Môi trường tỉnh Nam Định'): the agency
    name re-spelled when its words are recognisable, the place after it repaired like an
    address, the printed case kept."""
    text = clean(strip_wrapping(raw))
    # '(Ký, ghi rõ họ …)' and other debris of the signature block end the name
    cut = re.split(r"\s*(?:\((?=\s*k)|[/“\"«])", text, maxsplit=1, flags=re.I)[0].strip(" .,;")
    cut = re.sub(r"\s*[:;]\s*", " ", cut)  # a name has no colon: a misread comma or stain
    words = cut.split()
    if not words:
        return Normalised(None, ["missing"], clean=False)
    best: tuple[float, int, str] | None = None
    for agency in AGENCIES:
        n = len(agency.split())
        for width in (n - 1, n, n + 1):
            if 0 < width <= len(words):
                score = fuzz.ratio(_key(" ".join(words[:width])), _key(agency))
                if score >= 80 and (best is None or score > best[0]):
                    best = (score, width, agency)
    if best is None:
        return Normalised(text, ["unknown_authority"], clean=False)
    _, width, agency = best
    head = " ".join(words[:width])
    if head.isupper():
        agency = agency.upper()
    rest = words[width:]
    if rest and fold(rest[0]) in _UNIT_WORDS_AUTH and not rest[0][:1].isupper():
        rest[0] = _UNIT_WORDS_AUTH[fold(rest[0])]
    tail, _ = repair_place(" ".join(rest)) if rest else ("", False)
    value = clean(f"{agency} {tail}")
    return Normalised(value, clean=value == text, repaired=value != text)
