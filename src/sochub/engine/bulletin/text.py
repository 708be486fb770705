"""Article text as safe HTML: plain paragraphs with a small subset of Markdown, escaped first.

Everything the author wrote is HTML-escaped before any markup is added, so raw HTML never survives: ``<script>``
arrives as the text ``&lt;script&gt;``. The subset is: paragraphs (a blank line), line breaks, bullet lists
(lines starting ``- `` or ``* ``), ``**bold**``, ``*italic*`` and links ``[text](https://...)`` whose address
starts with ``https://``, ``http://`` or ``mailto:`` (anything else stays as text).
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_LINK = re.compile(r"\[([^\[\]]{1,300})\]\(((?:https?://|mailto:)[^\s()<>\"']{1,500})\)", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-*]\s+")
MAX_LENGTH = 50_000


def paragraphs(text: str) -> list[str]:
    """Blocks of text separated by blank lines, with surrounding spaces removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


def _inline(escaped: str) -> str:
    """Inline markup on text that is already escaped."""

    def link(m: re.Match[str]) -> str:
        # the address was escaped with the rest (so & is &amp; and no quote is left): safe in a quoted attribute
        return f'<a class="govuk-link" href="{m.group(2)}" rel="noopener noreferrer">{m.group(1)}</a>'

    out = _LINK.sub(link, escaped)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _ITALIC.sub(r"<em>\1</em>", out)


def render_text(text: str, *, markdown: bool = True) -> str:
    """The article body as HTML paragraphs (and lists), every character of the author's text escaped."""
    blocks: list[str] = []
    for block in paragraphs((text or "")[:MAX_LENGTH]):
        lines = block.split("\n")
        if markdown and all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(html.escape(_BULLET.sub('', line).strip()))}</li>" for line in lines)
            blocks.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
            continue
        escaped = [html.escape(line.strip()) for line in lines]
        body = "<br>".join(_inline(line) if markdown else line for line in escaped)
        blocks.append(f'<p class="govuk-body">{body}</p>')
    return "\n".join(blocks)
