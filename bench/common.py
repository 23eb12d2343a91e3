"""What every benchmark does first: refuse anything but a PostgreSQL bench database."""

import sys

from django.core.management import call_command
from django.db import connection


def database_prepare(script: str, *, fresh: bool = False, migrate: bool = True) -> None:
    """Refuse SQLite and any database not named *bench*; (re)create and migrate it.

    Call it after ``django.setup()``. ``fresh`` drops the database first.
    """
    if connection.vendor != "postgresql":
        sys.exit(
            f"{script} measures PostgreSQL and refuses SQLite. Set DATABASE_URL, for example\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/casework_bench"
        )
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to fill database {name!r}: its name must contain 'bench'.")
    connection.close()
    server = server_connect()
    with server.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    server.close()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)


def server_connect():
    """A connection to the server's maintenance database, in autocommit."""
    import psycopg2

    settings_dict = connection.settings_dict
    server = psycopg2.connect(
        dbname="postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
    )
    server.autocommit = True
    return server
