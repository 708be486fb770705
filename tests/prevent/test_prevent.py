"""Prevent programmes: the Haggrid path from referral to a City and Guilds qualification, and the strict rules
on children's data (members only, never a nominal, consent of both, age range, retention erasure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from sochub.audit.models import AuditEvent, Operation
from sochub.engine.prevent import add_months
from sochub.intel import selectors as intel_selectors
from sochub.intel.services import NotFound
from sochub.partners.models import Region, Role, User
from sochub.prevent import policies, selectors, services
from sochub.prevent.models import Programme, YoungPerson, YoungPersonStatus
from sochub.risk import prioritisation
from sochub.risk import selectors as risk_selectors
from tests.helpers import act

from .conftest import PURPOSE


def run_through_programme(programme: Programme, lead: User, practitioner: User, yp: YoungPerson) -> YoungPerson:
    """Accept, then three phases each with three sessions (attended twice or more), then a qualification."""
    start = yp.referred_on + timedelta(days=5)
    yp = services.referral_decide(actor=act(lead, PURPOSE), young_person=yp, decision="accept", on=start)
    day = start
    for phase in programme.phases.order_by("order"):
        for n, mark in enumerate(["attended", "attended", "attended", "absent"]):
            day += timedelta(days=7)
            session = services.session_create(
                actor=act(practitioner, PURPOSE),
                programme=programme,
                phase=phase,
                held_on=day,
                title=f"{phase.label} week {n + 1}",
                location="Moss Side Youth Centre",
                facilitator="PC Ahmed",
            )
            services.attendance_record(actor=act(practitioner, PURPOSE), session=session, marks={yp.pk: mark})
        yp = services.phase_complete(actor=act(practitioner, PURPOSE), young_person=yp, on=day)
    services.outcome_record(
        actor=act(practitioner, PURPOSE),
        young_person=yp,
        kind="qualification",
        title="City and Guilds Employability Skills",
        level="Level 1",
        provider="City and Guilds",
        achieved_on=day,
        phase=programme.phases.get(order=2),
    )
    return yp


def test_referral_through_three_phases_to_a_qualification_is_counted(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = refer()
    assert yp.status == YoungPersonStatus.REFERRED and yp.postcode_district == "M14"
    assert yp.safeguarding_flags == ["child_in_need"]
    assert [p.label for p in programme.phases.order_by("order")] == [
        "Social education",
        "Community projects",
        "Reward activities",
    ]
    yp = run_through_programme(programme, lead, practitioner, yp)
    yp.refresh_from_db()
    assert yp.status == YoungPersonStatus.COMPLETED and yp.left_on is not None
    assert [h.completed_on is not None for h in yp.phase_history.all()] == [True, True, True]
    assert sorted(yp.reoffending_checks.values_list("months", flat=True)) == [6, 12]
    report = selectors.programme_report(user=lead, programme=programme, today=timezone.localdate())
    assert report is not None
    assert (report.referred, report.accepted, report.completed) == (1, 1, 1)
    assert report.outcomes_by_kind == {"qualification": 1}
    assert report.outcomes_by_phase == {"Community projects": 1}
    assert report.attendance_rate == pytest.approx(0.75)
    assert report.completion_rate == 1.0
    assert report.reoffending[6]["pending"] == 1
    csv_text = services.report_csv(actor=act(lead, PURPOSE), programme=programme)
    assert "Ashworth" not in csv_text and "Kayden" not in csv_text
    assert "outcomes by type,Qualification,1" in csv_text
    assert AuditEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="prevent_programme").exists()


def test_phase_cannot_complete_below_the_attendance_threshold(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = refer()
    on = yp.referred_on + timedelta(days=1)
    yp = services.referral_decide(actor=act(lead, PURPOSE), young_person=yp, decision="accept", on=on)
    phase = programme.phases.get(order=1)
    for i, mark in enumerate(["attended", "absent", "excused", "absent"]):
        s = services.session_create(
            actor=act(practitioner), programme=programme, phase=phase, held_on=on + timedelta(days=i + 1), title="S"
        )
        services.attendance_record(actor=act(practitioner), session=s, marks={yp.pk: mark})
    with pytest.raises(ValidationError, match="33%"):
        services.phase_complete(actor=act(practitioner), young_person=yp, on=on + timedelta(days=10))


def test_acceptance_refused_without_guardian_consent(
    programme: Programme, lead: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = refer(guardian_name="", guardian_relationship="", guardian_consent_how="", guardian_consent_on=None)
    with pytest.raises(ValidationError, match="parent or guardian must consent"):
        services.referral_decide(actor=act(lead), young_person=yp, decision="accept", on=yp.referred_on)
    yp.refresh_from_db()
    assert yp.status == YoungPersonStatus.REFERRED
    # Recording the guardian's consent later makes acceptance possible.
    services.consent_record(
        actor=act(lead),
        young_person=yp,
        young_person_consent=True,
        young_person_consent_how="Verbal, at school",
        young_person_consent_on=yp.referred_on,
        guardian_name="Sam Quill",
        guardian_relationship="Father",
        guardian_consent_how="Phone call",
        guardian_consent_on=yp.referred_on,
    )
    assert (
        services.referral_decide(actor=act(lead), young_person=yp, decision="accept", on=yp.referred_on).status
        == "active"
    )


def test_young_persons_own_consent_needed_from_13_but_not_below(
    programme: Programme, lead: User, refer: Callable[..., YoungPerson]
) -> None:
    on = timezone.localdate() - timedelta(days=30)
    older = refer(referred_on=on, young_person_consent=False, young_person_consent_how="", young_person_consent_on=None)
    with pytest.raises(ValidationError, match="young person must consent"):
        services.referral_decide(actor=act(lead), young_person=older, decision="accept", on=on)
    younger = refer(
        referred_on=on,
        date_of_birth=on.replace(year=on.year - 12) - timedelta(days=10),
        young_person_consent=False,
        young_person_consent_how="",
        young_person_consent_on=None,
    )
    assert services.referral_decide(actor=act(lead), young_person=younger, decision="accept", on=on).status == "active"


@pytest.mark.parametrize("age", [10, 17])
def test_referral_refused_outside_the_age_range(refer: Callable[..., YoungPerson], age: int) -> None:
    on = timezone.localdate() - timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        refer(referred_on=on, date_of_birth=on.replace(year=on.year - age) - timedelta(days=1))
    assert f"is {age} on the referral date" in str(exc.value)
    assert not YoungPerson.objects.exists()


def test_referral_refuses_bad_lists_and_keeps_only_the_postcode_district(refer: Callable[..., YoungPerson]) -> None:
    with pytest.raises(ValidationError) as exc:
        refer(risk_factors=["not_a_factor"], safeguarding_flags=["<script>"], postcode="nonsense!")
    assert set(exc.value.message_dict) >= {"risk_factors", "safeguarding_flags", "postcode_district"}
    yp = refer(postcode="m145ab")
    assert yp.postcode_district == "M14"
    with pytest.raises(ValidationError):
        refer(risk_factors=[])


def test_decline_needs_a_reason(refer: Callable[..., YoungPerson], lead: User) -> None:
    yp = refer()
    with pytest.raises(ValidationError, match="reason"):
        services.referral_decide(actor=act(lead), young_person=yp, decision="decline", on=yp.referred_on)
    yp = services.referral_decide(
        actor=act(lead), young_person=yp, decision="decline", on=yp.referred_on, reason="Better served by YOT"
    )
    assert yp.status == YoungPersonStatus.DECLINED
    assert yp.retention_review_on == add_months(yp.referred_on, 6)


def test_only_members_see_young_people(
    programme: Programme,
    lead: User,
    practitioner: User,
    refer: Callable[..., YoungPerson],
    make_user: Callable[..., User],
) -> None:
    yp = refer()
    same_agency = make_user("gmp_analyst", "gmp", (Role.ANALYST,))
    coordinator = make_user("nw_coord", "mersey", (Role.COORDINATOR,))
    coordinator.coordinator_region = Region.objects.get(code="north-west")
    coordinator.save()
    admin = make_user("gmp_admin", "gmp", (Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN))
    for outsider in (same_agency, coordinator, admin):
        assert policies.access(outsider, yp) is None
        with pytest.raises(NotFound):
            services.young_person_consult(actor=act(outsider), young_person_id=yp.pk)
        with pytest.raises(NotFound):
            services.participants_consult(actor=act(outsider), programme=programme)
        assert selectors.programme_report(user=outsider, programme=programme, today=timezone.localdate()) is None
        with pytest.raises(PermissionDenied):
            services.referral_decide(actor=act(outsider), young_person=yp, decision="accept", on=yp.referred_on)
    got, level = services.young_person_consult(actor=act(practitioner, PURPOSE), young_person_id=yp.pk)
    assert got.pk == yp.pk and level == policies.FULL
    row = AuditEvent.objects.filter(operation=Operation.CONSULTATION, object_type="young_person").latest("id")
    assert row.object_ids == [str(yp.pk)] and row.purpose == PURPOSE
    # A read without a purpose is refused.
    with pytest.raises(ValidationError):
        services.young_person_consult(actor=act(practitioner, ""), young_person_id=yp.pk)
    # A volunteer practitioner cannot decide; a volunteer cannot lead.
    with pytest.raises(PermissionDenied):
        services.referral_decide(actor=act(practitioner), young_person=yp, decision="accept", on=yp.referred_on)
    with pytest.raises(ValidationError):
        services.member_set(actor=act(lead), programme=programme, user=practitioner, role="lead")


def test_referrer_sees_status_only(
    programme: Programme, lead: User, refer: Callable[..., YoungPerson], make_user: Callable[..., User]
) -> None:
    teacher = make_user("school_liaison", "mersey", (Role.PARTNER,))
    yp = refer(user=teacher)
    assert policies.access(teacher, yp) == policies.REFERRER
    assert list(selectors.own_referrals(user=teacher)) == [yp]
    assert selectors.young_people(user=teacher, programme=programme).count() == 0
    other = make_user("other_partner", "mersey", (Role.PARTNER,))
    assert policies.access(other, yp) is None


def test_young_person_is_never_a_nominal(
    programme: Programme,
    lead: User,
    practitioner: User,
    refer: Callable[..., YoungPerson],
    analyst: User,
    picture: dict[str, Any],
) -> None:
    refer(first_name="Zephyrin", last_name="Oakenshaw")
    for user in (lead, analyst):
        assert intel_selectors.nominal_search(user=user, query="Zephyrin Oakenshaw") == []
        assert intel_selectors.nominal_search(user=user, query="Oakenshaw") == []
    assert intel_selectors.nominal_search(user=analyst, query="John Smith")  # search works
    run = prioritisation.run_create(actor=act(analyst), top=50, seed=1)
    run = prioritisation.run_execute(actor=act(analyst), run=run)
    names = [row.name for row in risk_selectors.top_list(user=analyst, run=run, top=50)]
    assert names and not any("Oakenshaw" in n for n in names)
    # No table outside the prevent app holds the name.
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if table.startswith("prevent_") or table == "audit_auditevent":
                continue
            cols = [c.name for c in connection.introspection.get_table_description(cur, table)]
            for col in cols:
                cur.execute(f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{col}" AS TEXT) LIKE %s', ["%Oakenshaw%"])
                assert cur.fetchone()[0] == 0, (table, col)
    assert not AuditEvent.objects.filter(detail__icontains="Oakenshaw").exists()


def test_retention_erase_removes_personal_data_and_is_audited(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson]
) -> None:
    yp = run_through_programme(programme, lead, practitioner, refer(first_name="Tamsin", last_name="Rookwood"))
    yp.refresh_from_db()
    YoungPerson.objects.filter(pk=yp.pk).update(retention_review_on=timezone.localdate())
    assert list(selectors.retention_due(user=lead, today=timezone.localdate())) == [yp]
    assert list(selectors.retention_due(user=practitioner, today=timezone.localdate())) == []
    yp.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.retention_decide(actor=act(practitioner), young_person=yp, decision="erase")
    with pytest.raises(ValidationError):
        services.retention_decide(actor=act(lead), young_person=yp, decision="retain", reason="", next_review_on=None)
    with pytest.raises(ValidationError, match="within 12 months"):
        services.retention_decide(
            actor=act(lead),
            young_person=yp,
            decision="retain",
            reason="Sibling referral pending",
            next_review_on=timezone.localdate() + timedelta(days=800),
        )
    services.retention_decide(actor=act(lead, PURPOSE), young_person=yp, decision="erase", reason="No longer needed")
    yp.refresh_from_db()
    assert yp.erased_at is not None
    assert (yp.first_name, yp.last_name, yp.date_of_birth, yp.school, yp.postcode_district) == ("", "", None, "", "")
    assert yp.risk_factors == [] and yp.safeguarding_flags == [] and yp.guardian_name == ""
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM prevent_youngperson")
        assert "Rookwood" not in repr(cur.fetchall())
    erasure = AuditEvent.objects.get(operation=Operation.ERASURE, object_type="young_person")
    assert erasure.object_ids == [str(yp.pk)] and erasure.username == lead.username
    assert "Rookwood" not in repr(erasure.detail)
    with pytest.raises(NotFound):
        services.young_person_consult(actor=act(lead, PURPOSE), young_person_id=yp.pk)
    # The anonymous stub still counts in the programme's figures.
    report = selectors.programme_report(user=lead, programme=programme, today=timezone.localdate())
    assert report is not None and report.completed == 1


def test_retain_sets_the_next_review(programme: Programme, lead: User, refer: Callable[..., YoungPerson]) -> None:
    yp = refer()
    with pytest.raises(ValidationError, match="not due"):
        services.retention_decide(actor=act(lead), young_person=yp, decision="erase")
    YoungPerson.objects.filter(pk=yp.pk).update(retention_review_on=timezone.localdate() - timedelta(days=3))
    yp.refresh_from_db()
    nxt = timezone.localdate() + timedelta(days=90)
    review = services.retention_decide(
        actor=act(lead), young_person=yp, decision="retain", reason="Court case ongoing", next_review_on=nxt
    )
    assert review is not None
    yp.refresh_from_db()
    assert yp.retention_review_on == nxt and yp.erased_at is None


def test_attendance_only_for_the_programmes_participants(
    programme: Programme, lead: User, practitioner: User, refer: Callable[..., YoungPerson], make_user: Any
) -> None:
    yp = refer()
    services.referral_decide(actor=act(lead), young_person=yp, decision="accept", on=yp.referred_on)
    other = services.programme_create(actor=act(lead), name="Other", area="Salford", capacity_per_year=10)
    stranger = refer(referred_on=yp.referred_on)
    session = services.session_create(
        actor=act(lead), programme=other, phase=other.phases.first(), held_on=yp.referred_on, title="<b>x</b>"
    )
    with pytest.raises(NotFound):
        services.attendance_record(actor=act(lead), session=session, marks={yp.pk: "attended"})
    own = services.session_create(
        actor=act(lead), programme=programme, phase=programme.phases.first(), held_on=yp.referred_on, title="Week 1"
    )
    with pytest.raises(NotFound):  # referred, not accepted: not on the register
        services.attendance_record(actor=act(lead), session=own, marks={stranger.pk: "attended"})
    with pytest.raises(ValidationError):
        services.attendance_record(actor=act(lead), session=own, marks={yp.pk: "present"})
    outsider = make_user("outsider", "gmp", (Role.OFFICER,))
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=act(outsider), session=own, marks={yp.pk: "attended"})
