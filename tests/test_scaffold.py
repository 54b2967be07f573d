"""`stadtteil new`: a new neighbourhood gets a complete site that checks and builds at once."""

import os
import subprocess
import sys


def run(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "stadtteil.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def test_new_site_checks_and_builds_with_the_same_enforcement(tmp_path):
    folder = tmp_path / "neustadt"
    made = run("new", str(folder), "--name", "Stadtteilbüro Neustadt", "--city", "Gladbeck")
    assert made.returncode == 0
    # The working tree's engine is a development build: the new site is told its pin is no release.
    from stadtteil.newsite import engine_version, released
    assert released(engine_version()) == ("keine veröffentlichte Version" not in made.stderr)
    assert released("1.2.0") and not released("0.1.dev5+g1a2b3c") and not released("0.0.0")
    for path in ("mkdocs.yml", "office.yml", "offers/beispiel.yml", "partners/stadt.yml", "content/index.md",
                 "consent/withdrawn.yml", "schema/offer.schema.json", ".gitignore"):
        assert (folder / path).is_file(), path
    check = run("check", "-f", str(folder / "mkdocs.yml"))
    assert check.returncode == 0 and "Alles in Ordnung: 1 Angebote" in check.stdout
    build = run("build", "-f", str(folder / "mkdocs.yml"), "-d", str(folder / "site"), cwd=folder)
    assert build.returncode == 0, build.stderr
    home = (folder / "site" / "index.html").read_text()
    assert "Stadtteilbüro Neustadt" in home and "data-stadtteil-funding" in home and "Kofinanziert" in home
    assert (folder / "site" / "angebote" / "beispiel" / "index.html").exists()
    assert (folder / "site" / "kalender" / "angebote" / "beispiel.ics").exists()
    assert "Zusammenfassung:" in build.stderr
    production = run("build", "-f", str(folder / "mkdocs.yml"), "-d", str(tmp_path / "prod"),
                     env={"STADTTEIL_PRODUCTION": "1"})
    assert production.returncode != 0 and "Platzhalter" in production.stderr


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "x.txt").write_text("x")
    result = run("new", str(tmp_path))
    assert result.returncode == 1 and "nicht leer" in result.stderr
