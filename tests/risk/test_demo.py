"""The demo's risk assessments go through the real workflow and feed the OCG page, themes and the list."""

from __future__ import annotations

import pytest

from sochub.intel import policies as intel_policies
from sochub.intel import services as intel
from sochub.intel.demo import DemoSummary
from sochub.intel.models import OCG
from sochub.partners.models import User
from sochub.risk import prioritisation, selectors
from sochub.risk.demo import THEMES, build_demo_assessments
from sochub.risk.models import Assessment, AssessmentStatus, Subject
from tests.helpers import act

pytestmark = pytest.mark.django_db


def _gmp_groups(analyst: User) -> None:
    """This small world leaves GMP no live group of its own: map two from people it holds, as an analyst would."""
    people = list(intel_policies.visible_nominals(analyst)[:12])
    for name, category, members in (("Moss Side Crew", "illegal_drugs", people[:7]), ("Ledger", "fraud", people[7:])):
        ocg = intel.ocg_create(actor=act(analyst), name=name, threat_categories=[category], area="Manchester")
        for i, nominal in enumerate(members):
            intel.ocg_membership_add(
                actor=act(analyst), ocg=ocg, nominal=nominal, role="principal" if i == 0 else "peripheral"
            )


def test_demo_assessments_are_approved_by_someone_else_and_used(world: DemoSummary, gmp_analyst: User) -> None:
    _gmp_groups(gmp_analyst)
    counts = build_demo_assessments(seed=3)
    approved = Assessment.objects.filter(status=AssessmentStatus.APPROVED)
    assert counts["OCGs assessed both ways"] > 0
    assert approved.filter(subject_type=Subject.OCG).count() == counts["OCGs assessed both ways"]
    assert all(a.approved_by != a.created_by and a.review_due and a.result for a in approved)
    strategy = selectors.control_strategy(user=gmp_analyst)
    assert len(strategy) == len(THEMES)
    ocgs = OCG.objects.filter(assessments__isnull=False).distinct()
    comparisons = [selectors.ocg_risk(user=gmp_analyst, ocg=o).comparison for o in ocgs]
    assert all(c is not None for c in comparisons)
    assert any(c.disagree and c.direction == "harm_higher" for c in comparisons if c)  # the low-attribute fraud group
    actor = act(gmp_analyst, purpose="Operation Liberal")
    run = prioritisation.run_execute(actor=actor, run=prioritisation.run_create(actor=actor, seed=1, draws=20))
    tiers = prioritisation.ocg_tiers(gmp_analyst)
    assert set(tiers) == set(ocgs.values_list("pk", flat=True))
    assert run.entries.filter(values__ocg__gt=0).exists()
