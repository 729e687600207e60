"""glibc's allocator told to keep freed memory for reuse instead of returning it at once.

A page is a few 9-26 MB arrays (RGB, grey, masks), made and dropped a dozen times while it
is cleaned. glibc serves blocks that large with fresh `mmap`s and unmaps them when freed, so
every new array faults its pages in again: 1.9 million page faults and 7 s of system time
for 60 scanned pages (`/usr/bin/time sohoa process`), a tenth of the pipeline's CPU. Kept in
the heap (no mmap below 256 MB, no trimming below 512 MB, the heap grown 256 MB at a time), the
same run faults 1.4 million times for 5.1-5.6 s of system time (bare Tesseract on the same
pages: 1.1 million, 3.1 s). A worker's resident size then stays at its largest page's
working set instead of shrinking between pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MMAP_THRESHOLD = 256 * 1024 * 1024
TRIM_THRESHOLD = 512 * 1024 * 1024
TOP_PAD = 256 * 1024 * 1024  # address space the heap grows by at once (untouched: no RSS)


def keep_freed_memory() -> bool:
    """Apply the settings above to this process (and the processes it forks); False where
    the C library is not glibc (nothing changes)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return all([mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD), mallopt(M_TRIM_THRESHOLD,
                TRIM_THRESHOLD), mallopt(M_TOP_PAD, TOP_PAD)])
