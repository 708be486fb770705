"""Demo self-assessment figures: anonymous responses across Greater Manchester and Merseyside postcode
districts over the last twelve months, and about a hundred people who asked for local alerts.

Answers come from the engine's synthetic survey and are scored by the same function the public pages use, so
every response is one a person could have given. Districts lean a little towards some segments, so the
"highest share of vulnerable segments" list has something to show; a few districts stay under the
minimum of responses and are left out of the district figures. Nothing here is real data.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from sochub.engine.selfassess import score, synthetic_survey
from sochub.engine.selfassess.survey import RESPONDENT, SEGMENT

from .flow import questionnaire, questionnaire_fingerprint
from .models import AlertContact, ContactKind, SelfAssessment
from .services import CONSENT_WORDING

# Districts and how many responses each draws (relative), with how much each leans to vulnerable segments.
GREATER_MANCHESTER = (
    "M1",
    "M4",
    "M8",
    "M11",
    "M13",
    "M14",
    "M15",
    "M16",
    "M20",
    "M21",
    "M40",
    "BL1",
    "BL3",
    "OL1",
    "OL9",
    "SK1",
    "SK4",
    "WN1",
    "WN2",
    "M6",
    "M30",
)
MERSEYSIDE = ("L1", "L4", "L5", "L6", "L8", "L11", "L15", "L17", "L18", "CH41", "CH44", "WA9", "WA10", "PR8")
RARE = ("M99", "L75", "WA11")  # a handful of responses each: under the minimum for district figures


def build_demo_self_assessments(seed: int, responses: int = 1500) -> dict[str, int]:
    """Create ``responses`` anonymous responses and about 100 alert contacts; returns what was made."""
    rng = random.Random(seed)
    q = questionnaire()
    vulnerable = {s.id for s in q.segments if s.vulnerable}
    districts = [*GREATER_MANCHESTER, *MERSEYSIDE]
    weight = {d: rng.uniform(0.5, 2.0) for d in districts}
    lean = {d: rng.uniform(0.6, 1.6) for d in districts}
    today = timezone.localdate()
    # Back to the first day of the month eleven months ago: the twelve months the staff page charts.
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    span = (today - first).days
    fp = questionnaire_fingerprint()
    rows = synthetic_survey(q, responses, seed=seed)
    made: list[SelfAssessment] = []
    for i, row in enumerate(rows):
        answers = {k: v for k, v in row.items() if k not in (RESPONDENT, SEGMENT) and v}
        result = score(q, answers)
        is_vulnerable = result.segment.id in vulnerable
        if i < len(RARE) * 3:
            district = RARE[i % len(RARE)]
        elif rng.random() < 0.08:
            district = ""  # not given
        else:
            w = [weight[d] * (lean[d] if is_vulnerable else 1 / lean[d]) for d in districts]
            district = rng.choices(districts, w)[0]
        made.append(
            SelfAssessment(
                district=district,
                submitted_on=today - timedelta(days=int(rng.triangular(0, span, 30))),
                segment=result.segment.id,
                vulnerable=result.segment.vulnerable,
                answers=[[a, b] for a, b in result.path],
                questionnaire=q.name[:100],
                questionnaire_version=q.version[:40],
                fingerprint=fp,
                submission=hashlib.sha256(f"demo:{seed}:{i}:{secrets.token_hex(8)}".encode()).hexdigest(),
            )
        )
    segments = [s.id for s in q.segments]
    contacts: list[AlertContact] = []
    now = timezone.now()
    for n in range(1, 101):
        phone = n % 10 == 0
        contacts.append(
            AlertContact(
                kind=ContactKind.PHONE if phone else ContactKind.EMAIL,
                email="" if phone else f"resident{n:03d}@example.org",
                phone=f"+447700900{n:03d}" if phone else "",
                district=rng.choice(districts),
                segment=rng.choice(segments),
                consented_at=(consented := now - timedelta(days=rng.randint(1, 360))),
                confirmed_at=None if n % 23 == 0 else consented + timedelta(minutes=rng.randint(2, 600)),
                consent_wording=CONSENT_WORDING,
                unsubscribe_token=secrets.token_urlsafe(32),
                unsubscribed_at=now - timedelta(days=rng.randint(0, 30)) if n % 17 == 0 else None,
            )
        )
    with transaction.atomic():
        SelfAssessment.objects.bulk_create(made, batch_size=500)
        AlertContact.objects.bulk_create(contacts)
    return {"responses": len(made), "contacts": len(contacts)}


# Approximate centres of the demo's postcode districts (demo only: a partnership supplies its own, licensed,
# for example from the ONS Postcode Directory).
DEMO_DISTRICT_CENTRES = {
    "M1": (53.478, -2.236), "M4": (53.484, -2.225), "M6": (53.495, -2.300), "M8": (53.510, -2.236),
    "M11": (53.478, -2.180), "M13": (53.460, -2.215), "M14": (53.447, -2.225), "M15": (53.465, -2.255),
    "M16": (53.455, -2.265), "M20": (53.425, -2.230), "M21": (53.440, -2.275), "M30": (53.480, -2.350),
    "M40": (53.515, -2.195), "BL1": (53.590, -2.445), "BL3": (53.565, -2.430), "OL1": (53.545, -2.110),
    "OL9": (53.535, -2.140), "SK1": (53.405, -2.155), "SK4": (53.415, -2.185), "WN1": (53.550, -2.630),
    "WN2": (53.535, -2.570), "L1": (53.403, -2.982), "L4": (53.440, -2.960), "L5": (53.425, -2.975),
    "L6": (53.420, -2.950), "L8": (53.390, -2.965), "L11": (53.445, -2.930), "L15": (53.400, -2.925),
    "L17": (53.375, -2.945), "L18": (53.380, -2.905), "CH41": (53.390, -3.030), "CH44": (53.420, -3.045),
    "WA9": (53.440, -2.720), "WA10": (53.455, -2.745), "PR8": (53.630, -3.010),
}  # fmt: skip


def write_demo_district_points(folder: Path) -> Path:
    """The demo districts' approximate centres as the CSV ``SOCHUB_POSTCODE_DISTRICTS`` reads."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "postcode-districts.csv"
    lines = ["district,latitude,longitude"] + [f"{d},{lat},{lon}" for d, (lat, lon) in DEMO_DISTRICT_CENTRES.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
