"""The demo's suspicious activity reports: about 120 over two years, a rise from the legal and accounting sectors
after the campaign, running DAMLs and one refused in its moratorium, shared with the supervisor for some."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from sochub.partners.models import User
from sochub.suspicious_activity import selectors
from sochub.suspicious_activity.demo import build_demo_suspicious_activity


def test_the_demo_shows_a_campaign_rise_and_running_damls(analyst: User, make_user: Callable[..., User]) -> None:
    supervisor = make_user("supervisor", "gmp")
    today = timezone.localdate()
    made = build_demo_suspicious_activity(seed=7, today=today)
    assert 100 <= made["suspicious_activity_reports"] <= 150
    assert made["suspicious_activity_damls"] == 3
    assert selectors.reports_visible_to(user=analyst).count() == made["suspicious_activity_reports"]
    seen = selectors.reports_visible_to(user=supervisor).count()
    assert 0 < seen < made["suspicious_activity_reports"] and made["suspicious_activity_shared"] == seen
    rows = selectors.deadlines(user=analyst, today=today)
    assert sorted(r.what for r in rows) == ["moratorium", "notice", "notice"]
    campaign = date(today.year - 1, today.month, 1)
    before_start = date(today.year - 2, today.month, 1)
    c = selectors.campaign_comparison(
        user=analyst,
        sectors=["legal_professionals", "accountants"],
        before=(before_start, date.fromordinal(campaign.toordinal() - 1)),
        after=(campaign, today),
        target_pct=20,
    )
    assert c.change_pct is not None and c.change_pct >= 20 and c.met is True
