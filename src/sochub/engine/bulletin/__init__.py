"""The partnership bulletin without Django: sections, quarter names, safe text rendering, edition contents,
ordering within a section, and feedback figures (with the bar geometry of its chart).

Everything here takes plain data and returns plain data, so it is tested on its own.
"""

from __future__ import annotations

from .contents import ArticleRef, ContentsSection, contents, move
from .feedback import BarChart, BarRow, FeedbackSummary, Response, bar_chart, summarise
from .quarters import SEASONS, next_quarter, quarter_name, quarter_of
from .sections import SECTION_IDS, SECTIONS, Section, section_label
from .text import paragraphs, render_text

__all__ = [
    "SEASONS",
    "SECTIONS",
    "SECTION_IDS",
    "ArticleRef",
    "BarChart",
    "BarRow",
    "ContentsSection",
    "FeedbackSummary",
    "Response",
    "Section",
    "bar_chart",
    "contents",
    "move",
    "next_quarter",
    "paragraphs",
    "quarter_name",
    "quarter_of",
    "render_text",
    "section_label",
    "summarise",
]
