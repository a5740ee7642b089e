#!/usr/bin/env bash
# README command two: set up, make sure Debian's Chromium is there for the browser
# tests, lint and type-check, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# chromium: browser tests and PDF dossiers; poppler-utils: the tests read those PDFs back
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian chromium, CJK fonts and poppler-utils" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
  else
    echo "test: the browser and PDF tests need: sudo apt-get install chromium fonts-noto-cjk poppler-utils" >&2
    exit 1
  fi
fi
# PostgreSQL + PostGIS: the PostGIS store's tests start a throw-away cluster from these
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing Debian postgresql and postgis" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgis >/dev/null
  else
    echo "test: the PostGIS tests are skipped without: sudo apt-get install postgresql postgis" >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m mypy  # gis/, configured in pyproject.toml [tool.mypy]
exec .venv/bin/python -m pytest "$@"
