"""Two agencies' files about overlapping people, written the way real partners send them, for
the demo (practice imports in the web UI) and the tests.

GMP sends ISO dates and its own column names; Merseyside sends DD/MM/YYYY dates, other
headers, nicknames, typos and the odd transposed day and month. ``truth`` says who is who.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from faker import Faker

NICKNAMES = {"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Margaret": "Maggie", "James": "Jim"}
GMP_HEADERS = ["Record ID", "First name", "Middle names", "Surname", "Date of birth", "Sex", "Postcode", "PNC ID"]
MERSEY_HEADERS = ["Ref", "Forename", "Family name", "DOB", "Gender", "Post Code", "Address", "NI Number", "Telephone"]


@dataclass
class PartnerFiles:
    gmp: Path
    mersey: Path
    truth: dict[str, int] = field(default_factory=dict)  # "gmp:<ref>" or "merseyside:<ref>" -> person
    bad_gmp_refs: list[str] = field(default_factory=list)
    shared_people: int = 0


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _ni(rng: random.Random) -> str:
    return "J" + rng.choice("ABCEGHJKLMNPRSTWXYZ") + f"{rng.randrange(10**6):06d}" + rng.choice("ABCD")


def write_partner_files(folder: Path, *, people: int = 240, shared: int = 90, seed: int = 3) -> PartnerFiles:
    """GMP holds people 0..(people/2+shared/2), Merseyside the rest plus ``shared`` of GMP's."""
    fake = Faker("en_GB")
    Faker.seed(seed)
    rng = random.Random(seed)
    persons: list[dict[str, Any]] = []
    for n in range(people):
        male = rng.random() < 0.6
        given = (
            rng.choice(list(NICKNAMES))
            if n % 9 == 0
            else (fake.first_name_male() if male else fake.first_name_female())
        )
        persons.append(
            {
                "given": given,
                "middle": fake.first_name() if rng.random() < 0.3 else "",
                "surname": fake.last_name(),
                "dob": date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45)),
                "sex": "M" if male else "F",
                "postcode": fake.postcode(),
                "address": fake.street_address().replace("\n", ", "),
                "pnc": f"{rng.randrange(80, 99)}/{rng.randrange(10**6, 10**7)}{rng.choice('ABCDEFGHJKLMNPQRTUVWXY')}",
                "ni": _ni(rng),
                "phone": f"07{rng.randrange(10**8, 10**9)}",
            }
        )
    half = (people + shared) // 2
    gmp_people = list(range(half))
    mersey_people = list(range(half - shared, people))
    out = PartnerFiles(gmp=folder / "gmp-nominals.csv", mersey=folder / "merseyside-nominals.csv")
    out.shared_people = shared
    with out.gmp.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(GMP_HEADERS)
        for i, n in enumerate(gmp_people):
            p = persons[n]
            ref = f"GMP{i + 1:05d}"
            row = [ref, p["given"], p["middle"], p["surname"], p["dob"].isoformat(), p["sex"], p["postcode"], p["pnc"]]
            if i in (5, 17, 29):  # deliberate errors the analyst must fix
                row[4 if i == 5 else 7 if i == 17 else 3] = {5: "1990-02-31", 17: "12345", 29: ""}[i]
                out.bad_gmp_refs.append(ref)
            w.writerow(row)
            out.truth[f"gmp:{ref}"] = n
    with out.mersey.open("w", newline="", encoding="cp1252") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(MERSEY_HEADERS)
        for i, n in enumerate(mersey_people):
            p = persons[n]
            ref = f"M-{i + 1:04d}"
            given = NICKNAMES.get(p["given"], p["given"]) if rng.random() < 0.5 else p["given"]
            surname = _typo(rng, p["surname"]) if rng.random() < 0.15 else p["surname"]
            dob = p["dob"]
            if rng.random() < 0.05 and dob.day <= 12 and dob.day != dob.month:
                dob = date(dob.year, dob.day, dob.month)
            postcode = p["postcode"] if rng.random() < 0.8 else Faker("en_GB").postcode()
            w.writerow(
                [
                    ref,
                    given,
                    surname.upper(),
                    dob.strftime("%d/%m/%Y"),
                    p["sex"],
                    postcode,
                    p["address"],
                    p["ni"],
                    p["phone"],
                ]
            )
            out.truth[f"merseyside:{ref}"] = n
    return out


GMP_MAPPING = """
kind: nominals
columns:
  source_key: Record ID
  given_name: First name
  middle_names: Middle names
  surname: Surname
  dob: Date of birth
  gender: Sex
  postcode: Postcode
  pnc_id: PNC ID
source_key: [Record ID]
"""

MERSEY_MAPPING = """
kind: nominals
columns:
  source_key: Ref
  given_name: Forename
  surname: Family name
  dob: DOB
  gender: Gender
  postcode: Post Code
  address: Address
  ni_number: NI Number
  phone: Telephone
source_key: [Ref]
date_formats: ["%d/%m/%Y"]
"""


def write_practice_files(folder: Path) -> PartnerFiles:
    """Files to try the import page with: GMP's has three rows to fix, and mappings for the CLI."""
    folder.mkdir(parents=True, exist_ok=True)
    files = write_partner_files(folder, people=400, shared=150, seed=11)
    (folder / "gmp-mapping.yaml").write_text(GMP_MAPPING.lstrip(), encoding="utf-8")
    (folder / "merseyside-mapping.yaml").write_text(MERSEY_MAPPING.lstrip(), encoding="utf-8")
    return files
