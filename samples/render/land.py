"""Land-use-right certificates ("sổ đỏ"/"sổ hồng") in both forms in circulation.

`pre-2024` (before 8/2024): two pages here — the holder page (`Ông:`/`Bà:` lines, serial in
red) and section II with items a)…g) and `Số vào sổ cấp GCN:`. `2024` (Thông tư 10/2024): one
page with a QR code and the numbered items 1–3. Holders come from `holder_1_*`/`holder_2_*`;
a blank `holder_2_name` means a single holder.
"""

from __future__ import annotations

from samples.content import DocumentContent
from samples.render.blocks import nation_only, section, signature_block
from samples.render.canvas import FormCanvas
from samples.render.marks import SEAL_RED, qr_block


def _holders(c: FormCanvas, p) -> None:
    for n in (1, 2):
        name = p(f"holder_{n}_name")
        if n == 2 and not name:
            break
        c.field(f"{p(f'holder_{n}_title') or ('Ông' if n == 1 else 'Bà')}:", name)
        c.row([("Năm sinh:", p(f"holder_{n}_birth_year")),
               (f"{p(f'holder_{n}_id_label') or 'CCCD số'}:", p(f"holder_{n}_id_number"))])
        c.field("Địa chỉ thường trú:", p(f"holder_{n}_address"))


def _area(c: FormCanvas, label: str, p) -> None:
    area = p("area_m2")
    if area and "m" not in area:
        area = f"{area} m²"
    end = c.field(label, area, advance=False)
    words = p("area_words")
    c.field("(Bằng chữ:", f"{words})" if words else None, x0=end + 20, wrap_x=c.x0)


def _issued(c: FormCanvas, p) -> None:
    """Place and date of issue, the issuing authority's signature and seal, the book number."""
    c.newline(0.5)
    mid = c.x0 + (c.x1 - c.x0) * 0.45
    when = p("issue_place_date") or p("issue_date")
    if when:
        c.center(when, c.value_font(), x0=mid, fill=c.layout.value_ink)
        c.newline()
    authority = p("issuing_authority")
    signature_block(c, authority or "TM. ỦY BAN NHÂN DÂN", p("signer_name"),
                    authority or "ỦY BAN NHÂN DÂN")
    c.field("Số vào sổ cấp GCN:", p("registry_number"), x1=mid)


def _serial(c: FormCanvas, serial: str | None, x: float, y: int) -> None:
    if serial:
        c.write(x, y, serial, c.bold_font(1.3), fill=SEAL_RED)


def draw_pre2024(p, new_page) -> list[FormCanvas]:
    one: FormCanvas = new_page()
    nation_only(one)
    for line, scale in (("GIẤY CHỨNG NHẬN", 1.6), ("QUYỀN SỬ DỤNG ĐẤT", 1.3),
                        ("QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT", 1.0)):
        one.center(line, one.bold_font(scale), fill=(170, 20, 30))
        one.newline(1.1)
    one.newline(0.5)
    section(one, "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất")
    _holders(one, p)
    _serial(one, p("certificate_serial"), one.x1 - 480, 3508 - one.layout.bottom - 40)

    two: FormCanvas = new_page()
    section(two, "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất")
    section(two, "1. Thửa đất:")
    two.row([("a) Thửa đất số:", p("parcel_number")), ("Tờ bản đồ số:", p("map_sheet_number"))])
    two.field("b) Địa chỉ:", p("parcel_address"))
    _area(two, "c) Diện tích:", p)
    two.field("d) Hình thức sử dụng:", p("usage_form"))
    two.field("đ) Mục đích sử dụng:", p("land_use_purpose"))
    two.field("e) Thời hạn sử dụng:", p("land_use_term"))
    two.field("g) Nguồn gốc sử dụng:", p("land_use_origin"))
    two.field("2. Nhà ở:", "-/-")
    two.field("3. Công trình xây dựng khác:", "-/-")
    two.field("4. Ghi chú:", "-/-")
    _issued(two, p)
    return [one, two]


def draw_2024(p, new_page) -> list[FormCanvas]:
    c: FormCanvas = new_page()
    size = c.rng.randint(300, 360)
    qr_data = f"GCN|{p('certificate_serial') or ''}|{p('parcel_number') or ''}|{p('map_sheet_number') or ''}"
    qr_block(c, qr_data, c.x0, c.y - c.layout.label_px, size)
    nation_only(c, x0=c.x0 + size + 40)
    c.y = max(c.y, c.layout.top + size + 20)
    _serial(c, p("certificate_serial"), c.x0, c.y + 30)
    c.newline(1.2)
    c.center("GIẤY CHỨNG NHẬN", c.bold_font(1.6), fill=(170, 20, 30))
    c.newline(1.1)
    c.center("QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", c.bold_font(1.05),
             fill=(170, 20, 30))
    c.newline(1.5)
    section(c, "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:")
    _holders(c, p)
    section(c, "2. Thông tin thửa đất:")
    c.row([("a. Thửa đất số:", p("parcel_number")), ("tờ bản đồ số:", p("map_sheet_number"))])
    _area(c, "b. Diện tích:", p)
    c.field("c. Loại đất:", p("land_use_purpose"))
    c.field("d. Thời hạn sử dụng:", p("land_use_term"))
    c.field("đ. Hình thức sử dụng:", p("usage_form"))
    c.field("e. Địa chỉ:", p("parcel_address"))
    if p("land_use_origin"):
        c.field("g. Nguồn gốc sử dụng:", p("land_use_origin"))
    c.field("3. Thông tin tài sản gắn liền với đất:", "-/-")
    _issued(c, p)
    return [c]


def draw(content: DocumentContent, new_page) -> list[FormCanvas]:
    p = content.printed.get
    version = content.form_version or content.printed.get("form_version") or "pre-2024"
    return draw_2024(p, new_page) if version == "2024" else draw_pre2024(p, new_page)
