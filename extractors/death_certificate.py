"""Death registration extract (Trích lục khai tử, the form since 2016; the older Giấy chứng
tử prints the same lines), declared as data. Labels are those of ../shared/spec/domain.md
(form of Thông tư 04/2020).

The time and the date of death are filled into one printed sentence, "Đã chết vào lúc:
… giờ … phút, ngày …", so both fields read that sentence (`shares`), each with its own
normaliser; the next line repeats it in words ("ghi bằng chữ:"), read into
`date_of_death_words` / `time_of_death_words` (extra keys, as the birth form's
`date_of_birth_words`): agreement confirms the figures, and the words stand in for figures
that cannot be read.
"""

from __future__ import annotations

from extractors.form_spec import CrossCheck, FieldSpec, FormSpec
from pipeline.models import DocType

NAME = ("Họ, chữ đệm, tên:", "Họ và tên:", "Họ, chữ đệm và tên:")
DIED_AT = ("Đã chết vào lúc:", "Chết vào lúc:", "Đã chết vào hồi:")
IN_WORDS = ("ghi bằng chữ:", "Bằng chữ:")
ID_PAPER = ("Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:")

FORM = FormSpec(
    doc_type=DocType.death_certificate,
    titles=("TRÍCH LỤC KHAI TỬ", "GIẤY CHỨNG TỬ", "TRÍCH LỤC KHAI TỬ (BẢN SAO)"),
    fields=(
        FieldSpec("registration_number", ("Số:",), "register_number", section="register"),
        FieldSpec("book_number", ("Quyển số:",), "register_number", section="register"),
        FieldSpec("full_name", NAME, "name"),
        FieldSpec("date_of_birth", ("Ngày, tháng, năm sinh:", "Sinh ngày:"), "date"),
        FieldSpec("gender", ("Giới tính:",), "gender"),
        FieldSpec("ethnicity", ("Dân tộc:",), "ethnicity"),
        FieldSpec("nationality", ("Quốc tịch:",), "nationality"),
        FieldSpec("personal_id", ("Số định danh cá nhân:",), "id_number"),
        FieldSpec(None, ID_PAPER, "text"),
        FieldSpec(None, ("Nơi cư trú cuối cùng:", "Nơi cư trú:"), "place"),
        FieldSpec("date_of_death", DIED_AT, "date", through_leaders=True, multiline=True,
                  fallback="date_of_death_words"),
        FieldSpec("time_of_death", DIED_AT, "time_of_day", shares="date_of_death",
                  fallback="time_of_death_words"),
        FieldSpec("date_of_death_words", IN_WORDS, "date_words", multiline=True),
        FieldSpec("time_of_death_words", IN_WORDS, "time_of_day",
                  shares="date_of_death_words"),
        FieldSpec("place_of_death", ("Nơi chết:",), "place", multiline=True),
        FieldSpec("cause_of_death", ("Nguyên nhân chết:",), "cause_of_death",
                  multiline=True),
        FieldSpec(None, ("Giấy báo tử/Giấy tờ thay thế Giấy báo tử:", "Giấy báo tử số:"),
                  "text", section="declarant"),
        FieldSpec(None, ("Họ, chữ đệm, tên người đi khai tử:", "Họ và tên người đi khai tử:"),
                  "name", section="declarant"),
        FieldSpec(None, ID_PAPER, "text", section="declarant"),
        FieldSpec("registration_place", ("Nơi đăng ký khai tử:", "Nơi đăng ký:"), "place",
                  section="register", multiline=True),
        FieldSpec("registration_date", ("Ngày, tháng, năm đăng ký:", "Ngày đăng ký:"), "date",
                  section="register"),
    ),
    stop_labels=(
        "NGƯỜI KÝ TRÍCH LỤC", "NGƯỜI KÝ GIẤY CHỨNG TỬ", "Quan hệ với người đã chết:",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)", "Ghi chú:",
    ),
    cross_checks=(
        # first: the checks after them see the settled dates (extractors.date_settle)
        CrossCheck("settle_date", ("date_of_death", "date_of_death_words")),
        CrossCheck("settle_date", ("date_of_birth", "personal_id")),
        CrossCheck("dates_agree", ("date_of_death", "date_of_death_words"),
                   issue="dod_words_mismatch"),
        CrossCheck("dates_agree", ("time_of_death", "time_of_death_words"),
                   issue="time_words_mismatch"),
        CrossCheck("id_consistent", ("personal_id", "date_of_birth", "gender")),
        CrossCheck("not_before", ("date_of_death", "date_of_birth"),
                   issue="died_before_birth"),
        CrossCheck("not_before", ("registration_date", "date_of_death"),
                   issue="registered_before_death"),
        CrossCheck("book_year", ("book_number", "registration_date")),
        CrossCheck("place_echo", ("place_of_death", "registration_place")),
        CrossCheck("not_future", ("date_of_birth", "date_of_death", "date_of_death_words",
                                  "registration_date")),
    ),
)
