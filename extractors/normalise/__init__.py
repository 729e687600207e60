"""Normalisers by name, as form specs refer to them (`FieldSpec.normaliser`)."""

from __future__ import annotations

from collections.abc import Callable

from extractors.normalise.dates import normalise_date, normalise_date_words, normalise_year
from extractors.normalise.gender import normalise_gender
from extractors.normalise.identity import normalise_id_number
from extractors.normalise.names import normalise_name
from extractors.normalise.result import Normalised
from extractors.normalise.text import (
    normalise_ethnicity,
    normalise_nationality,
    normalise_place,
    normalise_register_number,
    normalise_text,
)

Normaliser = Callable[[str], Normalised]

NORMALISERS: dict[str, Normaliser] = {
    "text": normalise_text,
    "place": normalise_place,
    "name": normalise_name,
    "date": normalise_date,
    "date_words": normalise_date_words,
    "year": normalise_year,
    "gender": normalise_gender,
    "id_number": normalise_id_number,
    "ethnicity": normalise_ethnicity,
    "nationality": normalise_nationality,
    "register_number": normalise_register_number,
}

__all__ = ["NORMALISERS", "Normalised", "Normaliser"]
