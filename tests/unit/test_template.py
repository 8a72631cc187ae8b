"""template.yaml stays deployable and in step with the code: Glue tables generated from the registry,
the state machine's substitutions all defined, the translated template lint-clean."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cdp.local.deployer import DeployError, deployment_order, translate
from cdp.tools.glue_template import render_all

ROOT = Path(__file__).resolve().parents[2]


def test_glue_tables_in_the_template_are_generated_from_the_registry() -> None:
    assert render_all() in (ROOT / "template.yaml").read_text(encoding="utf-8"), (
        "template.yaml is out of date: run `make glue-tables`"
    )


def test_every_state_machine_substitution_is_defined() -> None:
    definition = (ROOT / "statemachines" / "unify.asl.json").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{(\w+)\}", definition))
    translated = translate(ROOT / "template.yaml", "eu-west-1")
    substitutions = translated["Resources"]["UnifyStateMachine"]["Properties"]["DefinitionSubstitutions"]
    assert used == set(substitutions)
    json.loads(definition)


def test_every_function_folder_has_a_handler() -> None:
    translated = translate(ROOT / "template.yaml", "eu-west-1")
    functions = [r for r in translated["Resources"].values() if r["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == len(list((ROOT / "functions").glob("*/app.py")))
    for function in functions:
        folder = ROOT / function["Properties"]["Code"]["S3Key"]
        assert (folder / "app.py").read_text().count("def lambda_handler") == 1


def test_deployment_order_follows_references_and_reports_cycles() -> None:
    resources = {
        "B": {"Properties": {"X": {"Ref": "A"}}},
        "A": {"Properties": {}},
        "C": {"DependsOn": "B", "Properties": {"Y": {"Fn::Sub": "${A.Arn}"}}},
    }
    assert deployment_order(resources) == ["A", "B", "C"]
    with pytest.raises(DeployError, match="circular"):
        deployment_order({"A": {"Properties": {"X": {"Ref": "B"}}}, "B": {"Properties": {"X": {"Ref": "A"}}}})


def test_cfn_lint_passes_on_the_template_and_on_its_translation(tmp_path: Path) -> None:
    translated = tmp_path / "translated.json"
    translated.write_text(json.dumps(translate(ROOT / "template.yaml", "eu-west-1")))
    lint = [str(Path(sys.executable).with_name("cfn-lint"))]
    for args in ([str(ROOT / "template.yaml")], ["--ignore-checks", "W3005", "--", str(translated)]):
        result = subprocess.run([*lint, *args], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
