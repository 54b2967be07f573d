"""Open data: the offers and dates as machines read them, for search engines, directories and partners.

- ``jsonld``: schema.org data (JSON-LD) in the head of the offer, event, start and contact pages;
- ``hsds``: the offers as Open Referral HSDS 3.0, static files under ``daten/hsds/``;
- ``embed``: the dates for partners' websites, one small JSON per language and choice.

Engine-agnostic, like the rest of the core.
"""
