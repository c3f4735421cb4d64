"""Pausing Python's cyclic garbage collector while building large results.

Reading a big store builds hundreds of thousands of small dicts and
dataclasses that hold no reference cycles. Each allocation burst makes the
collector rescan everything still alive, which on 2,000 documents costs more
than the work itself. Reference counting still frees memory as usual; the
collector is restored (and never left off) when the block ends.
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
