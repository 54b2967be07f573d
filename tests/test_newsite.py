"""A second quarter goes live: the engine as a wheel, two quarters from `stadtteil new` sharing partners.

End to end and kept fast: the wheel is built once (without downloading: this venv's setuptools and
setuptools-scm) from a clean copy of the engine's sources tagged v7.1.0; a fresh virtual environment gets
it with `pip install --no-deps --no-index` and reuses this venv's dependencies through a .pth file (never
the working tree: its editable install is not on that path, and the test says so). The city-wide partners
are a Git repository: quarter A has it as a submodule, quarter B beside itself. Both quarters are made and
built once, by their own Makefiles, in the module fixture; the tests look at what came out.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from sites import DAY

REPO = Path(__file__).resolve().parent.parent
TAG = "7.1.0"
JUGENDAMT = """name: Jugendamt Bottrop
kind: stadt
topics: [familie]
phone: "02041 70-3333"
description: Beratung für Familien, Kinder und Jugendliche in ganz Bottrop.
"""


def run(args, cwd=None, env=None, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} → {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL")}
    return {**env, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY, "STADTTEIL_HELPER": "0", **extra}


def engine_sources(target: Path) -> None:
    """The files the engine's package is made of (tracked or new, never ignored), as a fresh Git
    repository with one tagged commit: what a release is built from."""
    listed = run(["git", "ls-files", "-co", "--exclude-standard", "pyproject.toml", "README.md", "plugins"],
                 cwd=REPO).stdout.splitlines()
    for name in listed:
        source = REPO / name
        if source.is_file() and "__pycache__" not in name:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@localhost"]
    run([*git, "init", "-q"], cwd=target)
    run([*git, "add", "-A"], cwd=target)
    run([*git, "commit", "-q", "-m", "release"], cwd=target)
    run([*git, "tag", f"v{TAG}"], cwd=target)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Sources → sdist → wheel; a fresh venv with the wheel; two quarters sharing partners, built."""
    base = tmp_path_factory.mktemp("welt")
    source, dist, venv = base / "quelle", base / "dist", base / "venv"
    engine_sources(source)
    # `python -m build` as `make dist` runs it: the sdist first, the wheel built from the sdist.
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)], env=clean_env())
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    fresh = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    reused = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (fresh / "zz-reuse-test-venv.pth").write_text("\n".join(sorted(reused)) + "\n", encoding="utf-8")
    python = venv / "bin" / "python"
    wheel = dist / f"stadtteil-{TAG}-py3-none-any.whl"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], env=clean_env())

    # The city-wide partners: a Git repository of their own. Quarter A has it as a submodule, quarter B
    # beside itself (the two ways docs/datenformat.md describes).
    shared_repo = base / "bottrop-gemeinsam"
    (shared_repo / "partners").mkdir(parents=True)
    (shared_repo / "partners" / "jugendamt.yml").write_text(JUGENDAMT, encoding="utf-8")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@localhost", "-c", "protocol.file.allow=always"]
    run([*git, "init", "-q"], cwd=shared_repo)
    run([*git, "add", "-A"], cwd=shared_repo)
    run([*git, "commit", "-q", "-m", "Stadtweite Partner"], cwd=shared_repo)
    quarters = {}
    for key, name, shared in (("a", "Stadtteilbüro Eigen", "gemeinsam/partners"),
                              ("b", "Stadtteilbüro Fuhlenbrock", "../bottrop-gemeinsam/partners")):
        folder = base / f"bottrop-quartier-{key}"
        made = run([str(venv / "bin" / "stadtteil"), "new", str(folder), "--name", name], env=clean_env())
        if key == "a":
            run([*git, "submodule", "add", "-q", str(shared_repo), "gemeinsam"], cwd=folder)
            run([*git, "commit", "-q", "-m", "Gemeinsame Partner als Submodul"], cwd=folder)
        config = folder / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "# partners_from: [../bottrop-gemeinsam/partners]", f"partners_from: [{shared}]"), encoding="utf-8")
        offer = folder / "offers" / "beispiel.yml"
        offer.write_text(offer.read_text(encoding="utf-8").replace("partners: [stadt]", "partners: [stadt, jugendamt]"),
                         encoding="utf-8")
        quarters[key] = {"folder": folder, "made": made}
    # Quarter B has its own contact person at the Jugendamt.
    (quarters["b"]["folder"] / "partners" / "jugendamt.yml").write_text(
        "extends: jugendamt\nphone: \"02041 70-4444\"\n", encoding="utf-8")
    for quarter in quarters.values():
        folder = quarter["folder"]
        # The pin resolves to the wheel (the Makefile's install step with a local wheel folder) …
        quarter["pin"] = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--find-links",
                              str(dist), "-r", str(folder / "requirements.txt")], env=clean_env())
        (venv / ".installed-stamp").touch()
        # … and the quarter's own `make test` builds it and runs its tests of the built site.
        quarter["test"] = run(["make", "test", f"VENV={venv}"], cwd=folder, env=clean_env())
    return {"base": base, "dist": dist, "venv": venv, "python": python, "wheel": wheel, "quarters": quarters}


def test_the_wheel_carries_everything_a_site_needs_and_the_version_of_the_tag(world):
    assert sorted(p.name for p in world["dist"].iterdir()) == [f"stadtteil-{TAG}-py3-none-any.whl",
                                                                f"stadtteil-{TAG}.tar.gz"]
    names = set(zipfile.ZipFile(world["wheel"]).namelist())
    needed = ["stadtteil/cli.py", "stadtteil/mkdocs_adapter/plugin.py", "stadtteil/templates/event.md.j2",
              "stadtteil/data/schulferien-nw.yml", "stadtteil/data/funding/mags.svg",
              "stadtteil/mkdocs_adapter/theme/main.html", "stadtteil/scaffold/Makefile",
              "stadtteil/scaffold/requirements.txt", "stadtteil/scaffold/github/workflows/taeglich.yml",
              "stadtteil/scaffold/gitlab-ci.yml", "stadtteil/scaffold/deploy/nginx.conf",
              "stadtteil/scaffold/tests/test_site.py", "stadtteil/scaffold/docs/anleitung.md",
              "stadtteil/scaffold/events/.gitkeep", "stadtteil/locales/stadtteil.pot"]
    needed += [f"stadtteil/locales/{lang}/LC_MESSAGES/stadtteil.po" for lang in ("en", "tr", "ar", "uk", "de-LS")]
    assert [n for n in needed if n not in names] == []
    assert any(n.startswith("stadtteil/mkdocs_adapter/theme/fonts/") and n.endswith(".woff2") for n in names)
    # Every file of the package folder that Git knows is in the wheel (nothing forgotten in package-data).
    tracked = run(["git", "ls-files", "plugins/stadtteil"], cwd=REPO).stdout.splitlines()
    missing = [t for t in tracked if "stadtteil/" + t.removeprefix("plugins/stadtteil/") not in names]
    assert missing == []
    metadata = zipfile.ZipFile(world["wheel"]).read(f"stadtteil-{TAG}.dist-info/METADATA").decode()
    assert f"Version: {TAG}" in metadata
    entry_points = zipfile.ZipFile(world["wheel"]).read(f"stadtteil-{TAG}.dist-info/entry_points.txt").decode()
    assert "stadtteil.mkdocs_adapter.plugin:StadtteilPlugin" in entry_points and "stadtteil.engines" in entry_points


def test_the_fresh_venv_runs_the_wheel_never_the_working_tree(world):
    where = run([str(world["python"]), "-c", "import stadtteil, importlib.metadata as m; "
                 "print(stadtteil.__file__); print(m.version('stadtteil'))"], env=clean_env()).stdout.split()
    assert Path(where[0]).is_relative_to(world["venv"]) and not Path(where[0]).is_relative_to(REPO)
    assert where[1] == TAG
    for quarter in world["quarters"].values():
        assert "Requirement already satisfied: stadtteil==7.1.0" in quarter["pin"].stdout


def test_new_makes_a_whole_site_repository_with_the_engine_pinned(world):
    folder = world["quarters"]["a"]["folder"]
    for name in ("Makefile", ".github/workflows/pages.yml", ".github/workflows/taeglich.yml",
                 ".github/scripts/wach-bleiben.sh", ".gitlab-ci.yml", ".pre-commit-config.yaml", "deploy/nginx.conf",
                 "deploy/apache.htaccess", "deploy/README.md", "schema/partner.schema.json", "docs/anleitung.md",
                 "tests/test_site.py", ".gitignore"):
        assert (folder / name).is_file(), name
    assert os.access(folder / ".github/scripts/wach-bleiben.sh", os.X_OK)
    active = [line for line in (folder / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert active == [f"stadtteil=={TAG}"]
    log = run(["git", "log", "--format=%s"], cwd=folder).stdout.splitlines()
    assert log[-1] == "Neue Website angelegt mit stadtteil new"   # (then the test's submodule commit)
    assert "gemeinsam" in run(["git", "submodule", "status"], cwd=folder).stdout
    assert "make site" in world["quarters"]["a"]["made"].stdout
    assert "keine veröffentlichte Version" not in world["quarters"]["a"]["made"].stderr   # 7.1.0 has its tag
    # The README says how to install the engine in its three forms and how to upgrade.
    readme = (folder / "README.md").read_text()
    for words in ("stadtteil==1.2.0", "git+https://", "file:///", "make upgrade VERSION=", "partners_from"):
        assert words in readme, words


def test_both_quarters_build_with_the_shared_partner_and_their_own_contact(world):
    homes = {}
    for key, quarter in world["quarters"].items():
        folder = quarter["folder"]
        out = quarter["test"].stdout + quarter["test"].stderr
        assert "Die Website ist fertig" in out and "OK" in out.splitlines()[-1], out[-3000:]
        assert "Ran 5 tests" in out   # the quarter's own tests of its built site ran
        helpers = (folder / "site" / "hilfe-finden" / "index.html").read_text(encoding="utf-8")
        assert "Jugendamt Bottrop" in helpers
        homes[key] = helpers
    assert "02041 70-3333" in homes["a"] + "".join(
        p.read_text(encoding="utf-8") for p in (world["quarters"]["a"]["folder"] / "site" / "hilfe-finden").rglob("*.html"))
    pages_b = "".join(p.read_text(encoding="utf-8")
                      for p in (world["quarters"]["b"]["folder"] / "site" / "hilfe-finden").rglob("*.html"))
    assert "02041 70-4444" in pages_b and "02041 70-3333" not in pages_b
    from icalendar import Calendar
    for quarter in world["quarters"].values():
        calendars = sorted((quarter["folder"] / "site").rglob("*.ics"))
        assert calendars and all(Calendar.from_ical(c.read_bytes()) for c in calendars)


def test_the_production_build_refuses_every_placeholder_the_new_site_ships(world):
    folder = world["quarters"]["a"]["folder"]
    result = run([str(world["venv"] / "bin" / "stadtteil"), "build", "-d", str(world["base"] / "prod")], cwd=folder,
                 env=clean_env(STADTTEIL_PRODUCTION="1"), check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out
    for placeholder in ("site_url: https://www.example.org/", "carrier: Träger e.V.", "Musterstraße 1",
                        "deploy/nginx.conf, Zeile 8: „www.example.org“", "Beispieltext der Startseite"):
        assert placeholder in out, placeholder
    assert not (world["base"] / "prod").exists()


def test_make_upgrade_keeps_the_old_pin_when_the_version_cannot_be_installed(world):
    folder = world["quarters"]["b"]["folder"]
    before = (folder / "requirements.txt").read_text()
    options = f"PIP_OPTIONS=--no-index --no-deps --find-links {world['dist']}"
    failed = run(["make", "upgrade", f"VERSION=9.9.9", f"VENV={world['venv']}", options], cwd=folder,
                 env=clean_env(), check=False)
    assert failed.returncode != 0 and "ließ sich nicht installieren" in failed.stderr
    assert (folder / "requirements.txt").read_text() == before
    assert "python3 -m venv" not in failed.stdout   # the venv was not set up again
    same = run(["make", "upgrade", f"VERSION={TAG}", f"VENV={world['venv']}", options], cwd=folder, env=clean_env())
    assert f"Programmversion {TAG} installiert" in same.stdout and "nichts zu ändern" in same.stdout
    assert "-m venv" not in same.stdout
    missing = run(["make", "upgrade", f"VENV={world['venv']}"], cwd=folder, env=clean_env(), check=False)
    assert missing.returncode != 0 and "make upgrade VERSION=1.3.0" in missing.stderr


def test_the_scaffold_copies_of_pipelines_servers_and_guide_are_this_repository_s():
    scaffold = REPO / "plugins" / "stadtteil" / "scaffold"
    copies = {"github/workflows/pages.yml": ".github/workflows/pages.yml",
              "github/workflows/taeglich.yml": ".github/workflows/taeglich.yml",
              "github/scripts/wach-bleiben.sh": ".github/scripts/wach-bleiben.sh",
              "gitlab-ci.yml": ".gitlab-ci.yml", "pre-commit-config.yaml": ".pre-commit-config.yaml",
              "deploy/README.md": "deploy/README.md", "deploy/apache.htaccess": "deploy/apache.htaccess",
              "docs/anleitung.md": "docs/anleitung.md", "docs/datenformat.md": "docs/datenformat.md"}
    for copy, original in copies.items():
        assert (scaffold / copy).read_text() == (REPO / original).read_text(), f"{copy}: cp {original} {copy}"
    nginx = (REPO / "deploy" / "nginx.conf").read_text().replace("www.gemeinsam-in-batenbrock.example", "__HOST__")
    assert (scaffold / "deploy" / "nginx.conf").read_text() == nginx


def test_the_new_site_s_pipelines_and_pre_commit_call_only_targets_its_makefile_has():
    import re
    import yaml
    scaffold = REPO / "plugins" / "stadtteil" / "scaffold"
    makefile = (scaffold / "Makefile").read_text()
    targets = set(re.findall(r"(?m)^([A-Za-z.$()/_-]+):", makefile)) | {".venv/.installed-stamp"}
    calls = []
    for name in ("github/workflows/pages.yml", "gitlab-ci.yml", "pre-commit-config.yaml"):
        calls += re.findall(r"\bmake (?:-s )?([a-z./-]+)", (scaffold / name).read_text())
    assert calls and {c for c in calls} <= targets, (calls, targets)
    assert "cron" in str(yaml.safe_load((scaffold / "github/workflows/taeglich.yml").read_text())[True]["schedule"])
    ignored = (scaffold / "gitignore").read_text().split()
    assert {"/site/", "/.venv/"} <= set(ignored)   # the first commit and every later one leave them out
