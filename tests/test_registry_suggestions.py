"""Readings that differ from the linked citizen's registry values only by OCR slips take
the registry's value (and stay flagged: pipeline.document.confirm_from_registry)."""

from matching.confirm import suggested_fields

ROW = {"citizen_id": "001090012345", "cmnd": "012345678", "full_name": "Nguyễn Đức Việt",
       "date_of_birth": "1990-09-17"}
CITIZENS = {"001090012345": ROW}
LINKS = {"husband": "001090012345"}


def suggest(**values: object) -> dict:
    return suggested_fields("marriage_certificate", values, CITIZENS, LINKS)


def test_marks_of_a_name_digits_of_a_date_and_an_id() -> None:
    assert suggest(husband_name="Nguyễn Đức Viêt", husband_date_of_birth="1990-05-17",
                   husband_id_number="001098012345") == {
        "husband_name": "Nguyễn Đức Việt", "husband_date_of_birth": "1990-09-17",
        "husband_id_number": "001090012345"}


def test_an_old_cmnd_read_with_a_slip_takes_the_cmnd() -> None:
    assert suggest(husband_id_number="012845678") == {"husband_id_number": "012345678"}


def test_what_ocr_does_not_do_is_left_as_read() -> None:
    assert suggest(
        husband_name="Nguyễn Văn Việt",  # another syllable: not a slip of marks
        husband_date_of_birth="1987-01-02",  # many digits apart
        husband_id_number="001090012",  # another length
    ) == {}


def test_equal_or_tone_placement_variant_is_no_suggestion() -> None:
    row = {**ROW, "full_name": "Lê Thị Thủy"}
    assert suggested_fields("marriage_certificate", {"husband_name": "Lê Thị Thuỷ"},
                            {"001090012345": row}, LINKS) == {}
    assert suggest(husband_name="Nguyễn Đức Việt") == {}


def test_only_linked_roles() -> None:
    assert suggested_fields("marriage_certificate", {"wife_name": "Nguyễn Đức Viêt"},
                            CITIZENS, LINKS) == {}


def test_a_year_one_digit_off() -> None:
    got = suggested_fields("birth_certificate", {"mother_birth_year": 1997, "mother_name": "X"},
                           {"c": {**ROW, "date_of_birth": "1991-01-01"}}, {"mother": "c"})
    assert got == {"mother_birth_year": 1991}
