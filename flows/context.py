"""One live `Context` per worker process: tasks receive data (inputs, keys, ids) and look
up the handles here, so nothing unpicklable crosses a task boundary."""

from __future__ import annotations

import atexit
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from pipeline.batch import open_context
from pipeline.config import get_settings
from pipeline.document import Context


@lru_cache(maxsize=1)
def worker_context() -> Context:
    settings = get_settings()
    pool = ThreadPoolExecutor(max_workers=settings.ocr_workers, thread_name_prefix="ocr")
    atexit.register(pool.shutdown, wait=False)
    return open_context(settings, page_pool=pool)
