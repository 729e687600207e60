"""Birth certificate (Giấy khai sinh, and the register copy Trích lục khai sinh), declared as
data: printed labels in reading order, the key each one fills, how its value is read.
Labels are those of ../shared/spec/domain.md (form of Thông tư 04/2020)."""

from __future__ import annotations

from extractors.form_spec import CrossCheck, FieldSpec, FormSpec
from pipeline.models import DocType

NAME = ("Họ, chữ đệm, tên:", "Họ và tên:", "Họ, chữ đệm và tên:")
BIRTH_YEAR = ("Năm sinh:",)
ETHNICITY = ("Dân tộc:",)
NATIONALITY = ("Quốc tịch:",)
RESIDENCE = ("Nơi cư trú:", "Nơi thường trú:")


def _parent(role: str, name_labels: tuple[str, ...]) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{role}_name", name_labels, "name", section=role),
        FieldSpec(f"{role}_birth_year", BIRTH_YEAR, "year", section=role),
        FieldSpec(f"{role}_ethnicity", ETHNICITY, "ethnicity", section=role),
        FieldSpec(f"{role}_nationality", NATIONALITY, "nationality", section=role),
        FieldSpec(f"{role}_residence", RESIDENCE, "place", section=role, multiline=True),
    )


FORM = FormSpec(
    doc_type=DocType.birth_certificate,
    titles=("GIẤY KHAI SINH", "TRÍCH LỤC KHAI SINH", "GIẤY KHAI SINH (BẢN SAO)"),
    fields=(
        FieldSpec("registration_number", ("Số:",), "register_number", section="register"),
        FieldSpec("book_number", ("Quyển số:",), "register_number", section="register"),
        FieldSpec("full_name", NAME, "name"),
        FieldSpec("date_of_birth", ("Ngày, tháng, năm sinh:", "Sinh ngày:"), "date"),
        FieldSpec("date_of_birth_words", ("ghi bằng chữ:", "Bằng chữ:"), "date_words",
                  multiline=True),
        FieldSpec("gender", ("Giới tính:",), "gender"),
        FieldSpec("ethnicity", ETHNICITY, "ethnicity"),
        FieldSpec("nationality", NATIONALITY, "nationality"),
        FieldSpec("place_of_birth", ("Nơi sinh:",), "place", multiline=True),
        FieldSpec("hometown", ("Quê quán:",), "place", multiline=True),
        FieldSpec("personal_id", ("Số định danh cá nhân:",), "id_number"),
        *_parent("mother", ("Họ, chữ đệm, tên người mẹ:", "Họ và tên mẹ:")),
        *_parent("father", ("Họ, chữ đệm, tên người cha:", "Họ và tên cha:")),
        FieldSpec("declarant_name", ("Họ, chữ đệm, tên người đi khai sinh:",), "name",
                  section="declarant", required=False, internal=True),
        FieldSpec(None, ("Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:"), "text", section="declarant"),
        FieldSpec("registration_place", ("Nơi đăng ký khai sinh:", "Nơi đăng ký:"), "place",
                  section="register", multiline=True),
        FieldSpec("registration_date", ("Ngày, tháng, năm đăng ký:", "Ngày đăng ký:"), "date",
                  section="register"),
    ),
    stop_labels=(
        "NGƯỜI KÝ GIẤY KHAI SINH", "NGƯỜI KÝ TRÍCH LỤC", "Quan hệ với người được khai sinh:",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)", "Ghi chú:",
    ),
    cross_checks=(
        # first: the checks after it see the settled date (extractors.date_settle)
        CrossCheck("settle_date", ("date_of_birth", "date_of_birth_words", "personal_id")),
        CrossCheck("dates_agree", ("date_of_birth", "date_of_birth_words"),
                   issue="dob_words_mismatch"),
        CrossCheck("id_consistent", ("personal_id", "date_of_birth", "gender")),
        CrossCheck("id_province", ("personal_id", "registration_place")),
        CrossCheck("declarant_is_parent", ("declarant_name", "father_name", "mother_name")),
        CrossCheck("surname_from_parent", ("full_name", "father_name", "mother_name")),
        CrossCheck("year_before", ("mother_birth_year", "date_of_birth"),
                   issue="parent_born_after_child"),
        CrossCheck("year_before", ("father_birth_year", "date_of_birth"),
                   issue="parent_born_after_child"),
        CrossCheck("not_before", ("registration_date", "date_of_birth"),
                   issue="registered_before_birth"),
        CrossCheck("parent_age", ("mother_birth_year", "date_of_birth")),
        CrossCheck("parent_age", ("father_birth_year", "date_of_birth")),
        CrossCheck("book_year", ("book_number", "registration_date")),
        CrossCheck("id_expected", ("personal_id", "registration_date")),
        CrossCheck("blank_together", ("mother_name", "mother_birth_year", "mother_ethnicity",
                                      "mother_nationality", "mother_residence")),
        CrossCheck("blank_together", ("father_name", "father_birth_year", "father_ethnicity",
                                      "father_nationality", "father_residence")),
        CrossCheck("not_future", ("date_of_birth", "date_of_birth_words", "registration_date",
                                  "mother_birth_year", "father_birth_year")),
        CrossCheck("down_to_ward", ("mother_residence", "father_residence")),
        CrossCheck("place_echo", ("place_of_birth", "registration_place", "mother_residence",
                                  "father_residence")),
    ),
)
