"""Database-mode prioritisation on the demo world: policy, fairness, explanation, retention, equality."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db.models import Q

from sochub.audit.models import AuditEvent, Operation
from sochub.intel import policies as intel_policies
from sochub.intel.demo import DemoSummary
from sochub.intel.models import Association, FactKind, NominalFact, Offence, OffenceOutcome
from sochub.partners.models import Role, User
from sochub.risk import prioritisation, selectors
from sochub.risk.models import PrioritisationRun, RetentionReview, RunStatus
from tests.helpers import act

pytestmark = pytest.mark.django_db
PURPOSE = "Operation Liberal monthly tasking"


def _run(user: User, **kw: object) -> PrioritisationRun:
    actor = act(user, purpose=PURPOSE)
    run = prioritisation.run_create(actor=actor, seed=1, draws=200, **kw)  # type: ignore[arg-type]
    return prioritisation.run_execute(actor=actor, run=run)


def test_a_run_ranks_only_what_the_user_may_see_and_explains_it(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    assert run.status == RunStatus.DONE and run.scored > 20 and run.people > run.scored
    visible = set(intel_policies.visible_nominals(gmp_analyst).values_list("pk", flat=True))
    assert run.entries.count() == run.scored and {e.nominal_id for e in run.entries.all()} <= visible
    top = selectors.top_list(user=gmp_analyst, run=run)
    assert [t.entry.rank for t in top] == list(range(1, 21))
    first = top[0].entry
    assert first.explanation and abs(sum(first.contributions.values()) - first.score) < 1e-4
    assert 0 <= first.p_top <= 1 and first.rank_low <= first.rank <= first.rank_high
    assert run.model_version == "sochub-nominal-0.1.0" and len(run.model_fingerprint) == 64
    assert set(run.weights) == {"offending", "intelligence", "network", "ocg", "markers"}
    event = AuditEvent.objects.filter(object_type="prioritisation_run").latest("id")
    assert event.operation == Operation.COMBINATION and event.purpose == PURPOSE
    assert str(first.nominal_id) in event.object_ids


def test_victims_children_and_the_vulnerable_are_never_ranked(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    protected = set(NominalFact.objects.filter(kind=FactKind.VULNERABILITY).values_list("nominal_id", flat=True))
    adult_on = run.as_of - timedelta(days=18 * 366)
    children = {
        f.nominal_id
        for f in NominalFact.objects.filter(kind=FactKind.BIRTH_DATE)
        if date.fromisoformat(f.key) > adult_on
    }
    ranked = set(run.entries.values_list("nominal_id", flat=True))
    assert protected and children
    assert not ranked & (protected | children)
    # Victims have links to the groups and some have offences: without the rule they would score.
    linked = set(Association.objects.values_list("nominal_b_id", flat=True))
    assert protected & linked
    visible = set(intel_policies.visible_nominals(gmp_analyst).values_list("pk", flat=True))
    assert run.protected == len((protected | children) & visible) > 0


def test_no_further_action_does_not_count(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    target = run.entries.filter(rank=1).get().nominal
    Offence.objects.filter(nominal=target).update(outcome=OffenceOutcome.NO_FURTHER_ACTION)
    again = _run(gmp_analyst)
    before = run.entries.get(nominal=target).values.get("offending", 0)
    after = again.entries.filter(nominal=target).first()
    assert before > 0 and (after is None or after.values.get("offending", 0) == 0)


def test_another_agency_sees_its_own_picture_and_never_this_run(
    world: DemoSummary, gmp_analyst: User, mersey_analyst: User
) -> None:
    run = _run(gmp_analyst)
    assert selectors.run_get(user=mersey_analyst, run_id=run.pk) is None
    theirs = _run(mersey_analyst)
    visible = set(intel_policies.visible_nominals(mersey_analyst).values_list("pk", flat=True))
    assert set(theirs.entries.values_list("nominal_id", flat=True)) <= visible
    assert set(theirs.entries.values_list("nominal_id", flat=True)) != set(
        run.entries.values_list("nominal_id", flat=True)
    )


def test_only_analysts_and_coordinators_run_it_and_a_purpose_is_required(world: DemoSummary) -> None:
    officer = User.objects.get(username="officer")
    assert officer.roles == [Role.OFFICER]
    with pytest.raises(PermissionError):
        prioritisation.run_create(actor=act(officer, purpose=PURPOSE))
    with pytest.raises(ValueError, match="purpose"):
        prioritisation.run_create(actor=act(User.objects.get(username="analyst"), purpose=" "))


def test_someone_who_leaves_the_list_is_flagged_for_retention_review(world: DemoSummary, gmp_analyst: User) -> None:
    first = _run(gmp_analyst)
    leaver = first.entries.get(rank=3).nominal
    # Their offences are quashed, intelligence withdrawn, links and memberships ended: nothing is left.
    Offence.objects.filter(nominal=leaver).delete()
    leaver.intelligence.clear()
    leaver.memberships.all().delete()
    Association.objects.filter(Q(nominal_a=leaver) | Q(nominal_b=leaver)).delete()
    NominalFact.objects.filter(nominal=leaver, kind=FactKind.WARNING_MARKER).delete()
    second = _run(gmp_analyst)
    assert not second.entries.filter(nominal=leaver).exists()
    review = RetentionReview.objects.get(nominal=leaver)
    assert review.run == second and review.previous_run == first and review.previous_rank == 3
    assert list(selectors.retention_reviews(user=gmp_analyst)) == [review]
    _run(gmp_analyst)
    assert RetentionReview.objects.filter(nominal=leaver).count() == 1  # not flagged twice


def test_the_equality_report_compares_the_list_with_everyone_rankable(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    report = run.equality
    assert report["listed"] == 20 and report["population"] > 20
    sexes = {row["group"]: row for row in report["tables"]["sex"]}
    assert sum(r["listed"] for r in sexes.values()) == 20
    assert sum(r["population"] for r in sexes.values()) == report["population"]
    assert "Not recorded" in report["ethnicity"]
