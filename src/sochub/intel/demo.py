"""A deterministic, synthetic multi-agency world to demonstrate and test SOC Hub.

``build_demo`` fills an empty database with invented people held by real UK police forces,
councils and the national GAIN partners: names, dates of birth, PNC IDs, NI numbers,
addresses, phones and warning markers; organised crime groups and their members; links
between people; premises, vehicles, graded intelligence and shares between agencies.

Everything is drawn from one ``random.Random(seed)`` (and a Faker seeded with the same
number), so the same seed gives the same world: the same people with the same names, the
same nominal ids, the same groups. Dates are counted back from today, so they move with
the calendar. Every person is invented; any likeness to a real person is chance.

Each real person gets a ground-truth id in ``Nominal.demo_truth`` (``P000123``). The demo
plays the part of record linkage: most facts that several agencies hold about one person
sit on one nominal, but about a fifth of the people held by more than one agency also get a
separate, near-duplicate nominal (a misspelt surname, sometimes another address or no date
of birth) for entity resolution to find.
"""

from __future__ import annotations

import random
import secrets
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from faker import Faker

from sochub.audit import services as audit
from sochub.audit.context import Actor
from sochub.audit.models import Operation
from sochub.engine import names
from sochub.partners import services as partner_services
from sochub.partners.models import Agency, AgencyKind, AgencyStatus, Region, Role, User, Vetting

from .models import (
    OCG,
    Association,
    AssociationType,
    Classification,
    FactKind,
    HandlingCode,
    IntelligenceRecord,
    MemberRole,
    NameToken,
    Nominal,
    NominalFact,
    OCGMembership,
    OCGStatus,
    Offence,
    OffenceOutcome,
    Premises,
    PremisesKind,
    Share,
    ThreatCategory,
    Vehicle,
    WarningMarker,
)
from .services import build_fact, name_tokens_for

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

BATCH = 5000
MIN_NOMINALS = 50

# Share of people held by two or three agencies, and of those who also get a separate
# near-duplicate nominal.
MULTI_AGENCY_RATE = 0.30
NEAR_DUPLICATE_RATE = 0.20


def _by_value(mapping: dict[Any, T]) -> dict[str, T]:
    """Key a mapping by plain strings: a Django choice hashes by its name, not by its value."""
    return {str(k): v for k, v in mapping.items()}


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class DemoWorldError(Exception):
    """The demo world cannot be built here (the database is not empty, or a name is taken)."""


@dataclass
class DemoSummary:
    """What ``build_demo`` made. ``users`` is (username, agency name, roles) for each demo user."""

    seed: int
    password: str
    users: list[tuple[str, str, list[str]]] = field(default_factory=list)
    agencies_created: int = 0
    people: int = 0
    nominals: int = 0
    near_duplicates: int = 0
    multi_agency_nominals: int = 0
    facts: int = 0
    name_tokens: int = 0
    ocgs: int = 0
    memberships: int = 0
    associations: int = 0
    premises: int = 0
    vehicles: int = 0
    intelligence: int = 0
    shares: int = 0
    offences: int = 0
    safeguarding: int = 0
    seconds: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        """How many of each thing were made, for the console and the audit row."""
        return {
            "agencies_created": self.agencies_created,
            "users": len(self.users),
            "people": self.people,
            "nominals": self.nominals,
            "near_duplicates": self.near_duplicates,
            "multi_agency_nominals": self.multi_agency_nominals,
            "facts": self.facts,
            "name_tokens": self.name_tokens,
            "ocgs": self.ocgs,
            "memberships": self.memberships,
            "associations": self.associations,
            "premises": self.premises,
            "vehicles": self.vehicles,
            "intelligence": self.intelligence,
            "shares": self.shares,
            "offences": self.offences,
            "safeguarding": self.safeguarding,
        }


# Reference data ----------------------------------------------------------------------------


# Approximate town centres (WGS84) so demo premises can be mapped; each premises is scattered within a few km.
TOWN_CENTRES: dict[str, tuple[float, float]] = {
    "Aberystwyth": (52.415, -4.083),
    "Ammanford": (51.793, -3.988),
    "Bath": (51.381, -2.359),
    "Birkenhead": (53.393, -3.014),
    "Bishop Auckland": (54.664, -1.677),
    "Blackburn": (53.748, -2.482),
    "Blackpool": (53.817, -3.036),
    "Bolton": (53.578, -2.429),
    "Bootle": (53.446, -2.991),
    "Bradford": (53.795, -1.759),
    "Bridgend": (51.504, -3.577),
    "Bridgwater": (51.128, -3.003),
    "Bristol": (51.454, -2.588),
    "Burnley": (53.789, -2.24),
    "Bury": (53.593, -2.297),
    "Cardiff": (51.481, -3.179),
    "Carmarthen": (51.857, -4.312),
    "Chester-le-Street": (54.858, -1.574),
    "Consett": (54.854, -1.832),
    "Coventry": (52.407, -1.51),
    "Croydon": (51.372, -0.101),
    "Darlington": (54.524, -1.553),
    "Dewsbury": (53.691, -1.633),
    "Dudley": (52.512, -2.081),
    "Durham": (54.776, -1.575),
    "Enfield": (51.652, -0.081),
    "Halifax": (53.721, -1.865),
    "Haverfordwest": (51.801, -4.969),
    "Huddersfield": (53.645, -1.785),
    "Ilford": (51.559, 0.082),
    "Lancaster": (54.047, -2.801),
    "Leeds": (53.8, -1.549),
    "Liverpool": (53.408, -2.991),
    "Llandrindod Wells": (52.242, -3.379),
    "Llanelli": (51.681, -4.162),
    "London": (51.507, -0.128),
    "Manchester": (53.48, -2.243),
    "Merthyr Tydfil": (51.748, -3.378),
    "Morecambe": (54.07, -2.865),
    "Neath": (51.663, -3.806),
    "Newtown": (52.513, -3.313),
    "Oldham": (53.541, -2.111),
    "Peterlee": (54.76, -1.336),
    "Pontypridd": (51.602, -3.342),
    "Port Talbot": (51.592, -3.78),
    "Preston": (53.763, -2.703),
    "Rochdale": (53.616, -2.155),
    "Romford": (51.575, 0.183),
    "Salford": (53.488, -2.29),
    "Solihull": (52.412, -1.778),
    "Southport": (53.645, -3.01),
    "St Helens": (53.454, -2.737),
    "Stanley": (54.867, -1.697),
    "Stockport": (53.411, -2.158),
    "Swansea": (51.621, -3.944),
    "Taunton": (51.015, -3.106),
    "Wakefield": (53.683, -1.499),
    "Wallasey": (53.423, -3.065),
    "Walsall": (52.586, -1.982),
    "West Bromwich": (52.519, -1.995),
    "Weston-super-Mare": (51.346, -2.977),
    "Wigan": (53.545, -2.632),
    "Wolverhampton": (52.587, -2.129),
}


def _coordinates(town: str, index: int) -> dict[str, float]:
    """Demo premises coordinates, from their own generator so the rest of the demo world is unchanged."""
    centre = TOWN_CENTRES.get(town)
    if centre is None:
        return {}
    rng = random.Random(f"{town}-{index}")
    return {
        "latitude": round(centre[0] + rng.gauss(0, 0.012), 6),
        "longitude": round(centre[1] + rng.gauss(0, 0.02), 6),
    }


@dataclass(frozen=True)
class _Area:
    town: str
    outward: str  # the letters of the postcode area
    districts: tuple[int, ...]


@dataclass(frozen=True)
class _Force:
    code: str
    name: str
    region: str
    weight: float
    plate: str  # first letter of local number plates
    areas: tuple[_Area, ...]


def _areas(*specs: tuple[str, str, Sequence[int]]) -> tuple[_Area, ...]:
    return tuple(_Area(town, outward, tuple(districts)) for town, outward, districts in specs)


FORCES: tuple[_Force, ...] = (
    _Force(
        "gmp",
        "Greater Manchester Police",
        "north-west",
        14,
        "M",
        _areas(
            ("Manchester", "M", (1, 4, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 40)),
            ("Salford", "M", (3, 5, 6, 7, 27, 30)),
            ("Oldham", "OL", (1, 4, 8, 9)),
            ("Rochdale", "OL", (11, 12, 16)),
            ("Bolton", "BL", (1, 2, 3, 4, 5)),
            ("Bury", "BL", (8, 9)),
            ("Stockport", "SK", (1, 2, 3, 4, 5)),
            ("Wigan", "WN", (1, 2, 3, 5, 6)),
        ),
    ),
    _Force(
        "merseyside",
        "Merseyside Police",
        "north-west",
        8,
        "M",
        _areas(
            ("Liverpool", "L", (1, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 17, 18, 19, 24, 25, 27)),
            ("Bootle", "L", (20, 30)),
            ("Birkenhead", "CH", (41, 42, 43)),
            ("Wallasey", "CH", (44, 45)),
            ("St Helens", "WA", (9, 10, 11)),
            ("Southport", "PR", (8, 9)),
        ),
    ),
    _Force(
        "lancashire",
        "Lancashire Constabulary",
        "north-west",
        6,
        "P",
        _areas(
            ("Preston", "PR", (1, 2, 5)),
            ("Blackburn", "BB", (1, 2)),
            ("Burnley", "BB", (10, 11, 12)),
            ("Blackpool", "FY", (1, 2, 3, 4)),
            ("Lancaster", "LA", (1,)),
            ("Morecambe", "LA", (3, 4)),
        ),
    ),
    _Force(
        "wmp",
        "West Midlands Police",
        "west-midlands",
        12,
        "B",
        _areas(
            (
                "Birmingham",
                "B",
                (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 19, 20, 21, 23, 24, 26, 29, 31, 33, 34, 36, 42, 44),
            ),
            ("Wolverhampton", "WV", (1, 2, 3, 4, 6, 10, 11)),
            ("Coventry", "CV", (1, 2, 3, 4, 5, 6)),
            ("Walsall", "WS", (1, 2, 3, 5)),
            ("Dudley", "DY", (1, 2, 3)),
            ("West Bromwich", "B", (70, 71)),
            ("Solihull", "B", (90, 91, 92)),
        ),
    ),
    _Force(
        "met",
        "Metropolitan Police Service",
        "london",
        20,
        "L",
        _areas(
            ("London", "E", (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)),
            ("London", "N", (1, 4, 5, 7, 8, 9, 15, 16, 17, 18, 19, 22)),
            ("London", "SE", (1, 5, 6, 8, 13, 14, 15, 16, 18, 22, 28)),
            ("London", "SW", (2, 4, 8, 9, 11, 12, 16, 17, 18, 19)),
            ("London", "NW", (1, 2, 5, 6, 9, 10)),
            ("Croydon", "CR", (0, 2, 7)),
            ("Ilford", "IG", (1, 2, 3)),
            ("Romford", "RM", (1, 3, 7)),
            ("Enfield", "EN", (1, 2, 3)),
        ),
    ),
    _Force(
        "durham",
        "Durham Constabulary",
        "north-east",
        3,
        "N",
        _areas(
            ("Durham", "DH", (1,)),
            ("Chester-le-Street", "DH", (2, 3)),
            ("Consett", "DH", (8,)),
            ("Stanley", "DH", (9,)),
            ("Darlington", "DL", (1, 2, 3)),
            ("Bishop Auckland", "DL", (14,)),
            ("Peterlee", "SR", (8,)),
        ),
    ),
    _Force(
        "dyfed-powys",
        "Dyfed-Powys Police",
        "wales",
        3,
        "C",
        _areas(
            ("Llanelli", "SA", (14, 15)),
            ("Ammanford", "SA", (18,)),
            ("Carmarthen", "SA", (31,)),
            ("Haverfordwest", "SA", (61, 62)),
            ("Aberystwyth", "SY", (23,)),
            ("Newtown", "SY", (16,)),
            ("Llandrindod Wells", "LD", (1,)),
        ),
    ),
    _Force(
        "south-wales",
        "South Wales Police",
        "wales",
        6,
        "C",
        _areas(
            ("Cardiff", "CF", (3, 5, 10, 11, 14, 23, 24)),
            ("Swansea", "SA", (1, 2, 4, 5, 6)),
            ("Neath", "SA", (10, 11)),
            ("Port Talbot", "SA", (12, 13)),
            ("Bridgend", "CF", (31, 32)),
            ("Pontypridd", "CF", (37, 38)),
            ("Merthyr Tydfil", "CF", (47, 48)),
        ),
    ),
    _Force(
        "wyp",
        "West Yorkshire Police",
        "yorkshire-humber",
        9,
        "Y",
        _areas(
            ("Leeds", "LS", (1, 2, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)),
            ("Bradford", "BD", (1, 2, 3, 4, 5, 7, 8, 9)),
            ("Wakefield", "WF", (1, 2)),
            ("Dewsbury", "WF", (12, 13)),
            ("Huddersfield", "HD", (1, 2, 3)),
            ("Halifax", "HX", (1, 2, 3)),
        ),
    ),
    _Force(
        "avon-somerset",
        "Avon and Somerset Constabulary",
        "south-west",
        6,
        "W",
        _areas(
            ("Bristol", "BS", (1, 2, 3, 4, 5, 6, 7, 10, 11, 13, 14, 16)),
            ("Weston-super-Mare", "BS", (22, 23, 24)),
            ("Bath", "BA", (1, 2)),
            ("Taunton", "TA", (1, 2)),
            ("Bridgwater", "TA", (5, 6)),
        ),
    ),
)

# (code, name, region, the town whose residents it holds records on)
COUNCILS: tuple[tuple[str, str, str, str], ...] = (
    ("manchester-cc", "Manchester City Council", "north-west", "Manchester"),
    ("liverpool-cc", "Liverpool City Council", "north-west", "Liverpool"),
    ("birmingham-cc", "Birmingham City Council", "west-midlands", "Birmingham"),
)

# Council services that join nights of action but hold no files of their own in the demo: (code, name, region).
LOCAL_SERVICES: tuple[tuple[str, str, str], ...] = (
    ("manchester-ts", "Manchester Trading Standards", "north-west"),
)

# The regional organised crime unit of each region (loaded from gain.yaml by migrate).
ROCUS: dict[str, str] = {
    "north-west": "nwrocu",
    "west-midlands": "rocuwm",
    "wales": "tarian",
    "south-west": "swrocu",
    "north-east": "nerocu",
    "yorkshire-humber": "yhrocu",
    "london": "london-rocu",
}
NATIONAL_CODES = ("nca", "hmrc", "dwp", "home-office", "dvla", "glaa")


@dataclass(frozen=True)
class _UserSpec:
    username: str
    agency: str
    roles: tuple[str, ...]
    vetting: str
    job_title: str
    region: str | None = None


USERS: tuple[_UserSpec, ...] = (
    _UserSpec("admin", "nca", (Role.SYSTEM_ADMIN, Role.AGENCY_ADMIN), Vetting.SC, "SOC Hub system administrator"),
    _UserSpec("analyst", "gmp", (Role.ANALYST,), Vetting.NPPV3, "Intelligence analyst"),
    _UserSpec("analyst2", "merseyside", (Role.ANALYST,), Vetting.NPPV2, "Senior intelligence analyst"),
    _UserSpec("coordinator", "nwrocu", (Role.COORDINATOR,), Vetting.NPPV3, "GAIN coordinator", "north-west"),
    _UserSpec("officer", "gmp", (Role.OFFICER,), Vetting.NPPV1, "Detective constable"),
    _UserSpec("partner", "hmrc", (Role.PARTNER,), Vetting.NPPV2, "Fraud investigation officer"),
    _UserSpec("volunteer", "manchester-cc", (Role.VOLUNTEER,), Vetting.NONE, "Community safety volunteer"),
    _UserSpec("gmpadmin", "gmp", (Role.AGENCY_ADMIN,), Vetting.NPPV2, "Force systems administrator"),
    _UserSpec("supervisor", "gmp", (Role.ANALYST,), Vetting.NPPV3, "Intelligence manager (approves assessments)"),
    _UserSpec("analyst_met", "met", (Role.ANALYST,), Vetting.NPPV3, "Intelligence analyst"),
    _UserSpec("officer_wmp", "wmp", (Role.OFFICER,), Vetting.NPPV2, "Detective sergeant"),
    _UserSpec("coordinator_wm", "rocuwm", (Role.COORDINATOR,), Vetting.NPPV3, "GAIN coordinator", "west-midlands"),
    _UserSpec("coordinator_london", "london-rocu", (Role.COORDINATOR,), Vetting.NPPV3, "GAIN coordinator", "london"),
    _UserSpec("coordinator_wales", "tarian", (Role.COORDINATOR,), Vetting.NPPV3, "GAIN coordinator", "wales"),
    _UserSpec("coordinator_ne", "nerocu", (Role.COORDINATOR,), Vetting.NPPV3, "GAIN coordinator", "north-east"),
    _UserSpec("investigator_dwp", "dwp", (Role.OFFICER,), Vetting.NPPV2, "Fraud investigator"),
    _UserSpec("supervisor_dwp", "dwp", (Role.ANALYST,), Vetting.NPPV3, "Fraud investigation team leader"),
    _UserSpec("licensing", "manchester-cc", (Role.OFFICER,), Vetting.NPPV1, "Licensing enforcement officer"),
    _UserSpec("trading_standards", "manchester-ts", (Role.OFFICER,), Vetting.NPPV1, "Trading standards officer"),
)
DEMO_USERNAMES = tuple(u.username for u in USERS)

# People ------------------------------------------------------------------------------------

# Nationality -> (weight, male given names, female given names, surnames); empty lists mean
# Faker's en_GB names.
_NATIONALITIES: dict[str, tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "British": (86.0, (), (), ()),
    "Irish": (1.5, (), (), ()),
    "Polish": (
        2.0,
        ("Piotr", "Krzysztof", "Tomasz", "Pawel", "Marcin", "Michal", "Kamil", "Jakub"),
        ("Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna"),
        ("Nowak", "Kowalczyk", "Wozniak", "Mazur", "Krawczyk", "Kaczmarek", "Zajac", "Wrobel"),
    ),
    "Romanian": (
        2.0,
        ("Andrei", "Ionut", "Mihai", "Florin", "Bogdan", "Alexandru", "Marius", "Cosmin"),
        ("Elena", "Ioana", "Andreea", "Maria", "Alina"),
        ("Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Munteanu", "Radu", "Lungu"),
    ),
    "Albanian": (
        2.0,
        ("Arben", "Besnik", "Ermal", "Gentian", "Klodian", "Dritan", "Erion", "Florian"),
        ("Elira", "Anila", "Blerta", "Jonida"),
        ("Hoxha", "Krasniqi", "Berisha", "Gashi", "Shehu", "Dervishi", "Leka", "Kola"),
    ),
    "Vietnamese": (
        1.5,
        ("Minh", "Tuan", "Hung", "Duc", "Thanh", "Quang", "Long"),
        ("Lan", "Huong", "Mai", "Linh", "Thu"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"),
    ),
    "Lithuanian": (
        1.0,
        ("Tomas", "Mantas", "Darius", "Andrius", "Marius", "Lukas"),
        ("Ruta", "Egle", "Inga", "Jurgita"),
        ("Kazlauskas", "Jankauskas", "Petrauskas", "Stankevicius", "Vasiliauskas"),
    ),
    "Nigerian": (
        1.0,
        ("Chukwuemeka", "Oluwaseun", "Emeka", "Tunde", "Ikenna", "Femi"),
        ("Ngozi", "Chioma", "Funmilayo", "Adaeze"),
        ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Adebayo"),
    ),
    "Iraqi": (
        1.0,
        ("Karwan", "Rebwar", "Hemin", "Ahmed", "Omar", "Dilshad"),
        ("Shilan", "Zhino", "Nasrin"),
        ("Rashid", "Aziz", "Hussein", "Mohammed", "Karim", "Salih"),
    ),
    "Eritrean": (
        0.8,
        ("Yonas", "Filmon", "Tesfay", "Merhawi", "Samuel"),
        ("Helen", "Selam", "Senait"),
        ("Tesfaye", "Haile", "Gebremedhin", "Kidane", "Berhane"),
    ),
    "Chinese": (
        0.7,
        ("Wei", "Jun", "Hao", "Lei", "Ming"),
        ("Mei", "Xiu", "Ling", "Yan"),
        ("Wang", "Li", "Zhang", "Chen", "Liu", "Zhou"),
    ),
}

_DIMINUTIVES = {
    "William": "Bill",
    "Robert": "Bob",
    "Michael": "Mick",
    "Thomas": "Tom",
    "Daniel": "Danny",
    "Christopher": "Chris",
    "Jonathan": "Jon",
    "Anthony": "Tony",
    "James": "Jim",
    "Joseph": "Joe",
    "Samuel": "Sam",
    "Matthew": "Matt",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Nicholas": "Nick",
    "Stephen": "Steve",
    "Steven": "Steve",
    "Richard": "Rick",
    "Edward": "Eddie",
    "Patrick": "Pat",
    "David": "Dave",
    "Andrew": "Andy",
    "Peter": "Pete",
    "Kenneth": "Ken",
    "Gareth": "Gaz",
    "Gary": "Gaz",
    "Terence": "Terry",
    "Raymond": "Ray",
    "Ronald": "Ron",
    "Leonard": "Len",
    "Elizabeth": "Liz",
    "Katherine": "Kate",
    "Catherine": "Cath",
    "Margaret": "Maggie",
    "Rebecca": "Becky",
    "Jennifer": "Jenny",
    "Victoria": "Vicky",
    "Deborah": "Debbie",
    "Samantha": "Sam",
    "Susan": "Sue",
    "Patricia": "Pat",
    "Kimberley": "Kim",
    "Natalie": "Nat",
}

_NICKNAMES = _words(
    "Tank Bones Shorty Chops Spider Tiny Ghost Smudge Razor Jinx Taz Skinny Wiz Bam Chunky Dex "
    "Flash Rocco Snowy Ginger Moose Lefty Kid Scooby Deano Tricky Milky Reds Digger Prof Nitro "
    "Ace"
)
_STREET_WORDS = _words(
    "Acacia Albert Alexandra Beech Birch Bridge Cedar Chapel Church Clarence Elm Grange Hawthorn "
    "Highfield Holly Kings Laburnum Lime Manor Maple Mill Moss Oak Orchard Park Queens Railway "
    "Rose School Springfield Station Victoria Willow Windsor York Canal Dale"
)
_STREET_TYPES = _words(
    "Road Road Street Street Avenue Lane Close Grove Drive Crescent Terrace Way Gardens Place Walk View"
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BANNED = ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ")
_PNC_CHECK = "ZABCDEFGHJKLMNPQRTUVWXY"

_OFFENCES_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "illegal_drugs": ("drug trafficking", "drug trafficking", "possession of weapons", "violence with injury"),
    "illegal_firearms": ("firearms offence", "possession of weapons", "wounding with intent"),
    "modern_slavery": ("modern slavery", "kidnapping", "violence with injury"),
    "organised_immigration_crime": ("modern slavery", "fraud"),
    "organised_acquisitive_crime": ("domestic burglary", "vehicle offences", "robbery", "non-domestic burglary"),
    "cyber_crime": ("fraud", "money laundering"),
    "fraud": ("fraud", "fraud", "money laundering"),
    "money_laundering": ("money laundering", "fraud"),
    "child_sexual_abuse": ("rape", "kidnapping"),
    "bribery_corruption_sanctions": ("fraud", "money laundering"),
}
_MINOR_OFFENCES = (
    "shoplifting",
    "criminal damage",
    "violence without injury",
    "public order",
    "possession of drugs",
    "vehicle offences",
)
_OFFENCE_OUTCOMES = (
    (OffenceOutcome.CONVICTED, 50),
    (OffenceOutcome.CHARGED, 15),
    (OffenceOutcome.CAUTIONED, 10),
    (OffenceOutcome.SUSPECTED, 20),
    (OffenceOutcome.NO_FURTHER_ACTION, 5),
)
_SAFEGUARDING = (
    "Victim of cuckooing: home used to deal drugs",
    "Child at risk of criminal exploitation (county lines)",
    "Victim of modern slavery (NRM referral)",
    "Vulnerable adult: learning disability, targeted by the group",
    "Victim of fraud, repeat target",
    "Young person under 18 carrying drugs for others",
)
_MARKERS_COMMON = (WarningMarker.VIOLENCE, WarningMarker.DRUGS, WarningMarker.WEAPONS)
_MARKERS_RARE = (
    WarningMarker.FIREARMS,
    WarningMarker.SELF_HARM,
    WarningMarker.MENTAL_HEALTH,
    WarningMarker.ESCAPER,
    WarningMarker.SUICIDAL,
    WarningMarker.ALLEGES,
    WarningMarker.CONTAGION,
)

_CARS = (
    ("Audi", "A3"),
    ("Audi", "Q5"),
    ("BMW", "3 Series"),
    ("BMW", "X5"),
    ("Volkswagen", "Golf"),
    ("Volkswagen", "Transporter"),
    ("Ford", "Fiesta"),
    ("Ford", "Focus"),
    ("Ford", "Transit"),
    ("Mercedes-Benz", "C-Class"),
    ("Mercedes-Benz", "Sprinter"),
    ("Land Rover", "Range Rover Sport"),
    ("Toyota", "Prius"),
    ("Toyota", "Yaris"),
    ("Vauxhall", "Corsa"),
    ("Vauxhall", "Astra"),
    ("Nissan", "Qashqai"),
    ("Seat", "Leon"),
    ("Peugeot", "208"),
    ("Kia", "Sportage"),
    ("Honda", "Civic"),
)
_COLOURS = ("Black", "Black", "White", "Silver", "Silver", "Grey", "Grey", "Blue", "Red", "Green")


# Crime groups and intelligence -------------------------------------------------------------

_OP_WORDS = _words(
    "Kestrel Granite Larch Meridian Thistle Juniper Halcyon Bracken Cobalt Fennel Harrier "
    "Ironbark Jasper Lantern Marlin Nettle Obsidian Pewter Quarry Rowan Saltire Tamarind Umber "
    "Vellum Wicket Yarrow Zephyr Anvil Bramble Cinder Dunlin Ember Flint Garnet Heron Indigo "
    "Kelpie Lichen Mistral Nimbus Osprey Pennant Quill Russet Sorrel Teasel"
)
_FAKE_PLACE_START = _words("Ash Brook Elm Holly Thorn Wil Marsh Stan Hart Kings Mill Fern")
_FAKE_PLACE_END = ("field", "wood", "gate", "lea", "ton", "bury", "dale", "moor", "croft", "well")
_GANG_WORDS = ("Crew", "Boys", "Firm", "Mandem", "Network", "Syndicate")

_CATEGORY_WEIGHTS: tuple[tuple[str, float], ...] = (
    (ThreatCategory.DRUGS, 45),
    (ThreatCategory.OAC, 12),
    (ThreatCategory.FRAUD, 9),
    (ThreatCategory.MSHT, 8),
    (ThreatCategory.FIREARMS, 7),
    (ThreatCategory.OIC, 6),
    (ThreatCategory.MONEY_LAUNDERING, 6),
    (ThreatCategory.CYBER, 4),
    (ThreatCategory.BRIBERY, 3),
)
_SECONDARY_CATEGORIES: dict[str, tuple[str, ...]] = _by_value(
    {
        ThreatCategory.DRUGS: (ThreatCategory.FIREARMS, ThreatCategory.MONEY_LAUNDERING, ThreatCategory.MSHT),
        ThreatCategory.OAC: (ThreatCategory.MONEY_LAUNDERING, ThreatCategory.DRUGS),
        ThreatCategory.FRAUD: (ThreatCategory.MONEY_LAUNDERING, ThreatCategory.CYBER),
        ThreatCategory.MSHT: (ThreatCategory.OIC, ThreatCategory.MONEY_LAUNDERING),
        ThreatCategory.FIREARMS: (ThreatCategory.DRUGS, ThreatCategory.OAC),
        ThreatCategory.OIC: (ThreatCategory.MSHT, ThreatCategory.MONEY_LAUNDERING),
        ThreatCategory.MONEY_LAUNDERING: (ThreatCategory.FRAUD, ThreatCategory.DRUGS),
        ThreatCategory.CYBER: (ThreatCategory.FRAUD, ThreatCategory.MONEY_LAUNDERING),
        ThreatCategory.BRIBERY: (ThreatCategory.MONEY_LAUNDERING, ThreatCategory.DRUGS),
    }
)
_ACTIVITIES: dict[str, tuple[str, ...]] = _by_value(
    {
        ThreatCategory.DRUGS: (
            "drug supply",
            "county lines",
            "drug importation",
            "cannabis cultivation",
            "street dealing",
        ),
        ThreatCategory.FIREARMS: ("firearms supply", "storing firearms"),
        ThreatCategory.MONEY_LAUNDERING: ("money laundering", "cash collection", "money mule recruitment"),
        ThreatCategory.OAC: ("vehicle theft", "burglary", "handling stolen goods", "metal theft"),
        ThreatCategory.FRAUD: ("courier fraud", "benefit fraud", "VAT fraud", "mandate fraud"),
        ThreatCategory.MSHT: ("labour exploitation", "sexual exploitation", "transporting workers"),
        ThreatCategory.OIC: ("facilitating illegal entry", "supplying false documents"),
        ThreatCategory.CYBER: ("phishing", "selling stolen data"),
        ThreatCategory.BRIBERY: ("corrupting insiders", "sanctions evasion"),
    }
)
_OCG_DESCRIPTIONS: dict[str, str] = _by_value(
    {
        ThreatCategory.DRUGS: "A {area}-based group supplying class A drugs across the area and into "
        "neighbouring towns through county lines. Proceeds are moved in cash and through "
        "cash-intensive businesses.",
        ThreatCategory.OAC: "A group stealing high-value vehicles and committing burglaries in and around "
        "{area}, using lock-ups to re-plate or strip the vehicles for parts.",
        ThreatCategory.FRAUD: "A group running courier and mandate frauds from {area}, collecting victims' "
        "cash and moving it through accounts held by money mules.",
        ThreatCategory.MSHT: "A group believed to control workers in car washes and nail bars in {area}, "
        "housing them in overcrowded properties and taking most of their wages.",
        ThreatCategory.FIREARMS: "A group supplying and storing firearms and ammunition for other crime "
        "groups in {area}; linked to several discharges.",
        ThreatCategory.OIC: "A group facilitating the illegal entry of migrants and moving them on from "
        "{area}, with links to document forgers.",
        ThreatCategory.MONEY_LAUNDERING: "A group collecting and laundering cash for other crime groups in "
        "{area}, through money service businesses and property.",
        ThreatCategory.CYBER: "A group running phishing campaigns and selling stolen bank credentials from {area}.",
        ThreatCategory.BRIBERY: "A group corrupting workers at distribution hubs near {area} to move illicit goods.",
    }
)

_TEMPLATES: dict[str, tuple[tuple[str, str], ...]] = _by_value(
    {
        ThreatCategory.DRUGS: (
            (
                "{name}: supply of class A drugs in {town}",
                "Intelligence indicates that {name} is supplying {drug} from {address}{vehicle}. Deals are "
                "arranged by text message to {phone} and take place in the {town} area, mostly in the "
                "evenings. The supply is believed to be on behalf of {assoc}.",
            ),
            (
                "Drugs and cash stored at {postcode}",
                "It is reported that {name} is storing {drug} and significant amounts of cash at {address} "
                "on behalf of {assoc}. The drugs are said to be kept {hide}. Visitors are frequent and "
                "stay only a few minutes.",
            ),
            (
                "County line '{line}' run by {name}",
                "Intelligence suggests that {name} controls a drugs line known as '{line}' running between "
                "{town} and {other_town}. Young people are used to carry {drug} by train and stay at the "
                "homes of vulnerable adult users. The line phone is {phone}.",
            ),
            (
                "{name} collecting wholesale quantities of {drug}",
                "Information received that {name} travels to {other_town} every {weekday}{vehicle} to "
                "collect kilo quantities of {drug}, which are then divided at {address} for onward supply.",
            ),
            (
                "Cannabis cultivation linked to {name}",
                "A strong smell of cannabis and covered windows have been reported at a property rented by "
                "{name}. Intelligence indicates that the electricity supply at {address} has been "
                "bypassed and that {assoc} visits to tend the plants.",
            ),
        ),
        ThreatCategory.FIREARMS: (
            (
                "{name} has access to a firearm",
                "Intelligence indicates that {name} has access to a handgun which is kept at an address in "
                "{town}, possibly {address}. The firearm is said to have been used to threaten a rival "
                "dealer. Officers should treat {short} as potentially armed.",
            ),
            (
                "Ammunition sought by {name}",
                "It is reported that {name} has been trying to buy ammunition for a converted self-loading "
                "pistol through contacts in {other_town}. The purchase is believed to be arranged by {assoc}.",
            ),
            (
                "Firearm moved between {town} and {other_town}",
                "Intelligence suggests that a sawn-off shotgun belonging to the group was moved from "
                "{address} to {other_town}{vehicle} after a police warrant nearby. {name} is believed to "
                "know where it is now.",
            ),
        ),
        ThreatCategory.OAC: (
            (
                "Keyless theft of vehicles: {name}",
                "Intelligence indicates that {name} is part of a team stealing high-value keyless vehicles "
                "in {town} and {other_town} using relay devices. The vehicles are taken to a lock-up and "
                "fitted with false plates{vehicle}.",
            ),
            (
                "{name} handling stolen goods",
                "It is reported that {name} buys stolen power tools and catalytic converters from {assoc} "
                "and sells them on through online marketplaces, storing the goods at {address}.",
            ),
            (
                "Distraction burglaries in {town}",
                "Information received that {name} and {assoc} are committing distraction burglaries "
                "against elderly residents of {town}, posing as water board workers{vehicle}.",
            ),
        ),
        ThreatCategory.FRAUD: (
            (
                "Courier fraud: {name}",
                "Intelligence indicates that {name} is collecting cash and bank cards from elderly victims "
                "of courier fraud in {town}. Victims are phoned by a man claiming to be a police officer. "
                "{name} is believed to use {phone}.",
            ),
            (
                "{name} working while claiming Universal Credit",
                "It is alleged that {name} of {address} has been working cash-in-hand for {business} while "
                "declaring no income on a Universal Credit claim.",
            ),
            (
                "Mandate fraud linked to {name}",
                "Intelligence suggests that bank accounts controlled by {name} received funds from "
                "businesses tricked into changing a supplier's bank details. The money was withdrawn in "
                "cash in {town} within hours.",
            ),
            (
                "VAT fraud through {business}",
                "It is reported that {name} controls {business} in {town} and charges customers VAT "
                "without accounting for it to HMRC. Turnover is believed to be far above what has been "
                "declared.",
            ),
        ),
        ThreatCategory.MONEY_LAUNDERING: (
            (
                "{name} laundering cash through {business}",
                "Intelligence indicates that {name} is laundering the proceeds of drug supply through "
                "{business} in {town}. Takings are inflated with cash delivered by {assoc}.",
            ),
            (
                "Cash collection by {name}",
                "Information received that {name} collects large sums of cash from associates in "
                "{town}{vehicle} and delivers it to a contact in {other_town} on {weekday}s.",
            ),
            (
                "Money mule accounts: {name}",
                "It is reported that {name} recruits young people in {town} to let their bank accounts be "
                "used to receive and move criminal funds, paying them a few hundred pounds each.",
            ),
        ),
        ThreatCategory.MSHT: (
            (
                "Possible labour exploitation at {business}",
                "Intelligence indicates that workers at {business}, {town}, are being controlled by "
                "{name}. They are said to live at {address}, work long hours and hand most of their wages "
                "to {short}.",
            ),
            (
                "{name} controlling women in sexual exploitation",
                "It is reported that {name} advertises women online and moves them between short-let flats "
                "in {town} and {other_town}. Bookings are taken on {phone}.",
            ),
            (
                "Workers transported by {name}",
                "Information received that {name} drives groups of workers from {address} to sites in "
                "{other_town} each morning{vehicle}. The workers do not appear to hold their own documents.",
            ),
        ),
        ThreatCategory.OIC: (
            (
                "{name} facilitating illegal entry",
                "Intelligence indicates that {name} arranges the onward movement of migrants who arrive "
                "concealed in lorries, housing them briefly at {address} before moving them to "
                "{other_town}{vehicle}.",
            ),
            (
                "False documents supplied by {name}",
                "It is reported that {name} supplies counterfeit identity documents and right-to-work "
                "papers from premises in {town}, charging several hundred pounds each.",
            ),
        ),
        ThreatCategory.CYBER: (
            (
                "Sale of compromised bank credentials: {name}",
                "Intelligence indicates that {name} sells stolen bank log-ins and card details on an "
                "encrypted messaging platform, operating from {address}.",
            ),
            (
                "Phishing campaign linked to {name}",
                "Information received that {name} is sending bulk text messages impersonating a delivery "
                "company to harvest card details. The messages link to websites paid for with a card in "
                "{short}'s name.",
            ),
        ),
        ThreatCategory.BRIBERY: (
            (
                "Corrupt insider used by {name}",
                "Intelligence suggests that {name} pays a worker at a distribution hub near {other_town} "
                "to ignore suspicious consignments. Payments are made in cash by {assoc}.",
            ),
            (
                "Sanctions evasion: {name}",
                "It is reported that {name} is using a company registered in {town} to buy goods and "
                "export them to a sanctioned destination through third countries.",
            ),
        ),
    }
)
# The themes an agency writes about when it is not reporting on a crime group.
_AGENCY_THEMES: dict[str, tuple[tuple[str, float], ...]] = {
    "police": (
        (ThreatCategory.DRUGS, 45),
        (ThreatCategory.OAC, 15),
        (ThreatCategory.FIREARMS, 7),
        (ThreatCategory.MONEY_LAUNDERING, 10),
        (ThreatCategory.FRAUD, 10),
        (ThreatCategory.MSHT, 7),
        (ThreatCategory.OIC, 3),
        (ThreatCategory.CYBER, 3),
    ),
    "revenue": ((ThreatCategory.FRAUD, 60), (ThreatCategory.MONEY_LAUNDERING, 40)),
    "council": ((ThreatCategory.MSHT, 40), (ThreatCategory.FRAUD, 30), (ThreatCategory.DRUGS, 30)),
    "home-office": ((ThreatCategory.OIC, 60), (ThreatCategory.MSHT, 40)),
    "other": ((ThreatCategory.FRAUD, 40), (ThreatCategory.MSHT, 30), (ThreatCategory.OAC, 30)),
}
_DRUGS = (
    "cocaine",
    "cocaine",
    "crack cocaine",
    "heroin",
    "heroin and crack cocaine",
    "cannabis",
    "ketamine",
    "MDMA",
)
_HIDES = (
    "in a hidden compartment in the kitchen",
    "under the floorboards",
    "in the loft",
    "in a shed in the rear garden",
    "in a vehicle parked nearby",
    "behind a bath panel",
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_BUSINESS_KINDS = (
    "Hand Car Wash",
    "Nails",
    "Barbers",
    "Vape Shop",
    "Mini Market",
    "Motors",
    "Lettings",
    "Takeaway",
)
_HANDLING_CONDITIONS = (
    "A2 S2: covert action only; refer to originator before any dissemination.",
    "Not to be disclosed to the subject or used in evidence. Contact the originating FIB before taking any action.",
    "Sanitised product only; do not reveal the source type. Refer to the originator for onward sharing.",
    "No executive action without the authority of the originating agency's intelligence manager.",
    "For intelligence development only; consult the originator before any action or onward sharing.",
)
_ASSOCIATION_SOURCES: dict[str, tuple[str, ...]] = _by_value(
    {
        AssociationType.CRIMINAL: (
            "CHIS reporting",
            "Intelligence report",
            "Surveillance log",
            "Seen together at the group's premises",
        ),
        AssociationType.CO_ACCUSED: ("Arrested together", "Co-defendants at Crown Court", "Custody record"),
        AssociationType.COMMUNICATION: (
            "Telephone billing analysis",
            "Cell site analysis",
            "Seized phone download",
        ),
        AssociationType.SOCIAL: ("Social media", "Seen together on CCTV", "Stop and search record"),
        AssociationType.BUSINESS: ("Companies House records", "Financial investigation (bank records)"),
        AssociationType.FAMILY: ("Same home address", "Custody record: next of kin", "Birth records"),
        AssociationType.PARTNER: ("Same home address", "Domestic incident record", "Tenancy agreement"),
    }
)
_PURPOSES = (
    "Joint tasking against drug supply in {town}",
    "Financial investigation under the Proceeds of Crime Act 2002",
    "Safeguarding: possible exploitation of vulnerable adults in {town}",
    "Licensing and enforcement action at premises in {town}",
    "Regional tasking and coordination group",
    "Identifying assets for confiscation",
    "Deconfliction with a live operation",
    "Prevention and detection of fraud against the public purse",
)
_SHARE_HANDLING = (
    "",
    "",
    "Not to be disseminated further without the owner's consent.",
    "For intelligence purposes only; not for evidential use without reference to the owner.",
    "Recipient to review and delete when the purpose is met.",
)

_WORDS = _words(
    "amber anchor apple arrow autumn badger basket beacon birch blossom bramble breeze bridge "
    "bucket button cabin candle canyon carpet castle cedar chalk cherry cliff clover cobalt comet "
    "copper coral cotton crystal dawn delta desert dolphin dragon eagle ember falcon feather fern "
    "field forest fossil garden garnet glacier granite harbour hazel heron hollow honey island "
    "ivory jasper kettle lantern lemon linen marble meadow mirror moss nutmeg orbit otter paddle "
    "pebble pepper piano pillow planet pocket quarry rabbit raven ribbon river rocket saddle "
    "salmon shadow silver spruce summit thistle timber tulip valley velvet violet walnut willow "
    "winter yellow"
)


def generate_password() -> str:
    """Four random words and two digits, e.g. ``harbour-violet-copper-lantern-42``."""
    words = [secrets.choice(_WORDS) for _ in range(4)]
    return "-".join(words) + f"-{secrets.randbelow(90) + 10}"


# Plans -------------------------------------------------------------------------------------


@dataclass
class _Address:
    lines: str
    town: str
    postcode: str

    def __str__(self) -> str:
        return f"{self.lines}, {self.town}, {self.postcode}"


@dataclass
class _Person:
    truth: str
    sex: str
    given: list[str]
    surname: str
    born: date
    nationality: str
    force: _Force
    area: _Area
    address: _Address
    previous: list[_Address]
    phones: list[str]
    pnc: str | None
    ni: str | None
    passport: str | None
    alias: str | None = None
    markers: list[str] = field(default_factory=list)

    @property
    def foreign(self) -> bool:
        return self.nationality != "British"

    @property
    def full_name(self) -> str:
        return " ".join([*self.given, self.surname.upper()])


@dataclass
class _Holding:
    agency: Agency
    mode: str  # "primary", "secondary" or "duplicate"
    recorded_at: datetime
    name: str = ""
    address: _Address | None = None


@dataclass
class _Plan:
    """One nominal to create: which person, and which agencies hold facts on it."""

    person: _Person
    holdings: list[_Holding]
    nominal: Nominal
    duplicate: bool = False

    def holder(self, code: str) -> _Holding | None:
        return next((h for h in self.holdings if h.agency.code == code), None)


def _weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in options)
    pick = rng.random() * total
    for value, weight in options:
        pick -= weight
        if pick < 0:
            return value
    return options[-1][0]


def _batches(items: Sequence[T], size: int = BATCH) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _World:
    """Builds the world step by step; every random draw comes from ``self.rng`` or ``self.fake``."""

    def __init__(self, *, seed: int, nominals: int, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.target = nominals
        self.progress: Progress = progress or _no_progress
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.agencies: dict[str, Agency] = {}
        self.forces: dict[str, _Force] = {f.code: f for f in FORCES}
        self.council_for_town: dict[str, str] = {town: code for code, _, _, town in COUNCILS}
        self.users: dict[str, User] = {}
        self.people: list[_Person] = []
        self.plans: list[_Plan] = []
        self.held_by: dict[str, list[int]] = defaultdict(list)
        self.families: list[tuple[int, int, str]] = []  # (plan, plan, association type)
        self.used_pnc: set[str] = set()
        self.used_ni: set[str] = set()
        self.used_vrm: set[str] = set()
        self.source_refs: dict[str, int] = defaultdict(int)
        self.summary: DemoSummary | None = None

    # Agencies and users ------------------------------------------------------------------

    def make_agencies(self) -> int:
        missing = [c for c in (*NATIONAL_CODES, *ROCUS.values()) if not Agency.objects.filter(code=c).exists()]
        if missing or not Region.objects.exists():
            from sochub.partners.reference import install_gain_reference

            install_gain_reference()
        regions = {r.code: r for r in Region.objects.all()}
        created = 0
        specs = [(f.code, f.name, AgencyKind.LAW_ENFORCEMENT, f.region) for f in FORCES]
        specs += [(code, name, AgencyKind.LOCAL, region) for code, name, region, _ in COUNCILS]
        specs += [(code, name, AgencyKind.LOCAL, region) for code, name, region in LOCAL_SERVICES]
        for code, name, kind, region in specs:
            joined_on = self.today - timedelta(days=self.rng.randint(200, 2500))
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                clash = Agency.objects.filter(name=name).values_list("code", flat=True).first()
                if clash is not None:
                    raise DemoWorldError(f"An agency named {name!r} already exists with code {clash!r}.")
                agency = Agency.objects.create(
                    code=code,
                    name=name,
                    kind=kind,
                    region=regions[region],
                    status=AgencyStatus.MEMBER,
                    joined_on=joined_on,
                    contact_email=f"gain.spoc@{code}.sochub.example",
                )
                created += 1
            self.agencies[code] = agency
        for code in (*NATIONAL_CODES, *ROCUS.values()):
            self.agencies[code] = Agency.objects.get(code=code)
        self.progress("agencies", len(specs), len(specs))
        return created

    def make_users(self, password: str) -> list[tuple[str, str, list[str]]]:
        taken = list(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
        if taken:
            raise DemoWorldError(f"Demo user names already taken: {', '.join(sorted(taken))}.")
        actor: Actor | None = None
        if User.objects.exists():
            admins = [u for u in User.objects.filter(is_active=True).order_by("pk") if u.has_role(Role.SYSTEM_ADMIN)]
            if not admins:
                raise DemoWorldError("The database has users but no system administrator to create demo users as.")
            actor = Actor(user=admins[0], channel="cli")
        out = []
        for i, spec in enumerate(USERS):
            sex = self.rng.choice("MF")
            first = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
            last = self.fake.last_name()
            agency = self.agencies[spec.agency]
            region = Region.objects.get(code=spec.region) if spec.region else None
            user = partner_services.user_create(
                actor=actor,
                username=spec.username,
                password=password,
                agency=agency,
                roles=list(spec.roles),
                first_name=first,
                last_name=last,
                email=f"{_ascii(first)}.{_ascii(last)}@{agency.code}.sochub.example",
                vetting=spec.vetting,
                coordinator_region=region,
            )
            user.job_title = spec.job_title + (f" ({region.name})" if region else "")
            user.phone = f"01632 960{self.rng.randint(0, 999):03d}"
            user.save(update_fields=["job_title", "phone"])
            if actor is None:
                actor = Actor(user=user, channel="cli")
            self.users[spec.username] = user
            out.append((user.username, agency.name, [str(r) for r in user.roles]))
            self.progress("users", i + 1, len(USERS))
        return out

    def admin_actor(self) -> Actor:
        return Actor(user=self.users["admin"], channel="cli", purpose="Build the synthetic demonstration world")

    def intel_users(self, code: str) -> list[User]:
        """Users of an agency who could lead a group or write a report."""
        return [
            u
            for u in self.users.values()
            if u.agency_id == self.agencies[code].pk and u.has_role(Role.ANALYST, Role.OFFICER)
        ]

    def category(self, agency: Agency) -> str:
        if agency.kind == AgencyKind.LAW_ENFORCEMENT:
            return "police"
        if agency.code in ("hmrc", "dwp"):
            return "revenue"
        if agency.kind == AgencyKind.LOCAL:
            return "council"
        if agency.code == "home-office":
            return "home-office"
        return "other"

    # Random things -----------------------------------------------------------------------

    def when(self, earliest: datetime, latest: datetime | None = None) -> datetime:
        latest = latest or self.now
        if earliest >= latest:
            return latest
        span = int((latest - earliest).total_seconds())
        return earliest + timedelta(seconds=self.rng.randint(0, span))

    def day_within(self, days: int, start: int = 1) -> date:
        return self.today - timedelta(days=self.rng.randint(start, days))

    def postcode(self, area: _Area) -> str:
        district = self.rng.choice(area.districts)
        inward = f"{self.rng.randint(1, 9)}{self.rng.choice(_INWARD_LETTERS)}{self.rng.choice(_INWARD_LETTERS)}"
        return f"{area.outward}{district} {inward}"

    def street(self) -> str:
        word = self.rng.choice(_STREET_WORDS) if self.rng.random() < 0.6 else self.fake.last_name()
        return f"{word} {self.rng.choice(_STREET_TYPES)}"

    def address(self, area: _Area) -> _Address:
        number = self.rng.choice((self.rng.randint(1, 60), self.rng.randint(1, 250)))
        lines = f"{number} {self.street()}"
        if self.rng.random() < 0.2:
            lines = f"Flat {self.rng.randint(1, 24)}, {lines}"
        return _Address(lines, area.town, self.postcode(area))

    def phone(self) -> str:
        return f"07{self.rng.choice('12345789')}{self.rng.randint(0, 99):02d} {self.rng.randint(0, 999999):06d}"

    def pnc(self, born: date) -> str:
        while True:
            year = self.rng.randint(min(born.year + 14, self.today.year), self.today.year)
            serial = self.rng.randint(1, 999_999)
            yy = year % 100
            check = _PNC_CHECK[(yy * 10_000_000 + serial) % 23]
            pnc = f"{yy:02d}/{serial:07d}{check}"
            if pnc not in self.used_pnc:
                self.used_pnc.add(pnc)
                return pnc

    def ni(self) -> str:
        while True:
            prefix = self.rng.choice(_NI_FIRST) + self.rng.choice(_NI_SECOND)
            if prefix in _NI_BANNED:
                continue
            ni = f"{prefix}{self.rng.randint(0, 999_999):06d}{self.rng.choice('ABCD')}"
            if ni not in self.used_ni and names.normalise_ni_number(ni) == ni:
                self.used_ni.add(ni)
                return ni

    def vrm(self, force: _Force) -> tuple[str, str]:
        """(as written, as stored), e.g. ('MA19 XKT', 'MA19XKT')."""
        ages = []
        for year in range(2002, self.today.year + 1):
            if year < self.today.year or self.today.month >= 3:
                ages.append(f"{year % 100:02d}")
            if year < self.today.year or self.today.month >= 9:
                ages.append(f"{year % 100 + 50:02d}")
        while True:
            tag = force.plate + self.rng.choice(_PLATE_LETTERS)
            tail = "".join(self.rng.choice(_PLATE_LETTERS.replace("O", "")) for _ in range(3))
            shown = f"{tag}{self.rng.choice(ages)} {tail}"
            stored = names.normalise_vrm(shown)
            if stored and stored not in self.used_vrm:
                self.used_vrm.add(stored)
                return shown, stored

    def nominal(self, truth: str, created_at: datetime) -> Nominal:
        return Nominal(id=uuid.UUID(int=self.rng.getrandbits(128), version=4), demo_truth=truth, created_at=created_at)

    def source_ref(self, agency: Agency) -> str:
        self.source_refs[agency.code] += 1
        prefix = agency.code.upper().replace("-", "")[:8]
        return f"{prefix}/{self.source_refs[agency.code] + 100_000:07d}"

    # People ------------------------------------------------------------------------------

    def person(self, index: int, relative_of: _Person | None = None) -> tuple[_Person, str | None]:
        """A new invented person; a relative shares the home (and usually the surname)."""
        rng = self.rng
        sex = "M" if rng.random() < 0.72 else "F"
        kinship: str | None = None
        if relative_of is not None:
            force, area, nationality = relative_of.force, relative_of.area, relative_of.nationality
            if relative_of.sex != sex and rng.random() < 0.35:
                kinship = AssociationType.PARTNER
            else:
                kinship = AssociationType.FAMILY
        else:
            force = _weighted(rng, [(f, f.weight) for f in FORCES])
            area = rng.choice(force.areas)
            nationality = _weighted(rng, [(n, spec[0]) for n, spec in _NATIONALITIES.items()])
        _, male, female, surnames = _NATIONALITIES[nationality]
        pool = male if sex == "M" else female
        if pool:
            given = [rng.choice(pool)]
            surname = rng.choice(surnames)
        else:
            given = [self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()]
            if rng.random() < 0.45:
                middle = self.fake.first_name_male() if sex == "M" else self.fake.first_name_female()
                if middle != given[0]:
                    given.append(middle)
            surname = self.fake.last_name()
        if relative_of is not None and kinship == AssociationType.FAMILY:
            surname = relative_of.surname
        age = _weighted(rng, [((16, 25), 30), ((26, 40), 45), ((41, 60), 20), ((61, 80), 5)])
        born = self.today - timedelta(days=rng.randint(age[0], age[1]) * 365 + rng.randint(0, 364))
        home = relative_of.address if relative_of is not None else self.address(area)
        previous = [self.address(area if rng.random() < 0.8 else rng.choice(force.areas))]
        if rng.random() < 0.3:
            previous.append(self.address(rng.choice(force.areas)))
        foreign = nationality != "British"
        person = _Person(
            truth=f"P{index:06d}",
            sex=sex,
            given=given,
            surname=surname,
            born=born,
            nationality=nationality,
            force=force,
            area=area,
            address=home,
            previous=previous,
            phones=[self.phone() for _ in range(1 if rng.random() < 0.8 else 2)] if rng.random() < 0.85 else [],
            pnc=self.pnc(born) if rng.random() < 0.72 else None,
            ni=self.ni() if (not foreign or rng.random() < 0.5) and rng.random() < 0.75 else None,
            passport=self.passport(foreign) if rng.random() < (0.7 if foreign else 0.25) else None,
        )
        if rng.random() < 0.12:
            person.alias = self.alias(person)
        if rng.random() < 0.10:
            person.markers = self.markers(1 if rng.random() < 0.7 else 2)
        return person, kinship

    def passport(self, foreign: bool) -> str:
        if not foreign:
            return f"{self.rng.randint(100_000_000, 999_999_999)}"
        letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return f"{letters}{self.rng.randint(1_000_000, 9_999_999)}"

    def alias(self, person: _Person) -> str:
        roll = self.rng.random()
        if roll < 0.55:
            return self.rng.choice(_NICKNAMES)
        if roll < 0.75 and len(person.surname) <= 7 and person.surname.isalpha():
            return person.surname.capitalize() + ("y" if person.surname[-1] not in "aeiouy" else "")
        if roll < 0.9:
            return f"{self.rng.choice(('Big', 'Little', 'Young'))} {person.given[0][0]}"
        given = self.fake.first_name_male() if person.sex == "M" else self.fake.first_name_female()
        return f"{given} {person.surname.upper()}"

    def markers(self, count: int) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            marker = self.rng.choice(_MARKERS_COMMON) if self.rng.random() < 0.8 else self.rng.choice(_MARKERS_RARE)
            if marker not in out:
                out.append(str(marker))
        return out

    def primary_agency(self, person: _Person) -> Agency:
        if self.rng.random() < 0.85:
            return self.agencies[person.force.code]
        options: list[tuple[str, float]] = [("hmrc", 4), ("dwp", 4), ("nca", 1.5)]
        if person.area.town in self.council_for_town:
            options.append((self.council_for_town[person.area.town], 4))
        if person.foreign:
            options.append(("home-office", 4))
        return self.agencies[_weighted(self.rng, options)]

    def other_agencies(self, person: _Person, exclude: list[str], count: int) -> list[Agency]:
        force = person.force
        options: list[tuple[str, float]] = [(force.code, 6)]
        neighbours = [f.code for f in FORCES if f.region == force.region and f.code != force.code]
        options += [(code, 2.5 / len(neighbours)) for code in neighbours]
        if force.region in ROCUS:
            options.append((ROCUS[force.region], 3))
        options += [("hmrc", 1.5), ("dwp", 1.5), ("nca", 0.8), ("dvla", 0.4), ("glaa", 0.3 + person.foreign)]
        if person.area.town in self.council_for_town:
            options.append((self.council_for_town[person.area.town], 2))
        if person.foreign:
            options.append(("home-office", 2.5))
        out: list[Agency] = []
        options = [(c, w) for c, w in options if c not in exclude]
        while len(out) < count and options:
            code = _weighted(self.rng, options)
            options = [(c, w) for c, w in options if c != code]
            out.append(self.agencies[code])
        return out

    def plan_people(self) -> None:
        """Invent people and decide which agencies hold them, until there are enough nominals."""
        rng = self.rng
        relative_of: tuple[_Person, int, Agency] | None = None
        while len(self.plans) < self.target:
            index = len(self.people) + 1
            if relative_of is not None:
                person, kinship = self.person(index, relative_of[0])
                primary = relative_of[2]
            else:
                person, kinship = self.person(index)
                primary = self.primary_agency(person)
            self.people.append(person)
            earliest = datetime.combine(
                person.born + timedelta(days=14 * 365), datetime.min.time(), tzinfo=self.now.tzinfo
            )
            earliest = max(earliest, self.now - timedelta(days=12 * 365))
            holdings = [_Holding(primary, "primary", self.when(earliest))]
            duplicate: _Holding | None = None
            if rng.random() < MULTI_AGENCY_RATE:
                extra = self.other_agencies(person, [primary.code], 1 if rng.random() < 0.75 else 2)
                for agency in extra:
                    holdings.append(_Holding(agency, "secondary", self.when(earliest)))
                if extra and rng.random() < NEAR_DUPLICATE_RATE and len(self.plans) + 2 <= self.target:
                    duplicate = holdings.pop()
                    duplicate.mode = "duplicate"
            main = _Plan(person, holdings, self.nominal(person.truth, min(h.recorded_at for h in holdings)))
            self.add_plan(main)
            if duplicate is not None:
                dup = _Plan(person, [duplicate], self.nominal(person.truth, duplicate.recorded_at), duplicate=True)
                self.add_plan(dup)
            if relative_of is not None and kinship is not None:
                self.families.append((relative_of[1], len(self.plans) - (2 if duplicate else 1), kinship))
            if relative_of is None and rng.random() < 0.10:
                relative_of = (person, len(self.plans) - (2 if duplicate else 1), primary)
            else:
                relative_of = None
            if len(self.people) % 1000 == 0:
                self.progress("people", len(self.plans), self.target)
        self.progress("people", len(self.plans), self.target)

    def add_plan(self, plan: _Plan) -> None:
        index = len(self.plans)
        self.plans.append(plan)
        for holding in plan.holdings:
            self.held_by[holding.agency.code].append(index)

    # Facts -------------------------------------------------------------------------------

    def name_for(self, person: _Person, mode: str) -> str:
        rng = self.rng
        given = list(person.given)
        surname = person.surname.upper()
        if mode == "primary":
            return person.full_name
        roll = rng.random()
        if roll < 0.3 and len(given) > 1:
            given = given[:1]
        elif roll < 0.5 and given[0] in _DIMINUTIVES:
            given = [_DIMINUTIVES[given[0]], *given[1:]]
        if mode == "duplicate":
            surname = _typo(rng, surname)
        return " ".join([*given, surname])

    def facts_for(self, person: _Person, holding: _Holding) -> list[tuple[str, str]]:
        """The (kind, value) pairs one agency holds about one person."""
        rng = self.rng
        mode = holding.mode
        kind = self.category(holding.agency)
        police = kind == "police"
        facts: list[tuple[str, str]] = []
        holding.name = self.name_for(person, mode)
        facts.append((FactKind.NAME, holding.name))
        if person.alias and police and rng.random() < 0.8:
            facts.append((FactKind.ALIAS, person.alias))
        dob_chance = {"primary": 0.95, "secondary": 0.75, "duplicate": 0.6}[mode]
        if rng.random() < dob_chance:
            born = person.born
            if mode == "duplicate" and born.day <= 12 and born.day != born.month and rng.random() < 0.15:
                born = born.replace(day=born.month, month=born.day)  # day and month swapped
            facts.append((FactKind.BIRTH_DATE, born.isoformat()))
        if rng.random() < (0.9 if mode == "primary" else 0.5):
            facts.append((FactKind.SEX, person.sex))
        if kind == "home-office" or rng.random() < (0.6 if mode == "primary" else 0.35):
            facts.append((FactKind.NATIONALITY, person.nationality))
        if person.pnc and police and rng.random() < (0.95 if mode == "primary" else 0.8):
            facts.append((FactKind.PNC_ID, person.pnc))
        if person.ni and (kind == "revenue" or rng.random() < 0.35):
            facts.append((FactKind.NI_NUMBER, person.ni))
        if person.passport and (kind == "home-office" or rng.random() < (0.5 if police else 0.2)):
            facts.append((FactKind.PASSPORT, person.passport))
        address = person.address
        if (mode == "secondary" and rng.random() < 0.4) or (mode == "duplicate" and rng.random() < 0.5):
            address = rng.choice(person.previous)
        holding.address = address
        facts.append((FactKind.ADDRESS, str(address)))
        if mode == "primary" and rng.random() < 0.3:
            facts.append((FactKind.ADDRESS, str(person.previous[0])))
        for phone in person.phones:
            if rng.random() < (0.55 if police else 0.35):
                facts.append((FactKind.PHONE, phone))
        if police:
            facts.extend((FactKind.WARNING_MARKER, m) for m in person.markers)
            if person.foreign and rng.random() < 0.8:
                facts.append((FactKind.FOREIGN_NATIONAL, "yes"))
        elif kind == "home-office" and person.foreign:
            facts.append((FactKind.FOREIGN_NATIONAL, "yes"))
        return facts

    def save_nominals(self) -> None:
        nominals = [p.nominal for p in self.plans]
        for i, batch in enumerate(_batches(nominals), start=1):
            Nominal.objects.bulk_create(batch)
            self.progress("nominals", min(i * BATCH, len(nominals)), len(nominals))

    def save_facts(self) -> tuple[int, int]:
        pending: list[NominalFact] = []
        facts_done = tokens_done = 0
        total = len(self.plans)
        for index, plan in enumerate(self.plans, start=1):
            for holding in plan.holdings:
                ref = self.source_ref(holding.agency)
                for kind, value in self.facts_for(plan.person, holding):
                    fact = build_fact(
                        nominal=plan.nominal, agency=holding.agency, kind=kind, value=value, source_ref=ref
                    )
                    fact.recorded_at = holding.recorded_at
                    pending.append(fact)
            if len(pending) >= BATCH or index == total:
                facts_done += len(pending)
                tokens_done += self.flush_facts(pending)
                pending = []
                self.progress("facts", index, total)
        return facts_done, tokens_done

    def flush_facts(self, facts: list[NominalFact]) -> int:
        NominalFact.objects.bulk_create(facts, batch_size=BATCH)
        tokens = [
            token for fact in facts if fact.kind in (FactKind.NAME, FactKind.ALIAS) for token in name_tokens_for(fact)
        ]
        NameToken.objects.bulk_create(tokens, batch_size=BATCH)
        return len(tokens)

    # Crime groups ------------------------------------------------------------------------

    def ocg_name(self, members: list[_Plan]) -> tuple[str, list[str]]:
        rng = self.rng
        place = rng.choice(_FAKE_PLACE_START) + rng.choice(_FAKE_PLACE_END)
        op = f"Operation {rng.choice(_OP_WORDS)}"
        roll = rng.random()
        if roll < 0.45:
            name = op
            aliases = [f"{place} {rng.choice(_GANG_WORDS)}"] if rng.random() < 0.5 else []
        elif roll < 0.8:
            name = f"{place} {rng.choice(_GANG_WORDS)}"
            aliases = [op] if rng.random() < 0.6 else []
        else:
            name = f"The {members[0].person.surname.upper()} family"
            aliases = [op] if rng.random() < 0.7 else []
        if rng.random() < 0.2:
            aliases.append(f"{rng.choice(_NICKNAMES)} {rng.choice(('Gang', 'Lot', 'Team'))}")
        return name, aliases

    def ocg_owner(self) -> tuple[str, str]:
        """(agency code, area) for a new group."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            force = _weighted(rng, [(f, f.weight) for f in FORCES])
            return force.code, rng.choice(force.areas[:3]).town
        if roll < 0.95:
            force = _weighted(rng, [(f, f.weight) for f in FORCES])
            towns = sorted({a.town for f in FORCES if f.region == force.region for a in f.areas[:2]})
            area = " and ".join(rng.sample(towns, 2)) if len(towns) > 1 else towns[0]
            return ROCUS[force.region], area
        return "nca", rng.choice(("National", "UK and the Netherlands", "UK and Spain", "UK-wide"))

    def make_ocgs(self) -> tuple[list[OCG], list[OCGMembership], dict[int, list[int]]]:
        rng = self.rng
        wanted = max(3, round(self.target * 120 / 18_000))
        member_count: dict[int, int] = defaultdict(int)
        ocgs: list[OCG] = []
        memberships: list[OCGMembership] = []
        members_of: dict[int, list[int]] = {}
        attempts = 0
        while len(ocgs) < wanted and attempts < wanted * 10:
            attempts += 1
            code, area = self.ocg_owner()
            pool = [i for i in self.held_by.get(code, []) if member_count[i] < 2]
            size = min(15, max(3, round(rng.triangular(3, 15, 6))))
            if len(pool) < 3:
                continue
            local = [i for i in pool if self.plans[i].person.area.town in area]
            chosen = rng.sample(local if len(local) >= size * 2 else pool, min(size, len(pool)))
            agency = self.agencies[code]
            primary = _weighted(rng, _CATEGORY_WEIGHTS)
            categories = [str(primary)]
            for _ in range(rng.choice((0, 1, 1, 2))):
                extra = rng.choice(_SECONDARY_CATEGORIES[primary])
                if extra not in categories:
                    categories.append(str(extra))
            name, aliases = self.ocg_name([self.plans[i] for i in chosen])
            status = _weighted(rng, [(OCGStatus.MAPPED, 65), (OCGStatus.PROPOSED, 20), (OCGStatus.ARCHIVED, 15)])
            leads = self.intel_users(code)
            created = self.when(self.now - timedelta(days=6 * 365), self.now - timedelta(days=60))
            ocg = OCG(
                urn=f"OCG{len(ocgs) + 1:06d}",
                name=name,
                aliases=aliases,
                threat_categories=categories,
                area=area,
                status=status,
                agency=agency,
                lead_officer=rng.choice(leads) if leads else None,
                classification=Classification.OFFICIAL_SENSITIVE if rng.random() < 0.25 else Classification.OFFICIAL,
                description=_OCG_DESCRIPTIONS[primary].format(area=area),
                created_at=created,
            )
            ocgs.append(ocg)
            members_of[len(ocgs) - 1] = chosen
            principals = 1 if rng.random() < 0.6 else 2
            for position, plan_index in enumerate(chosen):
                member_count[plan_index] += 1
                person = self.plans[plan_index].person
                if rng.random() < 0.4 and not person.markers:
                    person.markers = self.markers(1 if rng.random() < 0.6 else 2)
                if person.alias is None and rng.random() < 0.35:
                    person.alias = self.alias(person)
                if position < principals:
                    role = MemberRole.PRINCIPAL
                elif rng.random() < 0.35:
                    role = MemberRole.SIGNIFICANT
                else:
                    role = MemberRole.PERIPHERAL
                choices = [a for c in categories for a in _ACTIVITIES[c]]
                activities = rng.sample(choices, k=min(len(choices), rng.choice((1, 1, 2, 2, 3))))
                if role == MemberRole.PRINCIPAL:
                    activities.insert(0, "directing the group")
                date_from = created.date() - timedelta(days=rng.randint(0, 3 * 365))
                date_to = None
                if status == OCGStatus.ARCHIVED or (role == MemberRole.PERIPHERAL and rng.random() < 0.1):
                    date_to = min(self.today, date_from + timedelta(days=rng.randint(90, 3 * 365)))
                memberships.append(
                    OCGMembership(
                        ocg=ocg,
                        nominal=self.plans[plan_index].nominal,
                        role=role,
                        date_from=date_from,
                        date_to=date_to,
                        activities=list(dict.fromkeys(activities)),
                    )
                )
        return ocgs, memberships, members_of

    # Links, premises and vehicles ----------------------------------------------------------

    def make_associations(
        self, ocgs: list[OCG], members_of: dict[int, list[int]]
    ) -> tuple[list[Association], dict[int, list[int]]]:
        rng = self.rng
        out: list[Association] = []
        linked: dict[int, list[int]] = defaultdict(list)
        seen: set[tuple[int, int]] = set()

        def link(a: int, b: int, kind: str, strength: int, agency: Agency, recorded: datetime) -> None:
            pair = (min(a, b), max(a, b))
            if a == b or pair in seen:
                return
            seen.add(pair)
            linked[a].append(b)
            linked[b].append(a)
            source = rng.choice(_ASSOCIATION_SOURCES[kind])
            if kind in (AssociationType.CO_ACCUSED, AssociationType.COMMUNICATION):
                source += f" {recorded:%m/%Y}"
            out.append(
                Association(
                    nominal_a=self.plans[a].nominal,
                    nominal_b=self.plans[b].nominal,
                    type=kind,
                    strength=strength,
                    source=source,
                    agency=agency,
                    recorded_at=recorded,
                )
            )

        for ocg_index, members in members_of.items():
            ocg = ocgs[ocg_index]
            for _ in range(round(1.5 * len(members))):
                a, b = rng.sample(members, 2)
                kind = _weighted(
                    rng,
                    [
                        (AssociationType.CRIMINAL, 40),
                        (AssociationType.COMMUNICATION, 25),
                        (AssociationType.CO_ACCUSED, 15),
                        (AssociationType.SOCIAL, 12),
                        (AssociationType.BUSINESS, 8),
                    ],
                )
                strength = _weighted(rng, [(1, 25), (2, 45), (3, 30)])
                link(a, b, kind, strength, ocg.agency, self.when(ocg.created_at))
        for a, b, family_kind in self.families:
            holder = self.plans[a].holdings[0]
            link(a, b, family_kind, 3, holder.agency, self.when(holder.recorded_at))
        return out, linked

    # Offending and safeguarding -----------------------------------------------------------

    def police_holding(self, plan: _Plan) -> Agency | None:
        """The police force holding this record, which is who records its offences."""
        return next((h.agency for h in plan.holdings if h.agency.code in self.forces), None)

    def make_offences(
        self, ocgs: list[OCG], members_of: dict[int, list[int]], memberships: list[OCGMembership]
    ) -> list[Offence]:
        """Offending histories: members offend in their group's line of crime, more so principals;
        about a quarter of everyone else has a little minor offending."""
        rng = self.rng
        role_of = {(m.ocg.urn, m.nominal.pk): m.role for m in memberships}
        group_types: dict[int, list[str]] = defaultdict(list)
        expected: dict[int, float] = defaultdict(float)
        for ocg_index, members in members_of.items():
            ocg = ocgs[ocg_index]
            types = [t for c in ocg.threat_categories for t in _OFFENCES_BY_CATEGORY.get(c, ())]
            for i in members:
                group_types[i].extend(types)
                role = role_of.get((ocg.urn, self.plans[i].nominal.pk), MemberRole.PERIPHERAL)
                expected[i] += {"principal": 5.0, "significant": 3.5}.get(str(role), 2.0)
        out: list[Offence] = []
        for index, plan in enumerate(self.plans):
            agency = self.police_holding(plan)
            if agency is None:
                continue
            if index in expected:
                count = min(25, max(1, round(rng.expovariate(1 / expected[index]))))
            elif rng.random() < 0.25:
                count = rng.choice((1, 1, 1, 2, 2, 3))
            else:
                continue
            adult_from = plan.person.born + timedelta(days=16 * 365)
            for _ in range(count):
                serious = group_types.get(index) and rng.random() < 0.7
                kind = rng.choice(group_types[index]) if serious else rng.choice(_MINOR_OFFENCES)
                day = max(adult_from, self.today - timedelta(days=rng.randint(10, 8 * 365)))
                outcome = _weighted(rng, _OFFENCE_OUTCOMES)
                self.source_refs["crime"] += 1
                out.append(
                    Offence(
                        nominal=plan.nominal,
                        agency=agency,
                        offence_date=min(day, self.today),
                        offence_type=kind,
                        outcome=outcome,
                        source_ref=f"{agency.code.upper()}/CR/{self.source_refs['crime']:07d}",
                    )
                )
        return out

    def make_safeguarding(self, members_of: dict[int, list[int]]) -> tuple[list[NominalFact], list[Association]]:
        """Victims and vulnerable people near the groups: cuckooed tenants, exploited children,
        trafficked workers. Some are linked to members and some have offences of their own (a child
        caught carrying drugs), which is exactly why they must never be ranked."""
        rng = self.rng
        members = {i for group in members_of.values() for i in group}
        others = [i for i in range(len(self.plans)) if i not in members]
        chosen = rng.sample(others, k=min(len(others), max(3, round(len(self.plans) * 0.02))))
        facts: list[NominalFact] = []
        links: list[Association] = []
        groups = list(members_of.values())
        for i in chosen:
            plan = self.plans[i]
            holding = plan.holdings[0]
            text = rng.choice(_SAFEGUARDING)
            fact = build_fact(
                nominal=plan.nominal, agency=holding.agency, kind=FactKind.VULNERABILITY, value=text, source_ref=""
            )
            fact.recorded_at = holding.recorded_at
            facts.append(fact)
            if groups and rng.random() < 0.6:
                exploiter = rng.choice(rng.choice(groups))
                links.append(
                    Association(
                        nominal_a=self.plans[exploiter].nominal,
                        nominal_b=plan.nominal,
                        type=AssociationType.CRIMINAL,
                        strength=2,
                        source="Safeguarding referral",
                        agency=holding.agency,
                        recorded_at=self.when(holding.recorded_at),
                    )
                )
        return facts, links

    def business_name(self, town: str) -> str:
        kind = self.rng.choice(_BUSINESS_KINDS)
        owner = self.fake.last_name() if self.rng.random() < 0.5 else self.rng.choice(_STREET_WORDS)
        return f"{owner}'s {kind}" if kind in ("Motors", "Takeaway") else f"{owner} {kind}"

    def make_premises(
        self, ocgs: list[OCG], members_of: dict[int, list[int]]
    ) -> tuple[list[Premises], list[tuple[int, int]], list[tuple[int, int]]]:
        """Premises, with (premises index, plan index) and (premises index, OCG index) links."""
        rng = self.rng
        wanted = max(5, round(self.target / 30))
        premises: list[Premises] = []
        to_plans: list[tuple[int, int]] = []
        to_ocgs: list[tuple[int, int]] = []
        ocg_indexes = list(members_of)
        while len(premises) < wanted:
            if ocg_indexes and rng.random() < 0.5:
                ocg_index = rng.choice(ocg_indexes)
                ocg = ocgs[ocg_index]
                members = members_of[ocg_index]
                area = self.plans[members[0]].person.area
                categories = ocg.threat_categories
                if ThreatCategory.MSHT in categories:
                    kind = rng.choice((PremisesKind.CAR_WASH, PremisesKind.NAIL_BAR))
                elif ThreatCategory.DRUGS in categories and rng.random() < 0.6:
                    kind = rng.choice((PremisesKind.CANNABIS_FACTORY, PremisesKind.STORAGE, PremisesKind.RESIDENTIAL))
                else:
                    kind = rng.choice((PremisesKind.BUSINESS, PremisesKind.STORAGE, PremisesKind.OTHER))
                address = self.address(area)
                lines = address.lines
                if kind == PremisesKind.STORAGE:
                    lines = f"Unit {rng.randint(1, 40)}, {rng.choice(_STREET_WORDS)} Industrial Estate"
                elif kind == PremisesKind.CAR_WASH:
                    lines = f"{rng.choice(_STREET_WORDS)} Hand Car Wash, {address.lines}"
                elif kind == PremisesKind.NAIL_BAR:
                    lines = f"{self.fake.first_name_female()}'s Nails, {address.lines}"
                elif kind == PremisesKind.BUSINESS:
                    lines = f"{self.business_name(area.town)}, {address.lines}"
                index = len(premises)
                premises.append(
                    Premises(
                        address=f"{lines}, {address.town}",
                        postcode=_postcode(address.postcode),
                        kind=kind,
                        agency=ocg.agency,
                        **_coordinates(address.town, len(premises)),
                    )
                )
                to_ocgs.append((index, ocg_index))
                for plan_index in rng.sample(members, min(len(members), rng.choice((1, 1, 2)))):
                    to_plans.append((index, plan_index))
            else:
                plan_index = rng.randrange(len(self.plans))
                plan = self.plans[plan_index]
                holding = plan.holdings[0]
                address = holding.address or plan.person.address
                kind = PremisesKind.RESIDENTIAL if rng.random() < 0.85 else PremisesKind.CANNABIS_FACTORY
                index = len(premises)
                premises.append(
                    Premises(
                        address=f"{address.lines}, {address.town}",
                        postcode=_postcode(address.postcode),
                        kind=kind,
                        agency=holding.agency,
                        **_coordinates(address.town, len(premises)),
                    )
                )
                to_plans.append((index, plan_index))
        return premises, to_plans, to_ocgs

    def make_vehicles(
        self, ocgs: list[OCG], members_of: dict[int, list[int]]
    ) -> tuple[list[Vehicle], list[tuple[int, int]], list[tuple[int, int]], dict[int, tuple[str, Vehicle]]]:
        """Vehicles, their links, and each linked plan's vehicle (as written) for report text."""
        rng = self.rng
        wanted = max(5, round(self.target / 25))
        vehicles: list[Vehicle] = []
        to_plans: list[tuple[int, int]] = []
        to_ocgs: list[tuple[int, int]] = []
        used_by: dict[int, tuple[str, Vehicle]] = {}

        def add(plan_index: int, agency: Agency, ocg_index: int | None) -> None:
            plan = self.plans[plan_index]
            make, model = rng.choice(_CARS)
            shown, stored = self.vrm(plan.person.force)
            vehicle = Vehicle(vrm=stored, make=make, model=model, colour=rng.choice(_COLOURS), agency=agency)
            index = len(vehicles)
            vehicles.append(vehicle)
            to_plans.append((index, plan_index))
            used_by.setdefault(plan_index, (shown, vehicle))
            if ocg_index is not None and rng.random() < 0.5:
                to_ocgs.append((index, ocg_index))

        for ocg_index, members in members_of.items():
            for plan_index in members:
                if rng.random() < 0.6 and len(vehicles) < wanted:
                    add(plan_index, ocgs[ocg_index].agency, ocg_index)
        police = [i for i, p in enumerate(self.plans) if p.holdings[0].agency.kind == AgencyKind.LAW_ENFORCEMENT]
        while len(vehicles) < wanted and police:
            plan_index = rng.choice(police)
            add(plan_index, self.plans[plan_index].holdings[0].agency, None)
        return vehicles, to_plans, to_ocgs, used_by

    # Intelligence ------------------------------------------------------------------------

    def report(
        self,
        *,
        plan_index: int,
        agency: Agency,
        theme: str,
        assoc: str,
        vehicle: tuple[str, Vehicle] | None,
        sensitive: float,
        number: int,
    ) -> IntelligenceRecord:
        rng = self.rng
        plan = self.plans[plan_index]
        person = plan.person
        holding = plan.holder(agency.code) or plan.holdings[0]
        address = holding.address or person.address
        name = holding.name or person.full_name
        towns = [a.town for a in person.force.areas if a.town != address.town] or [address.town]
        vehicle_text = ""
        if vehicle is not None:
            shown, v = vehicle
            vehicle_text = f", using a {v.colour.lower()} {v.make} {v.model} {shown}"
        values = {
            "name": name,
            "short": name.split(" ")[-1],  # the surname, as reports refer to a subject
            "address": str(address),
            "postcode": address.postcode,
            "town": address.town,
            "other_town": rng.choice(towns),
            "vehicle": vehicle_text,
            "phone": person.phones[0] if person.phones else self.phone(),
            "assoc": assoc,
            "drug": rng.choice(_DRUGS),
            "hide": rng.choice(_HIDES),
            "weekday": rng.choice(_WEEKDAYS),
            "line": rng.choice(_NICKNAMES).upper(),
            "business": self.business_name(address.town),
        }
        title, text = rng.choice(_TEMPLATES[theme])
        when = self.day_within(3 * 365)
        handling = HandlingCode.C if rng.random() < 0.15 else HandlingCode.P
        users = self.intel_users(agency.code)
        created = datetime.combine(
            min(when + timedelta(days=rng.randint(0, 10)), self.today),
            datetime.min.time(),
            tzinfo=self.now.tzinfo,
        ) + timedelta(hours=rng.randint(8, 18), minutes=rng.randint(0, 59))
        return IntelligenceRecord(
            urn=f"IR{number:06d}",
            agency=agency,
            title=title.format(**values)[:200],
            text=text.format(**values),
            date_of_intelligence=when,
            created_at=min(created, self.now),
            created_by=rng.choice(users) if users else None,
            source_evaluation=_weighted(rng, [("1", 25), ("2", 60), ("3", 15)]),
            intelligence_assessment=_weighted(rng, [("A", 15), ("B", 35), ("C", 30), ("D", 15), ("E", 5)]),
            handling_code=handling,
            handling_conditions=rng.choice(_HANDLING_CONDITIONS) if handling == HandlingCode.C else "",
            classification=Classification.OFFICIAL_SENSITIVE if rng.random() < sensitive else Classification.OFFICIAL,
        )

    def make_intelligence(
        self,
        ocgs: list[OCG],
        members_of: dict[int, list[int]],
        linked: dict[int, list[int]],
        vehicles: dict[int, tuple[str, Vehicle]],
    ) -> tuple[list[IntelligenceRecord], list[tuple[int, int]], list[tuple[int, int]]]:
        """Reports, with (report index, plan index) subjects and (report index, OCG index) links."""
        rng = self.rng
        wanted = max(10, round(self.target / 3))
        records: list[IntelligenceRecord] = []
        subjects: list[tuple[int, int]] = []
        about_ocgs: list[tuple[int, int]] = []

        def assoc_name(plan_index: int, candidates: list[int]) -> tuple[str, int | None]:
            others = [i for i in candidates if i != plan_index]
            if others:
                other = rng.choice(others)
                return self.plans[other].person.full_name, other
            return f"an unknown male known only as '{rng.choice(_NICKNAMES)}'", None

        for ocg_index, members in members_of.items():
            ocg = ocgs[ocg_index]
            sensitive = 0.5 if ocg.classification == Classification.OFFICIAL_SENSITIVE else 0.15
            for plan_index in members:
                for _ in range(rng.choice((1, 2, 2, 3))):
                    theme = rng.choice(ocg.threat_categories)
                    assoc, other = assoc_name(plan_index, members)
                    record = self.report(
                        plan_index=plan_index,
                        agency=ocg.agency,
                        theme=theme,
                        assoc=assoc,
                        vehicle=vehicles.get(plan_index),
                        sensitive=sensitive,
                        number=len(records) + 1,
                    )
                    index = len(records)
                    records.append(record)
                    subjects.append((index, plan_index))
                    if other is not None and rng.random() < 0.4:
                        subjects.append((index, other))
                    about_ocgs.append((index, ocg_index))
        total = max(wanted, len(records))
        while len(records) < wanted:
            plan_index = rng.randrange(len(self.plans))
            plan = self.plans[plan_index]
            holding = _weighted(
                rng, [(h, 4.0 if h.agency.kind == AgencyKind.LAW_ENFORCEMENT else 1.0) for h in plan.holdings]
            )
            theme = _weighted(rng, _AGENCY_THEMES[self.category(holding.agency)])
            assoc, other = assoc_name(plan_index, linked.get(plan_index, []))
            record = self.report(
                plan_index=plan_index,
                agency=holding.agency,
                theme=theme,
                assoc=assoc,
                vehicle=vehicles.get(plan_index),
                sensitive=0.15,
                number=len(records) + 1,
            )
            index = len(records)
            records.append(record)
            subjects.append((index, plan_index))
            if other is not None and rng.random() < 0.3:
                subjects.append((index, other))
            if len(records) % 1000 == 0:
                self.progress("intelligence", len(records), total)
        return records, subjects, about_ocgs

    # Shares ------------------------------------------------------------------------------

    def share(self, owner: Agency, recipient: Agency, town: str, *, expired: bool = False, **target: Any) -> Share:
        """A share from owner to recipient: about 15% have expired, half run to a date, the rest open."""
        rng = self.rng
        created = self.when(self.now - timedelta(days=2 * 365), self.now - timedelta(days=1))
        roll = rng.random()
        if roll < 0.15 or expired:
            expires: datetime | None = self.when(created, self.now - timedelta(hours=1))
        elif roll < 0.65:
            expires = self.now + timedelta(days=rng.randint(14, 365))
        else:
            expires = None
        users = self.intel_users(owner.code)
        category = self.category(owner)
        bases: tuple[str, ...]
        if owner.code == "hmrc":
            bases = ("Commissioners for Revenue and Customs Act 2005 s.18(2)(c)",)
        elif owner.code == "nca":
            bases = ("Crime and Courts Act 2013 s.7 (NCA information gateway)",)
        elif category == "police":
            bases = ("DPA 2018 Part 3 s.35 (law enforcement purposes)", "Crime and Disorder Act 1998 s.115")
        elif category == "council":
            bases = ("Crime and Disorder Act 1998 s.115",)
        else:
            bases = ("DPA 2018 Sch. 2 para. 2 (crime and taxation)", "Serious Crime Act 2007 s.68")
        return Share(
            owner=owner,
            recipient=recipient,
            purpose=rng.choice(_PURPOSES).format(town=town),
            legal_basis=rng.choice(bases),
            handling=rng.choice(_SHARE_HANDLING),
            created_at=created,
            created_by=rng.choice(users) if users else None,
            expires_at=expires,
            revoked_at=self.when(created) if rng.random() < 0.03 else None,
            **target,
        )

    def recipient_for(self, owner: Agency, town: str) -> Agency:
        rng = self.rng
        region = owner.region_id
        near = [a for a in self.agencies.values() if a.pk != owner.pk and a.region_id == region and region is not None]
        national = [self.agencies[c] for c in ("nca", "hmrc", "dwp", "home-office")]
        pool = near if near and rng.random() < 0.7 else national
        choices = [a for a in pool if a.pk != owner.pk]
        return rng.choice(choices or [self.agencies["nca"]])

    def make_shares(
        self, ocgs: list[OCG], records: list[IntelligenceRecord], subjects: list[tuple[int, int]]
    ) -> list[Share]:
        rng = self.rng
        shares: list[Share] = []
        gmp, mersey = self.agencies["gmp"], self.agencies["merseyside"]
        # Greater Manchester lets Merseyside see some of its people, groups and reports.
        gmp_held = [i for i in self.held_by.get("gmp", []) if not self.plans[i].holder("merseyside")]
        # The first of these has expired, so Merseyside has lost sight of that person.
        chosen = rng.sample(gmp_held, min(len(gmp_held), max(4, round(self.target / 300))))
        for n, i in enumerate(chosen):
            plan = self.plans[i]
            shares.append(self.share(gmp, mersey, plan.person.area.town, expired=n == 0, nominal=plan.nominal))
        # Other agencies share some of the people they hold.
        for _ in range(round(self.target / 40)):
            plan = self.plans[rng.randrange(len(self.plans))]
            holding = rng.choice(plan.holdings)
            recipient = self.recipient_for(holding.agency, plan.person.area.town)
            shares.append(self.share(holding.agency, recipient, plan.person.area.town, nominal=plan.nominal))
        for ocg in ocgs:
            if ocg.agency.pk == gmp.pk and rng.random() < 0.5:
                shares.append(self.share(gmp, mersey, ocg.area, ocg=ocg))
            elif rng.random() < 0.25:
                shares.append(self.share(ocg.agency, self.recipient_for(ocg.agency, ocg.area), ocg.area, ocg=ocg))
        subject_of: dict[int, int] = {}
        for record_index, plan_index in subjects:
            subject_of.setdefault(record_index, plan_index)
        for index, record in enumerate(records):
            town = self.plans[subject_of[index]].person.area.town
            if record.agency_id == gmp.pk and rng.random() < 0.1:
                shares.append(self.share(gmp, mersey, town, intelligence=record))
            elif rng.random() < 0.05:
                recipient = self.recipient_for(record.agency, town)
                shares.append(self.share(record.agency, recipient, town, intelligence=record))
        return shares

    # The whole world ---------------------------------------------------------------------

    def build(self, password: str) -> DemoSummary:
        started = time.monotonic()
        summary = DemoSummary(seed=0, password=password)
        summary.agencies_created = self.make_agencies()
        summary.users = self.make_users(password)
        self.plan_people()
        ocgs, memberships, members_of = self.make_ocgs()
        self.save_nominals()
        summary.facts, summary.name_tokens = self.save_facts()

        OCG.objects.bulk_create(ocgs, batch_size=BATCH)
        for membership in memberships:
            membership.ocg_id = membership.ocg.pk
        OCGMembership.objects.bulk_create(memberships, batch_size=BATCH)
        self.progress("ocgs", len(ocgs), len(ocgs))

        associations, linked = self.make_associations(ocgs, members_of)
        Association.objects.bulk_create(associations, batch_size=BATCH)
        self.progress("associations", len(associations), len(associations))

        premises, premises_plans, premises_ocgs = self.make_premises(ocgs, members_of)
        Premises.objects.bulk_create(premises, batch_size=BATCH)
        Premises.nominals.through.objects.bulk_create(
            [
                Premises.nominals.through(premises_id=premises[p].pk, nominal_id=self.plans[n].nominal.pk)
                for p, n in dict.fromkeys(premises_plans)
            ],
            batch_size=BATCH,
        )
        Premises.ocgs.through.objects.bulk_create(
            [Premises.ocgs.through(premises_id=premises[p].pk, ocg_id=ocgs[o].pk) for p, o in premises_ocgs],
            batch_size=BATCH,
        )
        self.progress("premises", len(premises), len(premises))

        vehicles, vehicle_plans, vehicle_ocgs, used_by = self.make_vehicles(ocgs, members_of)
        Vehicle.objects.bulk_create(vehicles, batch_size=BATCH)
        Vehicle.nominals.through.objects.bulk_create(
            [
                Vehicle.nominals.through(vehicle_id=vehicles[v].pk, nominal_id=self.plans[n].nominal.pk)
                for v, n in vehicle_plans
            ],
            batch_size=BATCH,
        )
        Vehicle.ocgs.through.objects.bulk_create(
            [Vehicle.ocgs.through(vehicle_id=vehicles[v].pk, ocg_id=ocgs[o].pk) for v, o in vehicle_ocgs],
            batch_size=BATCH,
        )
        self.progress("vehicles", len(vehicles), len(vehicles))

        records, subjects, about_ocgs = self.make_intelligence(ocgs, members_of, linked, used_by)
        IntelligenceRecord.objects.bulk_create(records, batch_size=BATCH)
        IntelligenceRecord.subjects.through.objects.bulk_create(
            [
                IntelligenceRecord.subjects.through(
                    intelligencerecord_id=records[r].pk, nominal_id=self.plans[n].nominal.pk
                )
                for r, n in dict.fromkeys(subjects)
            ],
            batch_size=BATCH,
        )
        IntelligenceRecord.ocgs.through.objects.bulk_create(
            [
                IntelligenceRecord.ocgs.through(intelligencerecord_id=records[r].pk, ocg_id=ocgs[o].pk)
                for r, o in about_ocgs
            ],
            batch_size=BATCH,
        )
        self.progress("intelligence", len(records), len(records))

        offences = self.make_offences(ocgs, members_of, memberships)
        Offence.objects.bulk_create(offences, batch_size=BATCH)
        self.progress("offences", len(offences), len(offences))
        safeguarding, exploited = self.make_safeguarding(members_of)
        summary.safeguarding = len(safeguarding)
        summary.facts += len(safeguarding)
        self.flush_facts(safeguarding)
        Association.objects.bulk_create(exploited, batch_size=BATCH)
        self.progress("safeguarding", len(safeguarding), len(safeguarding))

        shares = self.make_shares(ocgs, records, subjects)
        Share.objects.bulk_create(shares, batch_size=BATCH)
        self.progress("shares", len(shares), len(shares))

        summary.people = len(self.people)
        summary.nominals = len(self.plans)
        summary.near_duplicates = sum(p.duplicate for p in self.plans)
        summary.multi_agency_nominals = sum(len({h.agency.code for h in p.holdings}) > 1 for p in self.plans)
        summary.ocgs = len(ocgs)
        summary.memberships = len(memberships)
        summary.associations = len(associations)
        summary.premises = len(premises)
        summary.vehicles = len(vehicles)
        summary.intelligence = len(records)
        summary.shares = len(shares)
        summary.offences = len(offences)
        summary.seconds = round(time.monotonic() - started, 1)
        return summary


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def _ascii(text: str) -> str:
    return "".join(c for c in names.fold(text).lower() if c.isalpha())


def _postcode(text: str) -> str:
    normalised = names.normalise_postcode(text)
    if normalised is None:  # pragma: no cover - every generated postcode is valid
        raise ValueError(f"Not a postcode: {text!r}")
    return normalised


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the keyboard, keeping the first letter: SMITH -> SMTIH, SMIHT, SMITHH, SNITH."""
    vowels = "AEIOU"
    for _ in range(20):
        letters = list(word)
        positions = [i for i in range(1, len(letters)) if letters[i].isalpha()]
        if not positions:
            break
        i = rng.choice(positions)
        op = rng.choice(("swap", "swap", "vowel", "drop", "double"))
        if op == "swap" and i + 1 < len(letters) and letters[i + 1].isalpha() and letters[i] != letters[i + 1]:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
        elif op == "vowel" and letters[i] in vowels:
            letters[i] = rng.choice([v for v in vowels if v != letters[i]])
        elif op == "drop" and len(positions) > 3:
            del letters[i]
        elif op == "double":
            letters.insert(i, letters[i])
        typo = "".join(letters)
        if typo != word:
            return typo
    return word + "E"


def build_demo(
    *,
    seed: int = 7,
    nominals: int = 18_000,
    password: str | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty database with the synthetic demo world; see the module docstring.

    Every demo user gets ``password`` (or a generated one, returned in the summary).
    ``progress(stage, done, total)`` is called as the stages go. Raises
    :class:`DemoWorldError` when the database already holds nominals, and builds nothing.
    """
    if nominals < MIN_NOMINALS:
        raise ValueError(f"The demo world needs at least {MIN_NOMINALS} nominals.")
    password = password or generate_password()
    with transaction.atomic():
        existing = Nominal.objects.count()
        if existing:
            raise DemoWorldError(
                f"The database already holds {existing} nominals; the demo world is only built on an empty database."
            )
        world = _World(seed=seed, nominals=nominals, progress=progress)
        summary = world.build(password)
        summary.seed = seed
        audit.record(
            actor=world.admin_actor(),
            operation=Operation.COLLECTION,
            object_type="demo_world",
            detail={"seed": seed, **summary.counts},
        )
    return summary
