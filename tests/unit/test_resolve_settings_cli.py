"""`cdp resolve --settings FILE`: user settings for a run, kept by the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cdp.cli import main
from cdp.resolve import CONTACT_SETTINGS
from cdp.services.resolve_folder import ResolveFolder

HEADER = "source,source_id,first_name,last_name,street,postcode,city,birth_date\n"
# One person twice, the first name replaced (what FEBRL-like generators do); the contact defaults read
# it as a relative at the same address.
SAME_PERSON = (
    "crm,1,Marie,Dupont,12 rue de la Paix,75011,Paris,02/01/1980\n"
    "web,a,Louise,Dupont,12 rue de la Paix,75011,Paris,02/01/1980\n"
)
OTHER = "crm,2,Jean,Martin,3 avenue Foch,69003,Lyon,30/06/1978\n"
NO_RELATIVES = "# corrupted values, no households\nvetoes: []\ncompatible_fields: []\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _ids(out: Path) -> dict[str, str]:
    xref = pq.read_table(out / "xref.parquet").to_pylist()
    return {f"{r['source']}:{r['source_id']}": r["customer_id"] for r in xref}


def _stored_settings(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "model.json").read_text(encoding="utf-8"))["settings"]


def test_a_settings_file_decides_the_run_and_is_saved_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given contacts where one person's first name was replaced, and a partial settings file without
    # the relatives' vetoes
    source = _write(tmp_path / "contacts.csv", HEADER + SAME_PERSON + OTHER)
    settings = _write(tmp_path / "settings.yaml", NO_RELATIVES)
    # When they are resolved with the defaults and with the file
    assert main(["resolve", str(source), "--out", str(tmp_path / "defaults")]) == 0
    assert main(["resolve", str(source), "--out", str(tmp_path / "out"), "--settings", str(settings)]) == 0
    # Then the defaults keep them apart (a veto) and the file's settings make them one customer
    defaults, ids = _ids(tmp_path / "defaults"), _ids(tmp_path / "out")
    assert defaults["crm:1"] != defaults["web:a"]
    assert ids["crm:1"] == ids["web:a"] != ids["crm:2"]
    # And model.json holds the settings used: the file's keys, the defaults for the others
    stored = _stored_settings(tmp_path / "out")
    assert stored["vetoes"] == [] and stored["compatible_fields"] == []
    assert stored["identifying"] == json.loads(json.dumps(CONTACT_SETTINGS.to_dict()))["identifying"]
    # And `cdp explain` replays the pair with those settings: no veto
    capsys.readouterr()
    assert main(["explain", str(tmp_path / "out"), "crm:1", "web:a", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert explained["accepted"] and "veto" not in explained


def test_a_field_no_record_holds_is_noted_and_weighs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an input without e-mail, phone or customer number columns, and settings comparing e-mails
    source = _write(tmp_path / "contacts.csv", HEADER + SAME_PERSON + OTHER)
    settings = _write(tmp_path / "settings.yaml", NO_RELATIVES)
    # When it is resolved
    assert main(["resolve", str(source), "--out", str(tmp_path / "out"), "--settings", str(settings)]) == 0
    # Then the run goes on, says which fields no record holds, and the summary lists them
    assert (
        "note: no record has a value for customer_number, email_key, phone: the comparisons and blocking "
        "rules on them find nothing" in capsys.readouterr().err
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["fields_without_values"] == ["customer_number", "email_key", "phone"]
    # And those comparisons are `missing` (weight 0) in the explanations
    folder = ResolveFolder.open(tmp_path / "out")
    assert folder is not None
    links = folder.links().to_pylist()
    email = next(f for f in json.loads(links[0]["explanation"])["fields"] if f["field"] == "email_key")
    assert email == {"field": "email_key", "level": "missing", "weight": 0}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vetos: []\n", "unknown key(s) 'vetos'"),
        ("comparisons: [{field: phone, method: soundex}]\n", "unknown method 'soundex'"),
        ("blocking_rules: [{fields: [zip_code]}]\n", "blocking_rules[0]: unknown field 'zip_code'"),
        ("vetoes: [{name: v, conditions: [[birth_date, [close]]]}]\n", "which has no level 'close'"),
        ("vetoes: [\n", "neither YAML nor JSON"),
    ],
)
def test_bad_settings_are_one_clear_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    # Given a settings file with a mistake
    source = _write(tmp_path / "contacts.csv", HEADER + SAME_PERSON)
    settings = _write(tmp_path / "settings.yaml", text)
    # When resolving with it
    code = main(["resolve", str(source), "--out", str(tmp_path / "out"), "--settings", str(settings)])
    # Then the command fails with the file and the mistake named, no traceback, and writes nothing
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"cdp resolve: {settings}:") and message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_missing_settings_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path / "contacts.csv", HEADER + SAME_PERSON)
    code = main(["resolve", str(source), "--out", str(tmp_path / "out"), "--settings", "nowhere.yaml"])
    assert code == 2
    assert capsys.readouterr().err.startswith("cdp resolve: nowhere.yaml: cannot read the settings file")


def test_a_folder_keeps_its_settings_and_refuses_others_unless_full(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a folder resolved with settings without the relatives' vetoes
    out = tmp_path / "out"
    settings = _write(tmp_path / "settings.yaml", NO_RELATIVES)
    first = _write(tmp_path / "first.csv", HEADER + OTHER)
    assert main(["resolve", str(first), "--out", str(out), "--settings", str(settings)]) == 0
    # When new records arrive without --settings (incremental)
    later = _write(tmp_path / "later.csv", HEADER + SAME_PERSON)
    assert main(["resolve", str(later), "--out", str(out)]) == 0
    # Then the folder's settings applied: the replaced first name is not vetoed
    ids = _ids(out)
    assert ids["crm:1"] == ids["web:a"]
    assert _stored_settings(out)["vetoes"] == []
    # When an incremental run brings other settings (here: the defaults, written out)
    defaults = _write(
        tmp_path / "defaults.yaml", "vetoes: " + json.dumps(CONTACT_SETTINGS.to_dict()["vetoes"])
    )
    capsys.readouterr()
    assert main(["resolve", str(later), "--out", str(out), "--settings", str(defaults)]) == 2
    # Then it is refused, saying why and what to do, and the folder is unchanged
    err = capsys.readouterr().err
    assert f"cdp resolve: {out} was resolved with other settings" in err and "--full" in err
    assert _stored_settings(out)["vetoes"] == []
    # And the same settings again are accepted
    assert main(["resolve", str(later), "--out", str(out), "--settings", str(settings)]) == 0
    # And with --full the new settings replace the folder's: the pair is a relative again
    assert main(["resolve", str(later), "--out", str(out), "--settings", str(defaults), "--full"]) == 0
    ids = _ids(out)
    assert ids["crm:1"] != ids["web:a"]
    assert _stored_settings(out)["vetoes"] == json.loads(json.dumps(CONTACT_SETTINGS.to_dict()))["vetoes"]


def test_cdp_settings_prints_a_file_resolve_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the defaults as `cdp settings` prints them
    assert main(["settings"]) == 0
    settings = _write(tmp_path / "settings.yaml", capsys.readouterr().out)
    source = _write(tmp_path / "contacts.csv", HEADER + SAME_PERSON + OTHER)
    # When a file is resolved with them and without any
    assert main(["resolve", str(source), "--out", str(tmp_path / "a"), "--settings", str(settings)]) == 0
    assert main(["resolve", str(source), "--out", str(tmp_path / "b")]) == 0
    # Then both runs used the same settings and gave the same customers
    assert _stored_settings(tmp_path / "a") == _stored_settings(tmp_path / "b")
    assert _ids(tmp_path / "a") == _ids(tmp_path / "b")
