"""Pausing Python's cyclic garbage collector around bulk work that creates no reference cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Normalizing millions of values, clustering and the id rule create millions of small objects and
    no cycles: the collector would walk the whole heap again and again for nothing. It is restored as
    it was (a caller that disabled it keeps it disabled)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
