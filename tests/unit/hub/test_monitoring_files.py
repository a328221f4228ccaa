"""The monitoring files beside docker-compose.yml agree with the code: the dashboard asks only
for series the hub exports, and Prometheus scrapes every hub process that exports them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from hub import metrics

ROOT = Path(__file__).resolve().parents[3]
SUFFIXES = ("_total", "_bucket", "_sum", "_count", "_created")


def exported() -> set[str]:
    names = {family.name for family in metrics.REGISTRY.collect()}
    return names | set(metrics.LIVE_SERIES)


def test_the_dashboard_asks_only_for_series_the_hub_exports() -> None:
    dashboard = json.loads((ROOT / "grafana-dashboard.json").read_text())
    asked = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            asked |= set(re.findall(r"\bhub_[a-z_]+", target["expr"]))
    bases = set()
    for name in asked:
        for suffix in SUFFIXES:
            if name.endswith(suffix) and name.removesuffix(suffix) in exported():
                name = name.removesuffix(suffix)
                break
        bases.add(name)
    assert bases <= exported(), bases - exported()
    # and every series is on the dashboard
    assert exported() <= bases, exported() - bases


def test_prometheus_scrapes_every_process_that_exports_metrics() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    config = yaml.safe_load((ROOT / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    exporting = {
        f"{name}:{service['environment']['HUB_METRICS_PORT']}"
        for name, service in compose["services"].items()
        if "HUB_METRICS_PORT" in service.get("environment", {})
        and service.get("command", [""])[0] == "hub"
    }
    assert exporting == targets
