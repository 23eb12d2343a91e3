"""``manage.py load_discretion <file.csv>``: load a discretion benchmark (docs/discretion.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casework.exceptions import Invalid
from penalties.discretion import SAMPLE, benchmarks_load


class Command(BaseCommand):
    help = "Load a discretion benchmark file (docs/discretion.md); --sample loads the sample."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the CSV file")
        parser.add_argument("--sample", action="store_true", help="load the project's sample")

    def handle(self, *args, **options):
        path = SAMPLE if options["sample"] else options["file"]
        if not path:
            raise CommandError("Name a file, or --sample.")
        try:
            count = benchmarks_load(Path(path))
        except Invalid as exc:
            raise CommandError(str(exc.errors or exc.message)) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"load_discretion: {count} tier(s) loaded from {path}")
