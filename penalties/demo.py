"""The penalties' demo data: the sample discretion benchmark (marked as a sample, not law)."""

from penalties.discretion import SAMPLE, benchmarks_load
from penalties.models import DiscretionTier


def demo_build() -> int:
    if DiscretionTier.objects.exists():
        return 0
    return benchmarks_load(SAMPLE)
