"""The ``sochub`` console command, run as a real subprocess against a throwaway SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "cli-test-password-1234"


def run(args: list[str], var: Path, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SOCHUB_TESTING"}}
    env.update(SOCHUB_DEBUG="1", SOCHUB_VAR=str(var), SOCHUB_NEW_PASSWORD=PASSWORD, SOCHUB_DEMO_PASSWORD=PASSWORD)
    result = subprocess.run(
        [sys.executable, "-m", "sochub.cli", *args], env=env, input=stdin, text=True, capture_output=True, timeout=300
    )
    if check and result.returncode != 0:
        raise AssertionError(f"sochub {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("var")
    run(["migrate"], path)
    run(["createuser", "boss", "--agency", "nca", "--role", "system_admin", "--vetting", "SC"], path)
    run(["createuser", "ann", "--agency", "hmrc", "--role", "analyst", "--as", "boss"], path)
    return path


def test_token_create_prints_the_bare_token_last(var: Path) -> None:
    out = run(["token", "create", "ann", "--purpose", "Integration with the ROCU", "--expires", "30"], var)
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("soc_") and " " not in token
    assert "Expires" in out.stderr  # people-facing details go to standard error


def test_commands_need_a_real_user_and_say_why(var: Path) -> None:
    out = run(["audit", "verify", "--as", "nobody"], var, check=False)
    assert out.returncode == 2 and "no active user called 'nobody'" in out.stderr
    out = run(["createuser", "eve", "--agency", "hmrc", "--role", "analyst"], var, check=False)
    assert out.returncode == 2 and "--as" in out.stderr
    out = run(["createuser", "eve", "--agency", "atlantis", "--role", "analyst", "--as", "boss"], var, check=False)
    assert out.returncode == 2 and "no agency with code 'atlantis'" in out.stderr


def test_audit_verify_checks_the_chain(var: Path) -> None:
    out = run(["audit", "verify", "--as", "boss"], var)
    assert "Audit chain intact" in out.stdout
    out = run(["audit", "verify", "--as", "ann"], var, check=False)
    assert out.returncode == 2 and "administrators" in out.stderr


def test_token_revoke(var: Path) -> None:
    token = run(["token", "create", "ann", "--purpose", "Short-lived integration"], var).stdout.strip().splitlines()[-1]
    out = run(["token", "revoke", token[:10], "--as", "ann"], var)
    assert "Revoked 1" in out.stdout
