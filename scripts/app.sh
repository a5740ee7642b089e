#!/usr/bin/env bash
# README command one: set up, then open the map app on the demo county.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/riverchief app "$@"
