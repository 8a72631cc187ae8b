"""The catalog function stages contact files column-wise, with exactly what the row-wise normalizer
gives for each row."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
from cdp.adapters.memory import MemoryCatalog, MemoryObjectStore
from cdp.model import CONTACT_FIELDS_SCHEMA
from cdp.normalize import normalize_contact
from cdp.services.lake import Buckets
from cdp.services.staging import stage_object

BUCKETS = Buckets("landing", "staging", "curated", "quarantine", "config")
CRM = Path(__file__).resolve().parents[2] / "config" / "sources" / "crm.yaml"
HEADER = ["Code client", "Civilité", "Prénom", "Nom", "E-mail", "Téléphone", "Adresse", "CP", "Ville"]
ROWS = [
    [
        "C1",
        "Mme",
        "Marie",
        "DUPONT",
        "Marie.Dupont@Orange.fr",
        "06 12 34 56 78",
        "12 rue de la Paix",
        "75002",
        "Paris",
    ],
    [
        "C2",
        "",
        "martin",
        "jean",
        "jean.martin@gmail.com",
        "+33 6 98 76 54 32",
        "3 bd Haussmann",
        "75009",
        "PARIS",
    ],
    ["C3", "M.", "Jean-Pierre", "de la Fontaine", "jp@exemple", "01.23.45.67.89", "", "1000", "Bruxelles"],
    ["C4", "", "", "N/A", "", "0698765432", "", "69001", "Lyon"],
    ["C5", "Dr", "Élodie", "O'BRIEN", "e.obrien@free.fr", "12", "7, chemin des Vignes", "13001", "Marseille"],
    ["C6", "", "", "", "", "", "", "", ""],
]


def test_a_contact_file_is_staged_as_the_row_wise_normalizer_stages_each_row() -> None:
    # Given the CRM's configuration and a landed export with clean, messy and unidentifiable rows
    store = MemoryObjectStore()
    store.put_bytes(BUCKETS.config, "sources/crm.yaml", CRM.read_bytes(), "application/yaml")
    text = "\r\n".join(";".join(row) for row in [HEADER, *ROWS]) + "\r\n"
    store.put_bytes(BUCKETS.landing, "crm/export.csv", text.encode("cp1252"), "text/csv")
    # When the catalog function stages it
    report = stage_object(
        store, MemoryCatalog({}), BUCKETS, "crm/export.csv", now=lambda: datetime(2026, 11, 23, tzinfo=UTC)
    )
    # Then every identifiable row is staged with the row-wise normalizer's values and its lineage (the
    # source is the partition), the unidentifiable one is quarantined
    assert (report.rows_in, report.staged, report.quarantined) == (6, 5, 1)
    [staged_file] = [o.key for o in store.list(BUCKETS.staging, "staging_contact/")]
    staged = pq.read_table(io.BytesIO(store.get_bytes(BUCKETS.staging, staged_file))).to_pylist()
    mapping = {"Civilité": "civility", "Prénom": "first_name", "Nom": "last_name", "E-mail": "email"}
    mapping |= {"Téléphone": "phone", "Adresse": "street", "CP": "postcode", "Ville": "city"}
    for row, got in zip(ROWS[:5], staged, strict=True):
        mapped = {
            mapping[name]: value or None for name, value in zip(HEADER, row, strict=True) if name in mapping
        }
        expected = normalize_contact(mapped, default_country="FR", day_first=True)
        assert {name: got[name] for name in CONTACT_FIELDS_SCHEMA.names} == {
            name: expected.get(name) for name in CONTACT_FIELDS_SCHEMA.names
        }
        assert (got["source_id"], got["line_no"], got["trust_rank"]) == (row[0], ROWS.index(row) + 2, 1)
