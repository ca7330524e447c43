#!/usr/bin/env bash
# Debian packages jichitai needs, by what needs them. Idempotent: installs only what is missing, through
# apt-get (with sudo when not root, the only root either `make demo` or `make test` asks for).
#   pdf    the PDFs' Japanese fonts: IPAex (every certificate and notice, Typst), IPAmj明朝 (names and addresses:
#          the MJ characters with their variation sequences, 文字要件), BabelStone Han (the MJ characters IPAmj明朝
#          005.01 lacks) and Noto CJK (Typst's last fallback): what `make demo` needs to issue certificates and
#          notices with every registered glyph;
#          and what the declarations portal reads attachments with: tesseract-ocr with its Japanese data (scans)
#          and poppler (a PDF's own text)
#   all    (default) pdf, plus what the test suite drives: chromium (end-to-end tests), Java 17 (PySpark),
#          poppler (PDF checks), PostgreSQL's contrib tools (pgbench, DR drills), systemd (systemd-analyze
#          verifies the units in deploy/), pgBackRest (the DR backups and point-in-time restore), zbar (reads the
#          納付書's コンビニ収納 GS1-128 barcode back in the PDF tests)
# `--list GROUP` prints the group's packages (installed or not) and changes nothing.
set -euo pipefail
list=0
if [ "${1:-}" = --list ]; then list=1; shift; fi
group=${1:-all}
case "$group" in pdf|all) ;; *) echo "usage: $0 [--list] [pdf|all]" >&2; exit 2 ;; esac
# package, and the command that shows it is there ("" = ask dpkg)
wanted=("fonts-ipaexfont:" "fonts-ipamj-mincho:" "fonts-babelstone-han:" "fonts-noto-cjk:" "tesseract-ocr:tesseract"
        "tesseract-ocr-jpn:"
        "poppler-utils:pdftotext")
if [ "$group" = all ]; then
  wanted+=("chromium:chromium" "openjdk-17-jre-headless:java" "postgresql-contrib:pgbench"
           "systemd:systemd-analyze" "pgbackrest:pgbackrest" "zbar-tools:zbarimg")
fi
need=()
for entry in "${wanted[@]}"; do
  package=${entry%%:*} command=${entry#*:}
  if ((list)); then echo "$package"; continue; fi
  if [ -n "$command" ]; then command -v "$command" >/dev/null 2>&1 || need+=("$package")
  else dpkg -s "$package" >/dev/null 2>&1 || need+=("$package"); fi
done
((list)) && exit 0
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
