"""Import a register file: ``import_register <kind> <file.csv> [--valid-only]``."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from casework.exceptions import Forbidden
from casework.models import User
from registry.imports import ENCODINGS, IMPORT_KINDS, ImportReport, register_import


def report_lines(report: ImportReport) -> list[str]:
    """The report as text: one line per error, then the counts."""
    data = report.as_dict()
    lines = [
        _("row %(row)s, column %(column)s: %(reason)s")
        # The column as the file named it (its header), else the register's name for it.
        % {
            "row": error["row"],
            "column": error.get("header") or error["column"] or "-",
            "reason": error["reason"],
        }
        for error in data["errors"]
    ]
    lines.append(
        _(
            "%(kind)s (%(encoding)s): %(rows)d rows, %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(refused)d refused; %(outcome)s. SHA-256 %(sha256)s"
        )
        % {
            **data,
            "encoding": data["encoding"] or "?",
            "outcome": _("imported") if report.imported else _("nothing imported"),
        }
    )
    return lines


class Command(BaseCommand):
    help = "Import a register from a CSV file (UTF-8 or GBK, English or Chinese headers)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows and report the others (default: all or nothing).",
        )
        parser.add_argument("--encoding", choices=ENCODINGS, default="auto")
        parser.add_argument(
            "--user",
            help="Import as this user, limited to their jurisdiction (default: unrestricted).",
        )

    def handle(self, *args, kind, file, valid_only, encoding, user, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).select_related("jurisdiction").first()
            if actor is None:
                raise CommandError(_("No user %(name)s.") % {"name": user})
        if not file.is_file():
            raise CommandError(_("No file %(path)s.") % {"path": file})

        def progress(phase: str, rows: int) -> None:
            sys.stderr.write(f"{phase} {rows:,} rows\n")
            sys.stderr.flush()

        try:
            with file.open("rb") as stream:
                report = register_import(
                    kind=kind,
                    stream=stream,
                    actor=actor,
                    valid_only=valid_only,
                    encoding=encoding,
                    filename=file.name,
                    channel="command",
                    progress=progress,
                )
        except Forbidden as exc:
            raise CommandError(str(exc.message)) from None
        for line in report_lines(report):
            self.stdout.write(line)
        if report.refused or not report.imported:
            raise CommandError(
                _("%(count)d problem(s); see the report above.") % {"count": report.error_count},
                returncode=1,
            )
