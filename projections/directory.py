"""The agency directory every view keeps beside its own rows: agencies and mechanisms.

Each view has its own copy (tables ``agencies``, ``mechanisms``, ``mechanism_members`` of
its version), so that a view is rebuilt on its own and is consistent with its own position.
Views take :class:`DirectoryHandlers` as a base and ``DIRECTORY_TABLES`` into their tables.
"""

from __future__ import annotations

import json
from typing import Any

from domain.agency import Agency
from domain.mechanism import LinkageMechanism
from projections.store import Tx
from projections.values import text
from projections.view import View, handles

DIRECTORY_TABLES: dict[str, list[str]] = {
    "agencies": [
        "CREATE TABLE IF NOT EXISTS {agencies} (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "kind TEXT NOT NULL, level TEXT NOT NULL, region_code TEXT NOT NULL, "
        "services TEXT NOT NULL, response_days BIGINT NOT NULL, parent_id TEXT)",
        "CREATE INDEX IF NOT EXISTS {p}_agencies_region ON {agencies} (region_code)",
    ],
    "mechanisms": [
        "CREATE TABLE IF NOT EXISTS {mechanisms} (id TEXT PRIMARY KEY, name TEXT NOT NULL, "
        "region_code TEXT NOT NULL, lead_agency_id TEXT NOT NULL, signed_on TEXT NOT NULL)"
    ],
    "mechanism_members": [
        "CREATE TABLE IF NOT EXISTS {mechanism_members} (mechanism_id TEXT NOT NULL, "
        "agency_id TEXT NOT NULL, responsibility TEXT NOT NULL, "
        "PRIMARY KEY (mechanism_id, agency_id))"
    ],
}


class DirectoryHandlers(View):
    """Keeps the directory tables; a base class, not a view of its own."""

    @handles(Agency.Registered)
    def agency_registered(self, tx: Tx, e: Agency.Registered) -> None:
        tx.put(
            "agencies",
            {
                "id": str(e.originator_id),
                "name": e.name,
                "kind": e.kind,
                "level": e.level,
                "region_code": e.region_code,
                "services": json.dumps(e.services),
                "response_days": e.response_days,
                "parent_id": text(e.parent_id),
            },
        )

    @handles(Agency.ServicesChanged, Agency.ResponseTargetSet)
    def agency_changed(self, tx: Tx, e: Agency.ServicesChanged | Agency.ResponseTargetSet) -> None:
        agency = tx.existing("agencies", str(e.originator_id))
        if isinstance(e, Agency.ServicesChanged):
            agency["services"] = json.dumps(e.services)
        else:
            agency["response_days"] = e.response_days
        tx.put("agencies", agency)

    @handles(LinkageMechanism.Signed)
    def mechanism_signed(self, tx: Tx, e: LinkageMechanism.Signed) -> None:
        tx.execute(
            tx.sql("INSERT INTO {mechanisms} VALUES (?, ?, ?, ?, ?)"),
            (
                str(e.originator_id),
                e.name,
                e.region_code,
                str(e.lead_agency_id),
                text(e.signed_on),
            ),
        )
        tx.executemany(
            tx.sql("INSERT INTO {mechanism_members} VALUES (?, ?, ?)"),
            [(str(e.originator_id), agency, duty) for agency, duty in e.members.items()],
        )

    @handles(LinkageMechanism.MemberJoined)
    def mechanism_member_joined(self, tx: Tx, e: LinkageMechanism.MemberJoined) -> None:
        tx.execute(
            tx.sql("INSERT INTO {mechanism_members} VALUES (?, ?, ?)"),
            (str(e.originator_id), str(e.agency_id), e.responsibility),
        )

    @handles(LinkageMechanism.MemberLeft)
    def mechanism_member_left(self, tx: Tx, e: LinkageMechanism.MemberLeft) -> None:
        tx.execute(
            tx.sql("DELETE FROM {mechanism_members} WHERE mechanism_id = ? AND agency_id = ?"),
            (str(e.originator_id), str(e.agency_id)),
        )


def agency_names(view: View, ids: set[str]) -> dict[str, dict[str, Any]]:
    """``{id: {id, name, kind, region_code}}`` for the given agency ids."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = view.read(
        f"SELECT id, name, kind, region_code, parent_id FROM {{agencies}} WHERE id IN ({marks})",
        sorted(ids),
    )
    return {r["id"]: r for r in rows}


def escalation_target(view: View, agency_id: str) -> dict[str, Any] | None:
    """Whom to escalate to about ``agency_id``: its superior, else its mechanism's lead."""
    rows = view.read("SELECT parent_id FROM {agencies} WHERE id = ?", (agency_id,))
    parent = rows[0]["parent_id"] if rows else None
    if parent:
        found = agency_names(view, {parent}).get(parent)
        if found:
            return {"id": parent, "name": found["name"], "as": "superior"}
    leads = view.read(
        "SELECT m.lead_agency_id AS id, a.name AS name FROM {mechanisms} m "
        "JOIN {mechanism_members} mm ON mm.mechanism_id = m.id "
        "LEFT JOIN {agencies} a ON a.id = m.lead_agency_id "
        "WHERE mm.agency_id = ? AND m.lead_agency_id <> ? ORDER BY m.signed_on, m.id",
        (agency_id, agency_id),
    )
    if leads:
        return {"id": leads[0]["id"], "name": leads[0]["name"], "as": "mechanism-lead"}
    return None


def escalation_targets(view: View, ids: set[str]) -> dict[str, dict[str, Any] | None]:
    """:func:`escalation_target` of each of ``ids``, in two reads for all of them."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    found: dict[str, dict[str, Any] | None] = dict.fromkeys(ids)
    for row in view.read(
        "SELECT c.id AS id, p.id AS parent_id, p.name AS name FROM {agencies} c "
        f"JOIN {{agencies}} p ON p.id = c.parent_id WHERE c.id IN ({marks})",
        sorted(ids),
    ):
        found[row["id"]] = {"id": row["parent_id"], "name": row["name"], "as": "superior"}
    rest = sorted(i for i, target in found.items() if target is None)
    if rest:
        marks = ", ".join("?" for _ in rest)
        for row in view.read(
            "SELECT mm.agency_id AS member, m.lead_agency_id AS id, a.name AS name "
            "FROM {mechanisms} m JOIN {mechanism_members} mm ON mm.mechanism_id = m.id "
            "LEFT JOIN {agencies} a ON a.id = m.lead_agency_id "
            f"WHERE mm.agency_id IN ({marks}) AND m.lead_agency_id <> mm.agency_id "
            "ORDER BY m.signed_on, m.id",
            rest,
        ):
            if found[row["member"]] is None:  # the first mechanism signed
                found[row["member"]] = {
                    "id": row["id"],
                    "name": row["name"],
                    "as": "mechanism-lead",
                }
    return found
