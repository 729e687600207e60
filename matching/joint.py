"""Joint linkage of the persons of one document.

People on one document are related, and the registry says how: a child's `mother_id` and
`father_id`, a spouse's `spouse_id`. A candidate pair that agrees with the document's relation
gains `FAMILY_WEIGHT` bits each (a stranger's registry mother is almost never the document's
mother); two links that would contradict it are both sent to a reviewer. An ID number on the
document that names a registry row verifies the link; one that disagrees with the best
candidate is flagged and never linked automatically."""

from __future__ import annotations

from typing import Any

from matching.linker import Linker
from matching.models import CandidateMatch, ExplanationTerm, LinkResult, PersonQuery
from matching.persons import person_queries
from matching.scoring import probability

FAMILY_WEIGHT = 8.0
# (person holding the relation column, relation, related person's role)
RELATIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "birth_certificate": (("subject", "mother", "mother"), ("subject", "father", "father"),
                          ("mother", "spouse", "father")),
    "marriage_certificate": (("wife", "spouse", "husband"),),
    "land_certificate": (("holder_1", "spouse", "holder_2"),),
}
RELATION_LABEL = {"mother": "registry mother is the document's mother",
                  "father": "registry father is the document's father",
                  "spouse": "registry spouse is the other spouse or parent on the document"}


def _bonus(c: CandidateMatch, relation: str) -> CandidateMatch:
    w = c.weight + FAMILY_WEIGHT
    term = ExplanationTerm(comparison=f"family_{relation}", level="consistent",
                           weight=FAMILY_WEIGHT,
                           label=f"{RELATION_LABEL[relation]}: {FAMILY_WEIGHT:+.1f}")
    return c.model_copy(update={"weight": round(w, 2), "score": round(probability(w), 6),
                                "explanation": [*c.explanation, term]})


def _relatives(linker: Linker, doc_type: str, queries: dict[str, dict[str, Any]],
               scored: dict[str, list[CandidateMatch]],
               rows: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Joint blocking: the registry relatives of a person's candidates (the child's mother,
    a spouse) become candidates of the document's relative too, so a misread parent's name
    that no blocking key finds is still found through the child."""
    for holder, relation, other in RELATIONS.get(doc_type, ()):
        column = linker.settings.relations.get(relation)
        if column is None or holder not in scored or other not in scored:
            continue
        limit = linker.settings.thresholds.max_candidates
        pairs = [(holder, other, column)]
        if relation == "spouse":
            pairs.append((other, holder, column))
        for a, b, col in pairs:
            ids = [rows[a][c.citizen_id].get(col) for c in scored[a][:limit]]
            scored[b] = linker.extend(queries[b], rows[b], [i for i in ids if i], scored[b])


def _family(linker: Linker, doc_type: str, scored: dict[str, list[CandidateMatch]],
            rows: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Add the family weight to every candidate pair that agrees with the document."""
    for holder, relation, other in RELATIONS.get(doc_type, ()):
        column = linker.settings.relations.get(relation)
        if column is None or holder not in scored or other not in scored:
            continue
        other_ids = {c.citizen_id for c in scored[other]}
        pairs = {(c.citizen_id, rows[holder][c.citizen_id].get(column))
                 for c in scored[holder]}
        agree = {(h, o) for h, o in pairs if o in other_ids}
        holders, others = {h for h, _ in agree}, {o for _, o in agree}
        scored[holder] = sorted([_bonus(c, relation) if c.citizen_id in holders else c
                                 for c in scored[holder]], key=lambda c: -c.weight)
        scored[other] = sorted([_bonus(c, relation) if c.citizen_id in others else c
                                for c in scored[other]], key=lambda c: -c.weight)


def _contradictions(linker: Linker, doc_type: str, results: dict[str, LinkResult],
                    rows: dict[str, dict[str, dict[str, Any]]]) -> None:
    """Both linked, but the registry relates the holder to someone else: review both."""
    for holder, relation, other in RELATIONS.get(doc_type, ()):
        column = linker.settings.relations.get(relation)
        a, b = results.get(holder), results.get(other)
        if column is None or a is None or b is None or a.match != "linked" or b.match != "linked":
            continue
        registered = rows[holder][a.citizen_id or ""].get(column)
        if registered and registered != b.citizen_id:
            for r in (a, b):
                r.match, r.citizen_id = "candidate", None
                r.issues.append(f"family_mismatch_{relation}")


def _check_id(query: PersonQuery, result: LinkResult) -> None:
    """An ID on the document must agree with the linked (or best) candidate."""
    if not query.id_number or not result.candidates:
        return
    best = result.candidates[0]
    id_terms = [t for t in best.explanation if t.comparison in ("id_number", "cmnd")]
    if any(t.level == "else" for t in id_terms):
        result.issues.append("id_mismatch")
        if result.match == "linked":
            result.match, result.citizen_id = "candidate", None
    elif not id_terms:
        result.issues.append("id_not_in_registry")
    elif result.match == "linked":
        result.issues.append("id_verified")


def link_document(linker: Linker, doc_type: str, queries: list[PersonQuery]) -> list[LinkResult]:
    with linker.connection():  # the persons and their relatives read through one connection
        return _link_document(linker, doc_type, queries)


def _link_document(linker: Linker, doc_type: str, queries: list[PersonQuery]
                   ) -> list[LinkResult]:
    raw = linker.link_scored(queries)
    roles = [q.role for q in queries]
    scored = {role: s for role, (_r, _c, s) in zip(roles, raw)}
    rows = {role: cands for role, (_r, cands, _s) in zip(roles, raw)}
    _relatives(linker, doc_type, {role: r for role, (r, _c, _s) in zip(roles, raw)}, scored,
               rows)
    _family(linker, doc_type, scored, rows)
    results = {role: linker.decide(role, scored[role]) for role in roles}
    for q in queries:
        _check_id(q, results[q.role])
    _contradictions(linker, doc_type, results, rows)
    linker.keep_rows({r.citizen_id: rows[role][r.citizen_id] for role, r in results.items()
                      if r.match == "linked" and r.citizen_id in rows[role]})
    return [results[r] for r in roles]


def to_person_link(result: LinkResult) -> Any:
    from pipeline.models import Candidate, MatchState, PersonLink

    cands = [Candidate(citizen_id=c.citizen_id, score=c.score, weight=c.weight,
                       explanation=[t.model_dump() for t in c.explanation])
             for c in result.candidates]
    extra = {"issues": result.issues} if result.issues else {}
    return PersonLink(role=result.role, citizen_id=result.citizen_id,
                      match=MatchState(result.match), score=result.score, candidates=cands,
                      **extra)


def link_record(linker: Linker, record: Any) -> list[Any]:
    """`PersonLink`s for the persons of a record (empty when the record names none)."""
    queries = person_queries(record)
    if not queries:
        return []
    return [to_person_link(r) for r in link_document(linker, record.doc_type.value, queries)]
