"""Stage 5: persistence. SQLite by default, through SQLAlchemy."""
from .store import AddResult, Store, default_db_path, open_store

__all__ = ["AddResult", "Store", "default_db_path", "open_store"]
