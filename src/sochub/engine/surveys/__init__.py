"""Partner surveys without a database: checking a survey's definition, checking one agency's answers, adding up
the answers per question, drawing bar charts as plain geometry, and shaping the responses as CSV rows.

A question is one of five kinds: single choice, multiple choice, number, free text and scale. Every problem is
returned as a :class:`Problem` naming the field at fault and saying, in plain English, how to put it right.

- :func:`check_definition` -> problems of a title and its questions (empty when the survey can be saved)
- :func:`check_answers` -> the cleaned answers and the problems (required questions only when submitting)
- :func:`aggregate` -> a :class:`QuestionResult` per question
- :func:`bar_chart` -> a :class:`BarChart` to draw as SVG (the page draws it; a table says the same)
- :func:`csv_table` -> header and rows of the responses (formula-like cells escaped)
"""

from .definition import (
    KIND_LABELS,
    KINDS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    Problem,
    Question,
    check_answers,
    check_definition,
    check_question,
    check_ready,
)
from .results import (
    BarChart,
    BarRow,
    QuestionResult,
    RateRow,
    aggregate,
    bar_chart,
    csv_table,
    response_rate,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "MAX_OPTIONS",
    "MAX_QUESTIONS",
    "BarChart",
    "BarRow",
    "Problem",
    "Question",
    "QuestionResult",
    "RateRow",
    "aggregate",
    "bar_chart",
    "check_answers",
    "check_definition",
    "check_question",
    "check_ready",
    "csv_table",
    "response_rate",
]
