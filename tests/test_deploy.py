"""Publishing: the pipelines are well-formed and the nginx configuration serves the site correctly."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from sites import BATENBROCK, DATA, DAY, MINI, NOT_COPIED, REPO, copy_project

MAKE_TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text(), re.M))


def make_targets_in(commands: list[str]) -> set[str]:
    found = set()
    for command in commands:
        for match in re.finditer(r"\bmake(?: -s)? ([a-z][a-z-]*)", command):
            found.add(match.group(1))
    return found


def test_github_workflow_checks_builds_in_production_and_deploys_only_after_success():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    on = workflow.get("on") or workflow.get(True)         # YAML 1.1 reads the key `on` as true
    # The daily rebuild lives in taeglich.yml (tests/test_daily_rebuild.py): a schedule GitHub switches off
    # after 60 quiet days takes its whole file with it, and this one must go on publishing every change.
    assert {"push", "pull_request", "workflow_call"} <= set(on) and "schedule" not in on
    jobs = workflow["jobs"]
    assert jobs["build"]["needs"] == "check" and jobs["deploy"]["needs"] == "build"
    for job in jobs.values():
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            assert "uses" not in step or re.match(r"^actions/[a-z-]+@v\d+$", step["uses"]), step
    runs = [s["run"] for j in jobs.values() for s in j["steps"] if "run" in s]
    assert make_targets_in(runs) <= MAKE_TARGETS
    build_env = next(s for s in jobs["build"]["steps"] if s.get("run") == "make site")["env"]
    assert build_env["STADTTEIL_PRODUCTION"] == "1"
    assert "--format github" in (REPO / "Makefile").read_text().replace("$(FORMAT)", "github") or "FORMAT=github" in runs[0]
    assert jobs["deploy"]["if"].startswith("github.event_name != 'pull_request'")


def test_gitlab_pipeline_checks_builds_in_production_and_publishes_public():
    pipeline = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text())
    assert pipeline["stages"] == ["check", "build", "deploy"]
    assert pipeline["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert pipeline["build"]["variables"]["STADTTEIL_PRODUCTION"] == "1" and pipeline["build"]["needs"] == ["check"]
    assert pipeline["pages"]["needs"] == ["build"] and pipeline["pages"]["artifacts"]["paths"] == ["public"]
    scripts = [line for job in ("check", "build", "pages") for line in pipeline[job]["script"]]
    assert make_targets_in(scripts) <= MAKE_TARGETS | {".venv"}


def test_pre_commit_runs_the_check_on_data_files():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    hook = config["repos"][0]["hooks"][0]
    assert hook["entry"] == "make check" and re.match(hook["files"], "offers/naehtreff.yml")
    assert not re.match(hook["files"], "plugins/stadtteil/cli.py")


def test_check_formats_for_pipelines(tmp_path, capsys):
    import json
    from stadtteil.cli import main
    project = copy_project(MINI, tmp_path / "p")
    offer = project / "offers" / "naehtreff.yml"
    offer.write_text(offer.read_text().replace("weekly: [do]", "weekly: [donnerstag]"))

    def run(fmt):
        # In-process through the public command (the output is what is tested, not a new interpreter).
        returncode = main(["check", "-f", str(project / "mkdocs.yml"), "--format", fmt])
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["stadtteil", "check"], returncode, out, err)
    text = run("text")
    assert text.returncode == 1 and "offers/naehtreff.yml\n  Zeile 14, Spalte 14: Feld „weekly“" in text.stderr
    github = run("github")
    assert github.stdout.startswith("::error file=offers/naehtreff.yml,line=14,col=14,")
    gitlab = json.loads(run("gitlab").stdout)
    assert gitlab[0]["location"] == {"path": "offers/naehtreff.yml", "lines": {"begin": 14}}
    data = json.loads(run("json").stdout)
    assert data["ok"] is False and data["errors"][0]["line"] == 14
    offer.write_text(offer.read_text().replace("[donnerstag]", "[do]"))
    assert run("text").returncode == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, full_site):
    """The shipped configuration in real nginx: HTTPS with a throwaway self-signed certificate, and the
    plain-HTTP server that only redirects. Yields the HTTPS address, the site and the HTTP address."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("nginx fehlt; .ci/run installiert es (Debian-Paket nginx-light).")
        pytest.skip("nginx fehlt: `apt-get install nginx-light`")
    tmp = tmp_path_factory.mktemp("nginx")
    site = full_site   # the shared build of the frozen data; nginx only reads it
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                   check=True, capture_output=True)
    port, http_port = free_port(), free_port()
    domain = "www.gemeinsam-in-batenbrock.example"
    config = (REPO / "deploy" / "nginx.conf").read_text()
    for old, new in (("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen 443 ssl", f"listen 127.0.0.1:{port} ssl"),
                     ("root /srv/stadtteil/site;", f"root {site};"),
                     (f"/etc/letsencrypt/live/{domain}/fullchain.pem", str(tmp / "cert.pem")),
                     (f"/etc/letsencrypt/live/{domain}/privkey.pem", str(tmp / "key.pem"))):
        assert old in config, old
        config = config.replace(old, new)
    (tmp / "logs").mkdir()
    # As root, nginx's workers would run as nobody and not see pytest's private temp folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp / "nginx.conf").write_text(f"""
{user}
daemon off; pid {tmp}/nginx.pid; error_log {tmp}/logs/error.log; worker_processes 1;
events {{ worker_connections 64; }}
http {{ access_log off; client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
        uwsgi_temp_path {tmp}; scgi_temp_path {tmp}; {config} }}
""")
    process = subprocess.Popen([binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"https://127.0.0.1:{port}/"
    TLS.load_verify_locations(str(tmp / "cert.pem"))
    answer = None
    for _ in range(100):
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base, timeout=1, context=TLS) as response:
                answer = response.status, response.read()
            break
        except OSError:
            time.sleep(0.1)
    # nginx really serves: a configuration it refuses, or a server that never answers, must fail here,
    # not as a confusing later test (or not at all).
    if process.poll() is not None or answer is None:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)
        pytest.fail("nginx startete nicht oder antwortete nicht:\n" + process.stderr.read().decode()
                    + (tmp / "logs/error.log").read_text())
    yield base, site, f"http://127.0.0.1:{http_port}/", process, answer
    process.terminate()
    process.wait(timeout=10)


TLS = ssl.create_default_context()


def test_nginx_is_running_and_serves_the_built_start_page(nginx):
    """The fixture's own check, stated: the process is up and its first answer was the site's start page."""
    base, site, _, process, (status, body) = nginx
    assert process.poll() is None, "nginx läuft nicht mehr"
    assert status == 200 and body == (site / "index.html").read_bytes()
    with urllib.request.urlopen(base + "kontakt/", timeout=5, context=TLS) as response:
        assert response.status == 200 and response.read() == (site / "kontakt" / "index.html").read_bytes()


def get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=5, context=TLS if url.startswith("https:") else None)
    except urllib.error.HTTPError as error:
        return error


def test_nginx_serves_calendars_as_text_calendar_utf8(nginx):
    base, *_ = nginx
    response = get(base + "kalender/alle.ics")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.read().startswith(b"BEGIN:VCALENDAR")


def test_nginx_sends_security_headers_and_sensible_caching(nginx):
    base, site, *_ = nginx
    page = get(base + "angebote/naehtreff/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Cache-Control"] == "no-cache"
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    asset = get(base + "assets/javascripts/" + bundle)
    assert "immutable" in asset.headers["Cache-Control"]
    missing = get(base + "gibt-es-nicht/")
    assert missing.status == 404 and b"Kofinanziert von der Europ" in missing.read()
    # Each language's own error page, in its language and direction.
    arabic = get(base + "ar/gibt-es-nicht/")
    assert arabic.status == 404 and b'<html lang="ar" dir="rtl"' in arabic.read()
    feed = get(base + "en/kalender/alle.ics")
    assert feed.status == 200 and feed.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_nginx_lets_partner_pages_read_the_dates_and_serves_atom(nginx):
    """#20: partners' pages on other addresses read /einbinden/*.json (CORS, no cookies); the pages
    themselves still refuse to be framed; the Atom feed has its type."""
    base, *_ = nginx
    data = get(base + "einbinden/de/alle.json")
    assert data.status == 200 and data.headers["Access-Control-Allow-Origin"] == "*"
    assert data.headers["Content-Type"].startswith("application/json") and data.read().startswith(b"{")
    assert "Access-Control-Allow-Origin" not in get(base + "termine-einbinden/").headers
    assert "frame-ancestors 'none'" in get(base + "termine-einbinden/").headers["Content-Security-Policy"]
    atom = get(base + "en/kalender/neuigkeiten.atom")
    assert atom.status == 200 and atom.headers["Content-Type"] == "application/atom+xml; charset=utf-8"


def test_headers_file_for_static_hosts_is_in_the_site(nginx):
    _, site, *_ = nginx
    headers = (site / "_headers").read_text()
    assert "/*.ics\n  Content-Type: text/calendar; charset=utf-8" in headers
    assert "/*.svg\n  Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; sandbox" in headers


def test_nginx_serves_graphics_and_calendars_sandboxed_over_https_only(nginx):
    """An SVG or calendar opened on its own runs nothing and loads nothing; HTTP only redirects."""
    base, site, plain, *_ = nginx
    svg = get(base + "assets/funding/eu-esf.svg")
    assert svg.status == 200 and svg.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert svg.headers["X-Content-Type-Options"] == "nosniff"
    calendar = get(base + "kalender/alle.ics")
    assert calendar.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert calendar.headers["X-Content-Type-Options"] == "nosniff"
    for response in (svg, calendar, get(base + "angebote/naehtreff/"), get(base + "gibt-es-nicht/")):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    import http.client
    connection = http.client.HTTPConnection(plain.split("//")[1].rstrip("/"), timeout=5)
    connection.request("GET", "/angebote/naehtreff/?a=1")
    redirect = connection.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location").startswith("https://") and redirect.getheader("Location").endswith(
        "/angebote/naehtreff/?a=1")


def pipeline_copy(tmp_path: Path) -> Path:
    """The repository as a pipeline sees it, with the delivered (here: test) logo files in place. Its data
    are the frozen snapshot (tests/fixtures/batenbrock): a staff edit must not break the engine's tests."""
    project = tmp_path / "repo"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", "site.*", ".git"))
    for name in DATA:
        shutil.rmtree(project / name) if (project / name).is_dir() else (project / name).unlink()
        source = BATENBROCK / name
        shutil.copytree(source, project / name, ignore=NOT_COPIED) if source.is_dir() else shutil.copy(source, project / name)
    (project / ".venv").symlink_to(REPO / ".venv")   # the installed environment, as `make` would create it
    (project / ".venv" / ".installed-stamp").touch()
    from PIL import Image
    (project / "logos").mkdir()
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for logo in ("mags", "mkffi", "kpk-nrw", "stadt-bottrop", "traeger"):
        image = Image.new("RGB", (300, 100), "white")   # a logo shows something: one flat colour is refused
        image.paste((20, 60, 120), (20, 20, 280, 80))
        image.save(project / "logos" / f"{logo}.png")
        text = text.replace(f"{{id: {logo}, alt:", f"{{id: {logo}, file: logos/{logo}.png, alt:")
    config.write_text(text, encoding="utf-8")
    from realsite import without_placeholders   # and the Impressum's real names and addresses
    return without_placeholders(project)


def run_steps(project: Path, steps: list[tuple[str, dict]]) -> None:
    for command, env in steps:
        result = subprocess.run(["bash", "-c", command], cwd=project, capture_output=True, text=True,
                                env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "STADTTEIL_TODAY": DAY, **env})
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])


def test_github_workflow_steps_run_locally(tmp_path):
    project = pipeline_copy(tmp_path)
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    steps = [(s["run"], s.get("env", {})) for job in ("check", "build") for s in workflow["jobs"][job]["steps"]
             if "run" in s]
    run_steps(project, steps)
    assert (project / "site" / "index.html").exists()
    assert "Platzhalter" not in (project / "site" / "index.html").read_text(encoding="utf-8")


def test_gitlab_pipeline_steps_run_locally(tmp_path):
    project = pipeline_copy(tmp_path)
    pipeline = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text())
    steps = [(line, {k: str(v) for k, v in pipeline[job].get("variables", {}).items()})
             for job in ("check", "build", "pages") for line in pipeline[job]["script"]]
    run_steps(project, steps)
    import json
    assert json.loads((project / "gl-code-quality-report.json").read_text()) == []
    assert (project / "public" / "index.html").exists()
