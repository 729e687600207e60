"""pipeline.memory: freed page-sized arrays are reused instead of faulted in again."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = """
import resource, sys
import numpy as np
if sys.argv[1] == "keep":
    from pipeline.memory import keep_freed_memory
    assert keep_freed_memory()
np.ones(40_000_000, np.uint8)  # a page-sized array (an A4 page's labels: 35 MB)
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(5):
    np.ones(40_000_000, np.uint8)  # made and dropped, as while cleaning a page
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_freed_arrays_are_reused_not_faulted_in_again() -> None:
    # glibc maps arrays over 32 MB afresh each time (2,800 faults here with huge pages)
    assert faults("default") > 500
    assert faults("keep") < 100
