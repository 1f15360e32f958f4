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

python -m pip install -q -e ".[test]"
export XLWINGS_LICENSE_KEY=noncommercial
set +e
python -m pytest -q
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: that is a failure" >&2
    exit 1
fi
exit "$status"
