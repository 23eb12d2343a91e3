"""Writing register files for the import tests."""

import csv
from pathlib import Path

from registry.imports import register_import

WORKER_HEADER = [
    "enterprise_uscc",
    "id_number",
    "name",
    "job",
    "is_team_leader",
    "special_ops",
    "hired_on",
]


def write_csv(path: Path, header, rows, *, encoding: str = "utf-8", bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else encoding, newline="") as out:
        writer = csv.writer(out)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def import_file(kind: str, path: Path, *, actor=None, **options):
    with path.open("rb") as stream:
        return register_import(kind=kind, stream=stream, actor=actor, filename=path.name, **options)


def errors_of(report) -> list[tuple]:
    return [(e["row"], e["column"], e["reason"]) for e in report.as_dict()["errors"]]
