"""Appending to and checking the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from sochub.engine.audit_chain import GENESIS, ChainCheck, chain_hash, verify_chain

from .context import Actor
from .models import AuditEvent, Channel, Operation

# Any constant will do: it names the advisory lock that serialises appends on PostgreSQL.
_PG_AUDIT_LOCK = 620_062


def record(
    *,
    actor: Actor | None,
    operation: Operation | str,
    object_type: str,
    object_ids: Iterable[Any] = (),
    purpose: str | None = None,
    recipients: Iterable[str] = (),
    query: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the chain.

    Appends are serialised (an advisory lock on PostgreSQL, IMMEDIATE transactions on SQLite)
    so that web, API and worker writing at once never fork the chain.
    """
    user = actor.user if actor else None
    with transaction.atomic():
        if settings.IS_POSTGRES:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_AUDIT_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            user=user,
            username=user.username if user else "system",
            agency_code=user.agency.code if user and user.agency_id else "",  # type: ignore[union-attr]
            roles=list(user.roles) if user else [],
            operation=str(operation),
            object_type=object_type,
            object_ids=[str(i) for i in object_ids][:500],
            purpose=(purpose if purpose is not None else (actor.purpose if actor else ""))[:1000],
            recipients=list(recipients),
            query=query[:1000],
            detail=detail or {},
            channel=actor.channel if actor else Channel.SYSTEM,
            client_ip=actor.client_ip if actor else None,
            prev_hash=last or GENESIS,
        )
        event.hash = chain_hash(event.prev_hash, event.chain_payload())
        event.save()
    return event


def _rows(batch: int = 5000) -> Iterator[tuple[int, str, str, dict[str, Any]]]:
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch):
        yield event.pk, event.prev_hash, event.hash, event.chain_payload()


def chain_verify(*, actor: Actor, progress: Any = None) -> ChainCheck:
    """Recompute the whole chain; the check itself is audited."""
    total = AuditEvent.objects.count()

    def counted() -> Iterator[tuple[int, str, str, dict[str, Any]]]:
        for i, row in enumerate(_rows(), start=1):
            if progress and (i % 1000 == 0 or i == total):
                progress(i, total)
            yield row

    result = verify_chain(counted())
    record(
        actor=actor,
        operation=Operation.CONSULTATION,
        object_type="audit_log",
        purpose=actor.purpose or "integrity and security check of the audit log (s.62(4)(c))",
        detail={"verified": result.ok, "rows": result.rows, "first_bad": result.first_bad_seq},
    )
    return result
