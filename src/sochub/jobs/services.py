"""Starting background jobs and reporting their progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sochub.audit.context import Actor
from sochub.partners.models import User

from .models import Job, JobStatus


def job_create(*, actor: Actor, kind: str, title: str) -> Job:
    return Job.objects.create(kind=kind, title=title, created_by=actor.user, purpose=actor.purpose)


def job_progress(job_id: int) -> Callable[[int, int], None]:
    """A callback that saves done/total at most once per percent, so progress costs little."""
    last = {"pct": -1}

    def report(done: int, total: int) -> None:
        pct = int(100 * done / total) if total else 0
        if pct != last["pct"]:
            last["pct"] = pct
            Job.objects.filter(pk=job_id).update(done=done, total=total)

    return report


def job_start(job: Job, stage: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, stage=stage, started_at=timezone.now())


def job_finish(job: Job, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED if error else JobStatus.DONE,
        stage="Failed" if error else "Finished",
        result=result or {},
        error=error,
        finished_at=timezone.now(),
    )


def jobs_visible_to(user: User) -> QuerySet[Job]:
    """People see the jobs they started."""
    return Job.objects.filter(created_by=user)
