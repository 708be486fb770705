"""Background tasks, run by ``sochub worker``."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Channel

from .models import Job
from .services import job_finish, job_progress, job_start


@task()
def verify_audit_chain(job_id: int) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    job_start(job, "Checking every audit row against the one before it")
    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=job.purpose)
    try:
        check = audit.chain_verify(actor=actor, progress=job_progress(job.pk))
    except Exception as exc:  # the job page must say what went wrong
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    result = {"ok": check.ok, "rows": check.rows, "first_bad": check.first_bad_seq, "reason": check.reason}
    job_finish(job, result=result)
    return result
