"""Open data: the offers as Open Referral HSDS 3.0, static files that mirror the HSDS API's paths.

Under ``daten/hsds/`` (docs/offene-daten.md): ``index.json`` (the API's root), ``services.json`` and
``organizations.json`` and ``service_at_locations.json`` (the paginated list forms, one page holding
everything), ``services/<id>.json`` and ``organizations/<id>.json`` (fully nested). Offers are
services; the office, its carrier and the partners are organizations; the office's places are
locations.

Ids are UUIDs (uuid5) of the site's address and the file id (``angebote/naehtreff``), so they stay
the same from build to build and differ between two sites. Text is German (the binding version).

What HSDS cannot say is carried where a reader finds it: single cancelled dates (HSDS schedules are
RRULEs without EXDATE) are listed in the schedule's ``notes`` and the service's ``alert``, and every
schedule links its offer's calendar (``schedule_link``), which has them as EXDATE and as cancelled
entries; HSDS's ``timezone`` is a fixed UTC offset, which Bottrop's local time is not (summer time),
so it is left out and ``notes`` names Europe/Berlin.

Pure functions over the project; the dates come from the engine that fills the pages and the feeds
(``schedule.sessions`` with the office's ``Calendar``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from ..calendars import feeds
from .. import formatting as fmt
from .jsonld import is_free
from ..loader import Project
from ..models import Address, Location, Offer, Partner
from ..calendars.schedule import Calendar, describe, is_current, sessions

FOLDER = "daten/hsds/"
VERSION = "3.0"
SPECIFICATION = "https://docs.openreferral.org/en/latest/hsds/"
OPENAPI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
DEFAULT_LICENCE = {"name": "Datenlizenz Deutschland – Namensnennung – Version 2.0",
                   "url": "https://www.govdata.de/dl-de/by-2-0"}
# How far ahead cancelled dates are named: as far as the feeds' EXDATEs.
AHEAD_DAYS = 400
# The service's alert names the cancellations of the coming weeks.
ALERT_DAYS = 42
_BYDAY = {"mo": "MO", "di": "TU", "mi": "WE", "do": "TH", "fr": "FR", "sa": "SA", "so": "SU"}
_ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4", "last": "-1"}
_STATES = {"NW": "Nordrhein-Westfalen"}
# The list forms (``service_list`` …) hold only the one-to-one fields of an object.
_NESTED = ("phones", "schedules", "service_areas", "service_at_locations", "languages", "organization", "funding",
           "cost_options", "program", "required_documents", "contacts", "attributes", "metadata", "locations",
           "programs", "organization_identifiers", "location", "accessibility", "addresses")


def licence_of(options: dict | None) -> dict[str, str]:
    """The data licence from the plugin option ``open_data: {licence: …, licence_url: …}``."""
    options = options or {}
    if not options.get("licence"):
        return dict(DEFAULT_LICENCE)
    url = str(options.get("licence_url") or "")
    # Linked from the calendars page: a web address, nothing a browser would run.
    return {"name": str(options["licence"]), "url": url if url.startswith(("https://", "http://")) else ""}


@dataclass
class Export:
    project: Project
    today: dt.date
    site_url: str                  # absolute, ending in "/"
    funding_text: str = ""         # the funding notice (who pays for the office and its offers)
    funders: tuple[str, ...] = ()
    licence: dict[str, str] | None = None

    def __post_init__(self) -> None:
        self.calendar = Calendar(self.project.office)
        self.licence = self.licence or dict(DEFAULT_LICENCE)

    # -- ids ------------------------------------------------------------------------------------

    def uid(self, key: str) -> str:
        """A stable UUID: the same site and file id give the same one in every build."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, self.site_url + key))

    @property
    def office_id(self) -> str:
        return self.uid("office.yml")

    @property
    def carrier_id(self) -> str:
        return self.uid("office.yml#carrier")

    def partner_id(self, partner_id: str) -> str:
        return self.uid(f"partners/{partner_id}")

    def service_id(self, offer_id: str) -> str:
        return self.uid(f"offers/{offer_id}")

    def location_id(self, ref: str | Location, offer_id: str) -> str:
        return self.uid(f"office.yml#locations/{ref}") if isinstance(ref, str) else self.uid(f"offers/{offer_id}#location")

    # -- building blocks ------------------------------------------------------------------------

    def addresses(self, address: Address | None, owner: str) -> list[dict[str, Any]]:
        # HSDS requires street and postcode: a place known by its name only has none.
        if address is None or not address.street or not address.postcode:
            return []
        return [{"id": self.uid(owner + "#address"), "address_1": address.street, "city": address.city,
                 "state_province": _STATES.get(self.project.office.public_holidays or "NW", ""),
                 "postal_code": address.postcode, "country": "DE", "address_type": "physical"}]

    def phone(self, number: str | None, owner: str, **links: str) -> list[dict[str, Any]]:
        return [{"id": self.uid(owner + "#phone"), **links, "number": number, "type": "voice"}] if number else []

    def funding(self, owner: str, **links: str) -> list[dict[str, Any]]:
        sources = list(self.funders) or ([self.funding_text] if self.funding_text else [])
        return [{"id": self.uid(f"{owner}#funding/{i}"), **links, "source": source} for i, source in enumerate(sources)]

    def location(self, ref: str | Location, offer_id: str = "") -> dict[str, Any]:
        place = self.project.location(ref)
        key = f"office.yml#locations/{ref}" if isinstance(ref, str) else f"offers/{offer_id}#location"
        node: dict[str, Any] = {"id": self.location_id(ref, offer_id), "location_type": "physical",
                                "organization_id": self.office_id, "name": fmt.text(place.name)}
        if place.description:
            node["description"] = fmt.text(place.description)
        node["addresses"] = [a | {"location_id": node["id"]} for a in self.addresses(place.address, key)]
        if place.accessibility:
            node["accessibility"] = [{"id": self.uid(key + "#accessibility"), "location_id": node["id"],
                                      "description": fmt.text(place.accessibility)}]
        return node

    def contact(self, contact_id: str | None, owner: str, **links: str) -> list[dict[str, Any]]:
        contact = self.project.office.contacts.get(contact_id or "")
        if contact is None:
            return []
        key = f"office.yml#contacts/{contact_id}"
        node: dict[str, Any] = {"id": self.uid(f"{owner}#{key}"), **links, "name": fmt.text(contact.name)}
        if contact.email:
            node["email"] = contact.email
        node["phones"] = self.phone(contact.phone, f"{owner}#{key}")
        return [node]

    # -- services -------------------------------------------------------------------------------

    def cancelled(self, offer: Offer, days: int) -> dict[int, list[dt.date]]:
        """Rule index → the dates from today on (``days`` ahead) on which it does not take place."""
        found: dict[int, list[dt.date]] = {}
        for session in sessions("", offer, self.calendar, self.today, self.today + dt.timedelta(days=days)):
            if session.cancelled:
                found.setdefault(session.rule_index, []).append(session.day)
        return found

    def schedules(self, offer_id: str, offer: Offer) -> list[dict[str, Any]]:
        service = self.service_id(offer_id)
        feed = self.site_url + feeds.offer_path(offer_id)
        off = self.cancelled(offer, AHEAD_DAYS)
        city = self.project.office.address.city   # the office's town, whichever quarter (stadtteil new --city)
        found = []
        for index, rule in enumerate(offer.schedule):
            if not is_current(rule, self.today):
                continue
            node: dict[str, Any] = {"id": self.uid(f"offers/{offer_id}#schedule/{feeds.rule_key(rule, offer.schedule)}"),
                                    "service_id": service, "valid_from": rule.from_.isoformat(),
                                    "dtstart": rule.from_.isoformat()}
            if rule.until:
                node["valid_to"] = node["until"] = rule.until.isoformat()
            if rule.weekly is not None:
                node |= {"freq": "WEEKLY", "interval": rule.every, "wkst": "MO",
                         "byday": ",".join(_BYDAY[d] for d in sorted(rule.weekly, key=list(_BYDAY).index))}
            else:
                node |= {"freq": "MONTHLY", "byday": ",".join(_ORDINAL[o] + _BYDAY[d] for o, d in rule.monthly)}
            when = describe(rule, "de")
            notes = [f"Uhrzeiten in Ortszeit {city} (Zeitzone Europe/Berlin, mit Sommerzeit)."]
            if off.get(index):
                notes.append("Fällt aus am: " + ", ".join(d.isoformat() for d in off[index]) + ".")
            notes.append(f"Alle Termine mit Absagen als Kalender: {feed}")
            node |= {"description": when[0].upper() + when[1:], "opens_at": f"{rule.start:%H:%M}",
                     "closes_at": f"{rule.end:%H:%M}", "schedule_link": feed, "attending_type": "vor Ort",
                     "notes": " ".join(notes)}
            found.append(node)
        return found

    def service(self, offer_id: str) -> dict[str, Any]:
        """A fully nested service (``/services/{id}``)."""
        offer = self.project.offers[offer_id]
        office = self.project.office
        sid = self.service_id(offer_id)
        url = self.site_url + fmt.page_url(f"angebote/{offer_id}.md")
        text = [fmt.text(offer.summary)] if offer.summary else []
        if offer.description:
            text.append(fmt.text(offer.description))
        if offer.schedule_note:
            text.append(fmt.text(offer.schedule_note))
        current = [r for r in offer.schedule if is_current(r, self.today)]
        node: dict[str, Any] = {
            "id": sid, "organization_id": self.office_id, "name": fmt.text(offer.title),
            "description": "\n\n".join(text) or fmt.text(offer.title), "url": url,
            "status": "active" if current or not offer.schedule else "inactive",
        }
        contact = office.contacts.get(offer.contact or "")
        email = (contact.email if contact else None) or office.email
        if email:
            node["email"] = email
        if offer.cost:
            node["fees_description"] = fmt.text(offer.cost)
        if offer.registration:
            node["application_process"] = ("Anmeldung erforderlich." if offer.registration is True
                                           else fmt.text(offer.registration))
        soon = [d for days in self.cancelled(offer, ALERT_DAYS).values() for d in days]
        if soon:
            node["alert"] = "Fällt aus am: " + ", ".join(d.isoformat() for d in sorted(soon)) + "."
        node["phones"] = self.phone((contact.phone if contact else None) or office.phone, f"offers/{offer_id}",
                                    service_id=sid)
        node["schedules"] = self.schedules(offer_id, offer)
        location = self.location(offer.location, offer_id)
        node["service_at_locations"] = [self.service_at_location(offer_id, location)]
        node["languages"] = [{"id": self.uid(f"offers/{offer_id}#language/{code}"), "service_id": sid,
                              "name": fmt.language_name(code, "de"), "code": code} for code in offer.languages_spoken]
        node["organization"] = self.list_form(self.office())
        node["funding"] = self.funding(f"offers/{offer_id}", service_id=sid)
        free = is_free(offer.cost)   # the one reading of the cost text, as in the schema.org data
        if offer.cost:
            option: dict[str, Any] = {"id": self.uid(f"offers/{offer_id}#cost"), "service_id": sid,
                                      "option": fmt.text(offer.cost)}
            if free:
                option |= {"currency": "EUR", "amount": 0}
            node["cost_options"] = [option]
        node["contacts"] = self.contact(offer.contact, f"offers/{offer_id}", service_id=sid)
        return node

    def service_at_location(self, offer_id: str, location: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.uid(f"offers/{offer_id}#service_at_location"), "service_id": self.service_id(offer_id),
                "location_id": location["id"], "location": location}

    # -- organizations --------------------------------------------------------------------------

    def office(self) -> dict[str, Any]:
        office = self.project.office
        oid = self.office_id
        node: dict[str, Any] = {"id": oid, "name": office.name,
                                "description": f"{office.name} in {office.address.city}, Träger: {office.carrier}.",
                                "website": self.site_url, "parent_organization_id": self.carrier_id}
        if office.project:
            node["alternate_name"] = office.project
        if office.email:
            node["email"] = office.email
        node["funding"] = self.funding("office.yml", organization_id=oid)
        node["contacts"] = [c for cid in office.contacts for c in self.contact(cid, "office.yml", organization_id=oid)]
        node["phones"] = self.phone(office.phone, "office.yml", organization_id=oid)
        node["locations"] = [self.location(ref) for ref in office.locations]
        return node

    def carrier(self) -> dict[str, Any]:
        office = self.project.office
        cid = self.carrier_id
        node: dict[str, Any] = {"id": cid, "name": office.carrier,
                                "description": f"Träger des {office.name}.",
                                "funding": self.funding("office.yml#carrier", organization_id=cid)}
        if office.carrier_address and (addresses := self.addresses(office.carrier_address, "office.yml#carrier")):
            location = self.uid("office.yml#carrier#location")
            node["locations"] = [{"id": location, "location_type": "postal", "organization_id": cid,
                                  "name": office.carrier, "addresses": [a | {"location_id": location} for a in addresses]}]
        return node

    def partner(self, partner_id: str) -> dict[str, Any]:
        partner: Partner = self.project.partners[partner_id]
        pid = self.partner_id(partner_id)
        kinds = self.project.settings.partner_kinds
        node: dict[str, Any] = {"id": pid, "name": fmt.text(partner.name),
                                "description": fmt.text(partner.description) if partner.description
                                else fmt.text(kinds.get(partner.kind)) or fmt.text(partner.name)}
        if partner.email:
            node["email"] = partner.email
        if partner.url:
            node["website"] = partner.url
        if partner.parent and partner.parent in self.project.partners:
            node["parent_organization_id"] = self.partner_id(partner.parent)
        node["phones"] = self.phone(partner.phone, f"partners/{partner_id}", organization_id=pid)
        if addresses := self.addresses(partner.address, f"partners/{partner_id}"):
            location = self.uid(f"partners/{partner_id}#location")
            node["locations"] = [{"id": location, "location_type": "physical", "organization_id": pid,
                                  "name": fmt.text(partner.name),
                                  "addresses": [a | {"location_id": location} for a in addresses]}]
        return node

    def organizations(self) -> list[dict[str, Any]]:
        return [self.office(), self.carrier()] + [self.partner(k) for k in sorted(self.project.partners)]

    # -- files ----------------------------------------------------------------------------------

    @staticmethod
    def list_form(node: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in node.items() if k not in _NESTED}

    @staticmethod
    def page(items: list[dict[str, Any]]) -> dict[str, Any]:
        """The paginated list form, everything on one page (a static file has no ?page=)."""
        return {"total_items": len(items), "total_pages": 1, "page_number": 1, "size": len(items),
                "first_page": True, "last_page": True, "empty": not items, "contents": items}

    def index(self) -> dict[str, Any]:
        base = self.site_url + FOLDER
        return {"version": VERSION, "profile": SPECIFICATION, "openapi_url": OPENAPI,
                "publisher": self.project.office.name, "license": self.licence,
                "attribution": f"{self.project.office.name}, {self.site_url}",
                "generated": self.today.isoformat(),
                "services": base + "services.json", "organizations": base + "organizations.json",
                "service_at_locations": base + "service_at_locations.json"}

    def files(self) -> list[tuple[str, bytes]]:
        """(site path, bytes) of every file of the export."""
        services = [self.service(k) for k in sorted(self.project.offers)]
        organizations = self.organizations()
        out = [(FOLDER + "index.json", self.index()),
               (FOLDER + "services.json", self.page([self.list_form(s) for s in services])),
               (FOLDER + "organizations.json", self.page([self.list_form(o) for o in organizations])),
               (FOLDER + "service_at_locations.json",
                self.page([self.list_form(sal) for s in services for sal in s["service_at_locations"]]))]
        out += [(f"{FOLDER}services/{s['id']}.json", s) for s in services]
        out += [(f"{FOLDER}organizations/{o['id']}.json", o) for o in organizations]
        return [(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()) for path, data in out]
