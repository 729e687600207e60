"""Causes of death: common causes OCR garbled snapped back; others kept as read."""

import pytest

from extractors.normalise import NORMALISERS

cause = NORMALISERS["cause_of_death"]


@pytest.mark.parametrize(("raw", "want", "clean"), [
    ("Đôt quy", "Đột quỵ", True),  # only marks lost: the letters are the entry's
    ("Bệnh hiểm nghèO", "Bệnh hiểm nghèo", True),
    ("Ung thự gạn", "Ung thư gan", True),
    ("Suy thân", "Suy thận", True),
    ("Ung thư phối", "Ung thư phổi", True),
])
def test_common_cause_respelled(raw: str, want: str, clean: bool) -> None:
    result = cause(raw)
    assert result.value == want and result.repaired and result.clean is clean


@pytest.mark.parametrize("raw", ["Sốt rét", "Ung thư vú", "Bị sét đánh", "Ung thư qan"])
def test_other_or_ambiguous_cause_kept_as_read(raw: str) -> None:
    # 'Ung thư qan' is one edit from 'gan' and two from 'máu': no clear winner
    result = cause(raw)
    assert result.value == raw and not result.repaired and not result.issues
