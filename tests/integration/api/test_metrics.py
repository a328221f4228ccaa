"""The Prometheus endpoint: administrators only, the named series, no ids of persons in labels."""

from __future__ import annotations

import dataclasses
import re
import uuid
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from hub import metrics
from hub.api.app import live_figures
from hub.feeds.dead_letters import DeadLetters
from hub.readiness import writer_state
from projections import worker
from tests.integration.api.conftest import Api, assert_problem, id_number
from tests.support.tansu import free_port

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

NAMED = {
    "hub_http_requests",
    "hub_http_request_duration_seconds",
    "hub_commands",
    "hub_log_appends",
    "hub_log_append_events",
    "hub_log_group_appends",
    "hub_log_position",
    "hub_projection_lag_events",
    "hub_idempotency_replays",
    "hub_sign_in_failures",
    "hub_notifications",
    "hub_up",
}


def scrape(api: Api) -> dict[str, Any]:
    answer = api.get("admin", "/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {f.name: f for f in text_string_to_metric_families(answer.text)}


def value(families: dict[str, Any], name: str, sample: str, **labels: str) -> float:
    return sum(
        s.value
        for s in families[name].samples
        if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())
    )


def test_only_administrators_read_the_metrics(api: Api) -> None:
    assert_problem(api.get(None, "/metrics"), 401, "unauthorized")
    for who in ("p", "auditor"):
        assert_problem(api.get(who, "/metrics"), 403, "forbidden")
    assert api.get("admin", "/metrics").status_code == 200


def test_the_named_series_are_served(api: Api) -> None:
    api.person()
    families = scrape(api)
    assert set(families) >= NAMED, NAMED - set(families)
    assert value(families, "hub_log_position", "hub_log_position") == api.log_position()
    assert value(families, "hub_log_appends", "hub_log_appends_total") > 0
    if writer_state(api.services.hub) != "embedded":  # Kafka: appends are group-committed
        assert value(families, "hub_log_group_appends", "hub_log_group_appends_count") > 0
        env = api.services.hub.env
        letters = DeadLetters(
            env["KAFKA_BOOTSTRAP_SERVERS"], env["HUB_LOG_TOPIC"].rsplit(".", 1)[0]
        )
        figures = live_figures(dataclasses.replace(api.services, dead_letters=letters))
        waiting = {name: samples for name, _, samples in figures}["hub_dead_letters_waiting"]
        assert waiting == [({}, len(letters.list()))]
    views = {s.labels["view"] for s in families["hub_projection_lag_events"].samples}
    assert views == set(worker.VIEWS)


def test_requests_are_counted_by_route_template_never_by_path(api: Api) -> None:
    person = api.person()
    route = "/persons/{person_id}"
    before = value(scrape(api), "hub_http_requests", "hub_http_requests_total", route=route)
    assert api.get("p", f"/persons/{person}").status_code == 200
    assert api.get("p", f"/persons/{uuid.uuid4()}").status_code == 404
    text = api.get("admin", "/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    ok = value(families, "hub_http_requests", "hub_http_requests_total", route=route, status="200")
    assert ok >= 1
    after = value(families, "hub_http_requests", "hub_http_requests_total", route=route)
    assert after - before == 2
    assert (
        value(
            families,
            "hub_http_request_duration_seconds",
            "hub_http_request_duration_seconds_count",
            route=route,
        )
        >= 2
    )
    assert value(families, "hub_commands", "hub_commands_total", kind="register_person") > 0
    assert person not in text and not UUID_RE.search(text)


def test_replays_and_refused_tokens_are_counted(api: Api) -> None:
    before = scrape(api)
    body = {"id_number": id_number(), "name": "测试当事人"}
    first = api.post("p", "/persons", body, key="metrics-replay")
    again = api.post("p", "/persons", body, key="metrics-replay")
    assert again.headers.get("Idempotent-Replayed") == "true", (first.text, again.text)
    bad = api.client.get("/agencies", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    after = scrape(api)
    replays = "hub_idempotency_replays_total"
    assert (
        value(after, "hub_idempotency_replays", replays)
        == value(before, "hub_idempotency_replays", replays) + 1
    )
    failures = "hub_sign_in_failures_total"
    assert (
        value(after, "hub_sign_in_failures", failures, reason="invalid-token")
        == value(before, "hub_sign_in_failures", failures, reason="invalid-token") + 1
    )


def test_failed_password_sign_ins_are_counted(api: Api) -> None:
    who = api.as_official("p", "case_officer")
    number = who.rsplit(":", 1)[1]
    failures = "hub_sign_in_failures_total"
    before = value(scrape(api), "hub_sign_in_failures", failures, reason="sign-in-refused")
    wrong = {"agency": api.ids["p"], "staff_number": number, "password": "not the password"}
    assert api.client.post("/auth/sign-in", json=wrong).status_code == 401
    unknown = {**wrong, "staff_number": "nobody-here"}
    assert api.client.post("/auth/sign-in", json=unknown).status_code == 401
    after = value(scrape(api), "hub_sign_in_failures", failures, reason="sign-in-refused")
    assert after == before + 2


def test_request_ids_are_taken_or_made_and_echoed(api: Api) -> None:
    given = api.client.get("/health/live", headers={"X-Request-ID": "trace-42.a"})
    assert given.headers["X-Request-ID"] == "trace-42.a"
    made = api.client.get("/health/live", headers={"X-Request-ID": "bad id\n"})
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    refused = api.client.get("/agencies")
    assert refused.status_code == 401 and refused.headers["X-Request-ID"]


def test_a_separate_listener_serves_the_same_series_without_a_token(api: Api) -> None:
    port = free_port()
    registry = api.client.app.state.metrics_registry
    metrics.serve_separately("127.0.0.1", port, registry)
    answer = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    assert answer.status_code == 200
    names = {f.name for f in text_string_to_metric_families(answer.text)}
    assert {"hub_log_position", "hub_http_requests", "hub_projection_lag_events"} <= names
