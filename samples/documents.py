"""Document content from the registry: who appears on which document, in what mix.

`make_documents` is the one sampling policy: birth certificates for children with parents in
the registry, marriage certificates for registered couples, death extracts for the deceased,
land certificates for adults (alone or as a household), and a few `unknown` letters. The
field keys below are records.md's lists: every truth file carries exactly these keys."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import numpy as np

# the record format's key lists (records.md), defined once for the scorer and the generator
from evaluation.field_keys import FIELD_KEYS, PERSON_ROLES, PLACE_KEYS  # noqa: F401
from samples.content import DocumentContent
from samples.documents_civil import birth_certificate, death_certificate, marriage_certificate
from samples.documents_common import LATEST, PLACE_SUFFIXES, printed_name, running_date
from samples.documents_land import land_certificate
from samples.names import title_case
from samples.registry import CitizenRegistry
from samples.registry_families import year_of
from samples.registry_io import Person, person

DEFAULT_MIX: dict[str, float] = {"birth_certificate": 0.3, "marriage_certificate": 0.2,
                                 "death_certificate": 0.15, "land_certificate": 0.3,
                                 "unknown": 0.05}
SHORT = {"birth_certificate": "birth", "marriage_certificate": "marriage",
         "death_certificate": "death", "land_certificate": "land", "unknown": "unknown"}
UNKNOWN_TITLES = ("THÔNG BÁO", "GIẤY MỜI", "ĐƠN ĐỀ NGHỊ", "BIÊN BẢN")


def _is_place_code(doc_type: str, key: str) -> bool:
    for suffix in PLACE_SUFFIXES:
        base = key.removesuffix(suffix)
        if base != key and base in PLACE_KEYS and base in FIELD_KEYS[doc_type]:
            return True
    return False


def validate_truth(content: DocumentContent) -> list[str]:
    """Problems with a truth record against records.md (empty list = valid): every listed key
    present, nothing else except the optional `<place>_code`/`<place>_units_version`."""
    problems = []
    keys = FIELD_KEYS.get(content.doc_type)
    if keys is None:
        return [f"unknown doc_type {content.doc_type!r}"]
    extra = {k for k in set(content.truth) - set(keys) if not _is_place_code(content.doc_type, k)}
    if not set(keys) <= set(content.truth) or extra:
        problems.append(f"{content.doc_id}: field keys differ from records.md: "
                        f"missing {sorted(set(keys) - set(content.truth))}, "
                        f"extra {sorted(extra)}")
    for p in content.persons:
        if p["role"] not in PERSON_ROLES[content.doc_type]:
            problems.append(f"{content.doc_id}: role {p['role']!r} not allowed")
    return problems


class DocumentFactory:
    """Picks people for documents; all randomness from one seeded `random.Random`."""

    def __init__(self, reg: CitizenRegistry, seed: int) -> None:
        self.reg = reg
        self.rng = random.Random(seed)
        year = year_of(reg.dob)
        has_mother = reg.mother >= 0
        # Birth subjects in three eras, drawn evenly: old paper books, the 2000s, and since
        # 2016 (personal ID printed) — so every era of the form is exercised.
        self.children_by_era = [pool for pool in (
            np.flatnonzero(has_mother & (year >= 1975) & (year < 2000)),
            np.flatnonzero(has_mother & (year >= 2000) & (year < 2016)),
            np.flatnonzero(has_mother & (year >= 2016))) if len(pool)]
        self.husbands = np.flatnonzero(~reg.female & (reg.spouse >= 0) & (year <= 2003))
        self.dead = np.flatnonzero(reg.dod >= 0)
        self.adults = np.flatnonzero(year <= 2000)

    def _pick(self, pool: np.ndarray) -> Person:
        if not len(pool):
            raise ValueError("registry too small for this document type: no candidate person")
        return person(self.reg, int(pool[self.rng.randrange(len(pool))]))

    def _signer(self) -> str:
        return printed_name(self._pick(self.adults).full_name, self.rng, variants=False)[0]

    def make(self, doc_type: str, doc_id: str) -> DocumentContent:
        rng = self.rng
        if doc_type == "birth_certificate":
            eras = self.children_by_era
            child = self._pick(rng.choice(eras) if eras else np.array([], np.int64))
            mother = person(self.reg, child.mother)
            father = person(self.reg, child.father) if child.father >= 0 and rng.random() > 0.03 else None
            return birth_certificate(doc_id, child, mother, father, self._signer(), rng)
        if doc_type == "marriage_certificate":
            husband = self._pick(self.husbands)
            return marriage_certificate(doc_id, person(self.reg, husband.spouse), husband,
                                        self._signer(), rng)
        if doc_type == "death_certificate":
            dead = self._pick(self.dead)
            declarant = self._signer()
            return death_certificate(doc_id, dead, declarant, self._signer(), rng)
        if doc_type == "land_certificate":
            h1 = self._pick(self.adults)
            h2 = None
            if h1.spouse >= 0 and not h1.female and rng.random() < 0.5:
                h2 = person(self.reg, h1.spouse)
            return land_certificate(doc_id, h1, h2, self._signer(), rng)
        if doc_type == "unknown":
            return self._unknown(doc_id)
        raise ValueError(f"unknown doc type {doc_type!r}; valid: {', '.join(FIELD_KEYS)}")

    def _unknown(self, doc_id: str) -> DocumentContent:
        """A letter with the national header but no supported form: must be rejected."""
        rng = self.rng
        p = self._pick(self.adults)
        title = rng.choice(UNKNOWN_TITLES)
        printed = {
            "title": title,
            "recipient": f"Kính gửi: Ông/Bà {title_case(p.full_name)}",
            "address": f"Địa chỉ: {p.residence(rng.random() < 0.5)}",
            "body": (f"Đề nghị Ông/Bà có mặt tại trụ sở {p.res_ward.authority(True)} vào "
                     f"{running_date(LATEST, rng)} để giải quyết hồ sơ của gia đình."),
            "closing": "Trân trọng thông báo.",
            "signer_name": self._signer(),
        }
        return DocumentContent(doc_id, "unknown", printed, {}, [])


def doc_type_sequence(n: int, mix: Mapping[str, float], seed: int) -> list[str]:
    """Exactly n doc types in proportion to `mix` (largest remainder), shuffled by seed."""
    bad = sorted(set(mix) - set(FIELD_KEYS))
    if bad:
        raise ValueError(f"unknown doc type(s) {bad}; valid: {', '.join(FIELD_KEYS)}")
    total = sum(mix.values())
    quotas = {k: n * v / total for k, v in mix.items()}
    counts = {k: int(q) for k, q in quotas.items()}
    for k in sorted(quotas, key=lambda k: counts[k] - quotas[k])[: n - sum(counts.values())]:
        counts[k] += 1
    seq = [k for k, c in counts.items() for _ in range(c)]
    random.Random(seed).shuffle(seq)
    return seq


def make_documents(reg: CitizenRegistry, n: int, seed: int,
                   mix: Mapping[str, float] | None = None,
                   place_codes: bool = False) -> list[DocumentContent]:
    """n documents named `<type>_<NNNN>` (numbered per type), deterministic for a seed.

    `place_codes`: keep `<place>_code`/`<place>_units_version` in the truth (records.md's
    optional admin-unit keys). Off by default: then a truth file has exactly the listed keys
    and the scores do not depend on whether the pipeline resolves administrative units."""
    factory = DocumentFactory(reg, seed)
    numbers: dict[str, int] = {}
    docs = []
    for doc_type in doc_type_sequence(n, mix or DEFAULT_MIX, seed):
        numbers[doc_type] = numbers.get(doc_type, 0) + 1
        doc = factory.make(doc_type, f"{SHORT[doc_type]}_{numbers[doc_type]:04d}")
        if not place_codes:
            for key in [k for k in doc.truth if k not in FIELD_KEYS[doc_type]]:
                del doc.truth[key]
        docs.append(doc)
    return docs


def truth_record(content: DocumentContent) -> dict[str, Any]:
    return content.truth_json()
