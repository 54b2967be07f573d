"""Real-looking values for what a production build refuses as placeholders (stadtteil/checks/production.py):
the fixture site and the repository's own data use example domains and placeholder names, which a
production build must not publish. Tests of production builds put these in, as an office would."""

import re
from pathlib import Path


def without_placeholders(project: Path) -> Path:
    config = project / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_url: \S+", "site_url: https://www.testbuero-mitte.de/",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    office = project / "office.yml"
    office.write_text(office.read_text(encoding="utf-8").replace("@example.org", "@testbuero-mitte.de")
                      .replace("Vorname Nachname", "Erika Beispiel"), encoding="utf-8")
    nginx = project / "deploy" / "nginx.conf"   # the server configuration names the real host too
    if nginx.is_file():
        nginx.write_text(nginx.read_text(encoding="utf-8").replace("www.gemeinsam-in-batenbrock.example",
                                                                   "www.testbuero-mitte.de"), encoding="utf-8")
    return project
