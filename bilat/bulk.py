"""How bilat tunes Python's cyclic garbage collector for bulk work.

Reading a big store builds hundreds of thousands of small dicts and
dataclasses that hold no reference cycles. Each allocation burst makes the
collector rescan everything still alive, which on 2,000 documents costs more
than the work itself. Reference counting still frees memory as usual; the
collector is restored (and never left off) when the block ends.

Ingest, which runs long, collects less often instead (``collecting_less``).
"""
from __future__ import annotations

import functools
import gc
from contextlib import contextmanager


@contextmanager
def paused_gc():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(fn):
    """Decorator form of :func:`paused_gc`."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with paused_gc():
            return fn(*args, **kwargs)
    return wrapper


# Ingest allocates and drops millions of small objects (parsed texts, facts,
# rows), which set off the cyclic garbage collector every few hundred: each
# full collection then walks every object of the loaded models and libraries.
# While ingesting or re-extracting, collect less often; when ingesting in
# parallel, also leave the objects loaded before the workers start out of
# collections (gc.freeze, which also spares the forked workers copying pages).
_GC_THRESHOLD = (20_000, 20, 20)
_frozen_here = False


@contextmanager
def collecting_less():
    global _frozen_here
    before = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(before, _GC_THRESHOLD)))
    try:
        yield
    finally:
        gc.set_threshold(*before)
        if _frozen_here:
            _frozen_here = False
            gc.unfreeze()


def freeze_loaded() -> None:
    global _frozen_here
    if not _frozen_here and gc.get_freeze_count() == 0:  # (a caller's own freeze is left alone)
        gc.freeze()
        _frozen_here = True
