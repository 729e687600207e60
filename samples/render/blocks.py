"""Pieces every Vietnamese certificate shares: national header, number block, title,
signature block with seal. Forms compose these so a change to, say, the header reaches all
document types at once."""

from __future__ import annotations

from samples.render.canvas import FormCanvas, text_width
from samples.render.marks import seal, signature

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def header(c: FormCanvas, number: str | None, book: str | None, *, with_book: bool = True) -> None:
    """National header and `Số:` / `Quyển số:`. Two real-world arrangements: numbers in a
    left column beside the header, or header centred with the numbers under it."""
    bold = c.bold_font(0.95)
    if c.rng.random() < 0.5:
        mid = c.x0 + (c.x1 - c.x0) * 0.36
        top = c.y
        c.center(NATION, bold, x0=mid, x1=c.x1)
        c.newline(0.8)
        c.center(MOTTO, c.bold_font(0.9), x0=mid, x1=c.x1, underline=True)
        c.y = top
        c.field("Số:", number, x1=mid - 40)
        if with_book:
            c.field("Quyển số:", book, x1=mid - 40)
        c.y = max(c.y, top + int(c.layout.line_gap * 1.8))
    else:
        c.center(NATION, bold)
        c.newline(0.8)
        c.center(MOTTO, c.bold_font(0.9), underline=True)
        c.newline(1.3)
        half = c.x0 + (c.x1 - c.x0) * 0.45
        if with_book:
            c.row([("Số:", number), ("Quyển số:", book)], x1=half + 400)
        else:
            c.field("Số:", number, x1=half)


def nation_only(c: FormCanvas, *, x0: float | None = None) -> None:
    """The national header alone, centred (land certificates carry no `Số:` line)."""
    c.center(NATION, c.bold_font(0.95), x0=x0)
    c.newline(0.8)
    c.center(MOTTO, c.bold_font(0.9), x0=x0, underline=True)
    c.newline(1.2)


def title(c: FormCanvas, text: str, subtitle: str | None = None) -> None:
    c.newline(0.6)
    c.center(text, c.bold_font(1.55))
    if subtitle:
        c.newline(0.8)
        c.center(subtitle, c.bold_font(1.0))
    c.newline(1.4)


def section(c: FormCanvas, text: str) -> None:
    """A bold section heading at the left margin (e.g. `II. Thửa đất, …`)."""
    c.write(c.x0, c.y, text, c.bold_font())
    c.newline()


def signature_block(c: FormCanvas, heading: str, signer: str | None, seal_text: str,
                    *, left_heading: str | None = None) -> None:
    """Signer's heading, a scrawl, the signer's name, and the red seal stamped half over the
    scrawl. `left_heading` adds a second (unsealed) block, e.g. the place and date line."""
    c.newline(0.4)
    mid = c.x0 + (c.x1 - c.x0) * c.rng.uniform(0.45, 0.55)
    top = c.y
    if left_heading:
        c.write(c.x0, c.y, left_heading, c.label_font(0.95))
    scale = min(0.95, 0.95 * (c.x1 - mid) / max(text_width(c.bold_font(0.95), heading), 1))
    c.center(heading, c.bold_font(scale), x0=mid, x1=c.x1)  # long authority names shrink to fit
    c.newline(0.8)
    c.center("(Ký, ghi rõ họ, chữ đệm, tên, đóng dấu)", c.label_font(0.8), x0=mid, x1=c.x1)
    centre = int(mid + (c.x1 - mid) / 2)
    sig_y = c.y + int(c.layout.line_gap * 2.2)
    signature(c, centre - 200 + c.rng.randint(-40, 40), sig_y, c.rng)
    c.y = top + int(c.layout.line_gap * 4.6)
    c.center(signer or "", c.bold_font(), x0=mid, x1=c.x1)
    seal(c, centre - c.rng.randint(120, 220), sig_y - c.rng.randint(0, 60), seal_text, c.rng)
    c.newline()
