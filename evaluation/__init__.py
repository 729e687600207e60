"""Scoring SoHoa records against ground truth, exactly as shared/spec/records.md defines it.

Public front: `evaluate_folders` (load + validate + score), `score`, `values_equal`; the
report writers live in `evaluation.report`, the `sohoa eval` command in
`evaluation.cli.eval_command`, and the field keys per doc type in `evaluation.field_keys`.
"""

from evaluation.corpus import Corpus, Predictions, load_corpus, load_predictions
from evaluation.scores import Ratio, Scores, Timing, evaluate_folders, score, values_equal

__all__ = ["Corpus", "Predictions", "Ratio", "Scores", "Timing", "evaluate_folders",
           "load_corpus", "load_predictions", "score", "values_equal"]
