"""The JSON Schemas shipped for editors match the models, and every data file in the repo passes them."""

import datetime as dt
from pathlib import Path

import jsonschema
import pytest

from stadtteil.schema import SCHEMAS, render
from stadtteil.yamlsource import load_file

REPO = Path(__file__).resolve().parents[1]
FILES = {"office": [REPO / "office.yml"], "offer": sorted((REPO / "offers").glob("*.yml")),
         "event": sorted((REPO / "events").glob("*.yml")), "partner": sorted((REPO / "partners").glob("*.yml")),
         "helpline": sorted((REPO / "helplines").glob("*.yml"))}


@pytest.mark.parametrize("kind", SCHEMAS)
def test_shipped_schema_matches_the_model(kind):
    shipped = (REPO / "schema" / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert shipped == render(kind), "schema/ ist veraltet: `.venv/bin/stadtteil schema` ausführen"


def as_editor_sees_it(value):
    # The YAML language server reads YAML 1.2: dates and times stay strings.
    if isinstance(value, dict):
        return {k: as_editor_sees_it(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees_it(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@pytest.mark.parametrize("kind", SCHEMAS)
def test_repo_data_passes_its_schema_and_points_to_it(kind):
    schema = jsonschema.Draft202012Validator(__import__("json").loads(render(kind)))
    assert FILES[kind]
    for path in FILES[kind]:
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        target = first_line.split("$schema=", 1)[1]
        assert (path.parent / target).resolve() == REPO / "schema" / f"{kind}.schema.json", path
        doc, problems = load_file(path, path.name)
        assert not problems
        errors = list(schema.iter_errors(as_editor_sees_it(doc.data)))
        assert not errors, (path.name, [e.message for e in errors])


def test_schema_catches_a_typo_as_the_editor_would():
    schema = jsonschema.Draft202012Validator(__import__("json").loads(render("offer")))
    data = {"titel": "Nähtreff", "category": "begegnung", "schedule": [{"weekly": ["dienstag"]}]}
    messages = " ".join(e.message for e in schema.iter_errors(data))
    assert "titel" in messages and "dienstag" in messages


def test_a_quarters_change_to_a_shared_partner_passes_the_schema_a_partner_without_name_does_not():
    schema = jsonschema.Draft202012Validator(__import__("json").loads(render("partner")))
    assert not list(schema.iter_errors({"extends": "jugendamt", "phone": "02041 70-4444"}))
    assert "'name' is a required property" in " ".join(e.message for e in schema.iter_errors({"kind": "stadt"}))
