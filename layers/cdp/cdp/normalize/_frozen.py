"""Frozen, slotted result dataclasses with a fast constructor.

The ``__init__`` that dataclasses generates for frozen classes goes through ``object.__setattr__`` once
per field (about 2.5 µs for seven fields); results are built millions of times per file, so the
constructor generated here writes each slot through its descriptor instead, about twice as fast. The
class is otherwise a regular ``@dataclass(frozen=True, slots=True)``: immutable, hashable, comparable,
and usable with ``dataclasses.fields``/``replace``/``asdict``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import TypeVar

T = TypeVar("T")


def frozen(cls: type[T]) -> type[T]:
    """Class decorator: ``@dataclass(frozen=True, slots=True)`` with a faster ``__init__``."""
    cls = dataclass(frozen=True, slots=True)(cls)
    namespace: dict[str, object] = {}
    params: list[str] = []
    body: list[str] = []
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{f.name}: default factories are not supported")
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__  # the slot's member descriptor
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    source = f"def __init__(self, {', '.join(params)}) -> None:\n" + "\n".join(body)
    exec(source, namespace)  # noqa: S102 - generated from the class's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"  # type: ignore[attr-defined]
    init.__doc__ = cls.__init__.__doc__  # type: ignore[misc]
    cls.__init__ = init  # type: ignore[misc]
    return cls
