"""Name words OCR garbled into non-syllables (extractors/normalise/name_repair.py): what is
put back, and what must be left as read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.normalise.name_repair import (
    is_name_syllable,
    nearest,
    ocr_distance,
    repair_name_word,
    split_repairing,
)
from extractors.normalise.names import normalise_name
from extractors.normalise.syllables import EXTRA
from extractors.normalise.vocab import MIDDLE_NAMES, NAME_WORDS, SURNAMES

LEXICON = sorted({*NAME_WORDS, *MIDDLE_NAMES, *SURNAMES, *(w.title() for w in EXTRA)})


@pytest.mark.parametrize("word", LEXICON)
def test_every_name_word_is_a_name_syllable(word: str) -> None:
    assert is_name_syllable(word)


@pytest.mark.parametrize(("word", "ok"), [
    ("Viêt", False),  # stop coda without sắc/nặng
    ("Việt", True), ("Viết", True), ("Viềt", False),
    ("Ouyên", False), ("Mjnh", False), ("Đ1nh", False), ("Ktim", False),
    ("Pam", False),  # bare p: loanwords only
    ("Kim", True), ("Kan", False),  # k only before i, e, ê, y
    ("Cê", False), ("Ghi", True), ("Gha", False), ("Nghĩa", True), ("Nghoa", False),
    ("Ngiên", False), ("Gia", True), ("Gì", True), ("Quỳnh", True),
    ("Văñ", False), ("Vañ", False),  # a mark on a consonant
])
def test_name_syllable_spelling_rules(word: str, ok: bool) -> None:
    assert is_name_syllable(word) is ok


@pytest.mark.parametrize(("read", "surname", "fixed"), [
    ("Viêt", False, "Việt"),  # tone lost on a stop-final syllable
    ("Kiêt", False, "Kiệt"),
    ("Lôc", False, "Lộc"),
    ("Ouyên", False, "Quyên"),  # O for Q
    ("Mjnh", False, "Minh"),  # j for i
    ("Tuyt", False, "Tuyết"),  # a lost vowel
    ("Ktim", False, "Kim"),  # an extra letter
    ("Mat", False, "Mai"),  # T for I
    ("Đ1nh", True, "Đinh"),  # 1 for I
    ("Pam", True, "Phạm"),  # Phạm, Lâm: the far more common surname
    ("Văñ", False, "Văn"),  # the tilde slipped onto the n
])
def test_non_syllables_repaired(read: str, surname: bool, fixed: str) -> None:
    assert repair_name_word(read, surname=surname) == fixed


@pytest.mark.parametrize(("read", "surname"), [
    ("Quận", False), ("Yên", False), ("Hông", False), ("Huân", False),  # syllables: kept
    ("Doãn", True), ("Trân", True),  # a syllable in the surname position: not ours to judge
    ("Neuxzn", True), ("Vznw", True),  # too far from every surname
    ("Ksor", False), ("Kon", False),  # minority names: nothing near, kept
    ("W", False), ("Uy", False), ("Ô", False),  # too little read to go on
])
def test_left_as_read(read: str, surname: bool) -> None:
    assert repair_name_word(read, surname=surname) is None


def test_no_clear_winner_no_repair() -> None:
    # equally near and equally common: no guess
    assert nearest("xam", {"xem": 1.0, "xom": 1.0}, 1.0) is None
    assert nearest("xam", {"xem": 10.0, "xom": 1.0}, 1.0) == "xem"
    # spellings of one name (old/new tone placement) are no rivals
    assert nearest("hoa", {"hoà": 1.0, "hòa": 1.0}, 1.0) in ("hoà", "hòa")


@pytest.mark.parametrize(("raw", "value"), [
    ("NGUYÊN ĐỨC VIÊT", "Nguyễn Đức Việt"),
    ("PHAM THU OUYÊN", "Phạm Thu Quyên"),
    ("TRÂN MJNH HÔNG", "Trần Minh Hông"),  # Hông is a syllable: not guessed
    ("Đ1NH LAN MAT", "Đinh Lan Mai"),
    ("PAM XUÂN PHƯƠNG", "Phạm Xuân Phương"),
    ("LÊ KTIM UYÊN", "Lê Kim Uyên"),
])
def test_names_repaired_and_marked(raw: str, value: str) -> None:
    result = normalise_name(raw)
    assert result.value == value
    assert result.repaired and not result.issues


def test_correct_names_untouched() -> None:
    for raw in ("Nguyễn Văn Lợi", "Hoàng Yên Anh", "Nguyễn Nam Quận", "Ksor H'nhi"):
        result = normalise_name(raw.upper())
        assert result.value == raw and not result.repaired


def test_underscore_is_no_name_character() -> None:
    assert normalise_name("NGUYỄN VĂN_AN").value == "Nguyễn Văn An"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LEXICON))
def test_a_name_word_is_never_repaired(word: str) -> None:
    assert repair_name_word(word, surname=False) is None
    assert repair_name_word(word.upper(), surname=True) is None


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LEXICON), st.booleans(), st.text("abcdeghiklmnopqrstuvxy0123456789đ",
                                                         max_size=2))
def test_a_repair_is_a_lexicon_syllable(word: str, surname: bool, noise: str) -> None:
    read = word[:2] + noise + word[2:]
    fixed = repair_name_word(read, surname=surname)
    if fixed is not None:
        assert is_name_syllable(fixed)
        assert fixed.lower() in {w.lower() for w in (SURNAMES if surname else LEXICON)}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LEXICON), min_size=2, max_size=4),
       st.text("abcdeghiklmnopqrstuvxy01", max_size=2))
def test_normalised_names_are_stable(words: list[str], noise: str) -> None:
    raw = " ".join(words).upper() + noise
    once = normalise_name(raw).value
    assert once is not None and normalise_name(once).value == once


@settings(max_examples=200, deadline=None)
@given(st.text("abcdehiklmnoqrstuvxyêôơưđ01", min_size=1, max_size=6),
       st.text("abcdehiklmnoqrstuvxyêôơưđ01", min_size=1, max_size=6))
def test_ocr_distance_is_symmetric_and_zero_only_when_equal(a: str, b: str) -> None:
    assert ocr_distance(a, b) == ocr_distance(b, a)
    assert (ocr_distance(a, b) == 0) == (a == b)


@pytest.mark.parametrize(("raw", "value"), [
    ("HỘ THỊKIMTUYT", "Hồ Thị Kim Tuyết"),  # merged, and a syllable garbled
    ("TRÂNMINHHÔNG", "Trần Minh Hông"),  # merged and mis-accented: Hông is a syllable, kept
    ("NGUYỄNNAMQUẬN", "Nguyễn Nam Quận"),  # merged, every piece a syllable
    ("NGUYỄN TUẤN TU AM", "Nguyễn Tuấn Tu Am"),  # syllables: left as read
])
def test_merged_and_garbled_words(raw: str, value: str) -> None:
    assert normalise_name(raw).value == value


def test_merged_split_only_when_one_cut_is_cheapest() -> None:
    assert split_repairing("Neuxzn") is None  # nothing near
    assert split_repairing("Ksorhnhi") is None
    assert split_repairing("Viêt") is None  # too short to be merged


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([w for w in LEXICON if len(w) >= 2]), min_size=2, max_size=3))
def test_merged_split_never_invents_a_different_cut(words: list[str]) -> None:
    """Name words glued together are split back into themselves, or not at all (one-letter
    words such as Ý are no pieces: too little to go on)."""
    parts = split_repairing("".join(words))
    if parts is not None:
        assert "".join(parts).lower() == "".join(words).lower()


def test_name_evidence_is_judged_as_read() -> None:
    """A repair made of lexicon words is no evidence of itself (extractors/evidence.py)."""
    from extractors.evidence import value_features

    raw = "PHAM THU OUYÊN"
    feats = value_features("name", raw, normalise_name(raw))
    assert feats["syllable_repaired"] == 1.0 and feats["all_syllables"] == 0.0
    clean = value_features("name", "NGUYỄN VĂN AN", normalise_name("NGUYỄN VĂN AN"))
    assert clean["syllable_repaired"] == 0.0 and clean["all_syllables"] == 1.0
