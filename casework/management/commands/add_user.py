from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from casework.exceptions import Invalid
from casework.models import User
from casework.services import user_create


def _date(value, name):
    if value is None:
        return None
    parsed = parse_date(value)
    if parsed is None:
        raise CommandError(f"--{name}: expected YYYY-MM-DD, got {value!r}")
    return parsed


class Command(BaseCommand):
    help = "Create a user with a role and a jurisdiction (or an enterprise)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.Role.values)
        parser.add_argument("--jurisdiction", help="administrative division code, e.g. 450103")
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument("--credential-no", default="")
        parser.add_argument("--credential-valid-from")
        parser.add_argument("--credential-valid-until")
        parser.add_argument("--enterprise", help="USCC of the enterprise (enterprise users)")

    def handle(self, *args, **o):
        try:
            user = user_create(
                username=o["username"],
                role=o["role"],
                password=o["password"],
                jurisdiction_code=o["jurisdiction"],
                credential_no=o["credential_no"],
                credential_valid_from=_date(o["credential_valid_from"], "credential-valid-from"),
                credential_valid_until=_date(o["credential_valid_until"], "credential-valid-until"),
                enterprise_uscc=o["enterprise"],
                full_name=o["name"],
            )
        except Invalid as exc:
            lines = [f"{field}: {msg}" for field, msgs in exc.errors.items() for msg in msgs]
            raise CommandError("\n".join(lines)) from None
        self.stdout.write(f"created {user.username} ({user.role})")
