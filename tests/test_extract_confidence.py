"""The evidence behind field confidence, the new cross-checks, and the fitted model."""

from __future__ import annotations

from datetime import date

from extractors.birth_certificate import FORM
from extractors.confidence import FieldEvidence, calibrated_confidence, load_model
from extractors.evidence import is_province, name_features, place_features, value_features
from extractors.normalise.syllables import is_vietnamese_syllable
from extractors.normalise.text import normalise_place
from extractors.review import FieldDraft, review
from pipeline.config import Settings


def test_syllable_shape() -> None:
    for w in ("Nguyễn", "Hương", "Quỳnh", "Giang", "Thuột", "Đắk", "Ngọc", "Khuê"):
        assert is_vietnamese_syllable(w), w
    for w in ("Irường", "Phượơng", "Nguyênthanh", "Nzuyx", "Mri", "Truna", "Nahĩa"):
        assert not is_vietnamese_syllable(w), w


def test_place_periods_read_as_commas_and_capital_start() -> None:
    assert normalise_place("Thôn 15. Xã Kim Đức. Huyện Gia Lâm. Thành phố Hà Nội").value == (
        "Thôn 15, Xã Kim Đức, Huyện Gia Lâm, Thành phố Hà Nội")
    assert normalise_place("xã Bình Thạnh, Huyện Cao Lãnh").value == "Xã Bình Thạnh, Huyện Cao Lãnh"
    assert normalise_place("Huyện Châu Thành,. Tỉnh Hậu Giang").value == (
        "Huyện Châu Thành, Tỉnh Hậu Giang")


def test_place_features_see_truncation_and_misspelling() -> None:
    full = place_features("Ủy ban nhân dân xã Đông Tiến, thành phố Thanh Hóa, tỉnh Thanh Hóa")
    assert full["all_known"] == 1.0 and full["province_last"] == 1.0
    cut = place_features("Ủy ban nhân dân xã Đông Tiến, thành phố Thanh Hóa, tỉnh")
    assert cut["all_known"] == 0.0 and cut["province_last"] == 0.0
    assert place_features("Xã Nahĩa Hải, Huyện Nahĩa Hưng, Tỉnh Nam Định")["all_known"] == 0.0
    assert not is_province("Thành phố Thủ Đức") and is_province("Tỉnh Lâm Đồng")
    assert place_features("Ủy bap nhân dân xã Ea Drơng")["all_known"] == 0.0


def test_name_features() -> None:
    good = name_features("Nguyễn Thị Hương Giang")
    assert good["all_syllables"] == good["surname"] == good["name_words"] == 1.0
    bad = name_features("Nguyênthanhthảo")
    assert bad["all_syllables"] == 0.0 and bad["n_words_ok"] == 0.0
    assert name_features("Trương Vặn Kiên")["name_words"] == 0.0


def test_vocab_exact_and_debris() -> None:
    from extractors.normalise import NORMALISERS

    r = NORMALISERS["ethnicity"]("Kinh")
    assert value_features("ethnicity", "Kinh", r)["exact"] == 1.0
    r = NORMALISERS["nationality"]("ViệtNam")
    assert value_features("nationality", "ViệtNam", r)["exact"] == 0.0
    r = NORMALISERS["place"]("8ênh viện Đa khoa tỉnh Phú Yên")
    assert value_features("place", "8ênh viện Đa khoa tỉnh Phú Yên", r)["debris"] == 1.0


def _draft(key: str, value, *, blank: bool = False) -> FieldDraft:
    ev = FieldEvidence(ocr_min=0.9, ocr_mean=0.95, n_tokens=1, label_score=100, parsed=True,
                       clean=True, blank=blank, key=key)
    return FieldDraft(key, None if blank else value, None if blank else str(value), evidence=ev)


def _review(drafts):
    return review(drafts, FORM, Settings(), today=date(2026, 1, 1))


def test_parent_age_and_book_year_checks() -> None:
    drafts = {"date_of_birth": _draft("date_of_birth", "1990-07-02"),
              "mother_birth_year": _draft("mother_birth_year", 1965),
              "father_birth_year": _draft("father_birth_year", 1890),
              "book_number": _draft("book_number", "02/2019"),
              "registration_date": _draft("registration_date", "2019-11-20")}
    out = _review(drafts)
    assert drafts["mother_birth_year"].evidence.agreements >= 1
    assert "implausible_parent_age" in out["father_birth_year"].issues
    assert out["father_birth_year"].state.value == "flagged"
    assert drafts["book_number"].evidence.agreements == 1


def test_blank_personal_id_expected_before_2016_only() -> None:
    old = {"personal_id": _draft("personal_id", None, blank=True),
           "registration_date": _draft("registration_date", "2010-03-01")}
    _review(old)
    assert old["personal_id"].evidence.agreements == 1
    new = {"personal_id": _draft("personal_id", None, blank=True),
           "registration_date": _draft("registration_date", "2019-03-01")}
    out = _review(new)
    assert "personal_id_expected" in out["personal_id"].issues
    assert out["personal_id"].state.value == "flagged"


def test_blank_line_among_filled_parent_lines_is_flagged() -> None:
    drafts = {"mother_name": _draft("mother_name", "Lương Thị Yến"),
              "mother_ethnicity": _draft("mother_ethnicity", None, blank=True)}
    out = _review(drafts)
    assert "blank_among_filled" in out["mother_ethnicity"].issues
    assert out["mother_ethnicity"].state.value == "flagged"


def test_disagreement_is_never_auto_accepted() -> None:
    drafts = {"date_of_birth": _draft("date_of_birth", "1990-07-02"),
              "date_of_birth_words": _draft("date_of_birth_words", "1990-07-03")}
    out = _review(drafts)
    assert out["date_of_birth"].state.value == out["date_of_birth_words"].state.value == "flagged"


PAGE_READ_WELL = {"doc_ocr_mean": 0.9, "doc_labels": 1.0}  # extractors.reader quality


def test_fitted_model_separates_clean_from_garbled() -> None:
    assert load_model(), "extractors/data/confidence_model.json missing"
    clean = FieldEvidence(ocr_min=0.4, ocr_mean=0.6, n_tokens=1, label_score=100, parsed=True,
                          clean=True, key="ethnicity", family="vocab",
                          features={"exact": 1.0, "debris": 0.0, **PAGE_READ_WELL})
    garbled = FieldEvidence(ocr_min=0.4, ocr_mean=0.6, n_tokens=1, label_score=100,
                            parsed=True, clean=False, key="ethnicity", family="vocab",
                            features={"exact": 0.0, "debris": 1.0, **PAGE_READ_WELL})
    hi, lo = calibrated_confidence(clean), calibrated_confidence(garbled)
    assert 0.0 <= lo < hi <= 0.999
    # a low OCR word confidence alone does not sink a clean vocabulary value
    assert hi >= calibrated_confidence.accept_threshold(clean)  # type: ignore[attr-defined]


def test_place_of_death_lead_in_is_not_judged_as_an_address() -> None:
    address = "Số 49, tổ 19, Thị trấn Tuy Phước, Huyện Tuy Phước, Tỉnh Bình Định"
    assert place_features(f"Tại nhà, {address}") == place_features(address)
    assert place_features("Tại Bệnh viện đa khoa tỉnh Bình Định")["all_known"] == 1.0
    assert place_features("Tại nhà")["all_known"] == 0.0  # nothing after it to judge


def test_land_codes_vocabulary_and_authority_features() -> None:
    from extractors.normalise import NORMALISERS

    def feats(normaliser: str, raw: str) -> dict[str, float]:
        return value_features(normaliser, raw, NORMALISERS[normaliser](raw))

    assert feats("land_serial", "BS 278611")["shape"] == 1.0
    assert feats("land_serial", "BT 07377")["shape"] == 0.0
    assert feats("land_registry_number", "CS 05494")["shape"] == 1.0
    assert feats("land_origin", "Nhà nước giao đất có thu tiền sử dụng đất")["exact"] == 1.0
    assert feats("land_origin", "Nhà nước giao đất có thụ tiền sử dụng đất")["exact"] == 0.0
    good = feats("authority", "Sở Tài nguyên và Môi trường tỉnh Bình Phước")
    assert good["exact"] == good["unit_known"] == 1.0
    misread = feats("authority", "Sở Tài nguyên và Môi trường tỉnh Bình Phưóc")
    assert misread["exact"] == 0.0  # re-spelled: the text as read was not the name
    assert feats("authority", "Sở Tài nguyên và Môi trường tỉnh Bình Phưóc Xyz")[
        "unit_known"] == 0.0


def test_blank_lines_are_grouped_by_whether_the_form_may_leave_them_empty() -> None:
    from extractors.confidence import blank_group

    def group(key: str, family: str, label: float = 100.0) -> str:
        return blank_group(FieldEvidence(blank=True, key=key, family=family,
                                         label_score=label))

    assert group("holder_2_name", "name", label=0.0) == "absent"  # the block is not there
    assert group("wife_id_number", "id_number") == group("personal_id", "id_number") == "id"
    assert group("book_number", "register_number") == "register"
    assert group("father_name", "name") == "father"
    assert group("registration_place", "place") == "other"


def test_word_confidences_count_by_steps_and_not_on_text_layers() -> None:
    from extractors.confidence import feature_vector

    ocr = feature_vector(FieldEvidence(ocr_min=0.91, ocr_mean=0.96, n_tokens=2, parsed=True,
                                       family="date", text_layer=False))
    assert (ocr["ocr_min_ge80"], ocr["ocr_min_ge90"], ocr["ocr_min_ge95"]) == (1.0, 1.0, 0.0)
    assert (ocr["ocr_mean_ge90"], ocr["ocr_mean_ge95"]) == (1.0, 1.0)
    printed = feature_vector(FieldEvidence(ocr_min=1.0, ocr_mean=1.0, n_tokens=2, parsed=True,
                                           family="date", text_layer=True))
    assert not any(v for k, v in printed.items() if k.startswith(("ocr_min", "ocr_mean")))


def test_a_repair_never_makes_a_reading_surer(monkeypatch) -> None:
    """Whatever weight the fitted model gives a repair, a repaired value scores at most what
    the same reading needing no repair would."""
    from extractors import confidence

    model = {"date": {"weights": {"bias": 1.0, "repaired": 2.0, "clean": -1.0},
                      "threshold": 0.9}}
    monkeypatch.setattr(confidence, "load_model", lambda: model)
    ev = confidence.FieldEvidence(ocr_min=0.9, ocr_mean=0.9, n_tokens=1, parsed=True,
                                  clean=False, repaired=True, family="date", key="d")
    same = confidence.FieldEvidence(ocr_min=0.9, ocr_mean=0.9, n_tokens=1, parsed=True,
                                    clean=True, family="date", key="d")
    assert confidence.calibrated_confidence(ev) == confidence.calibrated_confidence(same)


def test_a_date_read_back_is_at_most_as_sure_as_such_dates_were_right(monkeypatch) -> None:
    """A date whose figures were read back ('91/08/1989' as the 1st) scores at most the share
    of such dates found right, however sure its words were."""
    from extractors import confidence

    model = {"date": {"weights": {"bias": 9.0}, "threshold": 0.9}}
    monkeypatch.setattr(confidence, "load_model", lambda: model)
    ev = confidence.FieldEvidence(ocr_min=0.99, ocr_mean=0.99, n_tokens=1, parsed=True,
                                  repaired=True, family="date", key="d")
    assert confidence.calibrated_confidence(ev) == confidence.READ_BACK_RIGHT
    ev.repaired = False
    assert confidence.calibrated_confidence(ev) > confidence.READ_BACK_RIGHT
