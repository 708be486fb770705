"""Common English nicknames folded to one formal given name, so 'Bill' and 'William' can agree.

The list lives in `nicknames.csv` next to this module (written for SOC Hub, a few hundred pairs).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_CSV = Path(__file__).with_name("nicknames.csv")


@lru_cache(maxsize=1)
def nickname_map() -> dict[str, str]:
    """{nickname: formal name}, upper case; loaded once because prepare() calls it per batch."""
    out: dict[str, str] = {}
    for line in _CSV.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line == "nickname,canonical":
            continue
        nick, _, canon = line.partition(",")
        out[nick.strip().upper()] = canon.strip().upper()
    return out


def canonical_given_name(name: str | None) -> str | None:
    """Formal form of a (normalised, upper-case) given name; the name itself when it is no nickname."""
    if not name:
        return None
    return nickname_map().get(name, name)
