"""One form read end to end: lines → labelled raw values → normalised drafts → reviewed
fields. Every form module calls this with its own `FormSpec`."""

from __future__ import annotations

from datetime import date

from extractors.alternatives import (
    alternative_pages,
    choose_drafts,
    reread_boxes,
    weigh_tiebreak,
    weigh_witness,
    witness_boxes,
    witness_pages,
)
from extractors.confidence import (
    ConfidenceFn,
    FieldEvidence,
    calibrated_confidence,
)
from extractors.engine import RawField, choose_variant, read_form
from extractors.evidence import WITNESS_DIFFERS, WITNESS_USED, family, value_features
from extractors.form_spec import FormSpec
from extractors.labels import find_phrases
from extractors.layout import Line, centre_inside, document_lines, union_bbox
from extractors.normalise import NORMALISERS
from extractors.review import FALLBACK_PREFIX, Drafts, FieldDraft, review
from pipeline.config import Settings
from pipeline.models import FieldValue, PageText
from pipeline.textnorm import clean


def draft_field(raw: RawField, normaliser: str) -> FieldDraft:
    """Normalise one raw value and gather the evidence its confidence is computed from."""
    text = clean(raw.raw)
    if not raw.tokens:
        return FieldDraft(raw.key, None, None, page=raw.page, issues=["blank"],
                          evidence=FieldEvidence(label_score=raw.label_score, blank=True,
                                                 key=raw.key, family=family(normaliser)))
    result = NORMALISERS[normaliser](text)
    confs = [t.confidence for t in raw.tokens]
    evidence = FieldEvidence(
        ocr_min=min(confs), ocr_mean=sum(confs) / len(confs), n_tokens=len(confs),
        label_score=raw.label_score, parsed=result.value is not None, clean=result.clean,
        repaired=result.repaired, wrapped=raw.wrapped, key=raw.key,
        family=family(normaliser), features=value_features(normaliser, text, result))
    return FieldDraft(raw.key, result.value, text, page=raw.page,
                      bbox=union_bbox([t.bbox for t in raw.tokens]),
                      issues=list(result.issues), evidence=evidence)


def read_drafts(lines: list[Line], spec: FormSpec,
                page_widths: dict[int, int] | None = None) -> Drafts:
    drafts = (_read_variant(lines, spec, page_widths) if spec.variants
              else _read_plain(lines, spec, page_widths))
    add_document_quality(drafts, lines, spec)
    return drafts


def add_document_quality(drafts: Drafts, lines: list[Line], spec: FormSpec) -> None:
    """How well the whole scan read, as evidence on every field: the mean word confidence
    and the share of the form's labelled fields whose label was found. A value read from a
    scan where half the labels are lost is less sure than the same value on a clean page,
    whatever its own words scored."""
    confs = [t.confidence for ln in lines for t in ln.tokens]
    keys = [f.key for f in spec.fields if f.key is not None and f.labels and f.required]
    found = sum(1 for k in keys if k in drafts and drafts[k].found and (
        drafts[k].evidence.n_tokens or drafts[k].evidence.blank))
    quality = {"doc_ocr_mean": sum(confs) / len(confs) if confs else 0.0,
               "doc_labels": found / len(keys) if keys else 1.0}
    for d in drafts.values():
        d.evidence.features.update(quality)


def _read_plain(lines: list[Line], spec: FormSpec,
                page_widths: dict[int, int] | None = None) -> Drafts:
    by_key = {f.key: f for f in spec.fields if f.key is not None}
    raws = read_form(lines, spec, page_widths)
    drafts = {key: draft_field(raw, by_key[key].normaliser) for key, raw in raws.items()}
    for key, f in by_key.items():  # an optional block left off the form is empty, not lost
        if not f.required and key not in drafts:
            drafts[key] = FieldDraft(key, None, None, evidence=FieldEvidence(
                blank=True, key=key, family=family(f.normaliser)))
    doubt_absent_blocks(drafts, lines, spec)
    for key, f in by_key.items():
        d, alt = drafts.get(key), drafts.get(f.fallback or "")
        if d is None and alt is not None and alt.value is not None:  # label lost as well
            d = drafts[key] = FieldDraft(key, None, alt.raw, page=alt.page, bbox=alt.bbox,
                                         evidence=FieldEvidence(key=key,
                                                                family=family(f.normaliser)))
        if d is not None and alt is not None and d.value is None and alt.value is not None:
            d.value = alt.value  # read from the other rendering: likely right, never auto
            d.issues.append(f"{FALLBACK_PREFIX}{f.fallback}")
            d.evidence.parsed, d.evidence.clean, d.evidence.repaired = True, False, True
            d.evidence.disagreements += 1
    return drafts


def _read_variant(lines: list[Line], spec: FormSpec,
                  page_widths: dict[int, int] | None) -> Drafts:
    """Read with the variant the page shows; which one it is becomes a field of its own,
    as sure as the distinctive markers found make it."""
    variant, found, runner_up = choose_variant(lines, spec)
    drafts = read_drafts(lines, variant, page_widths)
    key = spec.variant_key or ""
    share = found / max(1, found + runner_up)
    drafts[key] = FieldDraft(key, variant.variant, variant.variant, evidence=FieldEvidence(
        ocr_min=share, ocr_mean=share, n_tokens=found, label_score=100.0, parsed=found > 0,
        clean=runner_up == 0, key=key, family="variant",
        features={"markers": float(found), "margin": float(found - runner_up)}))
    return drafts


def read_page_drafts(pages: list[PageText], spec: FormSpec) -> Drafts:
    """The drafts of the pages' form; where lines were read twice (`PageText.rereads`), the
    form is read from each reading and each field takes the best (extractors.alternatives)."""
    widths = {p.page: p.width for p in pages}
    drafts = read_drafts(document_lines(pages), spec, widths)
    for other in alternative_pages(pages):
        drafts = choose_drafts(drafts, read_drafts(document_lines(other), spec, widths),
                               reread_boxes(pages))
    witnessed = witness_pages(pages)
    if witnessed is not None:
        seen = read_drafts(document_lines(witnessed), spec, widths)
        drafts = weigh_witness(drafts, seen, witness_boxes(pages))
        third = witness_pages(pages, tiebreak=True) if any(
            WITNESS_DIFFERS in d.evidence.features or WITNESS_USED in d.evidence.features
            for d in drafts.values()) else None
        if third is not None:
            drafts = weigh_tiebreak(drafts, seen,
                                    read_drafts(document_lines(third), spec, widths),
                                    witness_boxes(pages, tiebreak=True))
    return drafts


def extract_form(pages: list[PageText], spec: FormSpec, settings: Settings, *,
                 today: date | None = None,
                 confidence_fn: ConfidenceFn = calibrated_confidence) -> dict[str, FieldValue]:
    drafts = read_page_drafts(pages, spec)
    fields = review(drafts, spec, settings, today=today, confidence_fn=confidence_fn)
    internal = {f.key for f in spec.fields if f.internal}
    return {k: v for k, v in fields.items() if k not in internal}


ABSENCE_WINDOW = 3.0  # line heights below the block before: where an optional block begins


def doubt_absent_blocks(drafts: Drafts, lines: list[Line], spec: FormSpec) -> None:
    """An optional block (a land certificate's second holder) read as absent is only as sure
    as the page shows it: when the block before it was not read at all, or text that no
    field and no label explains stands just below that block, where the optional block
    would begin, its absence is unconfirmed and a person looks (a poor scan whose second
    holder's lines came out as noise was otherwise read as a one-holder certificate)."""
    absent = [f for f in spec.fields if f.key and not f.required and f.key in drafts
              and drafts[f.key].page is None and drafts[f.key].evidence.blank]
    sections = list(dict.fromkeys(f.section for f in absent))
    for section in sections:
        if not _absence_doubtful(section, drafts, lines, spec):
            continue
        for f in absent:
            if f.section == section:
                d = drafts[f.key or ""]
                d.issues.append("absence_unconfirmed")
                d.evidence.disagreements += 1


def _absence_doubtful(section: str | None, drafts: Drafts, lines: list[Line],
                      spec: FormSpec) -> bool:
    first = next(i for i, f in enumerate(spec.fields) if f.section == section)
    if first == 0:
        return False
    previous = spec.fields[first - 1].section
    block = [drafts[f.key] for f in spec.fields[:first] if f.section == previous
             and f.key in drafts and drafts[f.key].page is not None
             and drafts[f.key].bbox is not None]
    if not block:
        return True  # the block before it was not read either
    head = next(f for f in spec.fields if f.section == previous)
    if head.key not in {d.key for d in block}:
        return True  # the block before it was read without its first line (its person's name)
    page = block[-1].page
    bottom = max(d.bbox[3] for d in block if d.page == page and d.bbox)  # type: ignore[index]
    heights = sorted(t.bbox[3] - t.bbox[1] for ln in lines if ln.page == page
                     for t in ln.tokens)
    height = heights[len(heights) // 2] if heights else 40
    explained = [d.bbox for d in drafts.values() if d.page == page and d.bbox is not None]
    phrases = [lab for f in spec.fields for lab in f.labels] + list(spec.stop_labels) + list(
        spec.titles)
    window = [i for i, ln in enumerate(lines) if ln.page == page and ln.tokens
              and bottom < (ln.bbox[1] + ln.bbox[3]) / 2 <= bottom + ABSENCE_WINDOW * height]
    labelled = {h.line for h in find_phrases(lines, phrases, needs_colon=False,
                                             tolerance=spec.label_tolerance,
                                             line_indices=window)}
    for i in window:
        if i in labelled:
            continue
        unread = [t for t in lines[i].tokens if t.key and not t.is_leader
                  and not any(centre_inside(t.bbox, box) for box in explained)]
        if len(unread) >= 2:
            return True
    return False

