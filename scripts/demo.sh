#!/usr/bin/env bash
# The demo: three real nodes on this machine — a farm, a mill and a bakery — each with its own
# home and identity, gossiping over TCP on loopback with the Secret Handshake and box stream.
# The farm and the bakery never connect to each other: everything flows through the mill.
set -euo pipefail
cd "$(dirname "$0")/.."
VF="${VF:-.build/debug/vf}"
DEMO="$(mktemp -d "${TMPDIR:-/tmp}/vf-demo.XXXXXX")"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$DEMO"; }
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
wait_for() { # wait_for SECONDS COMMAND...: until the command succeeds
    local limit=$1; shift
    for _ in $(seq $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}
has() { [ "$(held "$1" "$2")" -ge "$3" ]; }
held() { "$VF" feeds --home "$DEMO/$1" --json | python3 -c "import json,sys; print(next((f['sequence'] for f in json.load(sys.stdin) if f['id']=='$2'), 0))"; }

say "Three homes, three Ed25519 identities (secret keys are mode 0600)"
FARM=$("$VF" init --home "$DEMO/farm" 2>/dev/null)
MILL=$("$VF" init --home "$DEMO/mill" 2>/dev/null)
BAKERY=$("$VF" init --home "$DEMO/bakery" 2>/dev/null)
printf 'farm   %s\nmill   %s\nbakery %s\n' "$FARM" "$MILL" "$BAKERY"

say "Each follows the others (follows are entries in their own feeds)"
"$VF" follow --home "$DEMO/farm" "$MILL" >/dev/null;   "$VF" follow --home "$DEMO/farm" "$BAKERY" >/dev/null
"$VF" follow --home "$DEMO/mill" "$FARM" >/dev/null;   "$VF" follow --home "$DEMO/mill" "$BAKERY" >/dev/null
"$VF" follow --home "$DEMO/bakery" "$FARM" >/dev/null; "$VF" follow --home "$DEMO/bakery" "$MILL" >/dev/null

say "The farm records its harvest offline, before any network exists"
"$VF" publish --home "$DEMO/farm" --lines - <<JSON
{"@type":"Organization","name":"Hillside Farm"}
{"@type":"EconomicEvent","action":"produce","provider":"$FARM","receiver":"$FARM","resourceQuantity":{"hasNumericalValue":"500","hasUnit":"kilogram"},"newInventoriedResource":{"name":"Wheat, 2026 harvest"}}
{"@type":"EconomicEvent","action":"transfer","provider":"$FARM","receiver":"$MILL","resourceQuantity":{"hasNumericalValue":"200","hasUnit":"kilogram"},"note":"wheat to the mill"}
JSON

say "The mill runs a node; the farm and the bakery run nodes that know only the mill's address"
"$VF" serve --home "$DEMO/mill" --listen 127.0.0.1:0 --no-lan >"$DEMO/mill.out" 2>"$DEMO/mill.log" & PIDS+=($!)
wait_for 10 test -s "$DEMO/mill/address"
MILL_ADDRESS=$(cat "$DEMO/mill/address")
echo "mill listens at $MILL_ADDRESS"
for node in farm bakery; do
    "$VF" connect --home "$DEMO/$node" "$MILL_ADDRESS"
    "$VF" serve --home "$DEMO/$node" --listen 127.0.0.1:0 --no-lan >"$DEMO/$node.out" 2>"$DEMO/$node.log" & PIDS+=($!)
done

say "Gossip: the bakery receives the farm's feed through the mill"
wait_for 20 has bakery "$FARM" 5 || { echo "the bakery did not receive the farm's feed"; exit 1; }
"$VF" log --home "$DEMO/bakery" --author "$FARM" | sed -n '1,3p;10,12p'

say "Live: the mill publishes while all three run; the farm has it within a second"
"$VF" publish --home "$DEMO/mill" "{\"@type\":\"EconomicEvent\",\"action\":\"produce\",\"provider\":\"$MILL\",\"receiver\":\"$MILL\",\"resourceQuantity\":{\"hasNumericalValue\":\"150\",\"hasUnit\":\"kilogram\"},\"note\":\"flour\"}"
START=$(date +%s%N)
wait_for 5 has farm "$MILL" 3 || { echo "the farm did not receive the mill's entry"; exit 1; }
echo "reached the farm in $(( ($(date +%s%N) - START) / 1000000 )) ms"

say "Every node holds every feed, and every entry verifies"
for node in farm mill bakery; do
    echo "-- $node"; "$VF" feeds --home "$DEMO/$node"; "$VF" verify --home "$DEMO/$node"
done
"$VF" peers --home "$DEMO/mill"

say "A one-shot sync from a fresh node, for scripts: vf sync ADDRESS"
"$VF" init --home "$DEMO/auditor" >/dev/null 2>&1
"$VF" follow --home "$DEMO/auditor" "$FARM" >/dev/null
"$VF" sync --home "$DEMO/auditor" "$MILL_ADDRESS" 2>/dev/null
"$VF" verify --home "$DEMO/auditor" --author "$FARM"

say "A node on another network (another network key) learns nothing"
"$VF" init --home "$DEMO/stranger" --network "$(head -c 32 /dev/urandom | base64)" >/dev/null 2>&1
"$VF" sync --home "$DEMO/stranger" "$MILL_ADDRESS" --timeout 5 || echo "(vf sync exited $?: nothing was exchanged)"

say "Done: three nodes gossiped signed feeds over encrypted connections, and all verified."
