"""Registry agreement: a field read off the page that equals, character for character, what
the registry holds for the citizen the person was *linked* to is confirmed by an independent
source.

Why it is strong evidence: for a wrong reading to agree, OCR would have to turn the printed
value into exactly the registry's value for the very citizen the link chose - and links are
made only at ≥ 0.999 match probability with a clear lead. Why only equality: a reading that
merely resembles the registry (a tone mark off) may be the document's own spelling or an OCR
error, and stays with the reviewer. Names are equal also in the spellings a document may
print that OCR does not make: a tone on the other vowel, the middle names left out
(`name_agrees`). A confirmed field keeps
its own reading and gains only confidence; a reading that differs from the registry only by
OCR slips takes the registry's value as a suggestion and stays flagged (below).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from matching.persons import ROLE_FIELDS
from pipeline.textnorm import TONE_MARKS, untoned

CONFIRMED_CONFIDENCE = 0.995  # checked on the evaluation corpora: see docs/matching.md


def _same_text(a: Any, b: Any) -> bool:
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    norm = [" ".join(unicodedata.normalize("NFC", x).split()) for x in (a, b)]
    return bool(norm[0]) and norm[0] == norm[1]


def _same_year(value: Any, dob: Any) -> bool:
    return isinstance(dob, str) and len(dob) >= 4 and str(value).strip() == dob[:4]


def name_agrees(read: Any, registry: Any) -> bool:
    """The name read is the registry's name as a document may print it: the same words
    (a word's tone on the other vowel counts as the same word: 'Thuý' / 'Thúy' is one
    name in old and new placement, domain.md), or its surname and given name with the
    middle names left out ('Nguyễn Vũ' for 'Nguyễn Văn Vũ'), which documents do.

    Why a reading without the middle names is not taken for a word OCR lost: OCR loses
    the last word of a value (past the edge of the scan, trimmed as a dotted line's scrap),
    not one between two words it reads, and a lost last word leaves a reading whose given
    name is not the registry's. On office-dev2, 24 names of linked persons read as the
    registry's without its middle names were all right, and the 7 names read short of a
    syllable had all lost their last word."""
    from extractors.normalise.admin_units import spelling_key

    if not isinstance(read, str) or not isinstance(registry, str) or not read.strip():
        return False
    if _same_text(read, registry):
        return True
    a, b = spelling_key(read).split(), spelling_key(registry).split()
    if a == b:
        return True
    return len(a) == 2 and len(b) >= 3 and a[0] == b[0] and a[1] == b[-1]


def agreeing_fields(doc_type: str, values: Mapping[str, Any],
                    citizens: Mapping[str, Mapping[str, Any]],
                    links: Mapping[str, str]) -> set[str]:
    """Field keys whose value equals the registry's for the citizen linked to their role.
    `links`: role -> linked citizen id; `citizens`: registry rows by citizen id."""
    out: set[str] = set()
    for role, spec in ROLE_FIELDS.get(doc_type, {}).items():
        row = citizens.get(links.get(role, ""))
        if row is None:
            continue
        if name_agrees(values.get(spec["name"]), row.get("full_name")):
            out.add(spec["name"])
        if "dob" in spec and _same_text(values.get(spec["dob"]), row.get("date_of_birth")):
            out.add(spec["dob"])
        if "year" in spec and values.get(spec["year"]) is not None \
                and _same_year(values[spec["year"]], row.get("date_of_birth")):
            out.add(spec["year"])
        if "gender_key" in spec and _same_text(values.get(spec["gender_key"]), row.get("gender")):
            out.add(spec["gender_key"])
        if "id" in spec and values.get(spec["id"]) and str(values[spec["id"]]) in (
                row.get("citizen_id"), row.get("cmnd")):
            out.add(spec["id"])
    return out


def _linked_view(record: Any, linker: Any) -> tuple[dict[str, Any],
                                                    Mapping[str, Mapping[str, Any]],
                                                    dict[str, str]] | None:
    """(field values, registry rows by citizen id, role -> linked citizen id) of a record
    with persons linked; None when no person is linked."""
    links = {p.role: p.citizen_id for p in record.persons
             if p.match.value == "linked" and p.citizen_id}
    if not links:
        return None
    citizens = linker.rows(sorted(set(links.values())))  # kept from linking, else read
    return {k: f.value for k, f in record.fields.items()}, citizens, links


def registry_confirmed(record: Any, linker: Any) -> set[str]:
    """The keys of `record` (a `pipeline.models.Record` with persons linked) that the
    registry confirms."""
    view = _linked_view(record, linker)
    return agreeing_fields(record.doc_type.value, *view) if view is not None else set()


# --- Registry suggestions ---------------------------------------------------------------
# A reading that differs from the linked citizen's registry value only the way OCR errs (a
# digit or two of an ID or a date, the marks of a name) is almost surely that value misread:
# the link was made on the person's other evidence at >= 0.999 with a clear lead. The field
# takes the registry's value but stays with a reviewer (`registry_suggested`): the record
# says what the registry suggests, a person decides. A difference OCR does not make (another
# name, a tone placement variant, a date years apart) is left as read.
MAX_DIGIT_SLIPS = 2


def _digit_slips(read: str, registry: str) -> int | None:
    """Positions where two equally long digit strings differ (None: not comparable)."""
    if len(read) != len(registry) or not read.isdigit() or not registry.isdigit():
        return None
    return sum(a != b for a, b in zip(read, registry))


def _near_id(read: Any, row: Mapping[str, Any]) -> str | None:
    if not isinstance(read, str) or not read.isdigit():
        return None
    fits = {n for n in (row.get("citizen_id"), row.get("cmnd"))
            if isinstance(n, str) and (s := _digit_slips(read, n)) is not None
            and 0 < s <= MAX_DIGIT_SLIPS}
    return next(iter(fits)) if len(fits) == 1 else None


def _near_date(read: Any, registry: Any) -> str | None:
    if not isinstance(read, str) or not isinstance(registry, str) or len(read) != 10:
        return None
    slips = _digit_slips(read.replace("-", ""), registry.replace("-", ""))
    return registry if slips is not None and 0 < slips <= MAX_DIGIT_SLIPS else None


def _near_year(read: Any, dob: Any) -> int | None:
    if read is None or not isinstance(dob, str) or len(dob) < 4:
        return None
    slips = _digit_slips(str(read), dob[:4])
    return int(dob[:4]) if slips == 1 else None


def _near_name(read: Any, registry: Any) -> str | None:
    """Same syllables with other marks ('Nguyễn Đức Viêt' / 'Nguyễn Đức Việt'); not a tone
    placement variant ('Thuỷ' / 'Thủy': both are the printed name's spelling)."""
    from extractors.normalise.admin_units import spelling_key
    from pipeline.textnorm import fold

    if not isinstance(read, str) or not isinstance(registry, str):
        return None
    a, b = read.split(), registry.split()
    if len(a) != len(b) or [fold(w) for w in a] != [fold(w) for w in b]:
        return None
    return registry if spelling_key(read.lower()) != spelling_key(registry.lower()) else None


def suggested_fields(doc_type: str, values: Mapping[str, Any],
                     citizens: Mapping[str, Mapping[str, Any]],
                     links: Mapping[str, str]) -> dict[str, Any]:
    """Field key -> the linked citizen's registry value, for readings that differ from it
    only by OCR slips (see above)."""
    out: dict[str, Any] = {}
    for role, spec in ROLE_FIELDS.get(doc_type, {}).items():
        row = citizens.get(links.get(role, ""))
        if row is None:
            continue
        found = {spec["name"]: _near_name(values.get(spec["name"]), row.get("full_name"))}
        if "dob" in spec:
            found[spec["dob"]] = _near_date(values.get(spec["dob"]), row.get("date_of_birth"))
        if "year" in spec:
            found[spec["year"]] = _near_year(values.get(spec["year"]), row.get("date_of_birth"))
        if "id" in spec:
            found[spec["id"]] = _near_id(values.get(spec["id"]), row)
        out.update({k: v for k, v in found.items() if v is not None})
    return out


def name_misread(read: str, registry: str, *, capitals: bool = False) -> str | None:
    """The reading with its misread words written as the registry writes them, when it
    differs from the registry's name (the same letters, other marks) only in words that are
    no Vietnamese name word where the registry's are ('Trần Hồng Loạn' for 'Trần Hồng Loan',
    'Lệ Thụ Vận' for 'Lê Thu Vân'): upper-case marks misread (domain.md), not another
    spelling of the name. A word the reading shares with the name vocabulary ('Lệ', 'Công')
    keeps the difference with a reviewer (None); words that differ only by tone placement
    ('Thuý' / 'Thúy') stay as printed.

    `capitals`: the name was printed in capitals, whose marks OCR misreads most (a dot
    below or a hook lost or made up: 'PHƯỢNG' for PHƯƠNG, 'LẠM' for LAM). Then a word
    that differs from the registry's in its marks alone takes the registry's, name word
    or not (no list holds every name), unless the registry's tone could sit on either vowel
    ('Thụy' / 'Thuỵ') and the reading shows no tone to tell where it was printed."""
    from extractors.normalise.admin_units import spelling_key
    from extractors.normalise.vocab import NAME_WORDS, SURNAMES

    a, b = read.split(), registry.split()
    if len(a) != len(b):
        return None
    differ = [(i, x, y) for i, (x, y) in enumerate(zip(a, b, strict=True))
              if spelling_key(x) != spelling_key(y)]

    def known(i: int, word: str) -> bool:
        return word in SURNAMES if i == 0 else (word in NAME_WORDS or word in SURNAMES)

    def misread(i: int, x: str, y: str) -> bool:
        if capitals and _letters(x) == _letters(y):
            return not (_placement_open(y) and not _has_tone(x))
        return known(i, y) and not known(i, x)

    if not differ or not all(misread(i, x, y) for i, x, y in differ):
        return None
    for i, x, y in differ:
        a[i] = _toned_as_printed(x, y) if _placement_open(y) and _has_tone(x) else y
    return " ".join(a)


def _toned_as_printed(read: str, registry: str) -> str:
    """The registry's word with its tone on the vowel the reading has its tone on
    ('Hóa' read, 'Hoà' registered: 'Hòa')."""
    base = untoned(registry)
    at = next((k for k, c in enumerate(read) if _has_tone(c)), None)
    if at is None or len(untoned(read)) != len(base):
        return registry
    tone = next(c for c in unicodedata.normalize("NFD", registry) if c in TONE_MARKS)
    return unicodedata.normalize("NFC", base[:at] + unicodedata.normalize(
        "NFC", unicodedata.normalize("NFD", base[at]) + tone) + base[at + 1:])


def _letters(word: str) -> str:
    """The word without any mark (tone, hat, horn, breve), lower case; 'đ' stays a letter."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower())
                   if not unicodedata.combining(c))


def _has_tone(word: str) -> bool:
    return any(c in TONE_MARKS for c in unicodedata.normalize("NFD", word))


def _placement_open(word: str) -> bool:
    """A toned open syllable ending 'oa', 'oe' or 'uy', whose tone is printed on either
    vowel by custom ('Hòa' / 'Hoà', 'Thụy' / 'Thuỵ')."""
    return _has_tone(word) and _letters(word).endswith(("oa", "oe", "uy"))


def misread_names(doc_type: str, values: Mapping[str, Any],
                  suggestions: Mapping[str, Any],
                  raws: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Name field -> its value respelled (`name_misread`), for the name fields among
    `suggestions` whose reading is a misread of the registry's name; `raws`: the text as
    read, to tell a name printed in capitals."""
    names = {spec["name"] for spec in ROLE_FIELDS.get(doc_type, {}).values()}
    out: dict[str, str] = {}
    for k, v in suggestions.items():
        read = values.get(k)
        if k in names and isinstance(read, str) and isinstance(v, str):
            raw = (raws or {}).get(k) or ""
            respelled = name_misread(read, v, capitals=_in_capitals(raw))
            if respelled is not None:
                out[k] = respelled
    return out


def _in_capitals(raw: str) -> bool:
    letters = [c for c in raw if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def registry_suggestions(record: Any, linker: Any) -> dict[str, Any]:
    """`suggested_fields` for a record with persons linked."""
    view = _linked_view(record, linker)
    return suggested_fields(record.doc_type.value, *view) if view is not None else {}
