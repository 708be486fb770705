"""The append-only audit log required by DPA 2018 Part 3 s.62."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Operation(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    WORKER = "worker", "Background worker"
    SYSTEM = "system", "System"


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit rows cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")


class AuditEvent(models.Model):
    """One logged processing operation. Written only by ``sochub.audit.services.record``."""

    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(max_length=150)
    agency_code = models.CharField(max_length=40, blank=True, db_index=True)
    roles = models.JSONField(default=list)
    operation = models.CharField(max_length=20, choices=Operation.choices, db_index=True)
    object_type = models.CharField(max_length=50, db_index=True)
    object_ids = models.JSONField(default=list)
    purpose = models.CharField(max_length=1000, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    query = models.CharField(max_length=1000, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["username", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.occurred_at:%Y-%m-%d %H:%M} {self.username} {self.operation} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit rows cannot be deleted.")

    def chain_payload(self) -> dict[str, Any]:
        """The fields the hash covers, as JSON types."""
        return {
            "occurred_at": self.occurred_at.isoformat(),
            "user_id": self.user_id,
            "username": self.username,
            "agency": self.agency_code,
            "roles": list(self.roles),
            "operation": self.operation,
            "object_type": self.object_type,
            "object_ids": [str(i) for i in self.object_ids],
            "purpose": self.purpose,
            "recipients": list(self.recipients),
            "query": self.query,
            "detail": self.detail,
            "channel": self.channel,
            "client_ip": self.client_ip,
        }
