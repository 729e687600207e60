"""Trích lục khai tử (death registration extract), the form used since 2016.

The time of death is printed inside a sentence (`Đã chết vào lúc: 14 giờ 30 phút, ngày …`),
not as its own field: hour, minute and date are separate filled-in values on one line.
"""

from __future__ import annotations

import re

from samples.content import DocumentContent
from samples.render.birth import seal_text
from samples.render.blocks import header, signature_block, title
from samples.render.canvas import FormCanvas

_HHMM = re.compile(r"^\s*(\d{1,2})\s*[:hH]\s*(\d{1,2})\s*$")


def _time_of_death(c: FormCanvas, time: str | None, date: str | None) -> None:
    font, vfont = c.label_font(), c.value_font()
    m = _HHMM.match(time or "")
    if not m:  # printed some other way (or blank): the whole phrase is the value
        end = c.field("Đã chết vào lúc:", time, advance=False, x1=c.x0 + (c.x1 - c.x0) * 0.55)
        c.field("ngày", date, x0=end + 20, wrap_x=c.x0)
        return
    x = c.write(c.x0, c.y, "Đã chết vào lúc:", font) + c.layout.label_gap
    for value, unit in ((m.group(1), "giờ"), (m.group(2), "phút,")):
        w = max(vfont.getlength(value), vfont.getlength("00")) + 40
        c.dots(x, x + w, c.y)
        c.write(x + 20, c.y, value, vfont, c.layout.value_ink)
        x = c.write(x + w + 10, c.y, unit, font) + c.layout.label_gap
    c.field("ngày", date, x0=x, wrap_x=c.x0)


def draw(content: DocumentContent, new_page) -> list[FormCanvas]:
    p = content.printed.get
    c: FormCanvas = new_page()
    header(c, p("registration_number"), p("book_number"))
    title(c, "TRÍCH LỤC KHAI TỬ")
    c.field("Họ, chữ đệm, tên:", p("full_name"))
    c.field("Ngày, tháng, năm sinh:", p("date_of_birth"))
    c.row([("Giới tính:", p("gender")), ("Dân tộc:", p("ethnicity")), ("Quốc tịch:", p("nationality"))])
    c.field("Số định danh cá nhân:", p("personal_id"))
    c.field("Giấy tờ tùy thân:", p("id_document"))
    _time_of_death(c, p("time_of_death"), p("date_of_death"))
    if p("date_of_death_words"):
        c.field("ghi bằng chữ:", p("date_of_death_words"))
    c.field("Nơi chết:", p("place_of_death"))
    c.field("Nguyên nhân chết:", p("cause_of_death"))
    c.newline(0.25)
    c.field("Họ, chữ đệm, tên người đi khai tử:", p("declarant_name"))
    c.field("Nơi đăng ký khai tử:", p("registration_place"))
    c.field("Ngày, tháng, năm đăng ký:", p("registration_date"))
    signature_block(c, "NGƯỜI KÝ TRÍCH LỤC", p("signer_name"),
                    seal_text(p("registration_place"), "ỦY BAN NHÂN DÂN"))
    return [c]
