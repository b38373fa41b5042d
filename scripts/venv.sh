# Sourced by ./run and ./test: make sure the virtual environment exists and holds exactly the
# pinned requirements, then activate it. Re-installs only when a requirements file changed,
# so a second run starts at once.
#   XIANLI_VENV   where the environment lives (default .venv)
#   PYTHON        the interpreter to build it from (default python3.11)
set -euo pipefail

xianli_venv() {
  local requirements=$1
  local venv=${XIANLI_VENV:-.venv}
  local python=${PYTHON:-python3.11}
  # a python3 that is 3.11 will do when no python3.11 is on the PATH
  if ! command -v "$python" >/dev/null 2>&1 && [ -z "${PYTHON:-}" ] &&
    python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
    python=python3
  fi
  if ! command -v "$python" >/dev/null 2>&1; then
    echo "error: $python not found. Install Python 3.11 (e.g. apt-get install python3.11 python3.11-venv) or set PYTHON=/path/to/python3.11." >&2
    exit 2
  fi
  # The stamp names what was installed: the file and a hash of it and of requirements.txt.
  local stamp="$venv/.xianli-installed"
  local want dev
  want="$requirements $(cat "$requirements" requirements.txt | sha256sum | cut -c1-16)"
  dev="requirements-dev.txt $(cat requirements-dev.txt requirements.txt | sha256sum | cut -c1-16)"
  # the dev requirements include the app's: an environment set up by ./test serves ./run
  if [ "$requirements" = requirements.txt ] && [ "$(cat "$stamp" 2>/dev/null)" = "$dev" ]; then
    want=$dev
  fi
  if [ ! -x "$venv/bin/python" ]; then
    echo "setting up $venv (first run: a few minutes) …" >&2
    "$python" -m venv "$venv"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing $requirements into $venv …" >&2
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -r "$requirements"
    echo "$want" >"$stamp"
  fi
  # shellcheck disable=SC1091
  . "$venv/bin/activate"
}
