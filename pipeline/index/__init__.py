"""The index: find records by hash, record id, citizen id or batch (SQLite or PostgreSQL).

The object store holds the records themselves (`records/<record_id>.json`); the index holds
just enough to find them and to show staff what happened to every file of every batch.
"""

from pipeline.index.engine import make_engine
from pipeline.index.index import Index, new_batch_id
from pipeline.index.views import BatchInfo, CitizenHit, DocumentInfo

__all__ = ["BatchInfo", "CitizenHit", "DocumentInfo", "Index", "make_engine", "new_batch_id"]
