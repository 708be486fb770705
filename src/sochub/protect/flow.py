"""The public self-assessment's journey: the questionnaire in use, the signed state each page carries and
where an answer leads.

No server session is kept for the public: the answers so far travel in a hidden field (and in the Back and
Change links) encrypted and authenticated (Fernet), so a changed or stale state is refused and nobody reading
a browser's history or a proxy's log learns the answers.
The state also carries a one-off random number, so a submission that is refreshed or replayed is stored once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
import zlib
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sochub.engine.selfassess import (
    AnswerError,
    Question,
    Questionnaire,
    fingerprint,
    load_questionnaire,
    next_step,
)

SALT = "sochub.protect.selfassess.state"
MAX_ANSWERS = 100
MAX_ID = 100
# An outward code (postcode district): M1, M14, WA10, EC1A, SW1A...
DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
FULL_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*[0-9][A-Z]{2}$")


class StateError(Exception):
    """The carried state was changed, has expired, or belongs to another questionnaire."""


@lru_cache(maxsize=4)
def _load(path: str | None) -> tuple[Questionnaire, str]:
    q = load_questionnaire(path)
    return q, fingerprint(q)


def questionnaire() -> Questionnaire:
    """The questionnaire in use (``SOCHUB_SELFASSESS_QUESTIONNAIRE`` or the engine's own), read once."""
    return _load(_path())[0]


def questionnaire_fingerprint() -> str:
    return _load(_path())[1]


def _path() -> str | None:
    path = getattr(settings, "SOCHUB_SELFASSESS_QUESTIONNAIRE", None)
    return str(path) if path else None


def clean_district(text: str, *, required: bool = False) -> str:
    """A postcode district ("M14") from what was typed; a full postcode is cut to its district.

    Raises ValidationError with a message for people."""
    value = " ".join((text or "").upper().split())
    if not value:
        if required:
            raise ValidationError(_("Enter your postcode district, like M14"))
        return ""
    if len(value) > 8:
        raise ValidationError(_("Enter only the first part of your postcode, like M14"))
    full = FULL_POSTCODE_RE.match(value)
    if full:
        value = full.group(1)
    value = value.replace(" ", "")
    if not DISTRICT_RE.match(value):
        raise ValidationError(_("Enter a postcode district in the right format, like M14 or WA10"))
    return value


@dataclass(frozen=True)
class State:
    answers: tuple[tuple[str, str], ...]
    district: str
    nonce: str
    fingerprint: str

    @classmethod
    def new(cls, district: str) -> State:
        return cls(
            answers=(), district=district, nonce=secrets.token_urlsafe(16), fingerprint=questionnaire_fingerprint()
        )

    def dumps(self) -> str:
        data = {"a": [list(p) for p in self.answers], "d": self.district, "n": self.nonce, "f": self.fingerprint}
        plain = zlib.compress(json.dumps(data, separators=(",", ":")).encode())
        return _fernet().encrypt(plain).decode("ascii")

    @classmethod
    def loads(cls, token: str) -> State:
        if not token or len(token) > 8000:
            raise StateError("missing")
        fernet = _fernet()
        try:
            plain = fernet.decrypt(token.encode("ascii"))
            written = fernet.extract_timestamp(token.encode("ascii"))
            inflater = zlib.decompressobj()
            text = inflater.decompress(plain, MAX_STATE_BYTES)
            if inflater.unconsumed_tail:
                raise ValueError("state too large")
            data: Any = json.loads(text)
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise StateError("tampered") from exc
        except (zlib.error, ValueError) as exc:
            raise StateError("malformed") from exc
        if time.time() - written > settings.SOCHUB_SELFASSESS_STATE_MAX_AGE:
            raise StateError("expired")
        try:
            answers = tuple((str(q), str(a)) for q, a in data["a"])
            state = cls(answers=answers, district=str(data["d"]), nonce=str(data["n"]), fingerprint=str(data["f"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError("malformed") from exc
        if len(answers) > MAX_ANSWERS or any(len(q) > MAX_ID or len(a) > MAX_ID for q, a in answers):
            raise StateError("malformed")
        if state.fingerprint != questionnaire_fingerprint():
            raise StateError("changed")
        return state


MAX_STATE_BYTES = 64_000


@cache
def _fernet() -> Fernet:
    """The answers so far travel between pages encrypted as well as authenticated (Fernet, a key derived from
    SECRET_KEY and this flow's salt), so browser history and proxy logs show nothing of them."""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:{SALT}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class Page:
    """One question to show: where it is in the journey and what was answered before."""

    question: Question
    number: int
    most: int
    chosen: str
    back: str | None  # the previous question's id; None: the start page


def page_for(state: State, qid: str | None = None) -> Page | None:
    """The question ``qid`` (when it is on the route so far) or the next one to answer; None when finished."""
    q = questionnaire()
    step = next_step(q, list(state.answers))
    ids = [p[0] for p in step.path]
    if qid and qid in ids:
        index = ids.index(qid)
        step = next_step(q, step.path[:index])
    elif step.question is None:
        return None
    else:
        index = len(ids)
    question = step.question
    assert question is not None
    return Page(
        question=question,
        number=step.number,
        most=max(step.number, step.up_to),
        chosen=dict(state.answers).get(question.id, ""),
        back=ids[index - 1] if index else None,
    )


def answer(state: State, qid: str, aid: str) -> tuple[State, str | None]:
    """Record an answer and re-route: the new state and the next question's id (None: check your answers).

    Raises AnswerError for an answer the question does not have, StateError for a question not on the route."""
    q = questionnaire()
    step = next_step(q, list(state.answers))
    allowed = [p[0] for p in step.path] + ([step.question.id] if step.question else [])
    if qid not in allowed:
        raise StateError("off route")
    if aid not in {a.id for a in q.question(qid).answers}:
        raise AnswerError(f"{aid!r} is not an answer to question {qid!r}", qid)
    given = dict(state.answers)
    given[qid] = aid
    step = next_step(q, given)
    new = replace(state, answers=tuple((str(a), str(b)) for a, b in step.path))
    ids = [p[0] for p in step.path]
    index = ids.index(qid)
    if index + 1 < len(ids):
        return new, ids[index + 1]
    return new, step.question.id if step.question else None


def finished(state: State) -> bool:
    return next_step(questionnaire(), list(state.answers)).question is None
