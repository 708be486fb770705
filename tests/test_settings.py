"""The production profile passes Django's deployment checks; the development one refuses nothing it needs."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys


def _check(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SOCHUB_") and k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_production_profile_passes_check_deploy() -> None:
    result = _check(
        {"SOCHUB_SECRET_KEY": secrets.token_urlsafe(50), "SOCHUB_ALLOWED_HOSTS": "sochub.example.police.uk"}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = _check({})
    assert result.returncode != 0 and "SOCHUB_SECRET_KEY is not set" in result.stderr
