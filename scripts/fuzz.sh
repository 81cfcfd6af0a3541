#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of Fuzz/ and runs each for FUZZ_SECONDS from a working
# copy of its committed seeds (Fuzz/Corpus/<target>), so what the fuzzer adds stays out of git;
# the inputs of crashes fixed before (Fuzz/Regressions/<target>) are replayed too.
# Prints each target's executions and a total. A crash leaves its input in <scratch>/findings/<target>.
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   targets to run (default: all)
#   FUZZ_JOBS      targets run at once (default 1)
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
JOBS="${FUZZ_JOBS:-1}"
ALL_TARGETS="fuzz-entry fuzz-bundle fuzz-backup fuzz-sync-frame fuzz-sync-state-machine fuzz-handshake-server fuzz-handshake-client
  fuzz-box-stream fuzz-box-stream-plaintext fuzz-lan-announcement fuzz-multiserver-address fuzz-invite-code
  fuzz-payload fuzz-json fuzz-api-request fuzz-proof fuzz-feed-mark"
TARGETS="${FUZZ_TARGETS:-$ALL_TARGETS}"
SCRATCH="$PWD/.build-fuzz"

# Release with debug info: faster, and Swift's overflow and bounds traps stay on (they are what
# is hunted). -enable-testing lets harnesses reach the few internals they drive (@testable).
# With FUZZ_TARGETS, only those products (and what they import) are built.
# SwiftPM keeps the root package's source list in the build plan; files added to the root
# since the last build would be missing from it, so the plan is made again each time.
rm -f "$SCRATCH/release.yaml" "$SCRATCH/release/description.json"
build() {
  "${SWIFT:-swift}" build --package-path Fuzz --scratch-path "$SCRATCH" -c release --sanitize=fuzzer \
    -Xswiftc -g -Xswiftc -enable-testing "$@"
}
if [ -n "${FUZZ_TARGETS:-}" ]; then
  for target in $TARGETS; do build --product "$target" || exit 1; done
else
  build || exit 1
fi
BIN="$SCRATCH/release"

run_target() {
  local target="$1" work="$SCRATCH/corpus/$1" findings="$SCRATCH/findings/$1" log="$SCRATCH/logs/$1.log"
  mkdir -p "$work" "$findings" "$(dirname "$log")"
  "$BIN/$target" -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$findings/" "$work" "Fuzz/Corpus/$target" $(ls -d "Fuzz/Regressions/$target" 2>/dev/null) >"$log" 2>&1
  local status=$?
  local runs; runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  if [ "$status" -eq 0 ]; then
    printf '%-28s %12s executions\n' "$target" "${runs:-0}"
  else
    printf '%-28s %12s executions  FAILED (exit %s): see %s and %s\n' "$target" "${runs:-0}" "$status" "$log" "$findings"
  fi
}

export -f run_target
export SCRATCH SECONDS_PER_TARGET BIN
results=$(printf '%s\n' $TARGETS | xargs -P "$JOBS" -I{} bash -c 'run_target {}')
echo "$results" | sort
total=$(echo "$results" | awk '{ sum += $2 } END { print sum + 0 }')
printf '%-28s %12s executions in %s s per target\n' "total" "$total" "$SECONDS_PER_TARGET"
if echo "$results" | grep -q FAILED; then exit 1; fi
