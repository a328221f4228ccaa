"""A region's dashboard over a period, and a linkage mechanism's activity, from the dashboard view.

:func:`dashboard` answers, for a GB/T 2260 region (``65``, ``6540``, ``654003``) and the days
``[date_from, date_to]`` (business dates, China time):

- ``people_helped``: distinct persons paid judicial relief, or given help by a referral
  completed successfully, by an agency of the region in the period;
- ``amounts`` in fen: judicial relief granted (decided in the period) and disbursed (paid in
  the period, advance relief included); social help given through referrals completed in the
  period, by provision kind (``money`` donations, ``allowance`` grants, ``loan``, ``in-kind``
  …) and by the kind of agency that gave it; ``aid_fen`` adds up what is aid (judicial paid,
  grants, donations), loans and in-kind help are listed apart (``adds_up`` says so);
- ``cases`` received in the period, by stage; ``referrals`` requested in the period with
  either party in the region, by status, direction and recipient agency kind, and how many
  were re-referrals;
- ``timing``: hours to the first answer and days to completion (median and p90, nearest
  rank, to a tenth, on the log's recording clock), of those referrals;
- ``success``: referrals closed, closed successfully, and the share;
- ``overdue`` now (as of ``today``, whatever the period): referrals past the answer or the
  completion deadline by their recipient's region, and cases past the decision deadline;
- ``subregions``: the same figures per direct sub-region (an agency registered at the
  region's own level counts under the region's own code), for drill-down.

Every figure is a grouped SQL scan; Python only folds the grouped rows. The referrals'
counts, the amounts paid and given and a province's percentiles read whole months from the
view's monthly rollups (:mod:`projections.dashboard_rollups`) and only the partial months at
the period's ends from the rows; people helped are a count of first helps in the period, not
a distinct count.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from domain.regions import parent_region, region_name
from domain.values import ADDS_UP, AID_KINDS, ProvisionKind
from projections.dashboard import Dashboard
from projections.deadlines import (
    ANSWER_STAGE,
    UNDECIDED,
    WORK_STAGE,
    SlaPolicy,
    overdue_cutoffs,
    standing,
)
from projections.rebuild import freshness, read_active
from projections.view import View

FIGURES = (
    "people_helped",
    "cases",
    "referrals",
    "overdue",
    "granted_fen",
    "disbursed_fen",
    "social_aid_fen",
)


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)  # our own constants, never input


def dashboard(
    store: Any,
    region_code: str,
    date_from: date,
    date_to: date,
    *,
    today: date,
    policy: SlaPolicy | None = None,
    log_position: int | None = None,
) -> dict[str, Any]:
    policy = policy or SlaPolicy()
    view = read_active(store, Dashboard)
    q = _Query(view, region_code, date_from.isoformat(), date_to.isoformat())
    sub = _Subs()
    people = q.people_helped(sub)
    cases = q.cases(sub)
    referrals, success = q.referrals(sub)
    amounts = q.amounts(sub)
    overdue = q.overdue(sub, today, policy)
    return {
        "region": _region(region_code),
        "from": q.lo,
        "to": q.hi,
        "as_of": today.isoformat(),
        "people_helped": people,
        "amounts": amounts,
        "cases": cases,
        "referrals": referrals,
        "timing": {
            "hours_to_first_answer": q.percentiles("answer"),
            "days_to_completion": q.percentiles("completion"),
        },
        "success": success,
        "overdue": overdue,
        "subregions": [
            {**_region(code), **figures}
            for code, figures in sorted(sub.items())
            if len(region_code) < 6
        ],
        "freshness": freshness(view, log_position),
    }


class _Subs(dict[str, dict[str, int]]):
    """Figures by sub-region code; ``subs(code)`` is a code's, made at zero if new."""

    def __call__(self, code: str) -> dict[str, int]:
        return self.setdefault(code, dict.fromkeys(FIGURES, 0))


def _region(code: str) -> dict[str, Any]:
    up = parent_region(code)
    return {
        "code": code,
        "name": region_name(code),
        "parent": None if up is None else {"code": up, "name": region_name(up)},
    }


class _Query:
    """The grouped scans of one dashboard: a region, a period."""

    def __init__(self, view: View, region: str, lo: str, hi: str) -> None:
        self.view, self.region, self.lo, self.hi = view, region, lo, hi
        if not (region.isdigit() and len(region) in (2, 4, 6)):
            raise ValueError("a region code has 2, 4 or 6 digits")
        # a prefix as a range of text (``6540`` ≤ code < ``6541``): an index range, not LIKE
        self.upper = str(int(region) + 1).zfill(len(region))
        self.cut = len(region) + 2 if len(region) < 6 else 6
        self.parts, self.months = _spans(date.fromisoformat(lo), date.fromisoformat(hi))

    def sub(self, column: str) -> str:
        return f"substr({column}, 1, {self.cut})"

    def within(self, column: str) -> str:
        """``column`` (a region code) lies in the region; digits only, so inlined."""
        return f"({column} >= '{self.region}' AND {column} < '{self.upper}')"

    def _either(self, on: str = "r.requested_on") -> str:
        return (
            f"{on} >= ? AND {on} <= ? "
            f"AND ({self.within('r.requester_region')} OR {self.within('r.recipient_region')})"
        )

    def _by_month(self, rows_sql: str, months_sql: str) -> list[dict[str, Any]]:
        """Grouped rows of the referrals requested in the period: whole months from a rollup,
        the partial months at its ends from the rows (the caller adds the groups up)."""
        return self._split(
            rows_sql.format(either=self._either()),
            months_sql.format(either=self._either("r.month")),
        )

    def _split(self, rows_sql: str, months_sql: str) -> list[dict[str, Any]]:
        """``rows_sql`` for each partial month (its two ``?``: the first and last day),
        ``months_sql`` for the whole months (its two ``?``: the first and last month)."""
        rows = []
        for lo, hi in self.parts:
            rows += self.view.read(rows_sql, (lo, hi))
        if self.months:
            rows += self.view.read(months_sql, self.months)
        return rows

    def people_helped(self, sub: _Subs) -> int:
        """Persons paid relief or helped successfully by an agency of the region, and by
        sub-region, in one scan: a help counts if it is the person's first in the period in
        the region (her help before it there, ``before_{digits}``, is before the period)."""
        first = "SUM(CASE WHEN before_{0} IS NULL OR before_{0} < ? THEN 1 ELSE 0 END)"
        rows = self.view.read(
            f"SELECT {self.sub('region_code')} AS s, {first.format(len(self.region))} AS n, "
            f"{first.format(self.cut)} AS ns FROM {{helped}} "
            f"WHERE helped_on >= ? AND helped_on <= ? AND {self.within('region_code')} "
            "GROUP BY s",
            (self.lo, self.lo, self.lo, self.hi),
        )
        for r in rows:
            sub(r["s"])["people_helped"] = int(r["ns"])
        return sum(int(r["n"]) for r in rows)

    def cases(self, sub: _Subs) -> dict[str, Any]:
        rows = self.view.read(
            f"SELECT {self.sub('region_code')} AS s, stage, COUNT(*) AS n FROM {{cases}} "
            f"WHERE {self.within('region_code')} AND received_on >= ? AND received_on <= ? "
            "GROUP BY s, stage",
            (self.lo, self.hi),
        )
        by_stage: dict[str, int] = {}
        for r in rows:
            by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + int(r["n"])
            sub(r["s"])["cases"] += int(r["n"])
        return {"total": sum(by_stage.values()), "by_stage": by_stage}

    def referrals(self, sub: _Subs) -> tuple[dict[str, Any], dict[str, Any]]:
        select = (
            f"SELECT {self.sub('r.requester_region')} AS qs, "
            f"{self.sub('r.recipient_region')} AS ts, r.recipient_kind AS kind, r.status, "
            "r.direction, r.successful, r.re_referral, {count} AS n FROM {table} r "
            "WHERE {{either}} "
            "GROUP BY qs, ts, r.recipient_kind, r.status, r.direction, r.successful, "
            "r.re_referral"
        )
        rows = self._by_month(
            select.format(count="COUNT(*)", table="{{referrals}}"),
            # a cell a status change emptied stays, at 0
            select.format(count="SUM(r.n)", table="{{ref_months}}") + " HAVING SUM(r.n) > 0",
        )
        by_status: dict[str, int] = {}
        by_direction: dict[str, int] = {}
        by_kind: dict[str, dict[str, int]] = {}
        total = re_referred = closed = successful = 0
        for r in rows:
            n = int(r["n"])
            total += n
            by_status[r["status"]] = by_status.get(r["status"], 0) + n
            by_direction[r["direction"]] = by_direction.get(r["direction"], 0) + n
            kind = by_kind.setdefault(r["kind"], {"total": 0, "successful": 0})
            kind["total"] += n
            re_referred += n if r["re_referral"] else 0
            if r["successful"] is not None:
                closed += n
                successful += n if r["successful"] else 0
                kind["successful"] += n if r["successful"] else 0
            for code in {s for s in (r["qs"], r["ts"]) if s.startswith(self.region)}:
                sub(code)["referrals"] += n
        referrals = {
            "total": total,
            "by_status": by_status,
            "by_direction": by_direction,
            "by_agency_kind": by_kind,
            "re_referred": re_referred,
        }
        share = round(successful / closed, 4) if closed else None
        return referrals, {"closed": closed, "successful": successful, "share": share}

    def percentiles(self, measure: str) -> dict[str, Any]:
        """``answer`` or ``completion``: median and p90 of its tenths, from a histogram
        (a province's whole months from the rollup, which has no finer regions)."""
        rows_sql = (
            f"SELECT r.{measure}_tenths AS t, COUNT(*) AS n FROM {{{{referrals}}}} r "
            f"WHERE {{either}} AND r.{measure}_tenths IS NOT NULL GROUP BY r.{measure}_tenths"
        )
        if len(self.region) == 2:
            rows = self._by_month(
                rows_sql,
                f"SELECT tenths AS t, SUM(n) AS n FROM {{{{tenths_months}}}} r "
                f"WHERE measure = '{measure}' AND r.month >= ? AND r.month <= ? AND "
                f"(requester_province = '{self.region}' OR recipient_province = '{self.region}') "
                "GROUP BY tenths HAVING SUM(n) > 0",
            )
        else:
            rows = self.view.read(rows_sql.format(either=self._either()), (self.lo, self.hi))
        counts = sorted((int(r["t"]), int(r["n"])) for r in rows)
        total = sum(n for _, n in counts)

        def rank(q: float) -> float | None:
            if not total:
                return None
            wanted, seen = max(1, math.ceil(q * total)), 0
            for tenths, n in counts:
                seen += n
                if seen >= wanted:
                    return tenths / 10
            return None  # pragma: no cover - seen reaches total

        return {"count": total, "median": rank(0.5), "p90": rank(0.9)}

    def amounts(self, sub: _Subs) -> dict[str, Any]:
        granted = self.view.read(
            f"SELECT {self.sub('region_code')} AS s, SUM(granted_fen) AS fen FROM {{cases}} "
            f"WHERE {self.within('region_code')} AND decided_on >= ? AND decided_on <= ? "
            "GROUP BY s",
            (self.lo, self.hi),
        )
        paid = self._split(
            f"SELECT {self.sub('region_code')} AS s, SUM(amount_fen) AS fen FROM {{paid}} "
            f"WHERE {self.within('region_code')} AND paid_on >= ? AND paid_on <= ? GROUP BY s",
            f"SELECT {self.sub('region_code')} AS s, SUM(fen) AS fen FROM {{paid_months}} "
            f"WHERE {self.within('region_code')} AND month >= ? AND month <= ? GROUP BY s",
        )
        given = self._split(
            f"SELECT {self.sub('recipient_region')} AS s, recipient_kind, kind, "
            "SUM(amount_fen) AS fen FROM {given} "
            f"WHERE {self.within('recipient_region')} "
            "AND completed_on >= ? AND completed_on <= ? GROUP BY s, recipient_kind, kind",
            f"SELECT {self.sub('recipient_region')} AS s, recipient_kind, kind, "
            "SUM(fen) AS fen FROM {given_months} "
            f"WHERE {self.within('recipient_region')} "
            "AND month >= ? AND month <= ? GROUP BY s, recipient_kind, kind",
        )
        for r in granted:
            sub(r["s"])["granted_fen"] += int(r["fen"])
        for r in paid:
            sub(r["s"])["disbursed_fen"] += int(r["fen"])
        by_kind: dict[str, int] = {}
        by_agency_kind: dict[str, int] = {}
        for r in given:
            fen = int(r["fen"])
            by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + fen
            by_agency_kind[r["recipient_kind"]] = by_agency_kind.get(r["recipient_kind"], 0) + fen
            if r["kind"] in AID_KINDS:
                sub(r["s"])["social_aid_fen"] += fen
        disbursed = sum(int(r["fen"]) for r in paid)
        social_aid = sum(fen for kind, fen in by_kind.items() if kind in AID_KINDS)
        return {
            "judicial": {
                "granted_fen": sum(int(r["fen"]) for r in granted),
                "disbursed_fen": disbursed,
            },
            "social": {"by_kind": by_kind, "by_agency_kind": by_agency_kind},
            "aid_fen": disbursed + social_aid,
            "social_aid_fen": social_aid,
            "donated_fen": by_kind.get(ProvisionKind.MONEY, 0),
            "grants_fen": by_kind.get(ProvisionKind.ALLOWANCE, 0),
            "loans_fen": by_kind.get(ProvisionKind.LOAN, 0),
            "in_kind_fen": by_kind.get(ProvisionKind.IN_KIND, 0),
            "adds_up": {
                k: ADDS_UP[k] for k in ("aid_fen", "social_aid_fen", "loans_fen", "in_kind_fen")
            },
        }

    def overdue(self, sub: _Subs, today: date, policy: SlaPolicy) -> dict[str, int]:
        answer_cut, work_cut = overdue_cutoffs(today, policy)
        rows = self.view.read(
            f"SELECT {self.sub('recipient_region')} AS s, "
            f"SUM(CASE WHEN status IN ({_marks(ANSWER_STAGE)}) AND due_on <= ? "
            "THEN 1 ELSE 0 END) AS answer, "
            f"SUM(CASE WHEN status IN ({_marks(WORK_STAGE)}) AND due_on <= ? "
            "THEN 1 ELSE 0 END) AS work FROM {referrals} "
            f"WHERE status IN ({_marks(ANSWER_STAGE + WORK_STAGE)}) AND {self.within('recipient_region')} "
            "GROUP BY s",
            (answer_cut, work_cut),
        )
        cases = self.view.read(
            f"SELECT {self.sub('region_code')} AS s, COUNT(*) AS n FROM {{cases}} "
            f"WHERE stage IN ({_marks(UNDECIDED)}) AND {self.within('region_code')} AND received_on <= ? "
            "GROUP BY s",
            (decision_cutoff(today, policy),),
        )
        totals = {"referrals_unanswered": 0, "referrals_unfinished": 0, "cases_undecided": 0}
        for r in rows:
            answer, work = int(r["answer"] or 0), int(r["work"] or 0)
            totals["referrals_unanswered"] += answer
            totals["referrals_unfinished"] += work
            sub(r["s"])["overdue"] += answer + work
        for r in cases:
            totals["cases_undecided"] += int(r["n"])
            sub(r["s"])["overdue"] += int(r["n"])
        return {**totals, "total": sum(totals.values())}


def _spans(lo: date, hi: date) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """``[lo, hi]`` as the partial months at its ends (day ranges, read from the rows) and
    the whole months between (a month range ``YYYY-MM``, read from the rollups)."""
    if hi < lo:
        return [(lo.isoformat(), hi.isoformat())], None
    first = lo if lo.day == 1 else _next_month(lo)
    after = _next_month(hi)  # the first day after hi's month
    end = after if hi == after - timedelta(days=1) else hi.replace(day=1)
    if first >= end:  # no whole month inside
        return [(lo.isoformat(), hi.isoformat())], None
    parts = []
    if lo < first:
        parts.append((lo.isoformat(), (first - timedelta(days=1)).isoformat()))
    if end <= hi:
        parts.append((end.isoformat(), hi.isoformat()))
    last = end - timedelta(days=1)
    return parts, (first.isoformat()[:7], last.isoformat()[:7])


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def decision_cutoff(today: date, policy: SlaPolicy) -> str:
    """The last ``received_on`` whose decision deadline has passed ``today``."""
    day = today
    cal = policy.calendar
    while (
        standing(
            "decision", cal.add_working_days(day, policy.decision_days), today, policy
        ).days_overdue
        == 0
    ):
        day -= timedelta(days=1)
    return day.isoformat()
