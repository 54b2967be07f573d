"""JSON Schemas for editors, generated from the models (the single truth of the data shape).

VS Code (YAML extension) and the GitLab/GitHub web editors read the `# yaml-language-server:
$schema=…` line at the top of each data file and complete and check fields as staff type.
"""

from __future__ import annotations

import json
from pathlib import Path

from .models import Event, Helpline, Office, Offer, Partner

SCHEMAS = {"office": Office, "offer": Offer, "event": Event, "partner": Partner, "helpline": Helpline}
TITLES = {"office": "Stadtteilbüro (office.yml)", "offer": "Angebot (offers/*.yml)",
          "event": "Veranstaltung (events/*.yml)", "partner": "Partner (partners/*.yml)",
          "helpline": "Notruf oder Hilfetelefon (helplines/*.yml)"}


def schema_for(kind: str) -> dict:
    schema = SCHEMAS[kind].model_json_schema(mode="validation", by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = TITLES[kind]
    if kind == "partner":
        # A quarter's change to a shared partner (shared_partners.py): `extends` and only the changed fields.
        schema["properties"]["extends"] = {
            "type": "string", "title": "Extends",
            "description": "Kennung eines gemeinsamen Partners (partners_from), dessen Angaben diese Datei für "
                           "das eigene Quartier ändert; dann sind keine Felder Pflicht."}
        schema["if"] = {"required": ["extends"]}
        schema["else"] = {"required": schema.pop("required", [])}
    return schema


def render(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written
