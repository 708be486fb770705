"""An edition's contents: its articles grouped by section in the bulletin's order, and ordered within each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .sections import SECTIONS


@dataclass(frozen=True)
class ArticleRef:
    id: int
    section: str
    position: int
    title: str


@dataclass
class ContentsSection:
    id: str
    label: str
    articles: list[ArticleRef] = field(default_factory=list)


def contents(articles: Sequence[ArticleRef]) -> list[ContentsSection]:
    """Sections that hold articles, in the bulletin's order, each with its articles by position (then id);
    articles of an unknown section come last under their own id."""
    known = {s.id for s in SECTIONS}
    out = [ContentsSection(s.id, s.label) for s in SECTIONS]
    extra: dict[str, ContentsSection] = {}
    by_id = {s.id: s for s in out}
    for article in sorted(articles, key=lambda a: (a.position, a.id)):
        if article.section in known:
            by_id[article.section].articles.append(article)
        else:
            extra.setdefault(article.section, ContentsSection(article.section, article.section)).articles.append(
                article
            )
    return [s for s in out if s.articles] + list(extra.values())


def move(order: Sequence[int], item: int, step: int) -> list[int]:
    """``order`` with ``item`` moved ``step`` places (negative: earlier), stopping at either end.

    >>> move([1, 2, 3], 3, -1)
    [1, 3, 2]
    """
    items = list(order)
    if item not in items:
        raise ValueError(f"{item} is not in the order")
    at = items.index(item)
    to = max(0, min(len(items) - 1, at + step))
    items.insert(to, items.pop(at))
    return items
