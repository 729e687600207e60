"""Giấy khai sinh (birth certificate): child, mother, father, registration, signer.

Labels and their order follow ../shared/spec/domain.md exactly; the extractor is written
against those strings, so a drifted label here would make the samples test the wrong thing.
"""

from __future__ import annotations

from samples.content import DocumentContent
from samples.render.blocks import header, signature_block, title
from samples.render.canvas import FormCanvas


def seal_text(place: str | None, default: str) -> str:
    """What the rim of the seal says: the first part of the registering office's place."""
    head = (place or "").split(",")[0].strip()
    return f"UBND {head}" if head and not head.upper().startswith(("UBND", "ỦY BAN")) else (head or default)


def draw(content: DocumentContent, new_page) -> list[FormCanvas]:
    p = content.printed.get
    c: FormCanvas = new_page()
    header(c, p("registration_number"), p("book_number"))
    title(c, "GIẤY KHAI SINH", "(BẢN SAO)" if c.rng.random() < 0.15 else None)
    c.field("Họ, chữ đệm, tên:", p("full_name"))
    end = c.field("Ngày, tháng, năm sinh:", p("date_of_birth"), advance=False)
    c.field("ghi bằng chữ:", p("date_of_birth_words"), x0=end + 30, wrap_x=c.x0)
    c.row([("Giới tính:", p("gender")), ("Dân tộc:", p("ethnicity")), ("Quốc tịch:", p("nationality"))])
    c.field("Nơi sinh:", p("place_of_birth"))
    c.field("Quê quán:", p("hometown"))
    c.field("Số định danh cá nhân:", p("personal_id"))
    for who, key in (("mẹ", "mother"), ("cha", "father")):
        c.newline(0.25)
        c.field(f"Họ, chữ đệm, tên người {who}:", p(f"{key}_name"))
        c.row([("Năm sinh:", p(f"{key}_birth_year")), ("Dân tộc:", p(f"{key}_ethnicity")),
               ("Quốc tịch:", p(f"{key}_nationality"))])
        c.field("Nơi cư trú:", p(f"{key}_residence"))
    c.newline(0.25)
    c.field("Họ, chữ đệm, tên người đi khai sinh:", p("declarant_name"))
    c.field("Giấy tờ tùy thân:", p("declarant_id_document"))
    c.field("Nơi đăng ký khai sinh:", p("registration_place"))
    c.field("Ngày, tháng, năm đăng ký:", p("registration_date"))
    signature_block(c, "NGƯỜI KÝ GIẤY KHAI SINH", p("signer_name"),
                    seal_text(p("registration_place"), "ỦY BAN NHÂN DÂN"))
    return [c]
