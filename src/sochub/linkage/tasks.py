"""Background tasks for imports and resolution, run by ``sochub worker``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django_tasks import task

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.jobs.models import Job
from sochub.jobs.services import job_create, job_finish, job_progress, job_start

from . import policies, resolution, services
from .models import ImportBatch, ImportStatus


def _progress(job: Job) -> Any:
    report = job_progress(job.pk)

    def update(stage: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).exclude(stage=stage).update(stage=stage)
        report(done, total)

    return update


@task()
def import_file(job_id: int, batch_id: int) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    batch = ImportBatch.objects.select_related("agency").get(pk=batch_id)
    job_start(job, "Importing rows")
    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=job.purpose)
    try:
        batch = services.import_run(actor=actor, batch=batch, progress=_progress(job))
    except services.AlreadyImported as exc:
        job_finish(job, error=str(exc))
        raise
    except Exception as exc:  # the import page must say what went wrong
        services.import_fail(batch=batch, error=f"{type(exc).__name__}: {exc}")
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    result = {k: getattr(batch, k) for k in ("read", "landed", "changed", "unchanged", "rejected", "blank")}
    job_finish(job, result=result)
    return result


def import_start(*, actor: Actor, batch: ImportBatch) -> Job:
    """Queue a mapped file for import; the job page shows its progress."""
    services.import_run_allowed(actor=actor, batch=batch)
    job = job_create(actor=actor, kind="import", title=f"Import {batch.file_name} for {batch.agency.name}")
    ImportBatch.objects.filter(pk=batch.pk).update(job=job, status=ImportStatus.QUEUED)
    import_file.enqueue(job.pk, batch.pk)
    return job


@task()
def resolve(job_id: int, retrain: bool = False, full: bool = False) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    job_start(job, "Preparing records")
    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=job.purpose)
    try:
        run = resolution.resolution_run(actor=actor, retrain=retrain, full=full, progress=_progress(job))
    except Exception as exc:
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    run.job = job
    run.save(update_fields=["job"])
    job_finish(job, result={"run": run.pk, **run.stats})
    return run.stats


def resolution_start(*, actor: Actor, retrain: bool = False, full: bool = False) -> Job:
    if not policies.can_resolve(actor.user):
        raise PermissionDenied("Only analysts and GAIN coordinators run resolution.")
    resolution.refuse_if_running()
    job = job_create(actor=actor, kind="resolution", title="Resolve source records into nominals")
    resolve.enqueue(job.pk, retrain, full)
    return job
