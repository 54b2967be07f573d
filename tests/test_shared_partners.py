"""City-wide partners kept once (`partners_from`): read like partners/, unique ids, overrides, input rules."""

import os
from pathlib import Path

import pytest

from stadtteil.errors import DataErrors
from stadtteil.loader import load_project

SHARED = "../gemeinsam/partners"
JUGENDAMT = """name: Jugendamt Bottrop
kind: stadt
topics: [familie]
phone: "02041 70-3333"
email: jugendamt@bottrop.de
"""


@pytest.fixture
def quarter(tmp_path: Path) -> Path:
    """A small quarter (the scaffold's data) beside a shared partner folder holding the Jugendamt."""
    from stadtteil.cli import new_site
    site = tmp_path / "quartier"
    assert new_site(site, "Stadtteilbüro Eigen", "Träger e.V.", "Bottrop", git=False) == 0
    shared = tmp_path / "gemeinsam" / "partners"
    shared.mkdir(parents=True)
    (shared / "jugendamt.yml").write_text(JUGENDAMT, encoding="utf-8")
    offer = site / "offers" / "beispiel.yml"
    offer.write_text(offer.read_text(encoding="utf-8").replace("partners: [stadt]", "partners: [stadt, jugendamt]"),
                     encoding="utf-8")
    return site


def mistakes(site: Path, partners_from=(SHARED,)) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        load_project(site, partners_from=list(partners_from))
    return [e.format() for e in caught.value.errors]


def test_a_shared_partner_is_read_and_referenced(quarter):
    project = load_project(quarter, partners_from=[SHARED])
    assert project.partners["jugendamt"].phone == "02041 70-3333"
    assert "stadt" in project.partners
    assert project.sources[("partners", "jugendamt")].file == f"{SHARED}/jugendamt.yml"
    # Without the option the offer names a partner that is not there.
    assert any("Partner „jugendamt“ ist unbekannt" in m for m in mistakes(quarter, ()))


def test_a_mistake_in_a_shared_file_names_that_file_and_line(quarter):
    shared = quarter.parent / "gemeinsam" / "partners"
    (shared / "jugendamt.yml").write_text(JUGENDAMT.replace("kind: stadt", "kind: stadt\nemial: x@bottrop.de"),
                                          encoding="utf-8")
    found = mistakes(quarter)
    assert any(m.startswith(f"{SHARED}/jugendamt.yml, Zeile 3") and "emial" in m for m in found), found


def test_the_check_shows_the_shared_file_s_line_under_its_message(quarter, capsys):
    import datetime as dt
    from sites import DAY
    from stadtteil.cli import check
    config = quarter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# partners_from: [../bottrop-gemeinsam/partners]", f"partners_from: [{SHARED}]"), encoding="utf-8")
    assert check(config, today=dt.date.fromisoformat(DAY)) == 0
    shared = quarter.parent / "gemeinsam" / "partners" / "jugendamt.yml"
    shared.write_text(JUGENDAMT.replace("kind: stadt", "kind: stadt\nemial: x@bottrop.de"), encoding="utf-8")
    capsys.readouterr()
    assert check(config, today=dt.date.fromisoformat(DAY)) == 1
    report = capsys.readouterr().err
    assert f"{SHARED}/jugendamt.yml\n  Zeile 3" in report and "emial: x@bottrop.de" in report, report


def test_ids_are_unique_across_sources_and_a_clash_names_both_files(quarter):
    (quarter / "partners" / "jugendamt.yml").write_text(JUGENDAMT, encoding="utf-8")
    found = mistakes(quarter)
    assert any(m.startswith("partners/jugendamt.yml") and f"{SHARED}/jugendamt.yml" in m
               and "extends: jugendamt" in m for m in found), found
    second = quarter.parent / "zweiter"
    second.mkdir()
    (second / "jugendamt.yml").write_text(JUGENDAMT, encoding="utf-8")
    (quarter / "partners" / "jugendamt.yml").unlink()
    found = mistakes(quarter, (SHARED, "../zweiter"))
    assert any(f"{SHARED}/jugendamt.yml" in m and "../zweiter/jugendamt.yml" in m and "zweimal" in m
               for m in found), found


def test_a_quarter_overrides_the_local_contact_of_a_shared_partner(quarter):
    (quarter / "partners" / "jugendamt.yml").write_text(
        "extends: jugendamt\nphone: \"02041 70-4444\"\nemail: jugendamt-eigen@bottrop.de\n", encoding="utf-8")
    project = load_project(quarter, partners_from=[SHARED])
    partner = project.partners["jugendamt"]
    assert (partner.phone, partner.email) == ("02041 70-4444", "jugendamt-eigen@bottrop.de")
    assert partner.name["de"] == "Jugendamt Bottrop" and partner.kind == "stadt"   # the rest stays shared
    # A wrong field in the override is reported at the local file's line.
    (quarter / "partners" / "jugendamt.yml").write_text("extends: jugendamt\nfon: \"1\"\n", encoding="utf-8")
    found = mistakes(quarter)
    assert any(m.startswith("partners/jugendamt.yml, Zeile 2") and "fon" in m for m in found), found
    # `extends` must name a shared partner, in a file of the same name.
    (quarter / "partners" / "jugendamt.yml").write_text("extends: jugendamd\n", encoding="utf-8")
    assert any("Meinten Sie „jugendamt“" in m for m in mistakes(quarter))
    (quarter / "partners" / "jugendamt.yml").unlink()
    (quarter / "partners" / "ja.yml").write_text("extends: jugendamt\n", encoding="utf-8")
    assert any(m.startswith("partners/ja.yml, Zeile 1") and "„jugendamt.yml“" in m for m in mistakes(quarter))


def test_the_shared_folder_keeps_the_input_rules(quarter, tmp_path):
    shared = quarter.parent / "gemeinsam" / "partners"
    secret = tmp_path / "geheim.yml"
    secret.write_text(JUGENDAMT, encoding="utf-8")
    os.symlink(secret, shared / "link.yml")
    found = mistakes(quarter)
    assert any(m.startswith(f"{SHARED}/link.yml") and "Verknüpfung" in m for m in found), found
    assert not any(str(tmp_path) in m for m in found)    # where a link points is never told
    (shared / "link.yml").unlink()
    (shared / "riesig.yml").write_text("name: x\n" + "# " + "x" * 600_000 + "\n", encoding="utf-8")
    assert any(m.startswith(f"{SHARED}/riesig.yml") and "zu groß" in m for m in mistakes(quarter))
    (shared / "riesig.yml").unlink()
    # The option itself: missing folder, absolute path, a linked folder.
    assert any("„../fehlt“ gibt es nicht" in m for m in mistakes(quarter, ("../fehlt",)))
    assert any("fester Pfad" in m for m in mistakes(quarter, (str(shared),)))
    os.symlink(shared, quarter.parent / "verknuepft")
    assert any("Verknüpfung" in m for m in mistakes(quarter, ("../verknuepft",)))
    # A link on the way to it, committed in the repository: never read through either.
    os.symlink(quarter.parent / "gemeinsam", quarter / "gemeinsam")
    assert any("Verknüpfung" in m for m in mistakes(quarter, ("gemeinsam/partners",)))


def test_a_shared_partner_appears_in_every_language_of_the_site(tmp_path):
    import datetime as dt
    import shutil
    from sites import DAY, MINI
    from stadtteil import cli
    from stadtteil.pipeline import Site
    site = tmp_path / "mini"
    shutil.copytree(MINI, site, ignore=shutil.ignore_patterns(".cache", "site"))
    shared = tmp_path / "gemeinsam" / "partners"
    shared.mkdir(parents=True)
    (shared / "jugendamt.yml").write_text(
        "name: {de: Jugendamt Bottrop, en: Youth Welfare Office Bottrop, tr: Bottrop Gençlik Dairesi}\n"
        "kind: stadt\ntopics: [familie]\n", encoding="utf-8")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - stadtteil:\n", f"  - stadtteil:\n      partners_from: [{SHARED}]\n"), encoding="utf-8")
    prepared = Site.prepare(cli.site_config(config), dt.date.fromisoformat(DAY))
    for lang, name in (("de", "Jugendamt Bottrop"), ("en", "Youth Welfare Office Bottrop"),
                       ("tr", "Bottrop Gençlik Dairesi")):
        pages = {p.src: p.markdown for p in prepared.outputs(lang).pages}
        assert name in pages["hilfe-finden/index.md"] and name in pages["hilfe-finden/jugendamt.md"], lang


def test_shared_places_are_read_unique_and_shown_with_their_line(quarter, capsys):
    import datetime as dt
    from sites import DAY
    from stadtteil.cli import check
    places = quarter.parent / "gemeinsam" / "orte.yml"
    places.write_text("locations:\n  berufskolleg:\n    name: Berufskolleg Bottrop\n"
                      "    address: {street: Paßstraße 1, postcode: \"46236\", city: Bottrop}\n", encoding="utf-8")
    offer = quarter / "offers" / "beispiel.yml"
    offer.write_text(offer.read_text(encoding="utf-8").replace("contact: team", "contact: team\nlocation: berufskolleg"),
                     encoding="utf-8")
    project = load_project(quarter, places_from=["../gemeinsam/orte.yml"], partners_from=[SHARED])
    assert project.location("berufskolleg").name["de"] == "Berufskolleg Bottrop"
    assert project.location("stadtteilbuero").name["de"] == "Stadtteilbüro Eigen"   # office.yml's own stay
    assert any("Ort „berufskolleg“ ist unbekannt" in m for m in mistakes(quarter))   # without the option
    # The same id in office.yml and the shared file: one message naming both.
    places.write_text("locations:\n  stadtteilbuero: {name: Anderes Büro}\n", encoding="utf-8")
    with pytest.raises(DataErrors) as caught:
        load_project(quarter, places_from=["../gemeinsam/orte.yml"], partners_from=[SHARED])
    assert any(e.file == "../gemeinsam/orte.yml" and e.line == 2 and "office.yml, Zeile" in e.message
               for e in caught.value.errors), caught.value.errors
    # A mistake in the shared file: its name, line, and the line itself in the check's report.
    places.write_text("locations:\n  berufskolleg:\n    name: Berufskolleg Bottrop\n    adresse: x\n", encoding="utf-8")
    config = quarter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "# partners_from: [../bottrop-gemeinsam/partners]",
        f"partners_from: [{SHARED}]\n      places_from: [../gemeinsam/orte.yml]"), encoding="utf-8")
    assert check(config, today=dt.date.fromisoformat(DAY)) == 1
    report = capsys.readouterr().err
    assert "../gemeinsam/orte.yml\n  Zeile 4" in report and "adresse: x" in report, report
