"""Results remembered in the store until its content changes.

Building a brief reads every merged fact; on thousands of documents that takes
seconds, while the store changes far less often than analysts ask. A result is
kept under a name with the store's *generation*, a counter that SQLite triggers
raise whenever a document appearance or a fact is added, changed or removed
(see schema ``_v5``), and is used only while the generation is unchanged.

Caching is best effort: on a database without the counter, or one that cannot
be written (read-only file, a writer holding the lock), results are simply
built again.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from .schema import GENERATION_KEY, cache, meta


def generation(conn) -> str | None:
    return conn.execute(select(meta.c.value).where(meta.c.key == GENERATION_KEY)).scalar()


def load(store, name: str) -> str | None:
    """The text stored under ``name`` if the store has not changed since."""
    try:
        with store.engine.connect() as conn:
            current = generation(conn)
            row = conn.execute(select(cache.c.generation, cache.c.data).where(cache.c.name == name)).first()
    except SQLAlchemyError:
        return None
    if current is None or row is None or row[0] != current:
        return None
    return row[1]


def save(store, name: str, data: str) -> bool:
    """Remember ``data`` under ``name`` for the current generation; False if it could not be."""
    try:
        with store.engine.begin() as conn:
            current = generation(conn)
            if current is None:
                return False
            conn.execute(cache.delete().where(cache.c.name == name))
            conn.execute(cache.insert().values(
                name=name, generation=current, data=data,
                created_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()))
        return True
    except SQLAlchemyError:
        return False
