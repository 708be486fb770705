"""The partnership bulletin for the demo, made through the real services: last quarter's edition published with six
articles from several agencies and sent to ~25 confirmed subscribers (through Django's file e-mail backend into
``var/demo-mail``: no network), some readers' feedback, and the next edition in preparation with submissions
waiting for review. Uses the demo users "admin", "coordinator" (editor), "analyst", "analyst2" and "partner".
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.utils import timezone

from sochub.audit.context import Actor
from sochub.audit.models import Channel
from sochub.engine import bulletin as engine
from sochub.partners.models import User

from . import mail, services
from .models import Article, Edition, Subscriber

# (author, section, title, summary, body)
_PUBLISHED: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "coordinator",
        "spotlight",
        "A night of action in Cheetham Hill",
        "Licensing, trading standards and GMP visited six premises in one evening: two closures and £40,000 of "
        "counterfeit goods seized.",
        "Six premises linked to one organised crime group were visited on a single Friday evening by Manchester "
        "City Council licensing, Manchester Trading Standards and GMP.\n\nWhat made the difference:\n\n"
        "- a shared target list agreed at the monthly coordination meeting\n- one briefing for every agency\n"
        "- **one** debrief the following Monday\n\nTwo premises were closed and counterfeit goods worth about "
        "£40,000 were seized.",
    ),
    (
        "partner",
        "practical_tools",
        "A checklist for cash-intensive businesses",
        "HMRC's one-page checklist helps licensing officers spot businesses used to launder cash.",
        "Hand car washes, nail bars and takeaways can be used to mix criminal cash with takings.\n\nThe checklist "
        "asks five questions a visiting officer can answer in ten minutes. Ask the contact below for a copy.",
    ),
    (
        "analyst2",
        "information_sharing",
        "What a GAIN request made possible",
        "A request brokered by the North West GAIN coordinator gave Merseyside the missing link to a supplier.",
        "A Merseyside analyst asked, through GAIN, whether a partner agency knew a company director.\n\nThe answer, "
        "shared for 30 days under the agreed legal gateway, linked the director to a supplier already under "
        "investigation. Read more about GAIN at [the partner directory](https://www.gov.uk).",
    ),
    (
        "analyst",
        "tackling_crime",
        "Disrupting county lines through tenancy enforcement",
        "Housing partners and GMP used tenancy conditions to remove a trap house.",
        "Cuckooed flats are a familiar problem. Working with the housing provider, GMP gathered the evidence for a "
        "closure order in three weeks.\n\nThe tenant was safeguarded and moved.",
    ),
    (
        "coordinator",
        "guidance",
        "Updated guidance on level 2 intimidated witnesses",
        "What the new guidance means for partners who first meet an intimidated witness.",
        "Partners are often first to hear of intimidation. The updated guidance sets out who to tell and how "
        "quickly.\n\n*Refer the same day* where there is a threat to life.",
    ),
    (
        "partner",
        "spotlight",
        "Suspicious activity reports from accountants rise",
        "The 'Flag it up' campaign is working: more reports from the accounting sector this quarter.",
        "Reports from accountants and legal professionals rose this quarter after the campaign's regional events.",
    ),
)

_WAITING: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "analyst",
        "practical_tools",
        "Mapping problem premises with the local profile",
        "How the local profile's hot spots fed the monthly coordination list.",
        "The local profile's areas of concern now feed straight into the premises coordination list.",
    ),
    (
        "analyst2",
        "spotlight",
        "Operation at the docks: a partnership story",
        "Border Force, the port and Merseyside worked together on a container of counterfeit tobacco.",
        "One container, three agencies, and a prosecution file ready in six weeks.",
    ),
    (
        "partner",
        "guidance",
        "Economic crime: new failure to prevent fraud offence",
        "What the new corporate offence means for partners' own organisations.",
        "Large organisations can now be liable when an associated person commits fraud for their benefit.",
    ),
)

_FIRST = ("Alex", "Sam", "Jo", "Chris", "Priya", "Tom", "Aisha", "Ben", "Kate", "Omar", "Lucy", "Dan", "Mei")
_LAST = ("Taylor", "Khan", "Evans", "Smith", "Patel", "Jones", "Brown", "Wilson", "Hughes", "Ali", "Walker")
_ORGS = (
    ("Manchester City Council", "manchester.gov.uk.invalid"),
    ("Liverpool City Council", "liverpool.gov.uk.invalid"),
    ("Greater Manchester Fire and Rescue", "gmfrs.invalid"),
    ("Trafford Housing Trust", "traffordhousing.invalid"),
    ("NHS Counter Fraud Authority", "cfa.nhs.invalid"),
    ("Merseyside Trading Standards", "mts.invalid"),
)
_WISHES = (
    "More about modern slavery in car washes",
    "Case studies from other regions",
    "",
    "",
    "Fraud against older people",
)
_ENGAGED = (
    "Called the HMRC contact about a car wash on our patch",
    "Asked our GAIN coordinator to broker a request",
    "Joined the next night of action",
)


def _actor(username: str) -> Actor:
    return Actor(user=User.objects.get(username=username), channel=Channel.CLI, purpose="Demo partnership bulletin")


def _submit(spec: tuple[str, str, str, str, str]) -> Article:
    author, section, title, summary, body = spec
    actor = _actor(author)
    user = actor.user
    return services.article_submit(
        actor=actor,
        title=title,
        section=section,
        summary=summary,
        body=body,
        contact_name=user.get_full_name() or user.username.title(),
        contact_email=f"{user.username}@{user.agency.code if user.agency else 'sochub'}.example.invalid",
        consent=True,
    )


def build_demo_bulletin(*, seed: int, today: date | None = None) -> dict[str, int]:
    """Build the demo bulletin; returns counts for the demo summary. Needs the demo users."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    editor = _actor("coordinator")
    last_season, last_year = engine.quarter_of(today - timedelta(days=92))
    next_season, next_year = engine.quarter_of(today)

    published = services.edition_create(
        actor=editor,
        season=last_season,
        year=last_year,
        planned_publication=today - timedelta(days=40),
        foreword="Welcome to this quarter's bulletin. Thank you to every partner who wrote for it.\n\n"
        "Tell us what helped you: the feedback link is at the end of every e-mail.",
    )
    for spec in _PUBLISHED:
        article = _submit(spec)
        services.article_review(actor=editor, article=article, decision="accept")
        services.article_schedule(actor=editor, article=article, edition=published)
    first = Article.objects.filter(edition=published).order_by("pk").first()
    assert first is not None
    services.article_edit(
        actor=editor,
        article=first,
        title=first.title,
        section=first.section,
        summary=first.summary,
        body=first.body + "\n\nThanks to every officer who gave up a Friday night.",
        note="Added thanks",
    )
    published = services.edition_publish(actor=editor, edition=published)

    subscribers = 0
    for i in range(25):
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        org, domain = _ORGS[i % len(_ORGS)]
        email = f"{name.lower().replace(' ', '.')}.{i}@{domain}"
        services.subscribe(name=name, email=email, organisation=org, consent=True, confirm_url=lambda t: t)
        sub = Subscriber.objects.get(email_key=email.lower(), unsubscribed_at__isnull=True)
        services.subscriber_confirm(token=sub.token)
        subscribers += 1
    services.subscribe(
        name="Not Confirmed", email="waiting@example.invalid", organisation="Somewhere", consent=True, confirm_url=str
    )
    mail_dir = settings.VAR_DIR / "demo-mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    connection = get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(mail_dir))
    sent = mail.edition_send(
        actor=editor,
        edition=published,
        base_url=settings.SOCHUB_PUBLIC_URL or "http://127.0.0.1:8000",
        connection=connection,
    )

    articles = list(Article.objects.filter(edition=published).values_list("pk", flat=True))
    readers = list(Subscriber.objects.filter(confirmed_at__isnull=False).order_by("pk")[:9])
    for sub in readers:
        engaged = rng.random() < 0.4
        services.feedback_submit(
            reader=services.Reader(subscriber=sub),
            edition=published,
            helpful=rng.sample(articles, rng.randint(1, 3)),
            engaged=engaged,
            engaged_detail=rng.choice(_ENGAGED) if engaged else "",
            wishes=rng.choice(_WISHES),
            rating=rng.choice((3, 4, 4, 5, 5)),
        )
    for username in ("analyst", "partner"):
        services.feedback_submit(
            reader=services.Reader(user=User.objects.get(username=username)),
            edition=published,
            helpful=articles[:2],
            engaged=username == "partner",
            engaged_detail="Asked Trading Standards to join a visit" if username == "partner" else "",
            wishes="",
            rating=4,
        )

    upcoming = services.edition_create(
        actor=editor, season=next_season, year=next_year, planned_publication=today + timedelta(days=45)
    )
    waiting = [_submit(spec) for spec in _WAITING]
    services.article_review(actor=editor, article=waiting[0], decision="accept")
    services.article_schedule(actor=editor, article=waiting[0], edition=upcoming)
    services.article_review(
        actor=editor,
        article=waiting[2],
        decision="return",
        comments="Please add one practical step partners can take this quarter.",
    )
    return {
        "bulletin editions": Edition.objects.count(),
        "bulletin articles published": len(articles),
        "bulletin submissions waiting for review": Article.objects.filter(status="submitted").count(),
        "bulletin subscribers confirmed": subscribers,
        "bulletin e-mails sent (to var/demo-mail)": sent["sent"],
        "bulletin feedback responses": published.feedback.count(),
    }
