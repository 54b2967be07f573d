"""Prüfungen der gebauten Website (make test baut sie vorher in site/).

Was hier steht, gilt für jede Website des Stadtteilbüros: jede Seite trägt den Förderhinweis, jede
Seite ist vollständig, Kalender und Feeds lassen sich lesen. Nur die Standardbibliothek und was das
Programm selbst mitbringt (icalendar), damit `make test` nichts weiter installieren muss.
"""

import json
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"


def pages():
    return sorted(p for p in SITE.rglob("*.html") if p.name != "404.html" or p.parent == SITE)


class GebauteWebsite(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not (SITE / "index.html").is_file():
            raise unittest.SkipTest("site/ fehlt: erst bauen (make test baut vorher).")

    def test_startseite_und_pflichtseiten(self):
        for seite in ("index.html", "impressum/index.html", "datenschutz/index.html", "barrierefreiheit/index.html"):
            self.assertTrue((SITE / seite).is_file(), seite)

    def test_jede_seite_traegt_den_foerderhinweis(self):
        ohne = [p.relative_to(SITE).as_posix() for p in pages()
                if "data-stadtteil-funding" not in p.read_text(encoding="utf-8")
                and "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8")]
        self.assertGreater(len(pages()), 10)
        self.assertEqual(ohne, [], "Seiten ohne Förderhinweis")

    def test_jede_seite_ist_vollstaendig(self):
        for page in pages():
            text = page.read_text(encoding="utf-8")
            self.assertIn("</html>", text, page)
            self.assertIn("Content-Security-Policy", text, page)   # keine fremden Skripte, kein Tracking

    def test_kalender_lassen_sich_lesen(self):
        from icalendar import Calendar
        kalender = sorted(SITE.rglob("*.ics"))
        self.assertTrue(kalender, "keine Kalender-Dateien")
        for datei in kalender:
            cal = Calendar.from_ical(datei.read_bytes())
            for event in cal.walk("VEVENT"):
                self.assertTrue(str(event.get("UID", "")), datei)

    def test_feeds_lassen_sich_lesen(self):
        feeds = [p for p in SITE.rglob("*.xml") if p.name != "sitemap.xml"] + list(SITE.rglob("feed*.json"))
        for datei in feeds:
            if datei.suffix == ".json":
                self.assertIn("items", json.loads(datei.read_text(encoding="utf-8")), datei)
            else:
                ET.fromstring(datei.read_bytes())
        ET.fromstring((SITE / "sitemap.xml").read_bytes())


if __name__ == "__main__":
    unittest.main()
