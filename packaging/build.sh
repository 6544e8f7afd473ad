#!/usr/bin/env bash
# Build the one-folder app from packaging/triage-app.spec into packaging/dist/triage-app.
#   PYTHON     interpreter with the app and PyInstaller installed (default: the repo's .venv)
#   DIST_DIR   where the built folder goes   (default: packaging/dist)
#   WORK_DIR   PyInstaller's scratch folder  (default: packaging/build)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x "$ROOT/.venv/bin/python" ]]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
DIST_DIR="${DIST_DIR:-$HERE/dist}"
WORK_DIR="${WORK_DIR:-$HERE/build}"

"$PYTHON" -m PyInstaller --noconfirm --log-level "${PYI_LOG_LEVEL:-WARN}" \
  --distpath "$DIST_DIR" --workpath "$WORK_DIR" "$HERE/triage-app.spec"
echo "built: $DIST_DIR/triage-app/triage-app"
