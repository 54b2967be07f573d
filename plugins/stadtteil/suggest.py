"""Guessing what staff meant: `titel` → `title`, `dienstag` → `di`."""

from __future__ import annotations

import difflib
import unicodedata
from typing import Iterable

# German (and common English) words staff reach for, mapped to the field that exists.
FIELD_ALIASES = {
    "titel": "title", "name": "title", "überschrift": "title", "ueberschrift": "title",
    "zusammenfassung": "summary", "kurz": "summary", "kurztext": "summary", "teaser": "summary",
    "beschreibung": "description", "text": "description", "inhalt": "description",
    "kategorie": "category", "categorie": "category", "rubrik": "category",
    "zielgruppe": "audience", "zielgruppen": "audience", "fuer": "audience", "für": "audience", "tags": "audience",
    "sprachen": "languages_spoken", "sprache": "languages_spoken", "languages": "languages_spoken",
    "kosten": "cost", "preis": "cost", "price": "cost", "costs": "cost",
    "anmeldung": "registration", "anmelden": "registration",
    "ehrenamtlich": "volunteer_led", "ehrenamt": "volunteer_led",
    "ort": "location", "raum": "location", "place": "location", "wo": "location",
    "kontakt": "contact", "ansprechpartner": "contact", "ansprechperson": "contact",
    "partner": "partners", "kooperationspartner": "partners",
    "termine": "schedule", "termin": "schedule", "zeiten": "schedule", "zeitplan": "schedule",
    "wöchentlich": "weekly", "woechentlich": "weekly", "wochentage": "weekly", "days": "weekly",
    "monatlich": "monthly", "alle": "every",
    "beginn": "start", "begin": "start", "begins": "start", "startzeit": "start", "endzeit": "end", "anfang": "start", "von": "start", "ende": "end", "bis": "end",
    "ab": "from", "seit": "from", "startdatum": "from", "enddatum": "until", "bis_datum": "until",
    "ausnahmen": "except", "ausfall": "except", "faellt_aus": "except", "fällt_aus": "except", "entfällt": "except",
    "schulferien": "school_holidays", "ferien": "school_holidays",
    "bild": "image", "foto": "image", "bildbeschreibung": "image_alt", "alt": "image_alt", "alttext": "image_alt",
    "straße": "street", "strasse": "street", "plz": "postcode", "postleitzahl": "postcode", "stadt": "city",
    "ort_name": "name", "adresse": "address", "anschrift": "address",
    "telefon": "phone", "tel": "phone", "mail": "email", "e-mail": "email",
    "webseite": "url", "website": "url", "homepage": "url", "link": "url",
    "art": "kind", "typ": "kind", "themen": "topics", "thema": "topics", "übergeordnet": "parent",
    "öffnungszeiten": "opening_hours", "oeffnungszeiten": "opening_hours",
    "schließungen": "closures", "schliessungen": "closures", "geschlossen": "closures",
    "grund": "reason", "feiertage": "public_holidays", "tage": "days", "auf": "open", "zu": "close",
    "träger": "carrier", "traeger": "carrier", "orte": "locations", "kontakte": "contacts",
    "status_text": "status_note", "hinweis": "status_note",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice staff most likely meant, or None when nothing is close."""
    choices = list(choices)
    if word in choices:
        return word
    folded = {_fold(c): c for c in choices}
    if _fold(word) in folded:
        return folded[_fold(word)]
    match = difflib.get_close_matches(_fold(word), list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def closest_field(word: str, fields: Iterable[str]) -> str | None:
    fields = list(fields)
    alias = FIELD_ALIASES.get(word.lower()) or FIELD_ALIASES.get(_fold(word))
    if alias in fields:
        return alias
    return closest(word, fields)
