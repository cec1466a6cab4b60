#!/usr/bin/env bash
# Create .venv-focus at the repository root with the official FOCUS validator (focus-validator on PyPI).
#
# The validator needs Python >= 3.12, while the project itself runs on 3.11, so it lives in its own venv and
# ai_finops.focus_gate calls it as a subprocess. The install is pinned to one verified set of versions
# (pyarrow 21.0.0: focus-validator pins numpy<2 but not pyarrow, and pyarrow >= 22 needs NumPy 2).
#
# Idempotent: a marker file inside the venv records what was installed; when it matches, nothing is done.
# Exit codes: 0 ok, 1 install failed, 2 no suitable Python interpreter found.
#
# Environment: FOCUS_VENV (default <repo>/.venv-focus), FOCUS_PYTHON (explicit interpreter to use).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${FOCUS_VENV:-$ROOT/.venv-focus}"
MARKER="$VENV/.ai_finops_focus_setup"
FOCUS_VALIDATOR_VERSION="2.2.1"

# Full pinned set (`pip freeze`), verified with CPython 3.12.1 and 3.13.0 on linux x86_64; `pip check` clean.
PINS="$(
  cat <<'EOF'
focus-validator==2.2.1
pyarrow==21.0.0
annotated-types==0.8.0
attrs==26.1.0
certifi==2026.10.19.post1
charset-normalizer==3.5.3
ddt==1.7.2
duckdb==1.5.6
graphviz==0.21
idna==3.20
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
multimethod==2.0.2
mypy-extensions==1.2.0
numpy==1.26.4
packaging==26.4
pandas==2.3.3
pandasql==0.7.3
pandera==0.26.1
polars==1.44.2
polars-runtime-32==1.44.2
pydantic==2.14.4
pydantic-core==2.50.5
python-dateutil==4.0.0
pytz==2025.2
pyyaml==6.0.4
referencing==0.37.0
requests==2.34.2
rpds-py==2026.9.1
sqlalchemy==2.1.9
sqlglot==27.29.0
tabulate==0.10.0
typeguard==4.6.1
typing-extensions==4.16.0
typing-inspect==0.9.0
typing-inspection==0.4.5
tzdata==2026.6
urllib3==2.8.0
EOF
)"

log() { printf 'setup_focus_validator: %s\n' "$*" >&2; }

# A candidate is usable when it runs and is CPython >= 3.12. pyenv shims exist for versions that are not
# active and fail when run, so every candidate is executed, not just looked up.
is_usable_python() {
  [ -n "$1" ] && [ -x "$1" ] && "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null
}

find_python() {
  if [ -n "${FOCUS_PYTHON:-}" ]; then
    if is_usable_python "$FOCUS_PYTHON"; then
      echo "$FOCUS_PYTHON"
      return 0
    fi
    log "FOCUS_PYTHON=$FOCUS_PYTHON is not an executable Python >= 3.12"
    return 1
  fi
  local v p
  if command -v pyenv >/dev/null 2>&1; then
    # Installed 3.12.x first (the verified line; numpy<2 has no wheels for 3.13), newest patch first.
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.[0-9]+$' | sort -t. -k3,3nr) \
      $(pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$' | sort -t. -k3,3nr); do
      p="$(PYENV_VERSION="$v" pyenv which python 2>/dev/null || true)"
      if is_usable_python "$p"; then
        echo "$p"
        return 0
      fi
    done
  fi
  for v in python3.12 python3.13; do
    p="$(command -v "$v" 2>/dev/null || true)"
    if is_usable_python "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

if ! PY="$(find_python)"; then
  log "ERROR: no Python >= 3.12 found (focus-validator $FOCUS_VALIDATOR_VERSION requires it)."
  log "Looked for: FOCUS_PYTHON, pyenv versions 3.12.x / 3.13.x, python3.12 / python3.13 on PATH."
  log "Install one (e.g. 'pyenv install 3.12' or 'apt-get install python3.12-venv') or set FOCUS_PYTHON."
  exit 2
fi
PY_VERSION="$("$PY" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')"

PINS_SHA="$(printf '%s\n' "$PINS" | sha256sum | cut -d' ' -f1)"
STAMP="focus-validator==$FOCUS_VALIDATOR_VERSION python=$PY_VERSION pins-sha256=$PINS_SHA"

if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$STAMP" ] && [ -x "$VENV/bin/focus-validator" ] \
  && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  log "up to date: $VENV ($STAMP)"
  exit 0
fi

log "creating $VENV with $PY (Python $PY_VERSION)"
# Only focus-validator and pandasql are sdist-only; every other package must come as a wheel, so that a
# missing wheel fails at once instead of silently compiling for many minutes.
NO_BINARY="focus-validator,pandasql"
case "$PY_VERSION" in
  3.12.*) ;;
  *)
    # numpy 1.26.4 (focus-validator requires numpy<2) has no wheel for 3.13: it is compiled from source
    # (verified: works with CPython 3.13.0; 8-14 min on 2 CPUs, needs a C compiler).
    log "WARNING: Python $PY_VERSION: numpy 1.26.4 will be built from source (8-14 min, needs a C compiler)."
    log "Install Python 3.12 to avoid this."
    NO_BINARY="$NO_BINARY,numpy"
    ;;
esac
rm -rf "$VENV"
"$PY" -m venv "$VENV"
printf '%s\n' "$PINS" >"$VENV/focus-constraints.txt"

if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
  --only-binary=:all: --no-binary="$NO_BINARY" \
  -c "$VENV/focus-constraints.txt" "focus-validator==$FOCUS_VALIDATOR_VERSION" "pyarrow==21.0.0"; then
  log "ERROR: pip install of focus-validator==$FOCUS_VALIDATOR_VERSION failed (see above)."
  exit 1
fi
if ! "$VENV/bin/python" -m pip check --disable-pip-version-check; then
  log "ERROR: 'pip check' reports broken requirements in $VENV."
  exit 1
fi
# Import the heavy dependencies once: catches a numpy/pyarrow ABI mismatch now rather than in the gate.
"$VENV/bin/python" -c 'import focus_validator, numpy, pyarrow, polars, duckdb' || {
  log "ERROR: focus-validator dependencies do not import in $VENV."
  exit 1
}
[ -x "$VENV/bin/focus-validator" ] || {
  log "ERROR: $VENV/bin/focus-validator is missing after the install."
  exit 1
}

printf '%s\n' "$STAMP" >"$MARKER.tmp"
mv "$MARKER.tmp" "$MARKER"
log "installed: $STAMP"
