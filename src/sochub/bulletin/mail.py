"""E-mailing an edition to the distribution list: one message per confirmed subscriber (HTML with a plain-text
alternative), with their own link to read the edition without an account, the feedback survey and a one-click
unsubscribe (in the body and as RFC 8058 List-Unsubscribe headers). A delivery row per subscriber and edition
records sent or failed, so a re-send skips everyone already sent to and retries only the failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation

from . import selectors
from .models import Delivery, DeliveryStatus, Edition, Subscriber

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Links:
    read: str
    pdf: str
    feedback: str
    unsubscribe: str


def links(base_url: str, subscriber: Subscriber, edition: Edition) -> Links:
    base = base_url.rstrip("/")
    return Links(
        read=base + reverse("web:bulletin_read", args=[subscriber.token, edition.pk]),
        pdf=base + reverse("web:bulletin_read_pdf", args=[subscriber.token, edition.pk]),
        feedback=base + reverse("web:bulletin_read_feedback", args=[subscriber.token, edition.pk]),
        unsubscribe=base + reverse("web:bulletin_unsubscribe", args=[subscriber.token]),
    )


def edition_message(
    edition: Edition,
    sections: list[selectors.Section],
    subscriber: Subscriber,
    base_url: str,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    """The message for one subscriber: the contents with each article's summary and agency, and their links."""
    to = links(base_url, subscriber, edition)
    context: dict[str, Any] = {"edition": edition, "sections": sections, "links": to, "subscriber": subscriber}
    message = EmailMultiAlternatives(
        subject=f"Partnership bulletin: {edition.title} (issue {edition.issue_number})",
        body=render_to_string("bulletin/email/edition.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={"List-Unsubscribe": f"<{to.unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        connection=connection,
    )
    message.attach_alternative(render_to_string("bulletin/email/edition.html", context), "text/html")
    return message


def edition_send(
    *,
    actor: Actor,
    edition: Edition,
    base_url: str,
    progress: Progress | None = None,
    connection: BaseEmailBackend | None = None,
) -> dict[str, int]:
    """Send a published edition to every confirmed subscriber not yet sent it; return the counts (audited as one
    disclosure with the counts, never the addresses)."""
    if not edition.published:
        raise ValueError("Only a published edition is sent.")
    sections = selectors.edition_contents(edition)
    already = Delivery.objects.filter(edition=edition, status=DeliveryStatus.SENT).values("subscriber_id")
    skipped = already.count()
    audience = list(selectors.audience().exclude(pk__in=already).order_by("pk"))
    connection = connection or get_connection(fail_silently=False)
    sent = failed = 0
    total = len(audience)
    if progress:
        progress(0, total)
    for done, subscriber in enumerate(audience, start=1):
        error = ""
        try:
            count = edition_message(edition, sections, subscriber, base_url, connection).send(fail_silently=False)
            if not count:
                error = "The mail server accepted nothing"
        except Exception as exc:  # record the failure and carry on with the rest of the list
            error = f"{type(exc).__name__}: {exc}"[:500]
        now = timezone.now()
        with transaction.atomic():
            delivery, _ = Delivery.objects.select_for_update().get_or_create(
                edition=edition, subscriber=subscriber, defaults={"status": DeliveryStatus.FAILED}
            )
            delivery.attempts += 1
            delivery.updated_at = now
            if error:
                delivery.status, delivery.error = DeliveryStatus.FAILED, error
                failed += 1
            else:
                delivery.status, delivery.error, delivery.sent_at = DeliveryStatus.SENT, "", now
                sent += 1
            delivery.save()
        if progress:
            progress(done, total)
    result = {"sent": sent, "failed": failed, "skipped_already_sent": skipped}
    audit.record(
        actor=actor,
        operation=Operation.DISCLOSURE,
        object_type="bulletin_edition",
        object_ids=[edition.pk],
        purpose=actor.purpose or "Partnership bulletin sent to its distribution list",
        detail={"sent": sent, "failed": failed, "title": edition.title},
    )
    return result
