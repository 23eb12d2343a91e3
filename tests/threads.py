"""Run work in real threads released together, each with its own database connection."""

import threading
from collections.abc import Callable

from django.db import connection

N = 20


def run_together(work: Callable[[int], object], n: int = N) -> list:
    """Run ``work(i)`` for i in range(n) in n threads released at once; return results."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results
