"""A withdrawal cannot miss: a form number no consent record names is a mistake, with the number meant.

A typo in consent/withdrawn.yml („EV-2026-99“ for „EV-2026-099“) used to be accepted without a word, and
the photo stayed online. Now `check` and the build stop at it, name the file, the line, the number in the
record and the line to write; `check` also says what a withdrawal takes off the site.
"""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest

from stadtteil.cli import main as stadtteil
from stadtteil.consent import check_all

from sites import MINI, build_here
from test_images import TODAY, phone_photo, put, record

RECORD = """\
    persons: depicted
    consents:
      - form: EV-2026-099
        form_version: "2026-01"
        age_group: adult
        scope: [website]
        given: 2026-06-20
    """


def photo_with_record(root: Path, name: str = "media/naehtreff.jpg") -> bytes:
    data = phone_photo(800, 600)
    put(root, name, data, record(data, RECORD))
    return data


def withdraw(root: Path, text: str) -> None:
    (root / "consent").mkdir(exist_ok=True)
    (root / "consent" / "withdrawn.yml").write_text("# Widerrufe\n" + textwrap.dedent(text), encoding="utf-8")


@pytest.mark.parametrize("typed", ["EV-2026-99", "EV-2026-0099", "EV 2026-099", "ev-2026-099"])
def test_a_mistyped_form_number_is_an_error_naming_the_number_meant(tmp_path, typed):
    photo_with_record(tmp_path)
    withdraw(tmp_path, f"- {{form: {typed}, on: 2026-09-01}}\n")
    result = check_all(tmp_path, TODAY)
    assert len(result.errors) == 1, [e.format() for e in result.errors]
    error = result.errors[0]
    shown = error.format()
    assert (error.file, error.line, error.field) == ("consent/withdrawn.yml", 2, "form"), shown
    assert f"„{typed}“ steht so in keiner Einwilligung" in error.message, shown
    # The number meant, where it stands, and the exact line to write.
    assert "„EV-2026-099“ (media/naehtreff.jpg.consent.yml, Zeile 4)" in error.message, shown
    assert "„- {form: EV-2026-099, on: 2026-09-01}“" in error.hint, shown
    # Meanwhile the photo is not published by any build that gets this far.
    assert not result.verdicts["media/naehtreff.jpg"].publish


def test_an_unknown_form_number_is_an_error_with_the_way_out(tmp_path):
    photo_with_record(tmp_path)
    withdraw(tmp_path, "- {form: EV-2026-099, on: 2026-09-01}\n- {form: EV-2025-311, on: 2026-09-02}\n")
    errors = check_all(tmp_path, TODAY).errors
    assert len(errors) == 1, [e.format() for e in errors]
    error = errors[0]
    assert (error.file, error.line) == ("consent/withdrawn.yml", 3), error.format()
    assert "„EV-2025-311“ steht in keiner Einwilligung; dieser Widerruf entfernt kein Bild" in error.message
    assert "no_image: true" in error.hint and "Meinten Sie" not in error.hint


def test_a_close_but_different_number_is_suggested(tmp_path):
    photo_with_record(tmp_path)
    withdraw(tmp_path, "- {form: EV-2026-098, on: 2026-09-01}\n")
    error, = check_all(tmp_path, TODAY).errors
    assert "Meinten Sie „EV-2026-099“ (media/naehtreff.jpg.consent.yml)?" in error.hint, error.format()
    assert "no_image: true" in error.hint


def test_a_withdrawal_for_a_form_without_image_says_so(tmp_path):
    photo_with_record(tmp_path)
    withdraw(tmp_path, "- {form: EV-2025-311, on: 2026-09-02, no_image: true}\n")
    result = check_all(tmp_path, TODAY)
    assert result.errors == [] and result.verdicts["media/naehtreff.jpg"].publish


def test_a_record_that_cannot_be_read_causes_no_follow_up_error(tmp_path):
    # The withdrawn form may be in the broken record: its own mistake is reported, not an unknown form.
    data = phone_photo(800, 600)
    put(tmp_path, "media/a.jpg", data, record(data, RECORD).replace("consents:", "consents: [\n"))
    withdraw(tmp_path, "- {form: EV-2026-099, on: 2026-09-01}\n")
    errors = check_all(tmp_path, TODAY).errors
    assert [e.file for e in errors] == ["media/a.jpg.consent.yml"], [e.format() for e in errors]


def test_a_form_in_a_record_without_its_image_is_known(tmp_path):
    # The photo was deleted, its record kept: the withdrawal is right, only the record is reported.
    photo_with_record(tmp_path)
    (tmp_path / "media" / "naehtreff.jpg").unlink()
    withdraw(tmp_path, "- {form: EV-2026-099, on: 2026-09-01}\n")
    errors = check_all(tmp_path, TODAY).errors
    assert [e.file for e in errors] == ["media/naehtreff.jpg.consent.yml"], [e.format() for e in errors]


# --- the checksum line staff paste ------------------------------------------------------------------

@pytest.mark.parametrize("line", ["sha256: sha256: {sha}", 'sha256: "sha256: {sha}"', "sha256: {upper}"])
def test_the_checksum_may_be_pasted_with_its_label(tmp_path, line):
    data = phone_photo(800, 600)
    sha = hashlib.sha256(data).hexdigest()
    body = record(data, RECORD).replace(f"sha256: {sha}", line.format(sha=sha, upper=sha.upper()))
    put(tmp_path, "media/foto.jpg", data, body)
    result = check_all(tmp_path, TODAY)
    assert result.errors == [] and result.verdicts["media/foto.jpg"].publish


@pytest.mark.parametrize("value", ["3f5c…", "3f5c…                 # aus Schritt 3", "12345"])
def test_a_checksum_that_cannot_be_one_gets_the_line_to_paste(tmp_path, value):
    data = phone_photo(800, 600)
    sha = hashlib.sha256(data).hexdigest()
    put(tmp_path, "media/foto.jpg", data, record(data, RECORD).replace(sha, value))
    error, = check_all(tmp_path, TODAY).errors
    assert (error.line, error.field) == (1, "sha256"), error.format()
    assert "keine vollständige Prüfsumme" in error.message
    assert f"„sha256: {sha}“" in error.hint


def test_a_photo_without_record_gets_the_first_line_of_its_record(tmp_path):
    data = phone_photo(800, 600)
    put(tmp_path, "media/foto.jpg", data, None)
    error, = check_all(tmp_path, TODAY).errors
    assert f"„sha256: {hashlib.sha256(data).hexdigest()}“" in error.hint, error.format()
    assert "docs/anleitung.md" in error.hint and "README" not in error.hint


# --- check and build, as staff run them -------------------------------------------------------------

@pytest.fixture
def mini_with_photo(tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache"))
    photo_with_record(project)
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text() + "image: media/naehtreff.jpg\nimage_alt: Nähmaschinen auf einem Tisch\n")
    return project


def run_check(project: Path, capsys) -> tuple[int, str]:
    code = stadtteil(["check", "-f", str(project / "mkdocs.yml")])
    out = capsys.readouterr()
    return code, out.out + out.err


def test_check_and_build_stop_at_a_mistyped_withdrawal(mini_with_photo, tmp_path, capsys):
    withdraw(mini_with_photo, "- {form: EV-2026-99, on: 2026-11-01}\n")
    code, output = run_check(mini_with_photo, capsys)
    assert code == 1
    assert "consent/withdrawn.yml" in output and "Zeile 2" in output and "Gemeint ist wohl „EV-2026-099“" in output
    built = build_here(mini_with_photo, tmp_path / "site")
    assert built.returncode != 0
    assert "consent/withdrawn.yml, Zeile 2" in built.stderr and "Gemeint ist wohl „EV-2026-099“" in built.stderr
    assert not (tmp_path / "site").exists()


def test_check_tells_what_a_withdrawal_takes_off_the_site(mini_with_photo, capsys):
    index = mini_with_photo / "content" / "index.md"
    put(mini_with_photo, "content/bilder/fest.jpg", phone_photo(900, 600), record(phone_photo(900, 600), RECORD))
    index.write_text(index.read_text() + "\n![Das Fest](bilder/fest.jpg)\n")
    code, output = run_check(mini_with_photo, capsys)
    assert code == 0 and "nicht mehr veröffentlicht" not in output, output
    withdraw(mini_with_photo, "- {form: EV-2026-099, on: 2026-11-01}\n")
    code, output = run_check(mini_with_photo, capsys)
    assert code == 0, output
    assert ("Bild media/naehtreff.jpg wird nicht mehr veröffentlicht (Einwilligung EV-2026-099 wurde am "
            "01.11.2026 widerrufen). Es ist verwendet in: offers/naehtreff.yml.") in output
    assert "Bild content/bilder/fest.jpg wird nicht mehr veröffentlicht" in output
    assert "Es ist verwendet in: content/index.md." in output


def test_the_preview_rebuilds_when_a_withdrawal_or_a_photo_changes(mini_with_photo):
    # `make serve` must show a withdrawal at once: it watches consent/ and media/ besides the data.
    from stadtteil.mkdocs_adapter.plugin import StadtteilPlugin
    withdraw(mini_with_photo, "")

    class Server:
        watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    plugin = StadtteilPlugin()
    plugin.root = mini_with_photo
    server = Server()
    assert plugin.on_serve(server, None, None) is server
    assert {str(mini_with_photo / name) for name in ("consent", "media", "offers", "office.yml")} <= set(server.watched)
