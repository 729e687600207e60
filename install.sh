#!/usr/bin/env bash
# Installs everything SoHoa needs on a fresh Debian machine: system packages (Tesseract with
# Vietnamese, fonts for the sample generator, Chromium for browser tests) and a virtualenv
# in .venv with the pinned Python dependencies (constraints.txt is the lock).
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_PACKAGES=(tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd poppler-utils
              fonts-dejavu-core fonts-liberation2 fonts-noto-core fonts-freefont-ttf
              fonts-sil-andika wrk chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> pip install (pinned by constraints.txt)"
.venv/bin/python -m pip install -q --upgrade "pip>=24"
.venv/bin/python -m pip install -q -c constraints.txt -e ".[test]"
echo "==> installed: $(.venv/bin/sohoa --help >/dev/null && echo sohoa ok), $(tesseract --version 2>&1 | head -1)"
