#!/usr/bin/env bash
# The demo: a farm records its season offline, checks its own log, and hands it to a mill,
# which verifies every entry before keeping it. Homes live in a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
VF="${VF:-.build/debug/vf}"
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/vf-demo.XXXXXX")"
trap 'rm -rf "$DEMO"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "The farm and the mill each create a home and an Ed25519 identity"
FARM=$("$VF" init --home "$DEMO/farm" 2>/dev/null)
MILL=$("$VF" init --home "$DEMO/mill" 2>/dev/null)
echo "farm: $FARM"
echo "mill: $MILL"
ls -l "$DEMO/farm/secret"

say "The farm publishes its profile and a few events, offline"
"$VF" publish --home "$DEMO/farm" '{"@type":"Organization","name":"Hillside Farm"}'
"$VF" publish --home "$DEMO/farm" --json --lines - <<JSON
{"@type":"EconomicEvent","action":"produce","provider":"$FARM","receiver":"$FARM","resourceQuantity":{"hasNumericalValue":"500","hasUnit":"kilogram"},"newInventoriedResource":{"name":"Wheat, 2026 harvest"}}
{"@type":"EconomicEvent","action":"work","provider":"$FARM","receiver":"$FARM","effortQuantity":{"hasNumericalValue":"12","hasUnit":"hour"}}
{"@type":"EconomicEvent","action":"transfer","provider":"$FARM","receiver":"$MILL","resourceQuantity":{"hasNumericalValue":"200","hasUnit":"kilogram"},"note":"wheat to the mill"}
JSON

say "A payload that is not a JSON object is refused, and nothing is appended"
"$VF" publish --home "$DEMO/farm" '[not, an, object]' || true

say "The farm's log"
"$VF" log --home "$DEMO/farm"

say "The farm re-verifies everything it holds"
"$VF" verify --home "$DEMO/farm"

say "The farm exports its feed; the mill imports it, verifying every entry"
"$VF" export --home "$DEMO/farm" --out "$DEMO/farm.vfb"
"$VF" import --home "$DEMO/mill" "$DEMO/farm.vfb"
"$VF" feeds --home "$DEMO/mill"
"$VF" verify --home "$DEMO/mill"

say "A copy of the bundle with one byte changed is refused precisely; the good entries before it are kept"
python3 - "$DEMO/farm.vfb" "$DEMO/tampered.vfb" <<'PY' 2>/dev/null || cp "$DEMO/farm.vfb" "$DEMO/tampered.vfb"
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) - 40] ^= 0x01   # inside the last entry's payload
open(sys.argv[2], "wb").write(data)
PY
"$VF" init --home "$DEMO/auditor" >/dev/null 2>&1
"$VF" import --home "$DEMO/auditor" "$DEMO/tampered.vfb" || true
"$VF" feeds --home "$DEMO/auditor"

say "Done. (Gossip over TCP between running nodes arrives with the replication work.)"
