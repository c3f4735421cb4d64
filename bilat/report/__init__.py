"""Stage 6: what leaves the store — exports now; briefs and timelines later."""
from .export import EXPORT_FORMATS, KIND_FIELDS, export_facts, export_records

__all__ = ["EXPORT_FORMATS", "KIND_FIELDS", "export_facts", "export_records"]
