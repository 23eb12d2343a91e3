"""Production settings, exercised in a fresh process as an operator would start it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFIG_VARIABLES = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "REDIS_URL",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_SETTINGS_MODULE",
)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "casework.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CASEWORK_VAR_DIR": str(tmp_path / "var"),
    }


def test_production_without_a_secret_key_stops_with_a_message_naming_it(production_env):
    # given
    env = {k: v for k, v in production_env.items() if k != "DJANGO_SECRET_KEY"}

    # when
    result = manage("check", env=env)

    # then
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_stops_with_a_message_naming_it(production_env):
    env = {k: v for k, v in production_env.items() if k != "DJANGO_ALLOWED_HOSTS"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_without_a_database_url_stops_with_a_message_naming_it(production_env):
    env = {k: v for k, v in production_env.items() if k != "DATABASE_URL"}

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_settings_pass_the_deploy_check_at_warning_level(production_env):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_settings_would_fail_the_deploy_check(production_env, tmp_path):
    # given: the same machine without DJANGO_DEBUG=false (DEBUG on, development secret)
    env = {
        "CASEWORK_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": production_env["DATABASE_URL"],
    }

    # when
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    # then: the deploy check above is meaningful, it does catch a debug configuration
    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


def test_production_refuses_to_set_the_clock(production_env):
    result = manage("clock", "set", "2030-01-01", env=production_env)

    assert result.returncode != 0
    assert "production" in result.stderr
