"""The helper process may fail at any of its jobs: the build does that job itself and publishes the
same site.

A small site in two languages with a new photo, so the build hands every kind of job to its helper
(helper_process.py): the new photo's encoding, the second language's calendars and data pages, the
writing of both languages' calendars and data files, the check of the finished pages and the reading
of the stylesheets. Each kind is made to fail in the helper, once by the helper
dying (the pool breaks: every later job fails too) and once by the job raising; the build must succeed
and every file of the site must be the same as with a working helper. Real builds, in this process
(sites.build_here), so the failing job can be put in; the helper is a real fork.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from stadtteil import build, helper_process
from stadtteil.checks import output as sitecheck
from stadtteil.helper_process import Helper

from sites import MINI, build_here

KINDS = ("photos", "language", "write", "check", "stylesheets")


def _dies(*args) -> None:
    os._exit(3)   # as if the kernel had killed it: no clean-up, the pool is broken


def _raises(*args) -> None:
    raise RuntimeError("Aufgabe im Hilfsprozess absichtlich gescheitert")


def kind_of(work, args: tuple) -> str:
    if work is helper_process._run_inherited:
        return args[0]                       # "photos" or "language" (Helper.call)
    if work is build.write_files:
        return "write"
    if work is sitecheck._check_pages:
        return "check"
    if work is sitecheck.parse_stylesheets:
        return "stylesheets"
    return "other"


def photo() -> bytes:
    import io
    from PIL import Image
    image = Image.new("RGB", (1400, 900), (200, 120, 40))
    for x in range(0, 1400, 70):
        image.paste((40, 90, 160), (x, 0, x + 25, 300))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def project_copy(target: Path) -> Path:
    """The mini site in German and English, with a photo no cache has seen."""
    project = target / "project"
    shutil.copytree(MINI, project, ignore=shutil.ignore_patterns(".cache", "site"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("plugins:\n", (
        "plugins:\n  - i18n:\n      docs_structure: suffix\n      fallback_to_default: true\n"
        "      reconfigure_search: false\n      languages:\n"
        "        - {locale: de, name: Deutsch, default: true, build: true}\n"
        "        - {locale: en, name: English, build: true}\n"), 1))
    data = photo()
    (project / "media").mkdir()
    (project / "media" / "naehtreff.jpg").write_bytes(data)
    (project / "media" / "naehtreff.jpg.consent.yml").write_text(
        f"sha256: {hashlib.sha256(data).hexdigest()}\n" + textwrap.dedent("""\
            persons: depicted
            consents:
              - form: EV-2026-014
                form_version: "2026-01"
                age_group: adult
                scope: [website, print]
                given: 2026-06-20
            """))
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text() + "image: media/naehtreff.jpg\nimage_alt: Nähmaschinen auf einem Tisch\n")
    return project


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def build_recording(monkeypatch, tmp_path: Path, failing: str | None = None, how=None):
    """One cold build; returns (files, {kind: outcomes}) with every job handed to the helper: "done",
    "taken back" (the build checked those pages itself), "run here" (no helper to hand it to) or
    what made it fail. With ``failing``, that kind's job is replaced by ``how``; its failure is
    awaited before the build goes on, so it has surely happened (no race with the end)."""
    outcomes: dict[str, list[str]] = {}
    submit = Helper.submit

    def outcome(future) -> str:
        return "taken back" if future.cancelled() else type(future.exception()).__name__ \
            if future.exception() is not None else "done"

    def recording_submit(self, work, *args):
        kind = kind_of(work, args)
        if kind == failing:
            work, args = how, ()
        future = submit(self, work, *args)
        if future is None:
            outcomes.setdefault(kind, []).append("run here")
        elif kind == failing:
            future.exception()     # waits for the helper to fail
            outcomes.setdefault(kind, []).append(outcome(future))
        else:
            future.add_done_callback(lambda f: outcomes.setdefault(kind, []).append(outcome(f)))
        return future

    project = project_copy(tmp_path)
    site = tmp_path / "site"
    with monkeypatch.context() as patched:
        patched.setattr(Helper, "submit", recording_submit)
        # The helper runs only with a second core: the test machine's count must not decide what is tested.
        patched.setattr(os, "cpu_count", lambda: 2)
        result = build_here(project, site, env={"STADTTEIL_HELPER": "1", "STADTTEIL_PRERENDER": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "Bilder: 1 neu verarbeitet" in result.stderr
    return files_of(site), outcomes


@pytest.fixture(scope="module")
def with_helper(tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        return build_recording(monkeypatch, tmp_path_factory.mktemp("helper"))


def test_a_working_helper_gets_every_kind_of_job(with_helper):
    files, outcomes = with_helper
    assert set(outcomes) == set(KINDS), outcomes
    assert all(outcome in ("done", "taken back") for jobs in outcomes.values() for outcome in jobs), outcomes
    assert any(name.startswith("assets/images/naehtreff-") for name in files)
    assert "en/angebote/naehtreff/index.html" in files


@pytest.mark.parametrize("how", [_dies, _raises], ids=["helper-dies", "job-raises"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_failed_helper_job_is_done_by_the_build_with_the_same_output(monkeypatch, tmp_path, with_helper, kind, how):
    expected, _ = with_helper
    files, outcomes = build_recording(monkeypatch, tmp_path, failing=kind, how=how)
    # The job really failed in the helper ...
    failure = "BrokenProcessPool" if how is _dies else "RuntimeError"
    assert outcomes[kind][0] == failure, outcomes
    # ... and the build made the same site without it.
    assert files.keys() == expected.keys()
    assert [name for name in files if files[name] != expected[name]] == []
