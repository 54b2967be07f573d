"""One pipeline behind `stadtteil check` and `stadtteil build` (plugins/stadtteil/pipeline.py).

A corpus of broken copies of tests/fixtures/mini: `check` must report exactly the mistakes the build
refuses, so a commit the pre-commit hook and the pipeline's check job let through also builds. And the
pipeline itself runs with the site engine made unimportable: another engine can drive it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from stadtteil.errors import DataError

REPO = Path(__file__).resolve().parents[1]
MINI = REPO / "tests" / "fixtures" / "mini"
DAY = "2026-11-24"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY, "STADTTEIL_REVISIONEN_SCHREIBEN": "0"}


def photo() -> bytes:
    image = Image.new("RGB", (900, 600), (200, 120, 40))
    image.paste((40, 90, 160), (0, 0, 300, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def consent(data: bytes, extra: str = "") -> str:
    return f"sha256: {hashlib.sha256(data).hexdigest()}\n" + textwrap.dedent("""\
        persons: depicted
        consents:
          - form: EV-2026-014
            form_version: "2026-01"
            age_group: adult
            scope: [website]
            given: 2026-01-20
        """) + extra


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def missing_image(p: Path) -> None:
    edit(p, "offers/naehtreff.yml", "category: begegnung\n",
         "category: begegnung\nimage: media/gibtsnicht.jpg\nimage_alt: Bunte Stoffe auf einem Tisch.\n")


def consent_missing(p: Path) -> None:
    (p / "media").mkdir()
    (p / "media" / "foto.jpg").write_bytes(photo())
    edit(p, "offers/naehtreff.yml", "category: begegnung\n",
         "category: begegnung\nimage: media/foto.jpg\nimage_alt: Bunte Stoffe auf einem Tisch.\n")


def consent_expired(p: Path) -> None:
    (p / "media").mkdir()
    data = photo()
    (p / "media" / "foto.jpg").write_bytes(data)
    (p / "media" / "foto.jpg.consent.yml").write_text(consent(data, "    expires: 2026-06-30\n"))
    edit(p, "offers/naehtreff.yml", "category: begegnung\n",
         "category: begegnung\nimage: media/foto.jpg\nimage_alt: Bunte Stoffe auf einem Tisch.\n")


def consent_mismatch(p: Path) -> None:
    (p / "media").mkdir()
    (p / "media" / "foto.jpg").write_bytes(photo())
    (p / "media" / "foto.jpg.consent.yml").write_text(consent(b"another photo"))


def unknown_partner(p: Path) -> None:
    edit(p, "offers/naehtreff.yml", "partners: [schule]", "partners: [schule, gibtsnicht]")


def past_event(p: Path) -> None:
    (p / "events" / "2026-03-07-fruehlingsfest.yml").write_text(
        "title: Frühlingsfest\nstart: 2026-03-07T14:00\nend: 2026-03-07T17:00\nlocation: park\n", encoding="utf-8")


def overlapping_closure(p: Path) -> None:
    edit(p, "office.yml", "    until: 2027-01-02\n", "    until: 2027-01-02\n  - from: 2026-12-30\n"
         "    until: 2026-12-20\n    reason: Inventur\n")


def cancellation_on_a_free_day(p: Path) -> None:
    edit(p, "offers/naehtreff.yml", "except: [2026-12-03]", "except: [2026-12-04]")


def broken_office(p: Path) -> None:
    edit(p, "office.yml", "name: Testbüro Mitte\n", "name: Testbüro Mitte\nphone: [unclosed\n")


def dangerous_page(p: Path) -> None:
    with (p / "content" / "index.md").open("a", encoding="utf-8") as page:
        page.write('\n<a href="javascript:alert(1)">Klick</a>\n')


def funding_without_eu(p: Path) -> None:
    edit(p, "mkdocs.yml", "          - {id: eu-esf, alt: \"Kofinanziert von der Europäischen Union – Europäischer "
         "Sozialfonds\"}\n", "")


def many_at_once(p: Path) -> None:
    missing_image(p)
    unknown_partner(p)
    cancellation_on_a_free_day(p)
    consent_mismatch(p)
    dangerous_page(p)


CORPUS = [missing_image, consent_missing, consent_expired, consent_mismatch, unknown_partner, past_event,
          overlapping_closure, cancellation_on_a_free_day, broken_office, dangerous_page, funding_without_eu,
          many_at_once]
# Cases staff may commit: the site builds (an expired consent leaves the photo out, a past event is
# listed as past). Every other case must be refused by both.
ACCEPTED = {"consent_expired", "past_event"}


def run(command: str, project: Path, *extra: str) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "stadtteil.cli", command, "-f", str(project / "mkdocs.yml"), *extra]
    return subprocess.run(args, capture_output=True, text=True, env=ENV, cwd=project, timeout=300)


@pytest.mark.parametrize("case", CORPUS, ids=[c.__name__ for c in CORPUS])
def test_check_and_build_report_the_same_mistakes(tmp_path, case):
    project = tmp_path / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache", "site"))
    case(project)
    checked = run("check", project, "--format", "json")
    built = run("build", project, "-d", str(tmp_path / "site"))
    report = json.loads(checked.stdout)
    errors = [DataError(**e) for e in report["errors"]]
    if case.__name__ in ACCEPTED:
        assert checked.returncode == 0 and not errors, checked.stdout
        assert built.returncode == 0, built.stderr[-3000:]
        return
    assert errors, f"check let it through: {checked.stdout}"
    assert checked.returncode == 1
    assert built.returncode == 1, built.stderr[-3000:]
    assert not (tmp_path / "site").exists()
    # The build's report: the same mistakes, each line as check gives it, and no other.
    assert f"Die Daten enthalten {len(errors)} Fehler" in built.stderr, (built.stderr[-3000:], report)
    for error in errors:
        assert f"  • {error.format()}" in built.stderr, (error.format(), built.stderr[-3000:])


def test_check_and_build_share_the_build_date(tmp_path):
    """check takes the build's date rule (STADTTEIL_TODAY, `today`, SOURCE_DATE_EPOCH, the clock), not
    the clock alone: a `today` that is no date stops both, with the same words."""
    project = tmp_path / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache", "site"))
    edit(project, "mkdocs.yml", f'today: "{DAY}"', 'today: "kein Datum"')
    env = {k: v for k, v in ENV.items() if k != "STADTTEIL_TODAY"}
    checked = subprocess.run([sys.executable, "-m", "stadtteil.cli", "check", "-f", str(project / "mkdocs.yml")],
                             capture_output=True, text=True, env=env, cwd=project, timeout=300)
    built = subprocess.run([sys.executable, "-m", "stadtteil.cli", "build", "-f", str(project / "mkdocs.yml"),
                            "-d", str(tmp_path / "site")], capture_output=True, text=True, env=env, cwd=project,
                           timeout=300)
    assert checked.returncode == built.returncode == 1
    for output in (checked.stderr, built.stderr):
        assert "„kein Datum“ ist kein Datum (JJJJ-MM-TT)" in output, output[-2000:]


ENGINE_FREE = textwrap.dedent("""\
    import datetime as dt, importlib, json, sys
    from pathlib import Path

    ENGINE = ("mkdocs", "material", "mkdocs_static_i18n")

    class NoEngine:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ENGINE or name.startswith("stadtteil.mkdocs_adapter"):
                raise ImportError(f"the core imported {name}")
            return None

    sys.meta_path.insert(0, NoEngine())
    import stadtteil
    package = Path(stadtteil.__file__).parent
    # Every module of the core, whatever it imports when it is imported.
    core = sorted(".".join(("stadtteil",) + path.relative_to(package).with_suffix("").parts).removesuffix(".__init__")
                  for path in package.rglob("*.py") if "mkdocs_adapter" not in path.parts)
    for name in core:
        importlib.import_module(name)

    from stadtteil import cli, engines
    from stadtteil.pipeline import Site

    site = Site.prepare(cli.site_config(Path(sys.argv[1])), dt.date(2026, 11, 24))
    result = {"core": core}
    for lang in ("de", "en"):
        out = site.outputs(lang)
        site.outputs_taken(lang, out)
        result[lang] = {"feeds": {f.path: f.content.decode("utf-8") for f in out.feeds},
                        "pages": {p.src: p.markdown for p in out.pages + out.defaults},
                        "entries": out.entries}

    # `stadtteil build` runs the engine the configuration names, and imports no other.
    class Plain:
        def build(self, config_file, site_dir, production):
            assert not any(site_dir.iterdir())   # publish.py gives a new, empty folder
            (site_dir / "index.html").write_text(f"{len(site.project.offers)} Angebote")
            return True

    engines.register("plain", Plain())
    result["build"] = cli.main(["build", "-f", sys.argv[2], "-d", sys.argv[3]])
    result["loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in ENGINE or "mkdocs_adapter" in m)
    print(json.dumps(result, default=str))
    """)


def test_pipeline_runs_without_the_site_engine(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache", "site"))
    plain = tmp_path / "plain"
    shutil.copytree(MINI, plain, ignore=shutil.ignore_patterns(".cache", "site"))
    edit(plain, "mkdocs.yml", "  - stadtteil:\n", "  - stadtteil:\n      engine: plain\n")
    done = subprocess.run([sys.executable, "-c", ENGINE_FREE, str(project / "mkdocs.yml"), str(plain / "mkdocs.yml"),
                           str(tmp_path / "site")], capture_output=True, text=True, env=ENV, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.splitlines()[-1])    # after what `stadtteil build` printed
    assert result["loaded"] == []
    assert {"stadtteil.cli", "stadtteil.pipeline", "stadtteil.build", "stadtteil.engines", "stadtteil.helper_process",
            "stadtteil.checks.output"} <= set(result["core"])
    german, english = result["de"], result["en"]
    for pages in (german["pages"], english["pages"]):
        assert {"wochenplan.md", "angebote/index.md", "termine/index.md", "hilfe-finden/index.md"} <= set(pages)
    assert "Nähtreff" in german["pages"]["angebote/index.md"]
    assert "Sewing club" in english["pages"]["angebote/index.md"]
    assert "Kinderflohmarkt" in german["pages"]["termine/index.md"]
    feeds = german["feeds"]
    assert feeds and all(path.endswith((".ics", ".atom")) for path in feeds)
    everything = "".join(feeds.values())
    assert "BEGIN:VCALENDAR" in everything and "SUMMARY:Nähtreff" in everything.replace("\r\n ", "")
    assert english["feeds"].keys() != feeds.keys() or english["feeds"] != feeds
    assert any(entry.get("title") == "Nähtreff" for entry in german["entries"]), german["entries"][:3]
    # The configured engine built the site, and publishing swapped it in.
    assert result["build"] == 0
    assert (tmp_path / "site" / "index.html").read_text() == "2 Angebote"


def test_no_core_module_imports_the_site_engine():
    """Nothing outside mkdocs_adapter/ imports mkdocs, Material, the language plugin or the adapter,
    at the top or inside a function: read from the source, so an import only some path takes counts too."""
    import ast
    package = REPO / "plugins" / "stadtteil"
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if "mkdocs_adapter" in rel.parts:
            continue
        module = ["stadtteil", *rel.with_suffix("").parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = module[:len(module) - node.level] if node.level else []
                names = [".".join(base + ([node.module] if node.module else []) + ([alias.name] if not node.module else []))
                         for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] in ("mkdocs", "material", "mkdocs_static_i18n") \
                        or name.startswith("stadtteil.mkdocs_adapter"):
                    found.append(f"{rel}:{node.lineno} {name}")
    assert found == []


def test_an_engine_that_is_not_installed_stops_the_build_before_anything_is_touched(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache", "site"))
    edit(project, "mkdocs.yml", "  - stadtteil:\n", "  - stadtteil:\n      engine: zensical\n")
    built = run("build", project, "-d", str(tmp_path / "site"))
    assert built.returncode == 1
    assert "Die Website-Maschine „zensical“" in built.stderr and "Installiert: mkdocs" in built.stderr, built.stderr
    assert not (tmp_path / "site").exists() and not (tmp_path / "site.new").exists()
