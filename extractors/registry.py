"""Which forms exist: every module of the `extractors` package that declares `FORM`.

Discovery instead of a hand-kept list is what makes adding a form a matter of adding a
module (`extractors/marriage_certificate.py` declaring `FORM = FormSpec(...)`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import extractors
from extractors.form_spec import FormSpec
from pipeline.errors import ConfigError
from pipeline.models import DocType


@cache
def form_specs() -> dict[DocType, FormSpec]:
    specs: dict[DocType, FormSpec] = {}
    for mod in pkgutil.iter_modules(extractors.__path__):
        if mod.ispkg or mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"extractors.{mod.name}")
        spec = getattr(module, "FORM", None)
        if not isinstance(spec, FormSpec):
            continue
        errors = spec.validate()
        if errors:
            raise ConfigError(f"form extractors.{mod.name} is declared wrongly: "
                              + "; ".join(errors), stage="extract",
                              hint="fix the FormSpec in that module")
        specs[spec.doc_type] = spec
    return specs
