"""Giấy chứng nhận kết hôn (marriage certificate): wife | husband in two columns.

Each column repeats the labels for its person; the columns are drawn independently (each
with its own running baseline) and the page continues under the longer one, as a long
residence or identity-paper line on one side pushes that side down on real forms.
"""

from __future__ import annotations

from samples.content import DocumentContent
from samples.render.birth import seal_text
from samples.render.blocks import header, signature_block, title
from samples.render.canvas import FormCanvas


def _column(c: FormCanvas, p, who: str, key: str, x0: float, x1: float) -> int:
    c.field(f"Họ, chữ đệm, tên {who}:", p(f"{key}_name"), x0=x0, x1=x1)
    c.field("Ngày, tháng, năm sinh:", p(f"{key}_date_of_birth"), x0=x0, x1=x1)
    c.field("Dân tộc:", p(f"{key}_ethnicity"), x0=x0, x1=x1)
    c.field("Quốc tịch:", p(f"{key}_nationality"), x0=x0, x1=x1)
    c.field("Nơi cư trú:", p(f"{key}_residence"), x0=x0, x1=x1)
    c.field("Giấy tờ tùy thân:", p(f"{key}_id_document") or p(f"{key}_id_number"), x0=x0, x1=x1)
    return c.y


def draw(content: DocumentContent, new_page) -> list[FormCanvas]:
    p = content.printed.get
    c: FormCanvas = new_page()
    header(c, p("registration_number"), p("book_number"))
    title(c, "GIẤY CHỨNG NHẬN KẾT HÔN")
    gutter = c.rng.randint(50, 90)
    mid = (c.x0 + c.x1) / 2
    top = c.y
    bottom = _column(c, p, "vợ", "wife", c.x0, mid - gutter / 2)
    c.y = top
    bottom = max(bottom, _column(c, p, "chồng", "husband", mid + gutter / 2, c.x1))
    c.draw.line([(mid, top - c.layout.label_px), (mid, bottom - c.layout.line_gap // 2)],
                fill=(120, 120, 120), width=2)
    c.y = bottom + c.layout.line_gap // 3
    c.field("Nơi đăng ký kết hôn:", p("registration_place"))
    c.field("Ngày, tháng, năm đăng ký:", p("registration_date"))
    c.newline(0.3)
    for label, x0, x1 in (("Vợ", c.x0, mid), ("Chồng", mid, c.x1)):
        c.center(label, c.bold_font(0.95), x0=x0, x1=x1)
    c.newline(0.7)
    for x0, x1 in ((c.x0, mid), (mid, c.x1)):
        c.center("(Ký, ghi rõ họ, chữ đệm, tên)", c.label_font(0.8), x0=x0, x1=x1)
    c.newline(2.2)
    for key, x0, x1 in (("wife", c.x0, mid), ("husband", mid, c.x1)):
        c.center(p(f"{key}_name") or "", c.value_font(), x0=x0, x1=x1, fill=c.layout.value_ink)
    c.newline(1.2)
    signature_block(c, "TM. ỦY BAN NHÂN DÂN", p("signer_name"),
                    seal_text(p("registration_place"), "ỦY BAN NHÂN DÂN"))
    return [c]
