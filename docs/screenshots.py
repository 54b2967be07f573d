"""Makes the screenshots of the staff guide from a real build: `.venv/bin/python docs/screenshots.py`."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from browser import browser, serve  # noqa: E402

SHOTS = [("angebot-handy.png", "angebote/naehtreff/", {"width": 390, "height": 844}),
         ("wochenplan.png", "wochenplan/", {"width": 1280, "height": 900}),
         ("startseite-handy.png", "", {"width": 390, "height": 844}),
         ("kalender.png", "kalender/", {"width": 1280, "height": 800})]


def main() -> None:
    site = REPO / "site"
    subprocess.run([str(REPO / ".venv" / "bin" / "stadtteil"), "build", "-f", str(REPO / "mkdocs.yml")], check=True,
                   env={"STADTTEIL_TODAY": "2026-11-24", "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    with serve(site) as base, browser() as chromium:
        for name, path, viewport in SHOTS:
            page = chromium.new_page(viewport=viewport)
            page.goto(base + path)
            page.screenshot(path=str(REPO / "docs" / "bilder" / name))
            page.close()


if __name__ == "__main__":
    main()
