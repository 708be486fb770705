"""A small seeded generator of person records with planted duplicates (typos, moves, gaps, date slips)."""

from __future__ import annotations

import numpy as np
import pandas as pd

GIVEN_M = [
    "JAMES",
    "JOHN",
    "DAVID",
    "MICHAEL",
    "PAUL",
    "ANDREW",
    "PETER",
    "MARK",
    "STEPHEN",
    "RICHARD",
    "THOMAS",
    "DANIEL",
    "MATTHEW",
    "CHRISTOPHER",
    "ANTHONY",
    "KEVIN",
    "GARY",
    "SIMON",
    "NEIL",
    "IAN",
    "ALAN",
    "COLIN",
    "GRAHAM",
    "KEITH",
    "LIAM",
    "CONOR",
    "OWEN",
    "RHYS",
    "DECLAN",
    "FRASER",
    "ANGUS",
    "EWAN",
    "HAMISH",
]
GIVEN_F = [
    "SARAH",
    "EMMA",
    "LAURA",
    "HELEN",
    "CLAIRE",
    "NICOLA",
    "KAREN",
    "SUSAN",
    "JULIE",
    "LISA",
    "RACHEL",
    "AMANDA",
    "JOANNE",
    "LOUISE",
    "VICTORIA",
    "GEMMA",
    "KATHERINE",
    "HANNAH",
    "SOPHIE",
    "CHLOE",
    "ISLA",
    "MAISIE",
    "FREYA",
    "ELOISE",
    "IMOGEN",
    "BETHAN",
    "CERYS",
    "SIOBHAN",
    "NIAMH",
    "AOIFE",
    "MORAG",
]
SURNAMES = [
    "SMITH",
    "JONES",
    "TAYLOR",
    "BROWN",
    "WILLIAMS",
    "WILSON",
    "JOHNSON",
    "DAVIES",
    "ROBINSON",
    "WRIGHT",
    "THOMPSON",
    "EVANS",
    "WALKER",
    "WHITE",
    "ROBERTS",
    "GREEN",
    "HALL",
    "WOOD",
    "JACKSON",
    "CLARKE",
    "PATEL",
    "KHAN",
    "LEWIS",
    "JAMES",
    "PHILLIPS",
    "MASON",
    "MITCHELL",
    "ROSE",
    "DAVIS",
    "RODRIGUEZ",
    "COX",
    "ALEXANDER",
    "MORGAN",
    "MOORE",
    "MARTIN",
    "PRICE",
    "HUGHES",
    "EDWARDS",
    "TURNER",
    "HILL",
    "FAIRWEATHER",
    "ABERNETHY",
    "MACPHERSON",
    "OYELARAN",
    "KOWALSKI",
    "NAKAMURA",
    "FITZGERALD",
    "BLACKWOOD",
    "HARGREAVES",
    "PENHALIGON",
    "TREMAYNE",
    "ACHTERBERG",
    "VILLANUEVA",
    "DRUMMOND",
]
AREAS = ["AB", "B", "BS", "CF", "E", "G", "LS", "M", "N", "NE", "NG", "OX", "S", "SE", "SW", "W", "YO", "L", "EH"]
LETTERS = list("ABDEFGHJLNPQRSTUWXYZ")


def _postcode(rng: np.random.Generator) -> str:
    return f"{rng.choice(AREAS)}{rng.integers(1, 30)} {rng.integers(0, 10)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 4:
        return s
    i = int(rng.integers(1, len(s) - 1))
    if rng.random() < 0.5:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + s[i + 1 :]


def make_people(n: int, seed: int = 0) -> pd.DataFrame:
    """~n records: unique_id, entity_id, first_name, surname, dob, postcode, gender; 30% of people duplicated."""
    rng = np.random.default_rng(seed)
    rows = []
    ent = 0
    while len(rows) < n:
        gender = "M" if rng.random() < 0.5 else "F"
        first = str(rng.choice(GIVEN_M if gender == "M" else GIVEN_F))
        sur = str(rng.choice(SURNAMES))
        dob = pd.Timestamp("1950-01-01") + pd.Timedelta(days=int(rng.integers(0, 365 * 55)))
        pc = _postcode(rng)
        base = {"entity_id": ent, "first_name": first, "surname": sur, "dob": dob, "postcode": pc, "gender": gender}
        rows.append({**base, "dob": dob.strftime("%Y-%m-%d")})
        for _ in range(int(rng.integers(1, 3)) if rng.random() < 0.3 else 0):
            d = dict(base)
            if rng.random() < 0.2:
                d["first_name"] = _typo(rng, first)
            if rng.random() < 0.2:
                d["surname"] = _typo(rng, sur)
            if rng.random() < 0.2:
                d["postcode"] = _postcode(rng)
            if rng.random() < 0.1:
                d["dob"] = dob + pd.Timedelta(days=int(rng.integers(-20, 21)))
            d["dob"] = d["dob"].strftime("%Y-%m-%d")
            for col in ("first_name", "surname", "dob", "postcode"):
                if rng.random() < 0.05:
                    d[col] = None
            rows.append(d)
        ent += 1
    df = pd.DataFrame(rows[:n])
    df = df.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    df.insert(0, "unique_id", [f"r{i:05d}" for i in range(len(df))])
    return df
