"""`stadtteil check` stays fast (issue #19: under 1 s at 1×, under 3 s at 10×; measured by
bench/run.py, not here: no timed assertions). What is tested is what made it fast, so it cannot
silently come back: check loads neither the page templates nor the finished site's checks, reads
mkdocs.yml with libyaml once, and serialises the calendars of the first language only."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sites import DAY, MINI, REPO

LOADED = """\
import io, contextlib, json, sys
from stadtteil.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(["check", "-f", sys.argv[1]])
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_check_loads_no_templates_engine_or_site_checks():
    result = subprocess.run([sys.executable, "-c", LOADED, str(REPO / "tests" / "fixtures" / "batenbrock" / "mkdocs.yml")],
                            capture_output=True, text=True, env={**os.environ, "STADTTEIL_TODAY": DAY})
    report = json.loads(result.stdout)
    assert report["code"] == 0, result.stderr
    # jinja2: the page templates (pipeline.Site.outputs); lxml, tinycss2: the finished site's checks;
    # mkdocs, material: the engine (the pipeline never imports it).
    assert not {"jinja2", "lxml", "tinycss2", "mkdocs", "material", "mkdocs_static_i18n"} & set(report["modules"])


def test_mkdocs_yml_is_read_once_per_version(tmp_path):
    from stadtteil import yamlsource
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Test\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n",
                      encoding="utf-8")
    yamlsource._read_config.cache_clear()
    first = yamlsource.read_config(config)
    assert first == {"site_name": "Test", "markdown_extensions": [{"pymdownx.emoji": {"emoji_index": None}}]}
    first["site_name"] = "changed by a caller"
    assert yamlsource.read_config(config)["site_name"] == "Test"     # each caller gets its own copy
    assert yamlsource._read_config.cache_info().misses == 1
    config.write_text("site_name: Neu\n", encoding="utf-8")
    assert yamlsource.read_config(config) == {"site_name": "Neu"}     # a new version is read again


def test_check_serialises_the_first_language_and_counts_the_others_by_uid(tmp_path):
    """Every language's VEVENTs have the same UIDs: a new offer is new in each; the record's check
    builds the German ones only (serialising all six was nine tenths of a check's time)."""
    import datetime as dt
    import shutil
    from stadtteil.calendars import revisions
    from stadtteil.calendars.feeds import FeedSettings
    from stadtteil.calendars.revisions import Revisions
    from stadtteil.loader import load_project

    root = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "fixtures" / "batenbrock", root)
    project = load_project(root)
    today = dt.date.fromisoformat(DAY)
    settings = FeedSettings("https://www.gemeinsam-in-batenbrock.example/", "www.gemeinsam-in-batenbrock.example",
                            today, project.office.name)
    languages = ["de", "en", "tr", "ar", "uk", "de-LS"]
    # The record as a full build writes it, for every language.
    full = Revisions({}, 1_790_000_000)
    for lang in languages:
        revisions.language_feeds(project, settings, full, lang)
    (root / revisions.RECORD).write_text(revisions.render(full.used), encoding="utf-8")
    assert revisions.check(root, project, settings, languages) == []
    # One offer gone: gone in every language (6 × its VEVENTs), told without serialising the others.
    removed = next(iter(project.offers))
    gone = sum(1 for uid in full.used["de"] if uid.startswith(f"angebot-{removed}-"))
    del project.offers[removed]
    warnings = revisions.check(root, project, settings, languages)
    assert len(warnings) == 1 and f"{gone * len(languages)} entfallen" in warnings[0], warnings
