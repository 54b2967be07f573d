"""The table „Was die Meldungen bedeuten“ in docs/anleitung.md, made from the messages themselves.

    .venv/bin/python tests/guide_table.py           rewrites the table between the two marker comments
    .venv/bin/python tests/guide_table.py --check   exit 1 if the guide's table is out of date

tests/test_guide.py fails when the guide's table differs from what this makes, so the guide cannot
drift from what the program says. Each row names where its message comes from, and the message column
is what that case really prints today (the beginning of it):

- ``validation:<id>``: a case of ``MISTAKES`` in tests/test_validation.py, run on that file's project;
- ``staff:<id>``: a case of ``CASES`` in tests/test_staff_mistakes.py, run on that file's project;
- ``scenario:<name>``: a mistake those lists do not hold (photos and consent, withdrawals, the calendar,
  files, plausibility warnings), made by a function below through the same code a build runs;
- ``code:<module>:<words>``: a message of the build itself (a lock, a full disk), which no data can
  cause: the words must stand in that module's source.

What to do (the right column) is written for staff, once per row, here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GUIDE = REPO / "docs" / "anleitung.md"
BEGIN = "<!-- meldungen: Anfang. Erzeugt von tests/guide_table.py aus den Fällen der Tests; nicht von Hand ändern. -->"
END = "<!-- meldungen: Ende -->"
LONGEST = 110   # characters of a message shown in the table; longer ones end in „…“

if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))


@dataclass(frozen=True)
class Row:
    sources: tuple[str, ...]
    todo: str


def row(*sources: str, todo: str) -> Row:
    return Row(sources, todo)


ROWS = [
    row("validation:weekday-full-name", "validation:weekdays-without-comma",
        todo="Die Abkürzung schreiben: `di`. Erlaubt: mo, di, mi, do, fr, sa, so. Mehrere Tage mit Komma: `[mi, fr]`."),
    row("validation:field-titel", todo="Den Feldnamen korrigieren (die Felder sind englisch)."),
    row("validation:category-missing", todo="Die Zeile ergänzen."),
    row("validation:from-at-the-left-edge",
        todo="Die Zeile so weit einrücken wie die genannte Zeile (`start:`), mit Leerzeichen."),
    row("validation:tab-indentation", todo="Tabulator löschen, mit Leerzeichen einrücken."),
    row("validation:colon-in-unquoted-text",
        todo="Text mit Doppelpunkt in Anführungszeichen setzen, oder Einrückung prüfen."),
    row("validation:broken-indentation", todo="Zusammengehörige Zeilen in dieselbe Spalte rücken."),
    row("validation:no-space-after-colon", todo="`category: lernen` statt `category:lernen`."),
    row("validation:unclosed-quote-before-more-quotes", "validation:quotes-inside-quoted-text",
        todo="Das schließende `\"` ans Ende des Wertes setzen; Text mit `\"` darin in einfache Anführungszeichen "
             "`'…'` setzen."),
    row("validation:unclosed-bracket", todo="Die schließende Klammer `]` (bzw. `}`) ans Ende setzen, Einträge mit Komma trennen."),
    row("validation:time-25-00", "validation:impossible-iso-date", todo="Zeit bzw. Datum korrigieren."),
    row("staff:end-before-start", todo="`start` und `end` prüfen."),
    row("validation:schedule-until-before-from", todo="Das Enddatum muss nach dem Anfang liegen."),
    row("validation:unknown-category",
        todo="Tippfehler? Die Meldung nennt alle bekannten Werte und schlägt den passenden vor. Ebenso bei "
             "Zielgruppe, Ort, Kontakt und Partner."),
    row("staff:unknown-language-code", todo="Zweibuchstabige Codes: `tr`, `ar`, `uk`, `ru`, `fa` …"),
    row("validation:event-file-date-differs-from-start", todo="Datei umbenennen oder `start` korrigieren."),
    row("scenario:file-name", todo="Umbenennen wie vorgeschlagen (ohne Umlaute/Leerzeichen)."),
    row("validation:not-utf-8", todo="Im Editor „Mit Kodierung speichern → UTF-8“."),
    row("validation:exclamation-mark-unquoted", todo="Text, der mit `!` beginnt, in Anführungszeichen setzen."),
    row("scenario:unreadable-note",
        todo="Nur ein Hinweis unter der Meldung einer Datei, die sich nicht lesen lässt: erst diese Datei "
             "korrigieren; Dateien, die auf sie verweisen, werden danach wieder mitgeprüft."),
    row("scenario:symlink",
        todo="Verknüpfungen werden nie gelesen (auch nicht innerhalb des Projekts): die Verknüpfung löschen und die "
             "Datei selbst hineinlegen."),
    row("scenario:alias",
        todo="YAML-Anker (`&name`) und Verweise (`*name`) sind nicht erlaubt: den Wert an jeder Stelle ausschreiben; "
             "Text, der mit `*` oder `&` beginnt, in Anführungszeichen setzen."),
    row("scenario:deep", todo="Einrückung und Klammern `[ ] { }` prüfen: meist fehlt eine schließende Klammer."),
    row("scenario:too-big", "code:inputs.py:Die Seite ist mit … MB zu groß",
        todo="Versehentlich Hineinkopiertes löschen oder auf mehrere Dateien bzw. Seiten verteilen; Bilder als "
             "eigene Dateien nach `media/`."),
    row("scenario:no-consent",
        todo="Einwilligungs-Datei anlegen (Abschnitt 4), mit der Zeile `sha256: …` aus der Meldung, oder Bild löschen."),
    row("scenario:checksum",
        todo="Das Foto wurde geändert: prüfen, ob die Einwilligung es deckt; die Zeile `sha256: …` aus der Meldung "
             "eintragen."),
    row("scenario:under-14", todo="Ohne Unterschrift darf das Foto nicht online."),
    row("scenario:withdrawal-typo",
        todo="Im Widerruf die Nummer genau so schreiben wie in der Einwilligung (Abschnitt 5) – sofort, sonst bleibt "
             "das Foto online."),
    row("scenario:withdrawal-unknown",
        todo="Nummer auf dem Formular prüfen; gibt es kein Foto (mehr), `no_image: true` ergänzen (Abschnitt 5)."),
    row("scenario:except-wrong-weekday", todo="Das Datum unter `except` prüfen (falscher Wochentag?)."),
    row("scenario:school-holidays", todo="Den Administrator bitten, die Ferientermine nachzutragen."),
    row("scenario:past-event",
        todo="Hinweis: Stimmt das Jahr? Sonst Datei umbenennen und `start` korrigieren. Eine vergangene "
             "Veranstaltung bewusst nachgetragen: nichts zu tun."),
    row("scenario:all-cancelled",
        todo="Hinweis: Pausiert das Angebot, `until:` und später eine neue Regel mit `from:` eintragen."),
    row("scenario:far-future", todo="Hinweis: Tippfehler in der Jahreszahl? Sonst nichts zu tun."),
    row("scenario:long-closure", todo="Hinweis: Stimmen Monat und Jahr bei `until`? Sonst nichts zu tun."),
    row("code:pipeline.py:Förderhinweis: Für diese Logos stehen noch Platzhalter",
        todo="Nur ein Hinweis – bis die echten Logos da sind. Der Produktions-Bau lehnt Platzhalter ab."),
    row("code:loader.py:Die Angaben wurden zuletzt am … geprüft",
        todo="Nur ein Hinweis, die Website wird gebaut. Den Eintrag prüfen wie in Abschnitt 11."),
    row("code:models.py:„…“ ist keine Telefonnummer", "code:models.py:In der Telefonnummer „…“ steht „(0)“",
        todo="Nur Ziffern und Leerzeichen, in Anführungszeichen: `phone: \"0800 111 0 550\"`, `\"+49 2041 70-0\"` "
             "(ohne `(0)`)."),
    row("code:loader.py:Der Partner „…“ (partners/….yml) hat keine Telefonnummer",
        todo="Die Nummer in der Partner-Datei unter `phone:` eintragen; bis dahin verlinkt der Block nur die Seite "
             "des Partners."),
    row("code:publish.py:Ein anderer Bau schreibt gerade in „site/“. Dieser Bau wartet",
        todo="Nichts: der Bau beginnt, sobald der andere fertig ist. Nach 10 Minuten gibt er auf; dann später noch "
             "einmal bauen."),
    row("code:publish.py:Auf dem Datenträger ist kein Platz mehr", "code:publish.py:Der Ordner „…“ ist schreibgeschützt",
        "code:publish.py:Keine Schreibrechte für „…“",
        todo="An die Person wenden, die den Server betreut (Platz schaffen, Rechte geben). Die bisherige Website "
             "bleibt so lange online."),
    row("code:publish.py:Reste eines abgebrochenen Baus entfernt",
        "code:build.py:Zwischenspeicher (.cache/images) beschädigt oder veraltet",
        todo="Nur ein Hinweis: ein früherer Bau wurde abgebrochen; der Bau hat das selbst repariert."),
]


# --- the messages -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Said:
    message: str
    hint: str = ""


def _one(errors) -> Said:
    assert len(errors) == 1, "\n".join(e.format() for e in errors)
    return Said(errors[0].message, errors[0].hint)


def _load_errors(root: Path) -> list:
    from stadtteil.errors import DataErrors
    from stadtteil.loader import load_project
    try:
        load_project(root)
    except DataErrors as exc:
        return exc.errors
    raise AssertionError(f"{root}: no mistake")


def _validation(case_id: str, tmp: Path) -> Said:
    import test_validation as v
    case = next(c for c in v.MISTAKES if c.id == case_id)
    root = v.valid_project(tmp / "projekt")
    v.write(root, case.file, case.text)
    return _one(_load_errors(root))


def _staff(case_id: str, tmp: Path) -> Said:
    import test_staff_mistakes as s
    _, name, text, _, _, _ = next(c for c in s.CASES if c[0] == case_id)
    root = s.valid_project(tmp)
    path = root / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text) if isinstance(text, bytes) else path.write_text(textwrap.dedent(text), encoding="utf-8")
    return _one([e for e in _load_errors(root) if e.file == name])


def _code(module: str, words: str) -> Said:
    source = (REPO / "plugins" / "stadtteil" / module).read_text(encoding="utf-8")
    # The words as a person reads them; „…“ and … stand for what varies (placeholders {…} in the source).
    pattern = r"".join(r"[^\"]*?" if part == "\0" else re.escape(part)
                       for part in re.split(r"(\0)", re.sub(r"„[^“]*“", "„\0“", words).replace("…", "\0")))
    assert re.search(pattern, source), f"„{words}“ steht nicht (mehr) in plugins/stadtteil/{module}"
    return Said(words)


def _offer_project(tmp: Path) -> Path:
    import test_validation as v
    return v.valid_project(tmp / "projekt")


def scenario_file_name(tmp: Path) -> Said:
    import test_validation as v
    root = _offer_project(tmp)
    v.write(root, "offers/mein angebot.yml", v.KURS)
    return _one(_load_errors(root))


def scenario_unreadable_note(tmp: Path) -> Said:
    from stadtteil.errors import DataErrors
    from stadtteil.loader import load_project
    import test_validation as v
    root = _offer_project(tmp)
    v.write(root, "partners/grundschule.yml", "name: Grundschule\nkind: schule\ntopics: [bildung\n")
    try:
        load_project(root)
    except DataErrors as exc:
        assert len(exc.notes) == 1, exc.notes
        return Said(exc.notes[0].error.message)
    raise AssertionError("no mistake")


def scenario_symlink(tmp: Path) -> Said:
    import test_validation as v
    root = _offer_project(tmp)
    outside = tmp / "woanders.yml"
    outside.write_text(v.KURS, encoding="utf-8")
    os.symlink(outside, root / "offers" / "kurs.yml")
    return _one(_load_errors(root))


def scenario_alias(tmp: Path) -> Said:
    import test_validation as v
    root = _offer_project(tmp)
    v.write(root, v.KURS_FILE, v.KURS.replace("title: Deutschkurs", "title: &name Deutschkurs") + "summary: *name\n")
    return _one(_load_errors(root))


def scenario_deep(tmp: Path) -> Said:
    import test_validation as v
    root = _offer_project(tmp)
    v.write(root, v.KURS_FILE, v.KURS + "summary: " + "[" * 30 + "x" + "]" * 30 + "\n")
    return _one(_load_errors(root))


def scenario_too_big(tmp: Path) -> Said:
    import test_validation as v
    root = _offer_project(tmp)
    v.write(root, v.KURS_FILE, v.KURS + "description: |\n" + ("  " + "x" * 99 + "\n") * 3000)
    return _one(_load_errors(root))


def _photo(root: Path, record: str | None) -> None:
    from test_images import phone_photo, put
    data = phone_photo(800, 600)
    put(root, "media/fest.jpg", data, record if record is None else
        f"sha256: {__import__('hashlib').sha256(data).hexdigest()}\n" + textwrap.dedent(record))


ADULT = """\
    persons: depicted
    consents:
      - form: EV-2026-099
        form_version: "2026-01"
        age_group: adult
        scope: [website]
        given: 2026-06-20
    """


def _consent(root: Path) -> Said:
    from stadtteil.consent import check_all
    return _one(check_all(root, dt.date(2026, 11, 24)).errors)


def scenario_no_consent(tmp: Path) -> Said:
    _photo(tmp, None)
    return _consent(tmp)


def scenario_checksum(tmp: Path) -> Said:
    _photo(tmp, ADULT)
    (tmp / "media" / "fest.jpg").write_bytes((tmp / "media" / "fest.jpg").read_bytes() + b"\0")
    return _consent(tmp)


def scenario_under_14(tmp: Path) -> Said:
    _photo(tmp, ADULT.replace("age_group: adult", "age_group: under-14"))
    return _consent(tmp)


def _withdraw(root: Path, line: str) -> None:
    (root / "consent").mkdir(exist_ok=True)
    (root / "consent" / "withdrawn.yml").write_text(line + "\n", encoding="utf-8")


def scenario_withdrawal_typo(tmp: Path) -> Said:
    _photo(tmp, ADULT)
    _withdraw(tmp, "- {form: EV-2026-99, on: 2026-09-01}")
    return _consent(tmp)


def scenario_withdrawal_unknown(tmp: Path) -> Said:
    _photo(tmp, ADULT)
    _withdraw(tmp, "- {form: EV-2025-311, on: 2026-09-01}")
    return _consent(tmp)


def _calendar(root: Path, today: dt.date) -> Said:
    from stadtteil.errors import DataErrors
    from stadtteil.loader import check_calendar, load_project
    try:
        warnings = check_calendar(load_project(root), today)
    except DataErrors as exc:
        return _one(exc.errors)
    return _one([w.error for w in warnings])


def scenario_except_wrong_weekday(tmp: Path) -> Said:
    import test_staff_mistakes as s
    root = s.valid_project(tmp)
    (root / "offers" / "naehtreff.yml").write_text(s.NAEHTREFF.replace("[2026-05-14]", "[2026-05-13]"), encoding="utf-8")
    return _calendar(root, dt.date(2026, 4, 1))


def scenario_school_holidays(tmp: Path) -> Said:
    import test_staff_mistakes as s
    from stadtteil.calendars.schedule import SchoolHolidays
    root = s.valid_project(tmp)
    (root / "offers" / "naehtreff.yml").write_text(s.NAEHTREFF + "    school_holidays: pause\n", encoding="utf-8")
    assert 2099 not in SchoolHolidays.load().years   # a year no data file will have: the message stays the same
    return _calendar(root, dt.date(2099, 1, 10))


def _plausibility(tmp: Path, change) -> Said:
    from sites import DAY, MINI
    from stadtteil.cli import site_config
    from stadtteil.pipeline import Site
    root = Path(shutil.copytree(MINI, tmp / "mini", ignore=shutil.ignore_patterns(".cache", "site")))
    change(root)
    site = Site.collect(site_config(root / "mkdocs.yml"), dt.date.fromisoformat(DAY))
    assert not site.errors, site.errors
    # The mini site's helpline entry is old on purpose (tests/test_notfall.py): its notice is not this row's.
    return _one([n.error for n in site.notices if not n.file.startswith("helplines/")])


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _move_event(root: Path, old_id: str, day: str) -> None:
    source = root / "events" / f"{old_id}.yml"
    text = source.read_text(encoding="utf-8").replace(old_id[:10], day)
    source.unlink()
    (root / "events" / f"{day}{old_id[10:]}.yml").write_text(text, encoding="utf-8")


def scenario_past_event(tmp: Path) -> Said:
    return _plausibility(tmp, lambda root: _move_event(root, "2026-12-05-flohmarkt", "2025-12-05"))


def scenario_all_cancelled(tmp: Path) -> Said:
    return _plausibility(tmp, lambda root: _replace(
        root / "offers" / "naehtreff.yml", "except: [2026-12-03]",
        "except: [2026-11-26, 2026-12-03, 2026-12-10, 2026-12-17, 2027-01-07, 2027-01-14]"))


def scenario_far_future(tmp: Path) -> Said:
    return _plausibility(tmp, lambda root: _move_event(root, "2026-12-16-basteln", "2062-12-16"))


def scenario_long_closure(tmp: Path) -> Said:
    return _plausibility(tmp, lambda root: _replace(root / "office.yml", "    until: 2027-01-02",
                                                    "    until: 2027-03-02"))


def said(source: str) -> Said:
    kind, _, name = source.partition(":")
    if kind == "code":
        module, _, words = name.partition(":")
        return _code(module, words)
    with tempfile.TemporaryDirectory(prefix="meldung-") as folder:
        tmp = Path(folder)
        if kind == "validation":
            return _validation(name, tmp)
        if kind == "staff":
            return _staff(name, tmp)
        if kind == "scenario":
            return globals()["scenario_" + name.replace("-", "_")](tmp)
    raise ValueError(source)


# --- the table ------------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[^\d\s][.!?])\s+(?=[A-ZÄÖÜ„])")


def beginning(text: str) -> str:
    """The first sentence of a message, at most LONGEST characters (cut at a word before an unclosed
    bracket or quote, ending in „…“)."""
    text = " ".join(text.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(".")
    if len(first) <= LONGEST:
        return first
    cut = first[:LONGEST].rsplit(" ", 1)[0]
    for opening, closing in (("(", ")"), ("„", "“")):
        if cut.count(opening) > cut.count(closing):
            cut = cut[:cut.rindex(opening)]
    return cut.rstrip(",;:–( ") + " …"


def shown(said_: Said, source: str = "") -> str:
    text = said_.message if source.startswith("code:") else beginning(said_.message)
    if said_.hint.startswith("Meinten Sie"):
        text = text.removesuffix(" …") + ". " + _SENTENCE_END.split(" ".join(said_.hint.split()), maxsplit=1)[0]
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def table() -> str:
    lines = ["| Meldung (Anfang) | Was zu tun ist |", "| --- | --- |"]
    for entry in ROWS:
        messages = " / ".join(shown(said(source), source) for source in entry.sources)
        lines.append(f"| {messages} | {entry.todo} |")
    return "\n".join(lines)


def guide_with(text: str, generated: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + generated + "\n" + text[end:]


def main(argv: list[str]) -> int:
    text = GUIDE.read_text(encoding="utf-8")
    updated = guide_with(text, table())
    if "--check" in argv:
        if updated != text:
            print("Die Tabelle der Meldungen in docs/anleitung.md ist nicht aktuell: "
                  ".venv/bin/python tests/guide_table.py", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        GUIDE.write_text(updated, encoding="utf-8")
        print(f"geschrieben: {GUIDE.relative_to(REPO)}")
    else:
        print("docs/anleitung.md: die Tabelle ist aktuell")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
