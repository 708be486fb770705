"""The bulletin engine: safe text, quarters, contents order, feedback figures and chart geometry."""

from __future__ import annotations

from datetime import date

import pytest

from sochub.engine import bulletin as engine


def test_text_is_escaped_before_any_markup() -> None:
    html = engine.render_text('<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> **bold** & *it*')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "&amp;" in html
    assert html.count('<p class="govuk-body">') == 2


def test_only_web_and_mail_links_become_links() -> None:
    html = engine.render_text("[GAIN](https://gain.example.gov.uk/a?b=1&c=2) [bad](javascript:alert(1))")
    assert '<a class="govuk-link" href="https://gain.example.gov.uk/a?b=1&amp;c=2"' in html
    assert "javascript:" in html and 'href="javascript' not in html
    quoted = engine.render_text('[x](https://e.gov.uk/"onmouseover="alert(1))')
    assert 'onmouseover="' not in quoted


def test_bullets_and_line_breaks() -> None:
    html = engine.render_text("Tools:\nsee below\n\n- one\n- <two>")
    assert "Tools:<br>see below" in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>&lt;two&gt;</li></ul>' in html
    assert engine.render_text("- a\n- b", markdown=False).startswith('<p class="govuk-body">- a<br>- b')


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 12, 1), "Winter 2026"),
        (date(2026, 2, 28), "Winter 2026"),
        (date(2026, 3, 1), "Spring 2026"),
        (date(2026, 8, 31), "Summer 2026"),
        (date(2026, 10, 15), "Autumn 2026"),
    ],
)
def test_quarter_names(day: date, name: str) -> None:
    assert engine.quarter_name(day) == name


def test_next_quarter_wraps_into_next_year() -> None:
    assert engine.next_quarter("Autumn", 2026) == ("Winter", 2027)
    assert engine.next_quarter("Winter", 2027) == ("Spring", 2027)


def test_contents_follow_section_order_then_position() -> None:
    refs = [
        engine.ArticleRef(1, "guidance", 0, "G"),
        engine.ArticleRef(2, "spotlight", 1, "S2"),
        engine.ArticleRef(3, "spotlight", 0, "S1"),
        engine.ArticleRef(4, "practical_tools", 0, "T"),
    ]
    out = engine.contents(refs)
    assert [s.id for s in out] == ["spotlight", "practical_tools", "guidance"]
    assert [a.title for a in out[0].articles] == ["S1", "S2"]


def test_move_stops_at_the_ends() -> None:
    assert engine.move([1, 2, 3], 1, -1) == [1, 2, 3]
    assert engine.move([1, 2, 3], 1, 1) == [2, 1, 3]
    assert engine.move([1, 2, 3], 3, 5) == [1, 2, 3]
    with pytest.raises(ValueError):
        engine.move([1, 2], 9, 1)


def test_feedback_summary_counts_every_article_and_ignores_others() -> None:
    responses = [
        engine.Response(frozenset({1, 2}), True, " Met HMRC about a car wash ", "", 5),
        engine.Response(frozenset({2, 99}), False, "ignored when not engaged", "More on county lines", 3),
        engine.Response(frozenset(), True, "", "", 4),
    ]
    s = engine.summarise([1, 2, 3], responses)
    assert s.helpful == {1: 1, 2: 2, 3: 0}
    assert s.engaged == 2 and s.engagement_quotes == ["Met HMRC about a car wash"]
    assert s.wishes == ["More on county lines"]
    assert s.ratings == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1} and s.average_rating == 4.0


def test_bar_chart_scales_to_the_largest_value() -> None:
    chart = engine.bar_chart("c", "T", [("a", 2), ("b" * 80, 4), ("c", 0)], width=700, label_width=300)
    assert chart.rows[1].width == pytest.approx(700 - 300 - 60)
    assert chart.rows[0].width == pytest.approx(chart.rows[1].width / 2)
    assert chart.rows[2].width == 0
    assert chart.rows[1].label.endswith("…") and len(chart.rows[1].label) <= 45
    assert "a: 2" in chart.desc
    assert engine.bar_chart("e", "T", []).desc == "No data"
