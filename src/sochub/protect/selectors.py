"""Reads of the Protect app: the anonymous figures staff see and the contacts a message would reach.

Figures by district leave out districts with fewer than ``MIN_RESPONSES`` responses (they are counted
together as "other districts"), so no one's answers can be picked out of a small area.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from .flow import questionnaire
from .models import AlertContact, AlertMessage, ContactKind, SelfAssessment

MIN_RESPONSES = 10


@dataclass(frozen=True)
class SegmentInfo:
    id: str
    name: str
    vulnerable: bool


@dataclass
class Row:
    """Counts per segment for one group (a district, a month, everyone)."""

    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, segment: str) -> float:
        return self.counts.get(segment, 0) / self.total if self.total else 0.0


@dataclass(frozen=True)
class DistrictRank:
    district: str
    responses: int
    vulnerable: int

    @property
    def share(self) -> float:
        return self.vulnerable / self.responses if self.responses else 0.0


@dataclass
class Figures:
    responses: int
    segments: list[SegmentInfo]
    overall: Row
    districts: list[Row]
    other_districts: Row  # districts with fewer than MIN_RESPONSES responses, together
    not_given: Row  # responses without a district
    months: list[Row]
    most_vulnerable: list[DistrictRank]
    min_responses: int = MIN_RESPONSES
    extra: dict[str, Any] = field(default_factory=dict)


def segments() -> list[SegmentInfo]:
    return [SegmentInfo(s.id, s.name, bool(s.vulnerable)) for s in questionnaire().segments]


def _months_back(today: date, count: int) -> list[date]:
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def figures(*, today: date, months: int = 12, top: int = 10) -> Figures:
    """Counts by segment overall, by district and by month (the last ``months`` months)."""
    known = segments()
    ids = [s.id for s in known]
    qs = SelfAssessment.objects.all()
    overall = Row("All responses", dict.fromkeys(ids, 0))
    for seg, n in qs.values_list("segment").annotate(n=Count("id")).order_by().values_list("segment", "n"):
        overall.counts[seg] = overall.counts.get(seg, 0) + n

    per_district: dict[str, Counter[str]] = defaultdict(Counter)
    for district, seg, n in qs.values_list("district", "segment").annotate(n=Count("id")).order_by():
        per_district[district][seg] += n
    not_given = Row("Not given", dict.fromkeys(ids, 0))
    other = Row("Other districts", dict.fromkeys(ids, 0))
    rows: list[Row] = []
    for district in sorted(per_district, key=_district_key):
        counts = per_district[district]
        if not district:
            not_given.counts.update(counts)
        elif sum(counts.values()) < MIN_RESPONSES:
            for seg, n in counts.items():
                other.counts[seg] = other.counts.get(seg, 0) + n
        else:
            rows.append(Row(district, {**dict.fromkeys(ids, 0), **counts}))

    first = _months_back(today, months)[0]
    by_month: dict[date, Counter[str]] = defaultdict(Counter)
    monthly = (
        qs.filter(submitted_on__gte=first)
        .annotate(month=TruncMonth("submitted_on"))
        .values_list("month", "segment")
        .annotate(n=Count("id"))
        .order_by()
    )
    for month, seg, n in monthly:
        by_month[month][seg] += n
    month_rows = [
        Row(m.strftime("%b %Y"), {**dict.fromkeys(ids, 0), **by_month.get(m, Counter())})
        for m in _months_back(today, months)
    ]

    ranked = (
        qs.exclude(district="")
        .values("district")
        .annotate(n=Count("id"), v=Count("id", filter=Q(vulnerable=True)))
        .filter(n__gte=MIN_RESPONSES)
        .order_by()
    )
    ranks = [DistrictRank(r["district"], r["n"], r["v"]) for r in ranked]
    ranks.sort(key=lambda r: (-r.share, -r.responses, _district_key(r.district)))
    return Figures(
        responses=overall.total,
        segments=known,
        overall=overall,
        districts=rows,
        other_districts=other,
        not_given=not_given,
        months=month_rows,
        most_vulnerable=ranks[:top],
    )


def _district_key(district: str) -> tuple[str, int, str]:
    """M1, M2, M14 rather than M1, M14, M2."""
    found = re.match(r"([A-Z]*)(\d*)(.*)", district)
    assert found is not None
    letters, digits, rest = found.groups()
    return letters, int(digits or 0), rest


def audience(*, segments: list[str], districts: list[str]) -> QuerySet[AlertContact]:
    """Contacts who agreed, confirmed and have not unsubscribed, in the chosen segments and districts."""
    qs = AlertContact.objects.filter(unsubscribed_at__isnull=True, confirmed_at__isnull=False)
    if segments:
        qs = qs.filter(segment__in=segments)
    if districts:
        qs = qs.filter(district__in=districts)
    return qs


@dataclass(frozen=True)
class AudienceCount:
    email: int
    phone: int

    @property
    def total(self) -> int:
        return self.email + self.phone


def audience_count(*, segments: list[str], districts: list[str]) -> AudienceCount:
    counts = dict(
        audience(segments=segments, districts=districts).values_list("kind").annotate(n=Count("id")).order_by()
    )
    return AudienceCount(email=counts.get(ContactKind.EMAIL, 0), phone=counts.get(ContactKind.PHONE, 0))


def message_log(limit: int = 50) -> QuerySet[AlertMessage]:
    return AlertMessage.objects.select_related("sent_by", "sent_by__agency")[:limit]


def contact_by_token(token: str) -> AlertContact | None:
    if not token or len(token) > 64:
        return None
    return AlertContact.objects.filter(unsubscribe_token=token).first()


# Shares of vulnerable segments that the map's colour bands start at (and the key shows).
MAP_BANDS = (0.0, 0.2, 0.35, 0.5, 0.65)
MAP_COLOURS = ("#d2e2f1", "#9ecae1", "#f4a582", "#d6604d", "#b2182b")


def district_map(figs: Figures, points: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The districts with enough responses to be named, placed at their centres, as GeoJSON points with
    their responses, vulnerable share, colour band and segment counts (for the staff map)."""
    vulnerable = {s.id for s in figs.segments if s.vulnerable}
    features: list[dict[str, Any]] = []
    for row in figs.districts:
        where = points.get(row.label)
        if where is None:
            continue
        share = sum(row.counts.get(s, 0) for s in vulnerable) / row.total if row.total else 0.0
        band = max(i for i, start in enumerate(MAP_BANDS) if share >= start)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(where[1], 5), round(where[0], 5)]},
                "properties": {
                    "district": row.label,
                    "responses": row.total,
                    "vulnerable_share": round(share, 3),
                    "colour": MAP_COLOURS[band],
                    "segments": {s.id: row.counts.get(s.id, 0) for s in figs.segments},
                },
            }
        )
    placed = {f["properties"]["district"] for f in features}
    return {
        "type": "FeatureCollection",
        "features": features,
        "unplaced": sorted(r.label for r in figs.districts if r.label not in placed),
    }
