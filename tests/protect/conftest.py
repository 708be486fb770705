"""Fixtures for the self-assessment tests: a clean rate-limit count per test, and walking the real questionnaire."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from sochub.engine.selfassess import Questionnaire
from sochub.protect.flow import questionnaire


@pytest.fixture(autouse=True)
def clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def q() -> Questionnaire:
    return questionnaire()


def route_to(q: Questionnaire, segment: str) -> dict[str, str]:
    """The answers (question id -> answer id) of one route that ends in ``segment``."""
    for path in q.paths():
        if path[-1][2] == segment:
            return {question: answer for _, question, answer in path[:-1]}
    raise AssertionError(f"no route ends in {segment}")


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} in page"
    return found.group(1)


def walk(client: Client, answers: dict[str, str], district: str = "M14") -> tuple[Any, list[str]]:
    """Answer one question a page, as a browser without JavaScript would; returns the check page response and
    the "Question n of up to m" captions seen."""
    response = client.post("/self-assessment/", {"district": district})
    assert response.status_code == 302, response.content[:300]
    captions = []
    for _ in range(20):
        response = client.get(response["Location"])
        assert response.status_code == 200
        if "/check/" in response.request["PATH_INFO"]:
            return response, captions
        html = response.content.decode()
        assert "&lt;span" not in html  # markup built in templates is not escaped twice
        captions += re.findall(r"Question \d+ of up to \d+", html)
        qid = hidden(html, "question")
        response = client.post(
            "/self-assessment/question/", {"s": hidden(html, "s"), "question": qid, "answer": answers[qid]}
        )
        assert response.status_code == 302, response.content[:500]
    raise AssertionError("the route did not end")
