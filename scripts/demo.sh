#!/usr/bin/env bash
# Runs the hub on its embedded default (SQLite in ./var, no Kafka) with the scenarios loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/hub demo "$@"
