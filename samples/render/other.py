"""A document that is none of the supported types (`doc_type == "unknown"`): a plain
administrative letter, so the pipeline's rejection path sees a real-looking page.

`printed["title"]` is the heading, `printed["signer_title"]` (optional) heads the signature;
every other printed value becomes a paragraph, without writing lines.
"""

from __future__ import annotations

from samples.content import DocumentContent
from samples.render.blocks import nation_only, signature_block, title
from samples.render.canvas import FormCanvas


def draw(content: DocumentContent, new_page) -> list[FormCanvas]:
    c: FormCanvas = new_page()
    nation_only(c)
    title(c, content.printed.get("title") or "ĐƠN ĐỀ NGHỊ")
    c.dotted = False
    for key, text in content.printed.items():
        if key not in ("title", "signer_name", "signer_title") and text:
            c.field("", text)
    c.dotted = True
    signature_block(c, content.printed.get("signer_title") or "NGƯỜI KÝ", content.printed.get("signer_name"),
                    "ỦY BAN NHÂN DÂN")
    return [c]
