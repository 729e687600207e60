"""Marriage certificate (Giấy chứng nhận kết hôn; the register copy Trích lục kết hôn),
declared as data. Labels are those of ../shared/spec/domain.md (form of Thông tư 04/2020).

Wife and husband are printed side by side, each column repeating the same labels; only the
name labels say whose column it is, so they anchor the columns (wherever the scan puts them,
whichever side each is on) and every other label is bound to its column. Each column is
read down on its own: a long residence on one side pushes that side's lines out of step
with the other. Registration number, place and date run across the page.

`Giấy tờ tùy thân:` is a sentence ("Căn cước công dân số … do … cấp ngày …"): the identity
number is the number after "số".
"""

from __future__ import annotations

from extractors.form_spec import ColumnSpec, CrossCheck, FieldSpec, FormSpec
from pipeline.models import DocType

WIFE_NAME = ("Họ, chữ đệm, tên vợ:", "Họ và tên vợ:", "Họ, chữ đệm và tên vợ:")
HUSBAND_NAME = ("Họ, chữ đệm, tên chồng:", "Họ và tên chồng:", "Họ, chữ đệm và tên chồng:")


def _spouse(role: str, name_labels: tuple[str, ...]) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{role}_name", name_labels, "name", section=role, column=role,
                  multiline=True),
        FieldSpec(f"{role}_date_of_birth", ("Ngày, tháng, năm sinh:", "Sinh ngày:"), "date",
                  section=role, column=role),
        FieldSpec(f"{role}_ethnicity", ("Dân tộc:",), "ethnicity", section=role, column=role),
        FieldSpec(f"{role}_nationality", ("Quốc tịch:",), "nationality", section=role,
                  column=role),
        FieldSpec(f"{role}_residence", ("Nơi cư trú:", "Nơi thường trú:"), "place",
                  section=role, column=role, multiline=True),
        FieldSpec(f"{role}_id_number", ("Giấy tờ tùy thân:", "Giấy tờ tuỳ thân:"),
                  "id_document", section=role, column=role, multiline=True),
    )


FORM = FormSpec(
    doc_type=DocType.marriage_certificate,
    titles=("GIẤY CHỨNG NHẬN KẾT HÔN", "TRÍCH LỤC KẾT HÔN", "GIẤY CHỨNG NHẬN KẾT HÔN (BẢN SAO)"),
    columns=(ColumnSpec("wife", 0.0, 0.5, anchor=WIFE_NAME[0]),
             ColumnSpec("husband", 0.5, 1.0, anchor=HUSBAND_NAME[0])),
    fields=(
        FieldSpec("registration_number", ("Số:",), "register_number", section="register"),
        FieldSpec("book_number", ("Quyển số:",), "register_number", section="register"),
        *_spouse("wife", WIFE_NAME),
        *_spouse("husband", HUSBAND_NAME),
        FieldSpec("registration_place", ("Nơi đăng ký kết hôn:", "Nơi đăng ký:"), "place",
                  section="register", multiline=True),
        FieldSpec("registration_date", ("Ngày, tháng, năm đăng ký:", "Ngày đăng ký:"), "date",
                  section="register"),
    ),
    stop_labels=(
        "(Ký, ghi rõ họ, chữ đệm, tên)", "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)",
        "NGƯỜI KÝ TRÍCH LỤC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Ghi chú:",
    ),
    cross_checks=(
        # first: the checks after them see the settled dates (extractors.date_settle)
        CrossCheck("foreign_name", ("wife_name", "wife_nationality")),
        CrossCheck("foreign_name", ("husband_name", "husband_nationality")),
        CrossCheck("settle_date", ("wife_date_of_birth", "wife_id_number")),
        CrossCheck("settle_date", ("husband_date_of_birth", "husband_id_number")),
        CrossCheck("not_before", ("registration_date", "wife_date_of_birth"),
                   issue="registered_before_birth"),
        CrossCheck("not_before", ("registration_date", "husband_date_of_birth"),
                   issue="registered_before_birth"),
        CrossCheck("book_year", ("book_number", "registration_date")),
        CrossCheck("id_sex", ("wife_id_number", "wife_date_of_birth"), param="female"),
        CrossCheck("id_sex", ("husband_id_number", "husband_date_of_birth"), param="male"),
        CrossCheck("min_age", ("registration_date", "wife_date_of_birth"), param=18),
        CrossCheck("min_age", ("registration_date", "husband_date_of_birth"), param=20),
        CrossCheck("not_future", ("wife_date_of_birth", "husband_date_of_birth",
                                  "registration_date")),
        CrossCheck("down_to_ward", ("wife_residence", "husband_residence")),
    ),
)
