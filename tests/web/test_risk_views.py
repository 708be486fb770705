"""The priority dashboard, what-if weights, background runs and retention reviews in the browser's shoes."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sochub.audit.models import AuditEvent, Operation
from sochub.intel.demo import DemoSummary
from sochub.intel.models import Offence
from sochub.jobs.models import Job
from sochub.partners.models import User
from sochub.risk import prioritisation
from sochub.risk.models import PrioritisationRun, RetentionReview, RetentionStatus
from sochub.risk.tasks import prioritise_run
from tests.helpers import act
from tests.risk.conftest import DEMO_PASSWORD, gmp_analyst, mersey_analyst, world

__all__ = ["gmp_analyst", "mersey_analyst", "world"]
pytestmark = pytest.mark.django_db
PURPOSE = "Operation Liberal: tasking meeting"


def _client(user: User) -> Client:
    client = Client()
    assert client.post("/sign-in/", {"username": user.username, "password": DEMO_PASSWORD}).status_code == 302
    assert client.post("/purpose/", {"purpose": PURPOSE, "next": "/"}).status_code == 302
    return client


def _run(user: User) -> PrioritisationRun:
    actor = act(user, purpose=PURPOSE)
    return prioritisation.run_execute(actor=actor, run=prioritisation.run_create(actor=actor, seed=2, draws=100))


def test_the_dashboard_lists_the_top_20_with_breakdown_and_stability(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    client = _client(gmp_analyst)
    response = client.get("/risk/")
    assert response.status_code == 302 and response["Location"] == f"/risk/runs/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert page.count('class="sochub-bar"') == 20 and "How stable" in page and "Why" in page
    first = run.entries.get(rank=1)
    assert str(first.nominal_id) in page and first.explanation[0].split(":")[0] in page
    assert "Equality check" in page and "not official MoRiLE" in page
    assert 'aria-current="page" href="/risk/"' in page and 'href="/risk/control-strategy/"' in page
    event = AuditEvent.objects.filter(detail__view="prioritisation").latest("id")
    assert event.operation == Operation.CONSULTATION and str(first.nominal_id) in event.object_ids


def test_what_if_weights_move_the_list_and_say_how_far(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    client = _client(gmp_analyst)
    only_network = {c: (100 if c == "network" else 0) for c in run.weights}
    fragment = client.get(f"/risk/runs/{run.pk}/what-if/", only_network, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="top-table"') and "Network position 100%" in fragment
    assert "▲" in fragment or "▼" in fragment  # somebody moved
    best_network = max(run.entries.all(), key=lambda e: e.values.get("network", 0))
    first_row = fragment.split("<tbody", 1)[1].split("</tr>", 1)[0]
    assert str(best_network.nominal_id) in first_row
    # The stored run is untouched, and hostile or impossible weights get a plain message.
    assert run.entries.get(rank=1).nominal_id == PrioritisationRun.objects.get(pk=run.pk).entries.get(rank=1).nominal_id
    bad = client.get(f"/risk/runs/{run.pk}/what-if/", {"network": "<script>", "offending": "-5"}).content.decode()
    assert "enter a number from 0 to 100" in bad and "<script>" not in bad
    none = client.get(f"/risk/runs/{run.pk}/what-if/", {c: 0 for c in run.weights}).content.decode()
    assert "At least one weight must be above 0" in none


def test_another_agency_and_other_roles_cannot_see_the_run(
    world: DemoSummary, gmp_analyst: User, mersey_analyst: User
) -> None:
    run = _run(gmp_analyst)
    other = _client(mersey_analyst)
    assert other.get(f"/risk/runs/{run.pk}/").status_code == 404
    assert other.get(f"/risk/runs/{run.pk}/what-if/").status_code == 404
    volunteer = Client()
    volunteer.post("/sign-in/", {"username": "volunteer", "password": DEMO_PASSWORD})
    assert volunteer.get("/risk/").status_code == 404
    officer = _client(User.objects.get(username="officer"))  # same agency, but may not run it
    assert officer.post("/risk/runs/start/", {"top": "20"}).status_code == 404
    assert officer.get(f"/risk/runs/{run.pk}/").status_code == 200


def test_running_from_the_web_queues_a_job_with_progress(world: DemoSummary, gmp_analyst: User) -> None:
    client = _client(gmp_analyst)
    response = client.post("/risk/runs/start/", {"top": "10"})
    job = Job.objects.get(kind="prioritise")
    assert response["Location"] == f"/jobs/{job.pk}/"
    run = PrioritisationRun.objects.get(job=job)
    prioritise_run.call(job.pk, run.pk)  # what the worker does
    job.refresh_from_db()
    assert job.status == "done" and job.result["run"] == run.pk
    assert "See the list" in client.get(f"/jobs/{job.pk}/").content.decode()
    assert PrioritisationRun.objects.get(pk=run.pk).entries.filter(rank__lte=10).count() == 10
    assert "1 to 500" in client.post("/risk/runs/start/", {"top": "nine"}, follow=True).content.decode()


def test_a_retention_review_is_decided_with_a_reason(world: DemoSummary, gmp_analyst: User) -> None:
    first = _run(gmp_analyst)
    leaver = first.entries.get(rank=1).nominal
    Offence.objects.filter(nominal=leaver).delete()
    leaver.intelligence.clear()
    leaver.memberships.all().delete()
    leaver.associations_a.all().delete()
    leaver.associations_b.all().delete()
    leaver.facts.filter(kind="warning_marker").delete()
    _run(gmp_analyst)
    review = RetentionReview.objects.get(nominal=leaver)
    client = _client(gmp_analyst)
    assert "left the list" in client.get("/risk/", follow=True).content.decode()
    page = client.get("/risk/retention/").content.decode()
    assert str(leaver.pk) in page
    missing = client.post("/risk/retention/", {"review": review.pk, "decision": "keep", "reason": " "})
    assert "Give the reason" in missing.content.decode()
    done = client.post(
        "/risk/retention/", {"review": review.pk, "decision": "remove", "reason": "No current link to SOC"}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.status == RetentionStatus.REMOVE and review.decided_by == gmp_analyst
    assert re.search("No current link to SOC", client.get("/risk/retention/").content.decode())


def test_a_nominal_page_says_where_the_person_stands_and_why(world: DemoSummary, gmp_analyst: User) -> None:
    run = _run(gmp_analyst)
    first, outside = run.entries.get(rank=1), run.entries.get(rank=run.top + 1)
    client = _client(gmp_analyst)
    page = client.get(f"/nominals/{first.nominal_id}/").content.decode()
    panel = page.split('data-testid="nominal-priority"', 1)[1].split("</p>", 1)[0]
    assert "ranked 1</strong>" in panel and first.explanation[0] in panel.replace("&#39;", "'")
    assert "ranked 21</strong>" in client.get(f"/nominals/{outside.nominal_id}/").content.decode()
