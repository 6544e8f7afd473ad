#!/usr/bin/env bash
# Smoke-test a built app headless: --version, then `triage-app triage` on two sample tickets with
# their expected verdicts. Usage: smoke_test.sh [APP_DIR]   (default: packaging/dist/triage-app)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
APP_DIR="${1:-$HERE/dist/triage-app}"
EXE="$APP_DIR/triage-app"
[[ -x "$EXE" ]] || { echo "smoke: no built program at $EXE (run packaging/build.sh)" >&2; exit 1; }

# A throwaway knowledge base, so the smoke test never touches the user's data.
DATA="$(mktemp -d)"
trap 'rm -rf "$DATA"' EXIT
export QT_QPA_PLATFORM=offscreen TRIAGE_APP_DATA_DIR="$DATA"

"$EXE" --version

check() {  # check TICKET EXPECTED_VERDICT
  local ticket="$1" expected="$2" out verdict
  out="$("$EXE" triage --json --today 2026-01-15 --data-dir "$DATA" "$ticket")" || {
    echo "smoke: FAIL $(basename "$ticket"): exit code $?" >&2; return 1; }
  verdict="$(printf '%s' "$out" | grep -o '"verdict": *"[a-z_]*"' | head -n1 | grep -o '"[a-z_]*"$' | tr -d '"')"
  if [[ "$verdict" != "$expected" ]]; then
    echo "smoke: FAIL $(basename "$ticket"): verdict '$verdict', expected '$expected'" >&2
    return 1
  fi
  echo "smoke: ok   $(basename "$ticket"): $verdict"
}

check "$HERE/smoke/in_scope.txt" in_scope
check "$HERE/smoke/out_of_scope.txt" out_of_scope
# The knowledge base was seeded from the bundled resources (policy, vocabulary, releases).
[[ -f "$DATA/knowledge.db" ]] || { echo "smoke: FAIL no knowledge base created in $DATA" >&2; exit 1; }
echo "smoke: passed"
