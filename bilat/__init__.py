"""bilat: a sourced, queryable record of a bilateral defense relationship."""
__version__ = "0.1.0"  # first: modules below read it

from bilat.documents import Document, ReadOptions
from bilat.errors import BilatError, InputError, NotFound, QueryError, StoreError
from bilat.pipeline import IngestItem, IngestReport, ingest
from bilat.report.export import export_facts
from bilat.store import Store, open_store


__all__ = [
    "ingest", "open_store", "export_facts", "Store", "Document", "ReadOptions",
    "IngestItem", "IngestReport",
    "BilatError", "InputError", "NotFound", "QueryError", "StoreError",
]
