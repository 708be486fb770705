"""Background profile builds, run by ``sochub worker`` with progress on the job page."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.engine.hotspots import DataError
from sochub.jobs.models import Job
from sochub.jobs.services import job_create, job_finish, job_progress, job_start

from . import building, services
from .models import BuildStatus, Profile, ProfileBuild


@task()
def profile_build(job_id: int, build_id: int) -> dict[str, Any]:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    build = ProfileBuild.objects.select_related("profile__agency", "created_by").get(pk=build_id)
    job_start(job, "Reading crime files")
    ProfileBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING)
    report = job_progress(job.pk)

    def update(stage: str, done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).exclude(stage=stage).update(stage=stage)
        report(done, total)

    actor = Actor(user=job.created_by, channel=Channel.WORKER, purpose=job.purpose)
    try:
        result = building.run_build(build=build, actor=actor, progress=update)
    except DataError as exc:  # bad input: say which file, row and column, and stop cleanly
        services.build_fail(build=build, error=str(exc))
        job_finish(job, error=str(exc))
        return {"build": build.pk, "error": str(exc)}
    except Exception as exc:
        services.build_fail(build=build, error=f"{type(exc).__name__}: {exc}")
        job_finish(job, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job, result=result)
    return result


def build_start(*, actor: Actor, profile: Profile) -> ProfileBuild:
    """Queue a build; the job page shows its progress and the profile page links to it."""
    build = services.build_create(actor=actor, profile=profile)
    job = job_create(actor=actor, kind="profile", title=f"Build the local profile: {profile.name}")
    ProfileBuild.objects.filter(pk=build.pk).update(job=job)
    build.job = job
    profile_build.enqueue(job.pk, build.pk)
    return build
