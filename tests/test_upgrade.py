"""Moving a site to a new engine version: the pin, the format number, the migration from format 1."""

import datetime as dt
import shutil
from pathlib import Path

from sites import DAY

from stadtteil import upgrade
from stadtteil.cli import gather, plugin_options

FORMAT_1 = Path(__file__).parent / "fixtures" / "format-1"


def test_a_format_1_site_is_migrated_and_then_checks(tmp_path, capsys):
    site = tmp_path / "alt"
    shutil.copytree(FORMAT_1, site)
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert upgrade.migrate_command(site / "mkdocs.yml") == 0
    out = capsys.readouterr().out
    assert "Datenformat 1 → 2: fertig." in out and "make test" in out
    assert plugin_options(site / "mkdocs.yml")["format_version"] == upgrade.FORMAT_VERSION
    # The files a site repository now has are added …
    for name in ("Makefile", "requirements.txt", ".github/workflows/pages.yml", ".github/workflows/taeglich.yml",
                 ".gitlab-ci.yml", ".pre-commit-config.yaml", "deploy/nginx.conf", "tests/test_site.py",
                 "docs/anleitung.md"):
        assert (site / name).is_file() and f"neu: {name}" in out, name
    # … the staff's own files are untouched (mkdocs.yml gains one line, comments and order kept).
    for name, content in before.items():
        if name != "mkdocs.yml":
            assert (site / name).read_bytes() == content, name
    old, new = before["mkdocs.yml"].decode().splitlines(), (site / "mkdocs.yml").read_text().splitlines()
    assert [line for line in new if line not in old] == ["      format_version: 2"]
    # The migrated site checks as it did; a second run changes nothing.
    checked = gather(site / "mkdocs.yml", today=dt.date.fromisoformat(DAY))
    assert checked.errors == [], checked.errors
    assert upgrade.migrate_command(site / "mkdocs.yml") == 0
    assert "nichts zu ändern" in capsys.readouterr().out


def test_a_site_for_another_format_is_told_which_command_to_run(tmp_path):
    site = tmp_path / "alt"
    shutil.copytree(FORMAT_1, site)
    config = site / "mkdocs.yml"
    config.write_text(upgrade.set_format(config.read_text(encoding="utf-8"), 1), encoding="utf-8")
    errors = gather(config, today=dt.date.fromisoformat(DAY)).errors
    assert any("Datenformat 1" in e.message and "make upgrade VERSION=" in e.hint for e in errors), errors
    config.write_text(upgrade.set_format(config.read_text(encoding="utf-8"), 99), encoding="utf-8")
    errors = gather(config, today=dt.date.fromisoformat(DAY)).errors
    assert any("Datenformat 99" in e.message and "make site" in e.hint for e in errors), errors
    assert upgrade.migrate_command(config) == 1


def test_the_pin_moves_in_each_of_its_three_forms():
    text = ("# stadtteil==0.1.0 stays a comment\nstadtteil==0.1.0\n"
            "stadtteil @ git+https://git.example/stadtteil.git@v0.1.0\n"
            "stadtteil @ file:///srv/dist/stadtteil-0.1.0-py3-none-any.whl\n")
    moved, count = upgrade.repin(text, "0.2.0")
    assert count == 3
    assert moved == ("# stadtteil==0.1.0 stays a comment\nstadtteil==0.2.0\n"
                     "stadtteil @ git+https://git.example/stadtteil.git@v0.2.0\n"
                     "stadtteil @ file:///srv/dist/stadtteil-0.2.0-py3-none-any.whl\n")
    assert upgrade.repin("mkdocs==1.6\n", "0.2.0") == ("mkdocs==1.6\n", 0)


def test_the_format_number_is_written_into_every_shape_of_the_plugin_entry():
    assert upgrade.set_format("plugins:\n  - search\n  - stadtteil\n", 2) == \
        "plugins:\n  - search\n  - stadtteil:\n      format_version: 2\n"
    assert upgrade.set_format("plugins:\n  - stadtteil:  # hier\n    today: x\n", 2) == \
        "plugins:\n  - stadtteil:  # hier\n    format_version: 2\n    today: x\n"
    assert upgrade.set_format("plugins:\n  - stadtteil:\n      format_version: 1\n", 2) == \
        "plugins:\n  - stadtteil:\n      format_version: 2\n"
