"""Sending an edition to the distribution list in the background (``sochub worker``), with progress on the
edition page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks import task

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.jobs.models import Job
from sochub.jobs.services import job_create, job_finish, job_progress, job_start

from . import mail, policies
from .models import Edition


@task()
def edition_send_task(job_id: int, edition_id: int, base_url: str) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    edition = Edition.objects.get(pk=edition_id)
    job_start(job, f"Sending {edition.title} to the distribution list")
    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=job.purpose)
    try:
        result = mail.edition_send(actor=actor, edition=edition, base_url=base_url, progress=job_progress(job.pk))
    except Exception as exc:  # the edition page must say what went wrong
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job, result=result)
    return result


def send_start(*, actor: Actor, edition: Edition, base_url: str) -> Job:
    """Queue the send of a published edition (a re-send goes only to subscribers not yet sent it)."""
    if not policies.is_editor(actor.user):
        raise PermissionDenied("Only bulletin editors send editions.")
    with transaction.atomic():
        edition = Edition.objects.select_for_update(of=("self",)).select_related("send_job").get(pk=edition.pk)
        if not edition.published:
            raise ValidationError("Publish the edition before sending it.")
        if edition.send_job is not None and not edition.send_job.finished:
            raise ValidationError("This edition is being sent already.")
        job = job_create(
            actor=actor.with_purpose(actor.purpose or "Partnership bulletin sent to its distribution list"),
            kind="bulletin_send",
            title=f"Send the partnership bulletin: {edition.title}",
        )
        Edition.objects.filter(pk=edition.pk).update(send_job=job)
    edition_send_task.enqueue(job.pk, edition.pk, base_url)
    return job
