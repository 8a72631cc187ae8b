"""Record a manual override posted to the API (POST /v1/overrides) in the config bucket, where the
unify resolve step reads it (see `cdp.services.unify.load_overrides`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cdp.model import Entity
from cdp.ports import ObjectStore
from cdp.resolve.overrides import Override, OverrideError, make_override
from cdp.services.ingest_api import InvalidBatch, json_object
from cdp.services.unify import OVERRIDES_KEY

RESOLVED = (Entity.CONTACT, Entity.ACCOUNT)


def record_override(
    store: ObjectStore, config_bucket: str, body: str, now: datetime | None = None
) -> Override:
    """Validate `{"kind": "link"|"separate", "first", "second", "by", "why", "entity"?}` and append it to
    the entity's overrides; the next unify run honours it.

    Raises:
        InvalidBatch: not a JSON object, an unknown entity, or an invalid override (the message says which).
    """
    request = json_object(body, "Invalid override")
    entity = request.get("entity", Entity.CONTACT.value)
    if entity not in {e.value for e in RESOLVED}:
        raise InvalidBatch(
            "Invalid override", f"entity: one of contact, account; got {entity!r}", field="entity"
        )
    try:
        override = make_override(
            request.get("kind"),
            request.get("first"),
            request.get("second"),
            request.get("by"),
            request.get("why"),
            now or datetime.now(UTC),
        )
    except OverrideError as error:
        raise InvalidBatch("Invalid override", str(error)) from error
    key = OVERRIDES_KEY.format(entity=entity)
    existing = (
        json.loads(store.get_bytes(config_bucket, key))
        if any(item.key == key for item in store.list(config_bucket, key))
        else []
    )
    existing.append(override.to_dict())
    store.put_bytes(config_bucket, key, json.dumps(existing, indent=2).encode(), "application/json")
    return override
