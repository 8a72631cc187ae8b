"""Where the hashed identifiers of erased people are kept, for the steps that must not bring them back."""

from __future__ import annotations

import json

from cdp.ports import ObjectStore
from cdp.services.lake import Buckets

TOMBSTONES_KEY = "erasure/tombstones.json"


def load_tombstones(store: ObjectStore, buckets: Buckets) -> frozenset[str]:
    """The hashed identifiers of every erased person."""
    try:
        return frozenset(json.loads(store.get_bytes(buckets.config, TOMBSTONES_KEY))["hashes"])
    except KeyError:
        return frozenset()
