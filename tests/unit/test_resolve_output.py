"""The links a resolution writes: built from the part of it kept for writing, the same as from the whole."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.output import kept_pairs, links_table, written_part


def _people_and_namesakes(people: int) -> pa.Table:
    """Each person twice (crm, web) and a namesake elsewhere: common names, so term frequencies apply."""
    rng = np.random.default_rng(3)
    firsts, lasts = ["marie", "jean", "luc", "anne"], ["martin", "bernard", "roux", "petit", "durand"]
    rows = []
    for p in range(people):
        first, last = str(rng.choice(firsts)), str(rng.choice(lasts))
        person = {
            "first_name_key": first,
            "last_name_key": last,
            "street": f"{p} rue de la paix",
            "postcode": f"{75000 + p % 20:05d}",
            "birth_date": date(1950 + p % 40, 1 + p % 12, 1 + p % 28),
            "birth_date_valid": True,
        }
        rows += [
            {**person, "source": "crm", "source_id": f"c{p}"},
            {**person, "source": "web", "source_id": f"w{p}"},
            {
                **person,
                "source": "crm",
                "source_id": f"n{p}",
                "street": f"{p} avenue foch",
                "postcode": f"{69000 + p % 9:05d}",
                "birth_date": date(1990, 1 + p % 12, 1 + p % 28),
            },
        ]
    return pa.Table.from_pylist(rows)


def test_links_from_the_written_part_are_the_links_of_the_whole_resolution() -> None:
    # Given a resolution with term frequencies and candidate pairs too weak to be written
    table = _people_and_namesakes(400)
    resolution = resolve_records(table, CONTACT_SETTINGS)
    assert resolution.model.term_frequencies
    assert len(kept_pairs(resolution)) < len(resolution.pairs)
    # When only the part needed to write the links is kept
    part = written_part(resolution)
    # Then it holds only the kept pairs, no ids or ledger events, and only the codes of the fields with
    # term frequencies
    assert len(part.pairs) == len(kept_pairs(resolution))
    assert part.ids == [] and len(part.events) == 0
    tf_fields = {CONTACT_SETTINGS.comparisons[c].field for c in resolution.model.term_frequencies}
    assert set(part.fields) == tf_fields
    assert all(field.values == [] for field in part.fields.values())
    # And the links written from it are exactly those of the whole resolution, explanations included
    whole = links_table(table, resolution, "contact", "run-1")
    assert links_table(table, part, "contact", "run-1").equals(whole)
    assert whole.num_rows == len(kept_pairs(resolution))
