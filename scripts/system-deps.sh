#!/usr/bin/env bash
# Installs the system packages VeritasAd needs (media, OCR, speech for test media; a browser for tests).
# As root it uses apt; otherwise it prints the exact command to run.
set -euo pipefail
want=(ffmpeg tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng espeak-ng fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then want+=(chromium chromium-driver); fi
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = "0" ]; then
  echo "Installing system packages: ${missing[*]}"
  bash -c "$cmd"
else
  echo "Missing system packages: ${missing[*]}. Run as root:" >&2
  echo "  sudo bash -c '$cmd'" >&2
  exit 1
fi
