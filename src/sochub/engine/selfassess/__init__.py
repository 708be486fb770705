"""Public fraud and cyber vulnerability self-assessment: an adaptive questionnaire placing a person in a segment.

The questionnaire (questions, routing, segments and advice) is versioned YAML reference data, validated on load;
the shipped one is SOC Hub's own default (``official: false``), not the Home Office's. The web pages
(``sochub.protect``) and ``sochub selfassess`` use the same functions.

- :func:`load_questionnaire` / :func:`parse_questionnaire` -> :class:`Questionnaire`; :func:`dump_questionnaire`
- :func:`next_step` -> :class:`Step` (the next question, or the segment); :func:`score` -> :class:`Result`
- :func:`read_survey` + :func:`build_tree` -> :class:`TreeBuild` (routing learned from a survey);
  :func:`synthetic_survey` for tests and the demo
"""

from .model import (
    DEFAULT_QUESTIONNAIRE,
    Answer,
    Node,
    Question,
    Questionnaire,
    QuestionnaireError,
    Segment,
    dump_questionnaire,
    fingerprint,
    load_questionnaire,
    parse_questionnaire,
)
from .routing import AnswerError, IncompleteError, Result, Step, combined_advice, most_questions_left, next_step, score
from .survey import Survey, SurveyError, read_survey, survey_from_rows, synthetic_survey, write_survey
from .tree import TreeBuild, TreeError, build_tree

__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "Answer",
    "AnswerError",
    "IncompleteError",
    "Node",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Result",
    "Segment",
    "Step",
    "Survey",
    "SurveyError",
    "TreeBuild",
    "TreeError",
    "build_tree",
    "combined_advice",
    "dump_questionnaire",
    "fingerprint",
    "load_questionnaire",
    "most_questions_left",
    "next_step",
    "parse_questionnaire",
    "read_survey",
    "score",
    "survey_from_rows",
    "synthetic_survey",
    "write_survey",
]
