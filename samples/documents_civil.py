"""Civil-status documents (birth, marriage, death) from registry people: what the form prints
and the record-format truth for every field key of records.md.

Each builder takes people already chosen by the factory (documents.py), so the sampling policy
(who gets a document) stays in one place and the printing rules here stay pure."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from samples.content import DocumentContent
from samples.documents_common import (
    CCCD_START,
    add_place_code,
    LATEST,
    blank_or,
    dmy,
    gender_text,
    id_document,
    new_units,
    printed_name,
    random_between,
    registration_numbers,
)
from samples.registry_io import Person
from samples.registry_places import lower_unit_type
from samples.vietnamese_words import date_words, random_style, time_words

CAUSES_OF_DEATH = ("Bệnh già", "Tai biến mạch máu não", "Nhồi máu cơ tim", "Ung thư phổi",
                   "Ung thư gan", "Suy tim", "Tai nạn giao thông", "Viêm phổi", "Suy thận mạn",
                   "Đột quỵ", "Bệnh hiểm nghèo")


def _place_of_birth(child: Person, new: bool, rng: random.Random) -> tuple[str, bool]:
    """(text, resolves to the birth ward): a hospital or health station, or the ward itself."""
    if rng.random() < 0.3:
        prov = child.birth_ward.new_province if new else child.birth_ward.province
        return f"Bệnh viện Đa khoa {lower_unit_type(prov)}", False
    if rng.random() < 0.3:
        ward = child.birth_ward.new_ward if new else child.birth_ward.ward
        return f"Trạm Y tế {lower_unit_type(ward)}", False
    return child.birth_ward.text(new), True


def _parent(prefix: str, p: Person | None, new: bool, rng: random.Random,
            printed: dict[str, str], truth: dict[str, Any]) -> None:
    keys = ("name", "birth_year", "ethnicity", "nationality", "residence")
    if p is None:
        for k in keys:
            printed[f"{prefix}_{k}"] = ""
            truth[f"{prefix}_{k}"] = None
        return
    shown, norm = printed_name(p.full_name, rng)
    residence = p.residence(new)
    values = (norm, p.dob.year, p.ethnicity, "Việt Nam", residence)
    for k, shown_v, v in zip(keys, (shown, str(p.dob.year), p.ethnicity, "Việt Nam", residence),
                             values):
        printed[f"{prefix}_{k}"] = shown_v
        truth[f"{prefix}_{k}"] = v
    add_place_code(truth, f"{prefix}_residence", p.res_ward, new)


def birth_certificate(doc_id: str, child: Person, mother: Person, father: Person | None,
                      signer: str, rng: random.Random) -> DocumentContent:
    """Registered within two months of birth, or re-registered ('Đăng ký lại') years later."""
    if rng.random() < 0.15:
        reg_date = random_between(rng, max(child.dob + timedelta(days=365), date(2010, 1, 1)), LATEST)
    else:
        reg_date = min(child.dob + timedelta(days=rng.randint(3, 60)), LATEST)
    new = new_units(reg_date)
    style = random_style(rng)
    name_shown, name_norm = printed_name(child.full_name, rng)
    sex_shown, sex_norm = gender_text(child.female)
    number, book = registration_numbers(reg_date, rng)
    pid = child.personal_id if reg_date >= CCCD_START else ""
    pob, pob_is_ward = _place_of_birth(child, new, rng)
    hometown = child.home_ward.text(new)
    authority = mother.res_ward.authority(new)
    printed = {
        "registration_number": number, "book_number": book, "full_name": name_shown,
        "date_of_birth": dmy(child.dob, rng), "date_of_birth_words": date_words(child.dob, style),
        "gender": sex_shown, "ethnicity": child.ethnicity, "nationality": "Việt Nam",
        "place_of_birth": pob, "hometown": hometown, "personal_id": pid,
        "registration_place": authority, "registration_date": dmy(reg_date, rng),
        "signer_name": signer,
    }
    truth: dict[str, Any] = {
        "registration_number": number, "book_number": book, "full_name": name_norm,
        "date_of_birth": child.dob.isoformat(), "date_of_birth_words": child.dob.isoformat(),
        "gender": sex_norm, "ethnicity": child.ethnicity, "nationality": "Việt Nam",
        "place_of_birth": pob, "hometown": hometown, "personal_id": pid or None,
    }
    _parent("mother", mother, new, rng, printed, truth)
    _parent("father", father, new, rng, printed, truth)
    truth["registration_place"] = authority
    truth["registration_date"] = reg_date.isoformat()
    if pob_is_ward:
        add_place_code(truth, "place_of_birth", child.birth_ward, new)
    add_place_code(truth, "hometown", child.home_ward, new)
    add_place_code(truth, "registration_place", mother.res_ward, new)
    declarant = father if father is not None and rng.random() < 0.7 else mother
    printed["declarant_name"] = printed_name(declarant.full_name, rng, variants=False)[0]
    printed["declarant_id_document"] = id_document(declarant, reg_date, rng)[0]
    persons = [{"role": "subject", "citizen_id": child.citizen_id},
               {"role": "mother", "citizen_id": mother.citizen_id}]
    if father is not None:
        persons.append({"role": "father", "citizen_id": father.citizen_id})
    return DocumentContent(doc_id, "birth_certificate", printed, truth, persons)


def _spouse(prefix: str, p: Person, on: date, new: bool, rng: random.Random,
            printed: dict[str, str], truth: dict[str, Any]) -> None:
    shown, norm = printed_name(p.full_name, rng)
    id_text, id_number, _ = id_document(p, on, rng)
    residence = p.residence(new)
    printed.update({
        f"{prefix}_name": shown, f"{prefix}_date_of_birth": dmy(p.dob, rng),
        f"{prefix}_ethnicity": p.ethnicity, f"{prefix}_nationality": "Việt Nam",
        f"{prefix}_residence": residence, f"{prefix}_id_number": id_number,
        f"{prefix}_id_document": id_text,
    })
    truth.update({
        f"{prefix}_name": norm, f"{prefix}_date_of_birth": p.dob.isoformat(),
        f"{prefix}_ethnicity": p.ethnicity, f"{prefix}_nationality": "Việt Nam",
        f"{prefix}_residence": residence, f"{prefix}_id_number": id_number or None,
    })
    add_place_code(truth, f"{prefix}_residence", p.res_ward, new)


def marriage_certificate(doc_id: str, wife: Person, husband: Person, signer: str,
                         rng: random.Random) -> DocumentContent:
    """Registered once both are of age (18/20), a few years after the younger came of age."""
    of_age = max(date(wife.dob.year + 18, wife.dob.month, min(wife.dob.day, 28)),
                 date(husband.dob.year + 20, husband.dob.month, min(husband.dob.day, 28)))
    reg_date = random_between(rng, of_age, min(of_age + timedelta(days=365 * 8), LATEST))
    new = new_units(reg_date)
    number, book = registration_numbers(reg_date, rng)
    printed: dict[str, str] = {"registration_number": number, "book_number": book}
    truth: dict[str, Any] = {"registration_number": number, "book_number": book}
    _spouse("wife", wife, reg_date, new, rng, printed, truth)
    _spouse("husband", husband, reg_date, new, rng, printed, truth)
    registrar = wife if rng.random() < 0.5 else husband
    authority = registrar.res_ward.authority(new)
    add_place_code(truth, "registration_place", registrar.res_ward, new)
    printed.update({"registration_place": authority, "registration_date": dmy(reg_date, rng),
                    "signer_name": signer})
    truth.update({"registration_place": authority, "registration_date": reg_date.isoformat()})
    persons = [{"role": "wife", "citizen_id": wife.citizen_id},
               {"role": "husband", "citizen_id": husband.citizen_id}]
    return DocumentContent(doc_id, "marriage_certificate", printed, truth, persons)


def death_certificate(doc_id: str, dead: Person, declarant: str, signer: str,
                      rng: random.Random) -> DocumentContent:
    assert dead.dod is not None, "death_certificate needs a person with a date of death"
    reg_date = min(dead.dod + timedelta(days=rng.randint(1, 20)), LATEST)
    new = new_units(reg_date)
    number, book = registration_numbers(reg_date, rng)
    name_shown, name_norm = printed_name(dead.full_name, rng)
    sex_shown, sex_norm = gender_text(dead.female)
    hour, minute = rng.randint(0, 23), rng.choice([0, 5, 10, 15, 20, 30, 40, 45, 50, rng.randint(0, 59)])
    at_home = rng.random() < 0.6
    place = (f"Tại nhà, {dead.residence(new)}" if at_home
             else f"Bệnh viện Đa khoa {lower_unit_type(dead.res_ward.new_province if new else dead.res_ward.province)}")
    cause = rng.choice(CAUSES_OF_DEATH)
    pid = dead.personal_id if reg_date >= CCCD_START else ""
    authority = dead.res_ward.authority(new)
    printed = {
        "registration_number": number, "book_number": book, "full_name": name_shown,
        "date_of_birth": dmy(dead.dob, rng), "gender": sex_shown, "ethnicity": dead.ethnicity,
        "nationality": "Việt Nam", "personal_id": pid, "date_of_death": dmy(dead.dod, rng),
        "time_of_death": f"{hour:02d}:{minute:02d}" if rng.random() < 0.7 else f"{hour}:{minute:02d}",
        "id_document": id_document(dead, reg_date, rng)[0],
        "date_of_death_words": f"{time_words(hour, minute)}, {date_words(dead.dod, random_style(rng)).lower()}",
        "place_of_death": place, "cause_of_death": cause, "registration_place": authority,
        "registration_date": dmy(reg_date, rng), "declarant_name": declarant,
        "signer_name": signer,
    }
    truth: dict[str, Any] = {
        "registration_number": number, "book_number": book, "full_name": name_norm,
        "date_of_birth": dead.dob.isoformat(), "gender": sex_norm, "ethnicity": dead.ethnicity,
        "nationality": "Việt Nam", "personal_id": blank_or(pid) or None,
        "date_of_death": dead.dod.isoformat(), "time_of_death": f"{hour:02d}:{minute:02d}",
        "place_of_death": place, "cause_of_death": cause, "registration_place": authority,
        "registration_date": reg_date.isoformat(),
    }
    if at_home:
        add_place_code(truth, "place_of_death", dead.res_ward, new)
    add_place_code(truth, "registration_place", dead.res_ward, new)
    return DocumentContent(doc_id, "death_certificate", printed, truth,
                           [{"role": "subject", "citizen_id": dead.citizen_id}])
