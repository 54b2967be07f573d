"""The open data under daten/hsds/: every file validates against Open Referral's HSDS 3.0 schemas
(copied unchanged to tests/hsds-3.0/), ids are stable, and what HSDS cannot say (single cancelled
dates) agrees with the feeds. The site is the shared six-language build (`full_site`)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from icalendar import Calendar as ICalendar
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from stadtteil.opendata import hsds

from sites import DAY

SCHEMAS = Path(__file__).resolve().parent / "hsds-3.0" / "schema"
SITE_URL = "https://www.gemeinsam-in-batenbrock.example/"
TODAY = dt.date.fromisoformat(DAY)


def _registry() -> Registry:
    resources = [(path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012))
                 for path in SCHEMAS.glob("*.json") if path.name != "openapi.json"]
    return Registry().with_resources(resources)


REGISTRY = _registry()
OPENAPI = json.loads((SCHEMAS / "openapi.json").read_text())


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": name}, registry=REGISTRY, format_checker=FormatChecker())


def page_validator(item: str) -> Draft202012Validator:
    """A paginated list (openapi.json: `Page` with `contents`), its items one-to-one forms of ``item``."""
    page = OPENAPI["components"]["schemas"]["Page"]
    schema = {"allOf": [page, {"type": "object", "required": list(page["properties"]) + ["contents"],
                               "properties": {"contents": {"type": "array", "items": {"$ref": item}}}}]}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


ROOT = Draft202012Validator(OPENAPI["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"])


def kind_of(rel: str) -> Draft202012Validator:
    if rel == "index.json":
        return ROOT
    if rel in ("services.json", "organizations.json", "service_at_locations.json"):
        return page_validator(rel.removesuffix("s.json") + ".json")
    if rel.startswith(("services/", "organizations/")):
        return validator(rel.split("s/", 1)[0] + ".json")
    raise AssertionError(f"unexpected file {rel}")


@pytest.fixture(scope="module")
def export(full_site) -> dict[str, dict]:
    folder = full_site / "daten" / "hsds"
    return {path.relative_to(folder).as_posix(): json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(folder.rglob("*.json"))}


def test_every_file_validates_against_the_official_schemas(export):
    assert {"index.json", "services.json", "organizations.json", "service_at_locations.json"} <= set(export)
    for rel, data in export.items():
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in kind_of(rel).iter_errors(data)]
        assert not errors, (rel, errors[:5])
    assert len(export) > 30


def test_the_check_can_fail(export):
    """A nested object without its required field (a phone without number, reached through $ref) and a
    list without its page fields are refused: the schemas are really applied."""
    service = copy.deepcopy(next(v for k, v in export.items() if k.startswith("services/") and v["phones"]))
    del service["phones"][0]["number"]
    assert list(validator("service.json").iter_errors(service))
    service["schedules"][0]["freq"] = "DAILY"
    assert len(list(validator("service.json").iter_errors(service))) == 2
    listing = {k: v for k, v in export["services.json"].items() if k != "total_items"}
    assert list(page_validator("service.json").iter_errors(listing))


def test_lists_and_details_agree_and_ids_are_stable(export, full_site):
    services = export["services.json"]["contents"]
    offers = sorted(p.stem for p in (full_site / "kalender" / "angebote").glob("*.ics"))
    assert export["services.json"]["total_items"] == len(services) == len(offers)
    for offer in offers:   # uuid5 of the site's address and the file id: the same in every build
        sid = str(uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL + f"offers/{offer}"))
        detail = export[f"services/{sid}.json"]
        assert detail["url"] == SITE_URL + f"angebote/{offer}/"
        assert next(s for s in services if s["id"] == sid) == {k: v for k, v in detail.items()
                                                                if not isinstance(v, (list, dict))}
    organizations = {o["id"]: o for o in export["organizations.json"]["contents"]}
    office = organizations[str(uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL + "office.yml"))]
    carrier = organizations[office["parent_organization_id"]]
    assert carrier["name"] == "Arbeitsgemeinschaft soziale Brennpunkte Bottrop e.V."
    assert len(organizations) == 2 + len(list((full_site / "hilfe-finden").glob("*/index.html")))
    for oid in organizations:
        assert f"organizations/{oid}.json" in export
    pairs = {(s["service_id"], s["location_id"]) for s in export["service_at_locations.json"]["contents"]}
    assert {s["id"] for s in services} == {service for service, _ in pairs}


def test_a_service_in_full(export):
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL + "offers/naehtreff"))
    service = export[f"services/{sid}.json"]
    assert (service["name"], service["status"], service["fees_description"]) == ("Nähtreff", "active", "kostenlos")
    schedule, = service["schedules"]
    assert (schedule["freq"], schedule["byday"], schedule["interval"]) == ("WEEKLY", "TH", 1)
    assert (schedule["opens_at"], schedule["closes_at"], schedule["dtstart"]) == ("15:00", "17:00", "2026-01-08")
    assert "timezone" not in schedule and "Europe/Berlin" in schedule["notes"]
    assert schedule["schedule_link"] == SITE_URL + "kalender/angebote/naehtreff.ics"
    assert [(lang["code"], lang["name"]) for lang in service["languages"]] == [("de", "Deutsch"), ("tr", "Türkisch"),
                                                                               ("ru", "Russisch")]
    cost, = service["cost_options"]
    assert (cost["amount"], cost["currency"]) == (0, "EUR")
    assert {f["source"] for f in service["funding"]} >= {"Kofinanziert von der Europäischen Union – Europäischer Sozialfonds"}
    contact, = service["contacts"]
    assert contact["name"] == "Die Quartierskümmerer" and contact["phones"][0]["number"]
    location = service["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"] == "Horster Straße 228"
    assert "ebenerdig" in location["accessibility"][0]["description"]
    assert "2026-12-03" in service["alert"]


def test_cancelled_dates_agree_with_the_feeds(export, full_site):
    """HSDS has no EXDATE: the schedules' notes name every date the feed takes out, from the build day on."""
    for rel, service in export.items():
        if not rel.startswith("services/") or not service["schedules"]:
            continue
        offer = service["url"].rstrip("/").rsplit("/", 1)[1]
        noted = sorted(d for s in service["schedules"] if "Fällt aus am: " in s["notes"]
                       for d in s["notes"].split("Fällt aus am: ", 1)[1].split(".", 1)[0].split(", "))
        feed = ICalendar.from_ical((full_site / "kalender" / "angebote" / f"{offer}.ics").read_bytes())
        exdates = sorted(d.dt.date().isoformat() for ev in feed.walk("VEVENT") if "EXDATE" in ev
                         for group in (ev["EXDATE"] if isinstance(ev["EXDATE"], list) else [ev["EXDATE"]])
                         for d in group.dts if d.dt.date() >= TODAY)
        assert noted == exdates, offer


def test_licence_is_configurable_and_the_calendars_page_links_the_data(export, full_site):
    assert export["index.json"]["license"] == hsds.DEFAULT_LICENCE
    for folder, depth in (("", 1), ("en/", 2), ("ar/", 2)):
        page = (full_site / folder / "kalender" / "index.html").read_text(encoding="utf-8")
        assert 'href="' + "../" * depth + 'daten/hsds/index.json"' in page, folder
        assert f'<a href="{hsds.DEFAULT_LICENCE["url"]}" lang="de" dir="ltr">{hsds.DEFAULT_LICENCE["name"]}</a>' in page
    assert hsds.licence_of({"licence": "Eigene", "licence_url": "javascript:alert(1)"}) == {"name": "Eigene", "url": ""}
    assert hsds.licence_of({"licence": "CC BY 4.0", "licence_url": "https://creativecommons.org/licenses/by/4.0/"}) == \
        {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert hsds.licence_of(None) == hsds.DEFAULT_LICENCE
