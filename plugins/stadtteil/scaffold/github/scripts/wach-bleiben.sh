#!/usr/bin/env bash
# Hält den täglichen Neubau wach (.github/workflows/taeglich.yml), in zwei Stufen:
#  1. Jeder Lauf schaltet den eigenen Workflow über die GitHub-API wieder ein. Das ist dieselbe Aktion wie
#     „Enable workflow“ von Hand; viele Projekte halten ihre Zeitpläne so wach. GitHub garantiert aber nicht,
#     dass das den 60-Tage-Zähler zurücksetzt – deshalb Stufe 2.
#  2. Liegt die letzte Änderung im Repository WARNEN_NACH Tage zurück (Vorgabe 45, also gut zwei Wochen
#     vor der Abschaltung), legt der Lauf ein Issue an (einmal; GitHub schickt es allen, die das Repository
#     beobachten, auch per E-Mail). Jede Änderung – ein neuer Termin, ein Tippfehler – setzt die Frist zurück.
# Braucht: gh (auf GitHubs Runnern vorhanden), GH_TOKEN, GITHUB_REPOSITORY, einen Checkout.
set -euo pipefail

WORKFLOW="${WORKFLOW:-taeglich.yml}"
WARNEN_NACH="${WARNEN_NACH:-45}"
TITEL="Website: Die tägliche Aktualisierung schläft bald ein"

if ! gh api -X PUT "repos/${GITHUB_REPOSITORY}/actions/workflows/${WORKFLOW}/enable" >/dev/null; then
  echo "::warning::Der Workflow ${WORKFLOW} konnte nicht wieder eingeschaltet werden (Recht „actions: write“?)."
fi

letzte=$(git log -1 --format=%ct)
heute=$(date +%s)
tage=$(( (heute - letzte) / 86400 ))
echo "Letzte Änderung im Repository vor ${tage} Tagen."
if [ "$tage" -lt "$WARNEN_NACH" ]; then
  exit 0
fi

abschaltung=$(date -u -d "@$(( letzte + 60 * 86400 ))" +%d.%m.%Y)
offen=$(gh issue list --state open --search "in:title \"${TITEL}\"" --json number --jq 'length' || echo 0)
if [ "${offen:-0}" != "0" ]; then
  echo "Das Hinweis-Issue ist schon offen."
  exit 0
fi
gh issue create --title "$TITEL" --body "Seit ${tage} Tagen wurde im Repository nichts geändert. GitHub schaltet den
täglichen Neubau der Website (Workflow „Täglich neu bauen“) nach 60 Tagen ohne Änderung ab, also etwa am
${abschaltung}. Dann bleiben „Heute im Stadtteilbüro“ und die nächsten Termine auf dem alten Stand.

Was zu tun ist (eine Sache genügt):
- Irgendeine kleine Änderung speichern, z. B. einen Termin nachtragen oder prüfen und ein Datum aktualisieren.
- Oder unter „Actions → Täglich neu bauen“ auf „Enable workflow“ bzw. „Run workflow“ klicken.

Dieses Issue danach schließen. Mehr dazu in docs/anleitung.md, Abschnitt „Läuft die tägliche Aktualisierung?“." \
  || echo "::warning::Seit ${tage} Tagen keine Änderung; der tägliche Neubau wird um den ${abschaltung} abgeschaltet. (Issue konnte nicht angelegt werden.)"
