"""The daily rebuild lives apart from publishing, and keeps itself from falling asleep (issue #24).

The keep-awake script is run for real (bash, git) in a throwaway repository whose last commit is dated
back; only GitHub's command line `gh` is a stand-in that records what it was asked, since the tests must
not talk to GitHub.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
SCRIPT = REPO / ".github" / "scripts" / "wach-bleiben.sh"


def triggers(workflow: dict) -> dict:
    return workflow.get("on") or workflow.get(True)        # YAML 1.1 reads the key `on` as true


def test_daily_workflow_is_its_own_file_and_publishes_through_the_same_path():
    daily = yaml.safe_load((WORKFLOWS / "taeglich.yml").read_text())
    on = triggers(daily)
    assert set(on) == {"schedule", "workflow_dispatch"}
    assert [s["cron"] for s in on["schedule"]] == ["15 3 * * *"]
    build = daily["jobs"]["bauen"]
    assert build["uses"] == "./.github/workflows/pages.yml"
    assert build["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    awake = daily["jobs"]["wach-bleiben"]
    assert awake["if"] == "always()"
    assert awake["permissions"]["actions"] == "write" and awake["permissions"]["issues"] == "write"
    assert any(s.get("run") == "bash .github/scripts/wach-bleiben.sh" for s in awake["steps"])
    # Publishing after a change has no schedule that could take it down.
    pages = yaml.safe_load((WORKFLOWS / "pages.yml").read_text())
    assert "schedule" not in triggers(pages) and "workflow_call" in triggers(pages)
    # Only the daily file has a schedule at all.
    scheduled = [p.name for p in WORKFLOWS.glob("*.yml") if "schedule" in triggers(yaml.safe_load(p.read_text()))]
    assert scheduled == ["taeglich.yml"]


def run_script(tmp_path: Path, days_quiet: int, open_issues: int = 0, enable_fails: bool = False):
    repo = tmp_path / "repo"
    repo.mkdir()
    import time
    date = f"@{int(time.time()) - days_quiet * 86400 - 3600} +0000"
    git_env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GIT_AUTHOR_NAME": "Büro",
               "GIT_AUTHOR_EMAIL": "buero@example.org", "GIT_COMMITTER_NAME": "Büro",
               "GIT_COMMITTER_EMAIL": "buero@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "office.yml").write_text("name: Test\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "Daten"], cwd=repo, check=True, env=git_env)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "gh.log"
    (bin_dir / "gh").write_text(f"""#!/usr/bin/env bash
printf '%s\\036' "$*" >> {log}
case "$1 $2" in
  "api -X") {"exit 1" if enable_fails else "exit 0"} ;;
  "issue list") echo {open_issues} ;;
esac
""")
    (bin_dir / "gh").chmod(0o755)
    result = subprocess.run(["bash", str(SCRIPT)], cwd=repo, capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}",
                                 "GITHUB_REPOSITORY": "buero/website", "GH_TOKEN": "x"})
    calls = [c for c in log.read_text().split("\x1e") if c] if log.exists() else []   # one record per call
    return result, calls


def test_every_run_switches_its_own_schedule_back_on_and_stays_quiet_while_there_is_activity(tmp_path):
    result, calls = run_script(tmp_path, days_quiet=10)
    assert result.returncode == 0, result.stderr
    assert calls == ["api -X PUT repos/buero/website/actions/workflows/taeglich.yml/enable"]
    assert "vor 10 Tagen" in result.stdout


def test_after_45_quiet_days_the_office_gets_one_issue_with_the_day_of_the_shutdown(tmp_path):
    import datetime as dt
    result, calls = run_script(tmp_path, days_quiet=50)
    assert result.returncode == 0, result.stderr
    created = [c for c in calls if c.startswith("issue create")]
    assert len(created) == 1
    # The shutdown day counts from the last commit in UTC, as GitHub does: 60 days after it (the commit is
    # dated an hour before "50 days ago", so around midnight the day is the one before "today + 10").
    last = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=tmp_path / "repo", check=True,
                              capture_output=True, text=True).stdout)
    shutdown = dt.datetime.fromtimestamp(last + 60 * 86400, dt.timezone.utc).strftime("%d.%m.%Y")
    assert "Die tägliche Aktualisierung schläft bald ein" in created[0] and shutdown in created[0]
    assert "Enable workflow" in created[0]


def test_no_second_issue_while_one_is_open_and_a_refused_switch_on_is_only_a_warning(tmp_path):
    result, calls = run_script(tmp_path, days_quiet=59, open_issues=1, enable_fails=True)
    assert result.returncode == 0, result.stderr
    assert not [c for c in calls if c.startswith("issue create")]
    assert "::warning::" in result.stdout


def test_the_guide_and_the_deploy_notes_say_how_to_see_and_fix_a_missing_rebuild():
    guide = (REPO / "docs" / "anleitung.md").read_text()
    assert "## 10. Läuft die tägliche Aktualisierung?" in guide
    for words in ("Stand der Termine", "Enable workflow", "Run workflow", "Take ownership", "Pipeline schedules"):
        assert words in guide, words
    deploy = (REPO / "deploy" / "README.md").read_text()
    for words in ("taeglich.yml", "wach-bleiben.sh", "60 Tage", "Besitzerin", "Take ownership"):
        assert words in deploy, words
