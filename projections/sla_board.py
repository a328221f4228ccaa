"""The SLA board (超期预警) of a region: its amber and red counts and one page of its watch list.

The same items, order and counts as :func:`projections.sla.watch_list`, without reading them
all: the counts are SQL ``COUNT`` s under the bounds of :func:`projections.deadlines.
sla_cutoffs` (a stored day ≤ a cutoff iff the deadline is red, or not green), and a page at
``offset`` reads, of each kind of deadline (a referral's answer and completion, a case's
decision and notice), only the first ``offset + limit`` rows in the order of the day the
deadline runs from — the order of the list within that kind — as ``(day, id)``; the page is
merged from those, and only its own rows are read in full. Needs not yet referred are few
and read whole (:func:`projections.fall_through.unreferred_needs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from projections.case_files import CaseFiles
from projections.deadlines import (
    ANSWER_STAGE,
    UNDECIDED,
    WORK_STAGE,
    Cutoffs,
    Deadline,
    SlaPolicy,
    case_deadline,
    deadline,
    sla_cutoffs,
)
from projections.rebuild import freshness, read_active
from projections.referrals import Referrals
from projections.sla import (
    CASE_COLUMNS,
    case_entries,
    need_entries,
    order,
    referral_entries,
)
from projections.view import View

MAX_PAGE = 500
Entry = tuple[Deadline, dict[str, Any]]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _where(
    statuses: Sequence[str], region_code: str | None, agency_id: str | None
) -> tuple[str, list[Any]]:
    """Referrals of these statuses whose recipient is in the region (and is the agency).

    The recipient as ``IN`` the region's agencies: each agency's range of the index
    ``(recipient_id, status, due_on)``, which also answers a count alone.
    """
    sql = f"r.status IN ({_marks(statuses)})"
    params: list[Any] = list(statuses)
    if region_code:
        sql += " AND r.recipient_id IN (SELECT id FROM {agencies} WHERE region_code LIKE ?)"
        params.append(f"{region_code}%")
    else:
        sql += " AND r.recipient_id IN (SELECT id FROM {agencies})"
    if agency_id:
        sql += " AND r.recipient_id = ?"
        params.append(str(agency_id))
    return sql, params


def _referral_counts(
    view: View, cuts: dict[str, Cutoffs], region_code: str | None, agency_id: str | None
) -> dict[str, int]:
    counts = {"amber": 0, "red": 0}
    for statuses, cut in ((ANSWER_STAGE, cuts["answer"]), (WORK_STAGE, cuts["completion"])):
        where, params = _where(statuses, region_code, agency_id)
        _tally(counts, view, "r.due_on", f"{{referrals}} r WHERE {where}", params, cut)
    return counts


def _tally(
    counts: dict[str, int], view: View, day: str, source: str, params: list[Any], cut: Cutoffs
) -> None:
    """Adds to ``counts`` the amber and red of ``source`` (``FROM … WHERE …``) by ``day``."""
    row = view.read(
        f"SELECT COUNT(*) AS watched, COALESCE(SUM(CASE WHEN {day} <= ? THEN 1 ELSE 0 END), 0) "
        f"AS red FROM {source} AND {day} <= ?",
        [cut.red, *params, cut.watched],
    )[0]
    counts["red"] += int(row["red"])
    counts["amber"] += int(row["watched"]) - int(row["red"])


def _referral_firsts(
    view: View,
    cuts: dict[str, Cutoffs],
    region_code: str | None,
    agency_id: str | None,
    today: date,
    policy: SlaPolicy,
    n: int,
) -> list[tuple[Entry, str]]:
    """The first ``n`` watched referrals of each stage: ((deadline, light item), id).

    All of Xinjiang (or no region) holds most agencies: the index ``(status, due_on)`` in
    order, one status at a time, each row's recipient looked up, stops after ``n``. A smaller
    region: its agencies' ranges of ``(recipient_id, status, due_on)``, sorted (few rows).
    """
    found = []
    for statuses, cut in ((ANSWER_STAGE, cuts["answer"]), (WORK_STAGE, cuts["completion"])):
        if len(region_code or "") <= 2 and not agency_id:
            queries = [
                (
                    "{referrals} r JOIN {agencies} a ON a.id = r.recipient_id",
                    "r.status = ? AND a.region_code LIKE ?",
                    [status, f"{region_code or ''}%"],
                )
                for status in statuses
            ]
        else:
            queries = [("{referrals} r", *_where(statuses, region_code, agency_id))]
        for table, where, params in queries:
            rows = view.read(
                f"SELECT r.id, r.status, r.due_on FROM {table} WHERE {where} "
                f"AND r.due_on <= ? ORDER BY r.due_on, r.id LIMIT {n}",
                [*params, cut.watched],
            )
            for row in rows:
                due = deadline(row["status"], date.fromisoformat(row["due_on"]), today, policy)
                if due is not None:  # an open status has one
                    found.append(((due, {"kind": "referral", **row}), row["id"]))
    return found


#: a case's two deadlines: (which cutoffs, the SQL of its open stage, the day it runs from)
CASE_DEADLINES: tuple[tuple[str, str, list[Any], str], ...] = (
    ("decision", f"c.stage IN ({_marks(UNDECIDED)})", list(UNDECIDED), "c.received_on"),
    (
        "notice",
        "c.stage = 'granted' AND c.funds_arrived_on IS NOT NULL AND c.notified_on IS NULL",
        [],
        "c.funds_arrived_on",
    ),
)


def _case_where(
    open_sql: str, open_params: list[Any], region_code: str | None, agency_id: str | None
) -> tuple[str, list[Any]]:
    sql, params = open_sql, list(open_params)
    if region_code:
        sql += " AND a.region_code LIKE ?"
        params.append(f"{region_code}%")
    if agency_id:
        sql += " AND c.procuratorate_id = ?"
        params.append(str(agency_id))
    return sql, params


def _case_counts(
    view: View, cuts: dict[str, Cutoffs], region_code: str | None, agency_id: str | None
) -> dict[str, int]:
    counts = {"amber": 0, "red": 0}
    for name, open_sql, open_params, day in CASE_DEADLINES:
        where, params = _case_where(open_sql, open_params, region_code, agency_id)
        source = f"{{cases}} c JOIN {{agencies}} a ON a.id = c.procuratorate_id WHERE {where}"
        _tally(counts, view, day, source, params, cuts[name])
    return counts


def _case_firsts(
    view: View,
    cuts: dict[str, Cutoffs],
    region_code: str | None,
    agency_id: str | None,
    today: date,
    policy: SlaPolicy,
    n: int,
) -> list[tuple[Entry, dict[str, Any]]]:
    """The first ``n`` watched cases of each deadline: ((deadline, item), row)."""
    found = []
    for name, open_sql, open_params, day in CASE_DEADLINES:
        where, params = _case_where(open_sql, open_params, region_code, agency_id)
        rows = view.read(
            f"SELECT {CASE_COLUMNS} FROM {{cases}} c JOIN {{agencies}} a "
            f"ON a.id = c.procuratorate_id WHERE {where} AND {day} <= ? "
            f"ORDER BY {day}, c.id LIMIT {n}",
            [*params, cuts[name].watched],
        )
        for row in rows:
            due = case_deadline(row, today, policy)
            if due is not None:  # an open stage has one
                found.append(((due, {"kind": "case", **row}), row))
    return found


def watch_page(
    store: Any,
    *,
    today: date,
    policy: SlaPolicy | None = None,
    region_code: str | None = None,
    agency_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
    log_position: int | None = None,
) -> dict[str, Any]:
    """``{"items", "counts": {"amber", "red"}, "total", "offset", "limit", "freshness"}``:
    items ``offset`` to ``offset + limit`` of :func:`projections.sla.watch_list` (amber and
    red only), and the counts and total of the whole list."""
    policy = policy or SlaPolicy()
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    cuts = sla_cutoffs(today, policy)
    view = read_active(store, Referrals)
    counts = _referral_counts(view, cuts, region_code, agency_id)
    n = offset + limit
    candidates: list[tuple[Entry, Any]] = list(
        _referral_firsts(view, cuts, region_code, agency_id, today, policy, n)
    )
    cases: View | None
    try:
        cases = read_active(store, CaseFiles)
    except LookupError:  # none before the view is built
        cases = None
    if cases is not None:
        for level, k in _case_counts(cases, cuts, region_code, agency_id).items():
            counts[level] += k
        candidates += _case_firsts(cases, cuts, region_code, agency_id, today, policy, n)
    needs = need_entries(store, today, policy, region_code, agency_id, False)
    for due, _ in needs:
        counts[due.level] += 1
    candidates += [((due, item), item) for due, item in needs]
    candidates.sort(key=lambda c: order(c[0]))
    page = candidates[offset:n]
    items: dict[tuple[str, str], dict[str, Any]] = {}
    referral_ids = [ref for (_, item), ref in page if item["kind"] == "referral"]
    if referral_ids:
        rows = view.read(
            f"SELECT * FROM {{referrals}} WHERE id IN ({_marks(referral_ids)})", referral_ids
        )
        dues = {item["id"]: due for (due, item), _ in page if item["kind"] == "referral"}
        watched = [(dues[row["id"]], row) for row in rows]
        items.update(
            (("referral", i["id"]), i) for _, i in referral_entries(view, watched, today, policy)
        )
    case_rows = [(due, row) for (due, item), row in page if item["kind"] == "case"]
    if case_rows and cases is not None:
        items.update((("case", i["id"]), i) for _, i in case_entries(cases, case_rows))
    items.update((("need", i["id"]), i) for (_, i), _ in page if i["kind"] == "need")
    return {
        "items": [items[item["kind"], item["id"]] for (_, item), _ in page],
        "counts": counts,
        "total": counts["amber"] + counts["red"],
        "offset": offset,
        "limit": limit,
        "freshness": freshness(view, log_position),
    }
