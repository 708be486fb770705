"""Threat, risk and harm scoring: MoRiLE-style harm models and an OCGM-style attribute assessment.

Models are versioned YAML reference data (``reference/``), validated on load; the shipped ones are SOC Hub's own
open default, not the licensed official scales. Every result records the model id and version it used.

- :func:`load_scoring_model` / :func:`default_scoring_model` -> :class:`ScoringModel`
- :func:`score_assessment` -> :class:`AssessmentResult` (section scores, risk, priority, confidence,
  organisational position, risk gap)
- :func:`rank_themes` -> the control-strategy table (:class:`ThemeRow`)
- :func:`load_attribute_model` + :func:`assess_ocg_attributes` -> :class:`AttributeResult` (points, band)
- :func:`compare` -> :class:`Comparison` (do the harm-based and attribute assessments of an OCG agree?)
"""

from ._files import ScoringModelError
from .assess import (
    AssessmentError,
    AssessmentResult,
    DimensionScore,
    SectionScore,
    ThemeRow,
    rank_themes,
    score_assessment,
)
from .model import (
    SECTIONS,
    SUBJECTS,
    TIERS,
    ScoringModel,
    default_scoring_model,
    load_scoring_model,
    parse_scoring_model,
)
from .ocg import (
    DEFAULT_ATTRIBUTES,
    AttributeModel,
    AttributeResult,
    AttributeScore,
    Comparison,
    assess_ocg_attributes,
    compare,
    load_attribute_model,
)

__all__ = [
    "DEFAULT_ATTRIBUTES",
    "SECTIONS",
    "SUBJECTS",
    "TIERS",
    "AssessmentError",
    "AssessmentResult",
    "AttributeModel",
    "AttributeResult",
    "AttributeScore",
    "Comparison",
    "DimensionScore",
    "ScoringModel",
    "ScoringModelError",
    "SectionScore",
    "ThemeRow",
    "assess_ocg_attributes",
    "compare",
    "default_scoring_model",
    "load_attribute_model",
    "load_scoring_model",
    "parse_scoring_model",
    "rank_themes",
    "score_assessment",
]
