"""Normalisers by name, as form specs refer to them (`FieldSpec.normaliser`)."""

from __future__ import annotations

from collections.abc import Callable

from extractors.normalise.dates import normalise_date, normalise_date_words, normalise_year
from extractors.normalise.gender import normalise_gender
from extractors.normalise.id_document import normalise_id_document
from extractors.normalise.identity import normalise_id_number
from extractors.normalise.land import (
    normalise_area,
    normalise_area_words,
    normalise_authority,
    normalise_issue_date,
    normalise_land_origin,
    normalise_land_purpose,
    normalise_parcel_number,
    normalise_registry_number,
    normalise_serial,
    normalise_term,
    normalise_usage_form,
)
from extractors.normalise.names import normalise_name
from extractors.normalise.result import Normalised
from extractors.normalise.text import (
    normalise_cause_of_death,
    normalise_ethnicity,
    normalise_nationality,
    normalise_place,
    normalise_register_number,
    normalise_text,
)
from extractors.normalise.time_of_day import normalise_date_after_time, normalise_time_of_day

Normaliser = Callable[[str], Normalised]

NORMALISERS: dict[str, Normaliser] = {
    "text": normalise_text,
    "cause_of_death": normalise_cause_of_death,
    "place": normalise_place,
    "name": normalise_name,
    "date": normalise_date,
    "date_words": normalise_date_words,
    "year": normalise_year,
    "gender": normalise_gender,
    "id_number": normalise_id_number,
    "id_document": normalise_id_document,
    "ethnicity": normalise_ethnicity,
    "nationality": normalise_nationality,
    "register_number": normalise_register_number,
    "land_serial": normalise_serial,
    "land_registry_number": normalise_registry_number,
    "area": normalise_area,
    "area_words": normalise_area_words,
    "land_term": normalise_term,
    "usage_form": normalise_usage_form,
    "land_purpose": normalise_land_purpose,
    "land_origin": normalise_land_origin,
    "parcel_number": normalise_parcel_number,
    "issue_date": normalise_issue_date,
    "authority": normalise_authority,
    "time_of_day": normalise_time_of_day,
    "date_after_time": normalise_date_after_time,
}

__all__ = ["NORMALISERS", "Normalised", "Normaliser"]
