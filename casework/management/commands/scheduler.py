import signal
import threading

from django.core.management.base import BaseCommand

from casework.sweeps import tick_run


class Command(BaseCommand):
    help = "Embedded scheduler: run the sweep every minute until stopped (no Celery beat)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="seconds between ticks")

    def handle(self, *args, interval=60.0, **options):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"scheduler: tick every {interval:g} s (Ctrl-C stops)")
        while not stop.is_set():
            result = tick_run()
            if result.failed:
                self.stderr.write(f"scheduler: failed {result.failed}")
            stop.wait(interval)
        self.stdout.write("scheduler: stopped")
