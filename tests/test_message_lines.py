"""Every message a person reads shows the line it is about, with a caret under the column.

    offers/naehtreff.yml
      Zeile 14, Spalte 14: Feld „weekly“: Wochentag „mi fr“ ist unbekannt. …
        14 |   - weekly: [mi fr]
           |              ^

In the text output of `stadtteil check` (mistakes, and warnings that point at a line) and in the build's
list of mistakes. The machine formats (json, github, gitlab) stay as they were. The line is read again
from the project's own files only, never through a link, and shown safe for a terminal.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from stadtteil.cli import main as stadtteil
from stadtteil.errors import DataError, DataErrors
from stadtteil.excerpt import WIDTH, Sources, render

from sites import MINI, build_here


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "project", ignore=shutil.ignore_patterns(".cache", "site")))


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(root: Path, *extra: str, capsys) -> tuple[int, str, str]:
    capsys.readouterr()
    code = stadtteil(["check", "-f", str(root / "mkdocs.yml"), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def caret_column(caret_line: str, shown_line: str) -> int:
    """The column (from 1) of the line's text the caret stands under: both lines share the gutter."""
    gutter = shown_line.index(" | ") + 3
    assert caret_line.index(" | ") + 3 == gutter, (shown_line, caret_line)
    return caret_line.index("^") - gutter + 1


# --- the check's text output ----------------------------------------------------------------------

def test_check_shows_the_line_and_a_caret_under_the_column(project, capsys):
    edit(project, "offers/naehtreff.yml", "weekly: [do]", "weekly: [mi fr]")
    code, _, err = check(project, capsys=capsys)
    assert code == 1
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if "Wochentag „mi fr“ ist unbekannt" in line)
    message, shown, caret = lines[at:at + 3]
    assert message.startswith("  Zeile 14, Spalte 14: "), message
    assert shown == "    14 |   - weekly: [mi fr]", shown
    # Spalte 14 is where „mi fr“ starts: the caret stands under its „m“.
    assert caret_column(caret, shown) == 14 and shown[shown.index(" | ") + 3:][13] == "m", (shown, caret)
    assert caret.strip(" |^") == "" and caret.count("^") == 1


def test_every_mistake_of_a_run_gets_its_line(project, capsys):
    edit(project, "offers/naehtreff.yml", "category: begegnung", "kategorie: begegnung")
    edit(project, "events/2026-12-05-flohmarkt.yml", "title:", "titel:")
    edit(project, "office.yml", "name: Testbüro Mitte", "name:\tTestbüro Mitte")
    code, _, err = check(project, capsys=capsys)
    assert code == 1
    lines = err.splitlines()
    messages = [i for i, line in enumerate(lines) if line.startswith("  Zeile ")]
    assert len(messages) >= 3, err
    for i in messages:
        number = lines[i].split()[1].rstrip(",:")
        assert lines[i + 1].lstrip().startswith(f"{number} | "), (lines[i], lines[i + 1])
        assert "^" in lines[i + 2] and lines[i + 2].lstrip().startswith("| "), lines[i + 2]


def test_a_tab_is_copied_into_the_caret_line_so_both_expand_alike(project, capsys):
    edit(project, "offers/naehtreff.yml", "  - weekly: [do]", "\t- weekly: [do]")
    code, _, err = check(project, capsys=capsys)
    assert code == 1
    lines = err.splitlines()
    shown = next(line for line in lines if line.startswith("    14 | "))
    caret = lines[lines.index(shown) + 1]
    assert shown.endswith("| \t- weekly: [do]"), shown
    assert caret.endswith("| ^"), repr(caret)  # the tab itself, column 1


def test_a_warning_with_a_line_shows_it_too(project, capsys):
    # The placeholder e-mail of the fixture's office.yml is a warning (a production build refuses it).
    code, out, err = check(project, capsys=capsys)
    assert code == 0, err
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Hinweis: office.yml, Zeile") and "example.org" in line)
    number = lines[at].split("Zeile ")[1].split(":")[0].split(",")[0]
    assert lines[at + 1].startswith(f"    {number} | ") and "example.org" in lines[at + 1], lines[at:at + 3]
    assert "^" in lines[at + 2]


def test_machine_formats_stay_without_excerpts(project, capsys):
    edit(project, "offers/naehtreff.yml", "weekly: [do]", "weekly: [mi fr]")
    code, out, _ = check(project, "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert code == 1 and [e["line"] for e in report["errors"]] == [14]
    assert " | " not in report["errors"][0]["message"] + report["errors"][0]["hint"]
    code, out, _ = check(project, "--format", "github", capsys=capsys)
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1 and "file=offers/naehtreff.yml,line=14,col=14" in errors[0], out
    code, out, _ = check(project, "--format", "gitlab", capsys=capsys)
    assert json.loads(out)[0]["location"] == {"path": "offers/naehtreff.yml", "lines": {"begin": 14}}
    # Warnings that point at a line become annotations at that line (the fixture's placeholder e-mail).
    edit(project, "offers/naehtreff.yml", "weekly: [mi fr]", "weekly: [do]")
    code, out, _ = check(project, "--format", "github", capsys=capsys)
    warnings = [line for line in out.splitlines() if line.startswith("::warning file=office.yml,line=")]
    assert code == 0 and warnings and all(" | " not in w for w in warnings), out


# --- the build's list of mistakes -------------------------------------------------------------------

def test_the_build_shows_the_line_and_the_caret(project, tmp_path):
    edit(project, "offers/naehtreff.yml", "weekly: [do]", "weekly: [mi fr]")
    built = build_here(project, tmp_path / "site")
    assert built.returncode == 1
    lines = built.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if "Wochentag „mi fr“ ist unbekannt" in line)
    assert lines[at].lstrip().startswith("• offers/naehtreff.yml, Zeile 14, Spalte 14:"), lines[at]
    shown, caret = lines[at + 1], lines[at + 2]
    assert shown.endswith("14 |   - weekly: [mi fr]"), shown
    assert caret_column(caret, shown) == 14
    assert not (tmp_path / "site").exists()


# --- what is shown, and what is never read ---------------------------------------------------------

def test_render_puts_the_caret_under_wide_and_right_to_left_text():
    line = "title: {de: Café, ar: مقهى, zh: 咖啡馆, x: 1}"
    shown, caret = render(line, line.index("x") + 1)
    # Each CJK character is two columns wide on a terminal: the caret moves three columns further.
    assert caret.index("^") == line.index("x") + 3
    assert set(caret[:-1]) == {" "}
    shown, caret = render("  start: 16.00", None)
    assert caret == "  " + "^" * len("start: 16.00")   # no column: the line's text is underlined


def test_render_hides_nothing_and_reorders_nothing():
    line = "title: Tref\u202efen\u200b\x1b[31m rot"
    shown, caret = render(line, 14)
    assert "\u202e" not in shown and "\u200b" not in shown and "\x1b" not in shown
    assert shown.count("\ufffd") == 3 and len(shown) == len(line)
    assert caret.index("^") == 13


def test_render_cuts_a_long_line_around_the_column():
    line = "description: " + "x" * 500 + "FEHLER" + "y" * 500
    column = line.index("FEHLER") + 1
    shown, caret = render(line, column)
    assert len(shown) <= WIDTH + 2 and shown.startswith("…") and shown.endswith("…")
    assert shown[caret.index("^"):].startswith("FEHLER")


def test_sources_read_only_plain_files_inside_the_project(tmp_path):
    root = tmp_path / "project"
    (root / "offers").mkdir(parents=True)
    (root / "offers" / "echt.yml").write_text("title: Echt\n", encoding="utf-8")
    secret = tmp_path / "secret.yml"
    secret.write_text("token: geheim\n", encoding="utf-8")
    os.symlink(secret, root / "offers" / "link.yml")
    os.symlink(tmp_path, root / "ordner")
    (root / "media").mkdir()
    (root / "media" / "bild.jpg").write_bytes(b"\xff\xd8\xff\x00" * 100)
    sources = Sources(root)
    assert sources.excerpt("offers/echt.yml", 1, 1) == ["    1 | title: Echt", "      | ^"]
    for name in ("offers/link.yml", "ordner/secret.yml", "../secret.yml", str(secret), "media/bild.jpg",
                 "fehlt.yml"):
        assert sources.excerpt(name, 1, 1) == [], name
    assert sources.excerpt("offers/echt.yml", 2, 1) == []   # past the end of the file
    report = DataErrors([DataError("offers/link.yml", 1, 1, "Verknüpfung")], root=root).report()
    assert "geheim" not in report


# --- a file that cannot be read: its own mistakes and one note ------------------------------------------

UNREADABLE = [
    pytest.param("office.yml", "name: Testbüro Mitte", 'name: "Testbüro Mitte', 1, "Orte und Kontakte", id="office"),
    pytest.param("partners/schule.yml", "kind: ", "kind: [", None, "Verweise auf den Partner „schule“", id="partner"),
    pytest.param("offers/naehtreff.yml", "weekly: [do]", "weekly: [do", 14, "dieses Angebots", id="offer"),
    pytest.param("events/2026-12-05-flohmarkt.yml", "title:", "title: 'Floh'markt", 1, "dieser Veranstaltung",
                 id="event"),
]


@pytest.mark.parametrize("name, old, new, line, what", UNREADABLE)
def test_an_unreadable_file_gets_its_own_mistakes_and_one_note(project, capsys, name, old, new, line, what):
    edit(project, name, old, new)
    code, out, err = check(project, "--format", "json", capsys=capsys)
    report = json.loads(out)
    # Its own mistake only: nothing about the files that refer to it (naehtreff names the partner schule,
    # offers and events name the office's locations and contacts).
    assert code == 1 and {e["file"] for e in report["errors"]} == {name}, report["errors"]
    notes = [w for w in report["warnings"] if "bis die Datei wieder lesbar ist" in w]
    assert len(notes) == 1 and notes[0].startswith(f"{name}: Weitere Prüfungen") and what in notes[0], notes
    # The text report puts the note under the file's mistakes, once.
    code, _, err = check(project, capsys=capsys)
    lines = err.splitlines()
    assert sum("wieder lesbar" in l for l in lines) == 1, err
    start = lines.index(name) + 1
    section = lines[start:next(i for i in range(start, len(lines)) if not lines[i].startswith("  "))]
    assert section[-1].startswith("  Hinweis: Weitere Prüfungen") and what in section[-1], section
    if line:
        assert any(l.startswith(f"    {line} | ") for l in section), section


def test_the_build_tells_the_note_under_the_mistake(project, tmp_path):
    edit(project, "partners/schule.yml", "kind: ", "kind: [")
    built = build_here(project, tmp_path / "site")
    assert built.returncode == 1
    lines = built.stderr.splitlines()
    at = next(i for i, l in enumerate(lines) if l.lstrip().startswith("• partners/schule.yml"))
    assert "Die Daten enthalten 1 Fehler:" in built.stderr
    assert lines[at + 3] == ("    Hinweis: Weitere Prüfungen, die diese Datei brauchen (Verweise auf den Partner "
                             "„schule“), werden übersprungen, bis die Datei wieder lesbar ist."), lines[at:at + 4]
    assert built.stderr.count("wieder lesbar") == 1


def test_an_unreadable_withdrawal_list_or_consent_record_gets_one_note(project, capsys):
    from test_withdrawal import photo_with_record, withdraw
    photo_with_record(project)
    withdraw(project, "- {form: EV-2026-099, on: 2026-09-01\n")
    code, out, _ = check(project, "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert code == 1 and {e["file"] for e in report["errors"]} == {"consent/withdrawn.yml"}, report["errors"]
    notes = [w for w in report["warnings"] if "wieder lesbar" in w]
    assert len(notes) == 1 and notes[0].startswith("consent/withdrawn.yml: ") and "Widerruf" in notes[0], notes
    # The other way round: the record is unreadable, the withdrawal's number is not called unknown.
    withdraw(project, "- {form: EV-2026-099, on: 2026-09-01}\n")
    record = project / "media" / "naehtreff.jpg.consent.yml"
    record.write_text(record.read_text(encoding="utf-8").replace("persons: depicted", "persons: [depicted"),
                      encoding="utf-8")
    code, out, _ = check(project, "--format", "json", capsys=capsys)
    report = json.loads(out)
    assert code == 1 and {e["file"] for e in report["errors"]} == {"media/naehtreff.jpg.consent.yml"}, report
    notes = [w for w in report["warnings"] if "wieder lesbar" in w]
    assert len(notes) == 1 and "consent/withdrawn.yml" in notes[0], notes
