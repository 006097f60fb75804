#!/usr/bin/env bash
# Prepares a fresh machine: the system tools VidQueue drives, the npm dependencies, the build.
# Debian/Ubuntu install yt-dlp, ffmpeg, aria2, chromium and firefox-esr with apt (as root, or through sudo);
# elsewhere it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v yt-dlp >/dev/null 2>&1 || missing+=(yt-dlp)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# Chromium drives the extension's end-to-end tests; curl is the benchmark's baseline.
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v curl >/dev/null 2>&1 || missing+=(curl)
# aria2c downloads a file over several connections.
command -v aria2c >/dev/null 2>&1 || missing+=(aria2)
# Firefox ESR runs the Firefox smoke test.
command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 || missing+=(firefox-esr)

if ((${#missing[@]})); then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]} with apt"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install ${missing[*]} (macOS: brew install ${missing[*]})" >&2
    exit 1
  fi
fi

npm ci --no-audit --no-fund
npm run build
