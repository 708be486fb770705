from __future__ import annotations

import threading
from itertools import pairwise
from typing import Any

import pytest
from django.conf import settings
from django.db import (
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
    connection,
    connections,
    transaction,
)

from sochub.audit import services as audit
from sochub.audit.models import AppendOnlyError, AuditEvent, Operation
from sochub.audit.selectors import audit_events_visible_to
from sochub.partners.models import Role, User
from tests.helpers import act


@pytest.mark.django_db
def test_rows_chain_and_verify(analyst: User) -> None:
    for i in range(5):
        audit.record(actor=act(analyst), operation=Operation.CONSULTATION, object_type="nominal", object_ids=[i])
    rows = list(AuditEvent.objects.order_by("id"))
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))
    assert audit.chain_verify(actor=act(analyst)).ok


@pytest.mark.django_db
def test_app_refuses_to_change_or_delete_rows(analyst: User) -> None:
    event = audit.record(actor=act(analyst), operation=Operation.CONSULTATION, object_type="nominal")
    event.purpose = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_database_refuses_updates_and_verify_detects_tampering(analyst: User) -> None:
    for i in range(3):
        audit.record(actor=act(analyst), operation=Operation.CONSULTATION, object_type="nominal", object_ids=[i])
    middle = AuditEvent.objects.order_by("id")[1]
    # A raw UPDATE is refused by a trigger ...
    with (
        pytest.raises((IntegrityError, InternalError, OperationalError, ProgrammingError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("UPDATE audit_auditevent SET purpose = 'forged' WHERE id = %s", [middle.pk])
    assert audit.chain_verify(actor=act(analyst)).ok
    # ... and someone who drops the trigger to forge a row is caught by the chain.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # triggers off, as a superuser could
        else:
            cur.execute("DROP TRIGGER audit_event_no_update")
        cur.execute("UPDATE audit_auditevent SET purpose = 'forged' WHERE id = %s", [middle.pk])
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")
    check = audit.chain_verify(actor=act(analyst))
    assert not check.ok and check.first_bad_seq == middle.pk


@pytest.mark.django_db
def test_agency_admins_read_only_their_agency_rows(make_user: Any, analyst: User, analyst2: User) -> None:
    audit.record(actor=act(analyst), operation=Operation.CONSULTATION, object_type="nominal")
    audit.record(actor=act(analyst2), operation=Operation.CONSULTATION, object_type="nominal")
    gmp_admin = make_user("gmpadmin", "gmp", (Role.AGENCY_ADMIN,))
    sysadmin = make_user("root", "gmp", (Role.SYSTEM_ADMIN,))
    assert set(audit_events_visible_to(user=gmp_admin).values_list("agency_code", flat=True)) == {"gmp"}
    assert {"gmp", "merseyside"} <= set(audit_events_visible_to(user=sysadmin).values_list("agency_code", flat=True))
    assert not audit_events_visible_to(user=analyst).exists()


@pytest.mark.skipif(
    not settings.IS_POSTGRES, reason="parallel writers need PostgreSQL (SQLite serialises writers itself)"
)
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_never_fork_the_chain(analyst: User) -> None:
    writers, per_writer = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                audit.record(
                    actor=act(analyst), operation=Operation.CONSULTATION, object_type="nominal", object_ids=[f"{n}-{i}"]
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = list(AuditEvent.objects.order_by("id"))
    assert len(rows) == writers * per_writer
    assert len({r.prev_hash for r in rows}) == len(rows)  # no two rows claim the same predecessor
    assert audit.chain_verify(actor=act(analyst)).ok
