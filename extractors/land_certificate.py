"""Land-use-right certificate ("sổ đỏ"/"sổ hồng"), both forms in circulation, declared as data.

`pre-2024` (Thông tư 23/2014, four pages): holders `Ông:`/`Bà:` with `Năm sinh:`, `CMND số:` /
`CCCD số:`, `Địa chỉ thường trú:`; section II items a)…g); the red serial (2 letters + 6
digits) and `Số vào sổ cấp GCN:`. `2024` (Thông tư 10/2024, one sheet with a QR code): items
`a. Thửa đất số: …; tờ bản đồ số: …` to `e. Địa chỉ:`, serial 2 letters + 8 digits. The reader
picks the variant whose own wording it finds and records it as `form_version`. Labels are
those of ../shared/spec/domain.md. The serial, the issue date and the issuing authority are
printed without labels and found by their shape.
"""

from __future__ import annotations

from extractors.form_spec import CrossCheck, FieldSpec, FormSpec
from pipeline.models import DocType


def _merged(*labels: str) -> tuple[str, ...]:
    """Each label also as Tesseract often reads it, words run together ('a.Thửađấtsố'): the
    matcher tries windows of about as many tokens as the label has words."""
    return tuple(dict.fromkeys([*labels, *("".join(lab.split()) for lab in labels
                                           if len(lab.split()) > 2)]))

HOLDER_NAME = ("Ông:", "Bà:", "Hộ ông:", "Hộ bà:", "Hộ gia đình, gồm ông:", "và bà:",
               "Ông (Bà):", "Họ và tên:")
BIRTH_YEAR = ("Năm sinh:", "Sinh năm:")
ID_NUMBER = ("CCCD số:", "CMND số:", "Số CCCD:", "Số CMND:", "Căn cước công dân số:",
             "Chứng minh nhân dân số:", "Số định danh cá nhân:", "Hộ chiếu số:")
ADDRESS = _merged("Địa chỉ thường trú:", "Thường trú tại:", "Địa chỉ:")
AREA_WORDS = ("(Bằng chữ:", "Bằng chữ:")
REGISTRY = _merged("Số vào sổ cấp GCN:", "Số vào sổ cấp giấy chứng nhận:", "Số vào sổ:")
# Shapes on folded text (lower case, no diacritics).
# 'Ông NGUYỄN VĂN A' / 'Bà. LÊ THỊ B': a holder line whose colon OCR lost.
HOLDER_LINE = r"^(?:ho\s)?(?:ong|ba)\s?[.,;:]?\s(?P<value>[a-z]{2,}\s[a-z])"
SERIAL_OLD = r"(?<![a-z0-9])(?P<value>[a-z]{2} ?[0-9oil]{6})(?![a-z0-9])"
SERIAL_NEW = r"(?<![a-z0-9])(?P<value>[a-z]{2} ?[0-9oil]{8})(?![a-z0-9])"
SERIAL_ANY = r"(?<![a-z0-9])(?P<value>[a-z]{2} ?[0-9oil]{5,9})(?![a-z0-9])"
# Tesseract reads a bold serif 7 as '/' ('BV 625/33'): one slash inside a digit run of the
# right length (6 or 8 characters, the slash standing for one digit); not 'Số 01/2020'.
SERIAL_SLASHED = (r"(?<![a-z0-9])(?P<value>(?!so\b)[a-z]{2} ?(?=[0-9oil/⁄]{6}(?![0-9oil/⁄])"
                  r"|[0-9oil/⁄]{8}(?![0-9oil/⁄]))[0-9oil]+[/⁄][0-9oil]+)(?![a-z0-9])")
ISSUE_DATE = (r"(?P<value>ngay\s*[\doil|]{1,2}\W*thang\s*[\doil|§]{1,2}\W*nam\s*\d{4})",
              r"(?P<value>n\w{1,4}\s*\S{1,2}\W+th\w{1,4}\s*\S{1,2}\W+n\w{1,3}\s*\d{4})")
AUTHORITY = (r"(?P<value>u[yi]\s*ban\s*nhan\s*dan|so\s*tai\s*nguyen|so\s*nong\s*ngh"
             r"|van\s*phong\s*dang\s*ky|chi\s*nhanh\s*van\s*phong)",
             r"(?<![a-z])(?P<value>so\s*(?:tai|nong)\s*\w+\s*va\s*m|u\w?\s*ban\s*nh\w+\s*d)")
STOPS = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
    "(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)", "(Ký tên, đóng dấu)", "GIÁM ĐỐC", "CHỦ TỊCH",
    "PHÓ GIÁM ĐỐC", "PHÓ CHỦ TỊCH", "2. Nhà ở:", "3. Công trình xây dựng khác:",
    "Rừng sản xuất là rừng trồng:", "Ghi chú:", "Sơ đồ thửa đất",
)


def _holder(n: int) -> tuple[FieldSpec, ...]:
    """A holder's lines; the second holder (a spouse) is printed only on a household's
    certificate, so its absence is a blank, not a lost value."""
    role, required = f"holder_{n}", n == 1
    return (
        FieldSpec(f"{role}_name", HOLDER_NAME, "name", section=role, required=required,
                  patterns=(HOLDER_LINE,)),
        FieldSpec(f"{role}_birth_year", BIRTH_YEAR, "year", section=role, required=required),
        FieldSpec(f"{role}_id_number", ID_NUMBER, "id_number", section=role,
                  required=required),
        FieldSpec(f"{role}_address", ADDRESS, "place", section=role, multiline=True,
                  required=required),
    )


def _issue_marks(serial: str) -> tuple[FieldSpec, ...]:
    """The serial, the issue line and the issuing body (printed without labels) and the
    register-book entry; `serial` is the variant's serial shape, any shape the fallback."""
    return (
        FieldSpec("certificate_serial", (), "land_serial", section="certificate",
                  patterns=(serial, SERIAL_ANY, SERIAL_SLASHED)),
        FieldSpec("issue_date", (), "issue_date", section="issue", patterns=ISSUE_DATE),
        FieldSpec("issuing_authority", (), "authority", section="issue", patterns=AUTHORITY,
                  multiline=True),
        FieldSpec("registry_number", REGISTRY, "land_registry_number", section="issue"),
    )


PRE_2024 = FormSpec(
    doc_type=DocType.land_certificate,
    titles=("QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất",
            "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất"),
    fields=(
        *_holder(1), *_holder(2),
        FieldSpec("parcel_number", _merged("a) Thửa đất số:"), "parcel_number", section="parcel"),
        FieldSpec("map_sheet_number", _merged("Tờ bản đồ số:"), "parcel_number", section="parcel"),
        FieldSpec("parcel_address", _merged("b) Địa chỉ:"), "place", section="parcel",
                  multiline=True),
        FieldSpec("area_m2", _merged("c) Diện tích:"), "area", section="parcel"),
        FieldSpec("area_m2_words", AREA_WORDS, "area_words", section="parcel",
                  multiline=True, internal=True),
        FieldSpec("usage_form", _merged("d) Hình thức sử dụng:"), "usage_form", section="parcel"),
        FieldSpec("land_use_purpose", _merged("đ) Mục đích sử dụng:"), "land_purpose",
                  section="parcel", multiline=True),
        FieldSpec("land_use_term", _merged("e) Thời hạn sử dụng:"), "land_term", section="parcel"),
        FieldSpec("land_use_origin", _merged("g) Nguồn gốc sử dụng:"), "land_origin",
                  section="parcel", multiline=True, prose=True),
        *_issue_marks(SERIAL_OLD),
    ),
    stop_labels=STOPS,
    variant="pre-2024",
)

FORM_2024 = FormSpec(
    doc_type=DocType.land_certificate,
    titles=("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT",
            "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:",
            "2. Thông tin thửa đất:", "3. Thông tin tài sản gắn liền với đất:"),
    fields=(
        *_holder(1), *_holder(2),
        FieldSpec("parcel_number", _merged("a. Thửa đất số:"), "parcel_number", section="parcel"),
        FieldSpec("map_sheet_number", _merged("tờ bản đồ số:"), "parcel_number", section="parcel"),
        FieldSpec("area_m2", _merged("b. Diện tích:"), "area", section="parcel"),
        FieldSpec("area_m2_words", AREA_WORDS, "area_words", section="parcel",
                  multiline=True, internal=True),
        FieldSpec("land_use_purpose", _merged("c. Loại đất:"), "land_purpose", section="parcel",
                  multiline=True),
        FieldSpec("land_use_term", _merged("d. Thời hạn sử dụng:"), "land_term", section="parcel"),
        FieldSpec("usage_form", _merged("đ. Hình thức sử dụng:"), "usage_form", section="parcel"),
        FieldSpec("parcel_address", _merged("e. Địa chỉ:"), "place", section="parcel",
                  multiline=True),
        # Not among the items of the 2024 form's model; printed by some offices.
        FieldSpec("land_use_origin", _merged("g. Nguồn gốc sử dụng:"), "land_origin",
                  section="parcel", multiline=True, prose=True, required=False),
        *_issue_marks(SERIAL_NEW),
    ),
    stop_labels=(*STOPS, "3. Thông tin tài sản gắn liền với đất:"),
    variant="2024",
)

_KEYS = ("certificate_serial", "registry_number", "form_version",
         "holder_1_name", "holder_1_birth_year", "holder_1_id_number", "holder_1_address",
         "holder_2_name", "holder_2_birth_year", "holder_2_id_number", "holder_2_address",
         "parcel_number", "map_sheet_number", "parcel_address", "area_m2", "area_m2_words",
         "usage_form", "land_use_purpose", "land_use_term", "land_use_origin", "issue_date",
         "issuing_authority")
_BY_KEY = {f.key: f for f in (*PRE_2024.fields, *FORM_2024.fields)}

FORM = FormSpec(
    doc_type=DocType.land_certificate,
    titles=("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
            "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT",
            "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT"),
    # The record's keys in record order; the variants say where each is printed.
    fields=tuple(FieldSpec("form_version", (), "text", section="certificate")
                 if k == "form_version" else _BY_KEY[k] for k in _KEYS),
    variants=(PRE_2024, FORM_2024),
    variant_key="form_version",
    cross_checks=(
        # first: the checks after them see the settled years (extractors.date_settle)
        CrossCheck("settle_date", ("holder_1_birth_year", "holder_1_id_number")),
        CrossCheck("settle_date", ("holder_2_birth_year", "holder_2_id_number")),
        CrossCheck("settle_area", ("area_m2", "area_m2_words")),
        CrossCheck("dates_agree", ("area_m2", "area_m2_words"), issue="area_words_mismatch"),
        # Only the ID's year digits are checked (the sex digit would need `Ông`/`Bà`).
        CrossCheck("id_consistent", ("holder_1_id_number", "holder_1_birth_year",
                                     "holder_1_birth_year")),
        CrossCheck("id_consistent", ("holder_2_id_number", "holder_2_birth_year",
                                     "holder_2_birth_year")),
        CrossCheck("blank_together", ("holder_2_name", "holder_2_birth_year",
                                      "holder_2_address")),
        CrossCheck("block_anchor", ("holder_1_name", "holder_1_birth_year",
                                    "holder_1_id_number", "holder_1_address")),
        CrossCheck("block_anchor", ("holder_2_name", "holder_2_birth_year",
                                    "holder_2_id_number", "holder_2_address")),
        CrossCheck("not_future", ("issue_date", "holder_1_birth_year",
                                  "holder_2_birth_year")),
        CrossCheck("down_to_ward", ("holder_1_address", "holder_2_address", "parcel_address")),
        CrossCheck("serial_form", ("certificate_serial", "form_version")),
        CrossCheck("authority_province", ("issuing_authority", "parcel_address")),
    ),
)
