#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine, then runs them all.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in libreoffice-calc libreoffice-writer; do  # writer: the .docx report's PDF check
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)  # the PDF checks of tests/integration/test_convert.py
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# the virtual environment of the README's first command (made here if that was not run): a fresh Debian has
# python3 only, and its system pip refuses to install (externally managed)
if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then  # Debian without python3-venv: ensurepip is missing
        rm -rf .venv
        SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
        python3 -m venv .venv
    fi
fi
.venv/bin/python -m pip install -q -e ".[test]"
export PATH="$PWD/.venv/bin:$PATH"  # the tests run xl-tools as a user does, from this environment
export XLWINGS_LICENSE_KEY=noncommercial
set +e
.venv/bin/python -m pytest -q
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
