#!/usr/bin/env bash
# The demo: three real nodes on this machine — a farm, a mill and a bakery — each with its own
# home and identity, gossiping over TCP on loopback with the Secret Handshake and box stream.
# Each records its part of a supply chain as signed ValueFlows events; the farm and the bakery
# never connect to each other, everything flows through the mill. Then an auditor who recorded
# none of it traces the bread back to the field, every step with its verified signer.
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

say "The mill runs a node; the farm and the bakery run nodes that know only the mill's address"
"$VF" serve --home "$DEMO/mill" --listen 127.0.0.1:0 --no-lan --http 127.0.0.1:0 >"$DEMO/mill.out" 2>"$DEMO/mill.log" & PIDS+=($!)
wait_for 10 test -s "$DEMO/mill/address"
MILL_ADDRESS=$(cat "$DEMO/mill/address")
echo "mill listens at $MILL_ADDRESS"
for node in farm bakery; do
    "$VF" connect --home "$DEMO/$node" "$MILL_ADDRESS"
    "$VF" serve --home "$DEMO/$node" --listen 127.0.0.1:0 --no-lan --http 127.0.0.1:0 >"$DEMO/$node.out" 2>"$DEMO/$node.log" & PIDS+=($!)
done

# publish NODE JSON: append an event, print its entry id; CREATED holds the resource it created, if any.
publish() {
    local out; out=$("$VF" publish --home "$DEMO/$1" --json "$2") || return 1
    CREATED=$(python3 -c "import json,sys; print(json.loads(sys.argv[1]).get('createdResource',''))" "$out")
    python3 -c "import json,sys; print(json.loads(sys.argv[1])['id'])" "$out"
}
event() { # event ACTION PROVIDER RECEIVER FIELDS
    printf '{"@type":"EconomicEvent","action":"%s","provider":"%s","receiver":"%s",%s}' "$1" "$2" "$3" "$4"
}
qty() { printf '{"hasNumericalValue":"%s","hasUnit":"%s"}' "$1" "$2"; }

say "The mill needs 400 kg of wheat, and says so on its feed"
NEED=$(publish mill '{"@type":"Intent","action":"transfer","receiver":"'"$MILL"'","resourceQuantity":'"$(qty 400 kilogram)"',"name":"wheat for milling"}')
wait_for 20 has farm "$MILL" 3 || { echo "the farm did not receive the mill's need"; exit 1; }
"$VF" needs --home "$DEMO/farm"
WHEAT_SPEC=$(publish mill '{"@type":"ResourceSpecification","name":"milling wheat","defaultUnitOfResource":"kilogram"}')
publish mill "$(event raise "$MILL" "$MILL" '"resourceQuantity":'"$(qty 50 kilogram)"',"resourceConformsTo":"'"$WHEAT_SPEC"'","newInventoriedResource":{"name":"wheat store"}')" >/dev/null
MILL_STOCK=$CREATED

say "The farm grows wheat, commits to deliver 400 kg to the mill and proposes an agreement"
publish farm '{"@type":"Organization","name":"Hillside Farm","@id":"'"$FARM"'"}' >/dev/null
GROWING=$(publish farm '{"@type":"Process","name":"growing wheat","basedOn":"field 7"}')
publish farm "$(event produce "$FARM" "$FARM" '"resourceQuantity":'"$(qty 1000 kilogram)"',"outputOf":"'"$GROWING"'","newInventoriedResource":{"name":"wheat","trackingIdentifier":"W-2026-1"}')" >/dev/null
WHEAT=$CREATED
wait_for 20 has farm "$MILL" 5 || { echo "the farm did not receive the mill's wheat store"; exit 1; }
COMMITMENT=$(publish farm '{"@type":"Commitment","action":"transfer","provider":"'"$FARM"'","receiver":"'"$MILL"'","resourceConformsTo":"'"$WHEAT_SPEC"'","resourceQuantity":'"$(qty 400 kilogram)"',"satisfies":"'"$NEED"'"}')
AGREEMENT=$(publish farm '{"@type":"Agreement","name":"wheat for the mill","stipulates":["'"$COMMITMENT"'"]}')
wait_for 20 has mill "$FARM" 7 || { echo "the mill did not receive the farm's proposal"; exit 1; }
DELIVERY=$(event transfer "$FARM" "$MILL" '"resourceQuantity":'"$(qty 400 kilogram)"',"resourceInventoriedAs":"'"$WHEAT"'","toResourceInventoriedAs":"'"$MILL_STOCK"'","toLocation":"mill yard","fulfills":"'"$COMMITMENT"'","satisfies":"'"$NEED"'"')

say "Until the mill signs, the farm may not deliver into the mill's own wheat store and move it to the yard"
publish farm "$DELIVERY" || true

say "The mill signs the agreement; both parties have now signed it"
"$VF" agree --home "$DEMO/mill" "$AGREEMENT" >/dev/null
wait_for 20 has farm "$MILL" 6 || { echo "the farm did not receive the mill's signature"; exit 1; }
"$VF" agreements --home "$DEMO/farm"

say "Now the agreement in force carries the mill's consent: the farm delivers 400 kg into the mill's store"
publish farm "$DELIVERY" >/dev/null
MILL_WHEAT=$MILL_STOCK
echo "400 kg of wheat $WHEAT went into the mill's store $MILL_WHEAT, now at the mill yard"
wait_for 20 has mill "$FARM" 8 || { echo "the mill did not receive the farm's feed"; exit 1; }
"$VF" resource --home "$DEMO/mill" "$MILL_WHEAT"

say "The mill grinds it into flour, with six hours of work, and sells the flour to the bakery"
MILLING=$(publish mill '{"@type":"Process","name":"milling"}')
publish mill "$(event consume "$MILL" "$MILL" '"resourceQuantity":'"$(qty 400 kilogram)"',"resourceInventoriedAs":"'"$MILL_WHEAT"'","inputOf":"'"$MILLING"'"')" >/dev/null
publish mill "$(event work "$MILL" "$MILL" '"effortQuantity":'"$(qty 6 hour)"',"inputOf":"'"$MILLING"'"')" >/dev/null
publish mill "$(event produce "$MILL" "$MILL" '"resourceQuantity":'"$(qty 300.5 kilogram)"',"outputOf":"'"$MILLING"'","newInventoriedResource":{"name":"flour"}')" >/dev/null
FLOUR=$CREATED
publish mill "$(event transfer "$MILL" "$BAKERY" '"resourceQuantity":'"$(qty 300.5 kilogram)"',"resourceInventoriedAs":"'"$FLOUR"'","newInventoriedResource":{"name":"flour at the bakery"}')" >/dev/null
BAKERY_FLOUR=$CREATED
wait_for 20 has bakery "$MILL" 11 || { echo "the bakery did not receive the mill's feed"; exit 1; }

say "The bakery bakes bread, with eight hours of work"
BAKING=$(publish bakery '{"@type":"Process","name":"baking"}')
publish bakery "$(event consume "$BAKERY" "$BAKERY" '"resourceQuantity":'"$(qty 300.5 kilogram)"',"resourceInventoriedAs":"'"$BAKERY_FLOUR"'","inputOf":"'"$BAKING"'"')" >/dev/null
publish bakery "$(event work "$BAKERY" "$BAKERY" '"effortQuantity":'"$(qty 8 hour)"',"inputOf":"'"$BAKING"'"')" >/dev/null
publish bakery "$(event produce "$BAKERY" "$BAKERY" '"resourceQuantity":'"$(qty 500 each)"',"outputOf":"'"$BAKING"'","newInventoriedResource":{"name":"bread"}')" >/dev/null
BREAD=$CREATED

say "An invalid event is refused before it is signed (the wheat is the farm's, not the bakery's)"
publish bakery "$(event consume "$BAKERY" "$BAKERY" '"resourceQuantity":'"$(qty 1 kilogram)"',"resourceInventoriedAs":"'"$WHEAT"'"')" || true

say "Live: the farm has the bakery's events within a second"
START=$(date +%s%N)
wait_for 5 has farm "$BAKERY" 6 || { echo "the farm did not receive the bakery's entries"; exit 1; }
echo "reached the farm in $(( ($(date +%s%N) - START) / 1000000 )) ms"

say "An auditor who recorded none of it syncs once with the mill and traces the bread to the field"
"$VF" init --home "$DEMO/auditor" >/dev/null 2>&1
for feed in "$FARM" "$MILL" "$BAKERY"; do "$VF" follow --home "$DEMO/auditor" "$feed" >/dev/null; done
"$VF" sync --home "$DEMO/auditor" "$MILL_ADDRESS" 2>/dev/null
"$VF" resources --home "$DEMO/auditor"
echo
"$VF" trace --home "$DEMO/auditor" "$BREAD"
echo
"$VF" agreements --home "$DEMO/auditor"
"$VF" commitments --home "$DEMO/auditor"

say "A proof of the bread's origin, one file anyone can check offline (or in a browser: Sources/VFAPI/Web/proof.html)"
"$VF" prove "$BREAD" --out "$DEMO/bread.proof.json" --home "$DEMO/auditor"
"$VF" proof check "$DEMO/bread.proof.json" | tail -4

say "Every node holds every feed, and every entry verifies"
for node in farm mill bakery; do
    echo "-- $node"; "$VF" feeds --home "$DEMO/$node"; "$VF" verify --home "$DEMO/$node"
done
"$VF" peers --home "$DEMO/mill"

say "The same graph over the bakery's local HTTP API (its web page is at the same address)"
wait_for 10 test -s "$DEMO/bakery/http"
BAKERY_URL=$(cat "$DEMO/bakery/http")
python3 - "$BAKERY_URL" "$BREAD" <<'PY'
import json, sys, urllib.request
url, bread = sys.argv[1], sys.argv[2]
steps = json.load(urllib.request.urlopen(url + "api/trace/" + urllib.request.quote(bread, safe="")))
signers = {s["author"] for s in steps if s.get("type") == "event" and s.get("signatureVerified")}
print(f"GET {url}api/trace/…  {len(steps)} steps, {len(signers)} verified signers")
PY
echo "web page: $BAKERY_URL#token=$("$VF" token --home "$DEMO/bakery")"

say "A node on another network (another network key) learns nothing"
"$VF" init --home "$DEMO/stranger" --network "$(head -c 32 /dev/urandom | base64)" >/dev/null 2>&1
"$VF" sync --home "$DEMO/stranger" "$MILL_ADDRESS" --timeout 5 || echo "(vf sync exited $?: nothing was exchanged)"

say "Done: three nodes gossiped signed ValueFlows events over encrypted connections; the bread traces to the field."
if [ -n "${DEMO_KEEP:-}" ]; then
    echo "DEMO_KEEP is set: the three nodes keep running; open the bakery's page above. Ctrl-C stops them."
    wait
else
    echo "(run with DEMO_KEEP=1 to keep the nodes running and open the bakery's web page)"
fi
