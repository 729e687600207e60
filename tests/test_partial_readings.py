"""Readings that are well formed but may be only part of what is printed: never accepted
unreviewed (extractors.review.PARTIAL and the round year in words)."""

from __future__ import annotations

from datetime import date

from extractors.form_spec import CrossCheck
from extractors.normalise import NORMALISERS
from extractors.normalise.names import normalise_name
from extractors.review import PARTIAL, FieldDraft, check_dates_agree
from pipeline.config import Settings

TODAY = date(2026, 1, 1)


def test_a_name_of_one_word_is_partial() -> None:
    assert "name_one_word" in normalise_name("HỒ").issues
    assert "name_one_word" in PARTIAL
    assert normalise_name("HỒ TRỌNG MINH").issues == []
    assert normalise_name("LÊ AN").issues == []  # two syllables are a whole name


def test_a_name_ending_in_a_middle_name_lost_its_given_name() -> None:
    """'Nguyễn Văn', 'Phan Thị': Văn and Thị are middle names (domain.md), no given name;
    the word after them was lost. A hyphen at a word's edge is no part of the name."""
    assert "name_given_lost" in normalise_name("NGUYỄN VĂN").issues
    assert "name_given_lost" in normalise_name("Phan Thị").issues
    assert "name_given_lost" in PARTIAL
    assert normalise_name("NGUYỄN VĂN THỊNH").issues == []
    assert normalise_name("ĐẶNG VĂN -MINH").value == "Đặng Văn Minh"


def test_an_ethnic_group_that_may_have_lost_its_prefix_is_partial() -> None:
    """'H'Mông' and 'Mông' are both printed; OCR loses the thin H' of the first."""
    assert "may_have_lost_prefix" in NORMALISERS["ethnicity"]("Mông").issues
    assert "may_have_lost_prefix" in PARTIAL
    hmong = NORMALISERS["ethnicity"]("H'Mông")
    assert hmong.value == "H'Mông" and hmong.issues == []
    for whole in ("Kinh", "Mnông", "Tày", "Hoa"):
        assert NORMALISERS["ethnicity"](whole).issues == [], whole
    assert NORMALISERS["nationality"]("Việt Nam").issues == []


def _dates(figures: str | None, words: str | None) -> dict[str, FieldDraft]:
    return {"date_of_birth": FieldDraft("date_of_birth", figures, figures),
            "date_of_birth_words": FieldDraft("date_of_birth_words", words, words)}


CHECK = CrossCheck("dates_agree", ("date_of_birth", "date_of_birth_words"))


def test_a_round_year_in_words_without_figures_is_unconfirmed() -> None:
    """'năm một nghìn chín trăm' at the end of a line: 1977 cut where it wrapped."""
    drafts = _dates(None, "1900-08-09")
    check_dates_agree(drafts, CHECK, TODAY)
    assert "year_in_words_unconfirmed" in drafts["date_of_birth_words"].issues
    for figures, words in ((None, "1977-08-09"), ("2000-01-05", "2000-01-05")):
        drafts = _dates(figures, words)
        check_dates_agree(drafts, CHECK, TODAY)
        assert drafts["date_of_birth_words"].issues == [], words
        assert drafts["date_of_birth_words"].evidence.disagreements == 0


def test_a_respelled_ward_type_word_keeps_its_printed_case() -> None:
    place = NORMALISERS["place"]
    assert place("Ủy ban nhân dân nhường Đồng Sơn, Thành Phố Đồng Hới, tỉnh Quảng Bình"
                 ).value == "Ủy ban nhân dân phường Đồng Sơn, Thành Phố Đồng Hới, tỉnh Quảng Bình"
    assert place("Số 158, tổ 10, Ehường Gia Hội, Quận Phú Xuân, Thành phố Huế"
                 ).value == "Số 158, tổ 10, Phường Gia Hội, Quận Phú Xuân, Thành phố Huế"


def test_a_residence_that_stops_above_the_commune_level_lost_its_start() -> None:
    from extractors.review import check_down_to_ward

    check = CrossCheck("down_to_ward", ("wife_residence", "husband_residence"))
    drafts = {"wife_residence": FieldDraft("wife_residence", "Vinh, Tỉnh Nghệ An", None),
              "husband_residence": FieldDraft(
                  "husband_residence",
                  "Số 76, tổ 10, Phường Nghi Thủy, Thành phố Vinh, Tỉnh Nghệ An", None)}
    check_down_to_ward(drafts, check, TODAY)
    assert "address_above_ward" in drafts["wife_residence"].issues
    assert drafts["husband_residence"].issues == []
    assert drafts["husband_residence"].evidence.disagreements == 0


def test_a_book_numbered_in_the_nineties_is_a_zero_read_as_nine() -> None:
    from extractors.review import GUESSED, check_book_year

    check = CrossCheck("book_year", ("book_number", "registration_date"))
    drafts = {"book_number": FieldDraft("book_number", "91/2013", "91/2013"),
              "registration_date": FieldDraft("registration_date", "2013-05-02", None)}
    check_book_year(drafts, check, TODAY)
    book = drafts["book_number"]
    assert book.value == "01/2013" and "book_digits_repaired" in book.issues
    assert "book_digits_repaired" in GUESSED and book.evidence.repaired  # weighed as a repair
    for kept in ("01/2013", "12/2013", "9/2013"):
        drafts = {"book_number": FieldDraft("book_number", kept, kept),
                  "registration_date": FieldDraft("registration_date", "2013-05-02", None)}
        check_book_year(drafts, check, TODAY)
        assert drafts["book_number"].value == kept and drafts["book_number"].issues == []


def test_an_impossible_term_date_is_read_back_or_marked_invalid() -> None:
    from extractors.normalise.land import normalise_term

    for printed, read_back in (("Đến ngày 17/99/2074", "Đến ngày 17/09/2074"),
                               ("Đến ngày 23/99/2945", "Đến ngày 23/09/2045"),
                               ("Đến ngày 92/10/2054", "Đến ngày 02/10/2054")):
        result = normalise_term(printed)
        assert result.value == read_back and result.issues == ["date_digits_repaired"]
    assert normalise_term("Đến ngày 31/02/2063").issues == ["invalid_term_date"]
    assert normalise_term("Đến ngày 15/10/2063").issues == []


def test_an_unknown_or_invalid_value_is_never_accepted_unreviewed(settings: Settings) -> None:
    """'pao' for the ethnic group Dao is no entry of the closed list: however confident the
    model is of a clean-looking word, a person reads it."""
    from extractors.confidence import FieldEvidence
    from extractors.registry import form_specs
    from extractors.review import review
    from pipeline.models import DocType, FieldState

    spec = form_specs()[DocType.birth_certificate]
    drafts = {"ethnicity": FieldDraft("ethnicity", "pao", "pao", page=1,
                                      issues=["unknown_ethnicity"],
                                      evidence=FieldEvidence(family="vocab", key="ethnicity"))}
    fields = review(drafts, spec, settings, today=TODAY, confidence_fn=lambda e: 0.999)
    assert fields["ethnicity"].state is FieldState.flagged
    # a land code that is none as read, or whose letter is a guess, likewise
    land = form_specs()[DocType.land_certificate].variants[0]
    for value, issue in (("Œ§ 13726", "unparsed_code"), ("AK 35453", "code_invalid_shape"),
                         ("CR 62874", "code_letters_guessed")):
        drafts = {"registry_number": FieldDraft("registry_number", value, value, page=1,
                                                issues=[issue],
                                                evidence=FieldEvidence(key="registry_number"))}
        fields = review(drafts, land, settings, today=TODAY, confidence_fn=lambda e: 0.999)
        assert fields["registry_number"].state is FieldState.flagged, issue
