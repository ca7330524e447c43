#!/usr/bin/env bash
# Debian packages jichitai needs: Japanese fonts (PDF certificates, charts), chromium (end-to-end tests),
# Java 17 (PySpark), PostgreSQL client tools and server binaries (DR drills start their own clusters).
# Idempotent: installs only what is missing.
set -euo pipefail
need=()
dpkg -s fonts-ipaexfont >/dev/null 2>&1 || need+=(fonts-ipaexfont)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v pgbench >/dev/null 2>&1 || need+=(postgresql-contrib)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
