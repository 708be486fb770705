"""Background prioritisation runs, run by ``sochub worker`` with progress on the job page."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.jobs.models import Job
from sochub.jobs.services import job_create, job_finish, job_progress, job_start

from . import prioritisation
from .models import PrioritisationRun


@task()
def prioritise_run(job_id: int, run_id: int) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    run = PrioritisationRun.objects.get(pk=run_id)
    job_start(job, "Gathering what you may see")
    report = job_progress(job.pk)

    def update(stage: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).exclude(stage=stage).update(stage=stage)
        report(done, total)

    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=run.purpose)
    try:
        run = prioritisation.run_execute(actor=actor, run=run, progress=update)
    except Exception as exc:
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    result = {"run": run.pk, "people": run.people, "scored": run.scored, "protected": run.protected}
    job_finish(job, result=result)
    return result


def prioritise_start(*, actor: Actor, top: int = 20, seed: int | None = None) -> PrioritisationRun:
    """Queue a run; the worker ranks and stores it while the job page shows progress."""
    run = prioritisation.run_create(actor=actor, top=top, seed=seed)
    job = job_create(actor=actor, kind="prioritise", title=f"Prioritise nominals (top {top})")
    PrioritisationRun.objects.filter(pk=run.pk).update(job=job)
    run.job = job
    prioritise_run.enqueue(job.pk, run.pk)
    return run
