import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.calendar_files import CalendarFileError, calendar_file_read
from casework.deadlines import calendar_load
from casework.models import Jurisdiction


class Command(BaseCommand):
    help = (
        "Load an official holiday schedule (CSV: date,kind,name,source; or JSON) for the "
        "years it covers, then recompute the provisional deadlines those years touch."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--jurisdiction", help="division code for local overrides (default: national)"
        )

    def handle(self, *args, file: Path, jurisdiction=None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        where = None
        if jurisdiction:
            where = Jurisdiction.objects.filter(code=jurisdiction).first()
            if where is None:
                raise CommandError(f"--jurisdiction: no jurisdiction has the code {jurisdiction}")
        try:
            rows = calendar_file_read(file)
        except CalendarFileError as exc:
            raise CommandError(f"{file}: " + "\n".join(exc.problems)) from None
        sha256 = hashlib.sha256(file.read_bytes()).hexdigest()
        loaded = calendar_load(rows=rows, jurisdiction=where, sha256=sha256)
        self.stdout.write(
            f"loaded {loaded.days} day(s) for {', '.join(map(str, loaded.years))} "
            f"({loaded.jurisdiction}); {len(loaded.changed)} deadline(s) moved"
        )
        for entry in loaded.changed:
            self.stdout.write(
                f"  deadline {entry.deadline_id} ({entry.deadline.kind}): "
                f"{entry.due_before} -> {entry.due_after}"
            )
