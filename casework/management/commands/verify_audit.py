from django.core.management.base import BaseCommand, CommandError

from casework.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit chain; print OK and the count, or the first broken link."

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"OK {result.count} events")
            return
        raise CommandError(
            f"BROKEN at event id {result.broken_id} (seq {result.broken_seq}): {result.reason}; "
            f"{result.count} events verified before it"
        )
