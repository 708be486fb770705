"""Which scoring models are in force: an agency's own files in SOCHUB_RISK_MODELS_DIR, else SOC Hub's defaults."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sochub.engine import prioritise, scoring

from .models import Subject

_FILES = {
    Subject.THEME: "theme.yaml",
    Subject.OCG: "ocg.yaml",
    Subject.NOMINAL: "nominal.yaml",
    Subject.OCG_ATTRIBUTES: "ocg-attributes.yaml",
}


def _own(name: str) -> Path | None:
    folder = settings.SOCHUB_RISK_MODELS_DIR
    path = folder / name if folder else None
    return path if path is not None and path.is_file() else None


def harm_model(subject: str) -> scoring.ScoringModel:
    """The harm-based model for a theme, an OCG or a nominal (raises ScoringModelError naming the file)."""
    path = _own(_FILES[Subject(subject)])
    return scoring.load_scoring_model(path) if path else scoring.default_scoring_model(subject)  # type: ignore[arg-type]


def attribute_model() -> scoring.AttributeModel:
    path = _own(_FILES[Subject.OCG_ATTRIBUTES])
    return scoring.load_attribute_model(path or scoring.DEFAULT_ATTRIBUTES)


def prioritisation_model(path: str | Path | None = None) -> prioritise.PrioritisationModel:
    """``path`` if given (the CLI's --model), else the agency's prioritisation.yaml, else the open default."""
    return prioritise.load_model(path or _own("prioritisation.yaml"))
