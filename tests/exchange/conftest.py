"""Fixtures for the exchange tests live in fixtures.py so the API tests can use them too."""

from .fixtures import dwp_fixture, trained_fixture

__all__ = ["dwp_fixture", "trained_fixture"]
