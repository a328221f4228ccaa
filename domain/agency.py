"""Agency (单位): a procuratorate, a bureau, an association or an enterprise in the network."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidValue
from domain.values import (
    MAX_RESPONSE_DAYS,
    MAX_SHORT_TEXT,
    AgencyKind,
    AgencyLevel,
    Service,
    check_region_code,
    parse,
    require_text,
)


def _services(values: list[str]) -> list[str]:
    return sorted({parse(Service, v, "service").value for v in values})


REGION_DIGITS = {
    AgencyLevel.AUTONOMOUS_REGION: 2,
    AgencyLevel.PREFECTURE: 4,
    AgencyLevel.COUNTY: 6,
}


def _region_for_level(region_code: str, level: str) -> str:
    """An agency's region code has the length of its level (65, 6540, 654025)."""
    digits = REGION_DIGITS[AgencyLevel(level)]
    if len(region_code) != digits:
        raise InvalidValue(f"a {level} agency has a {digits}-digit region code")
    return region_code


def _response_days(days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_RESPONSE_DAYS:
        raise InvalidValue(
            f"response target must be a whole number of working days, 1 to {MAX_RESPONSE_DAYS}"
        )
    return days


class Agency(Aggregate):
    """An agency, with the services it offers and its referral response target."""

    class Registered(Aggregate.Created):
        """An agency joined the network (登记)."""

        name: str
        kind: str
        level: str
        region_code: str
        services: list[str]
        response_days: int
        parent_id: UUID | None

    class ServicesChanged(Aggregate.Event):
        """The services the agency offers, all of them after the change."""

        services: list[str]

    class ResponseTargetSet(Aggregate.Event):
        """How many working days the agency gives itself to answer a referral."""

        response_days: int

    @staticmethod
    def id_for(name: str) -> UUID:
        """Agency names are unique (full official names), so one name is one agency."""
        return uuid5(NAMESPACE_URL, f"urn:referral-hub:agency:{name.strip()}")

    @staticmethod
    def create_id(name: str, **_: Any) -> UUID:
        return Agency.id_for(name)

    @classmethod
    def register(
        cls,
        *,
        name: str,
        kind: str,
        level: str,
        region_code: str,
        services: list[str],
        response_days: int,
        parent_id: UUID | None = None,
    ) -> Agency:
        return cls(
            name=require_text(name, "agency name", limit=MAX_SHORT_TEXT),
            kind=parse(AgencyKind, kind, "agency kind").value,
            level=parse(AgencyLevel, level, "agency level").value,
            region_code=_region_for_level(check_region_code(region_code), level),
            services=_services(services),
            response_days=_response_days(response_days),
            parent_id=parent_id,
        )

    @event(Registered)
    def __init__(
        self,
        name: str,
        kind: str,
        level: str,
        region_code: str,
        services: list[str],
        response_days: int,
        parent_id: UUID | None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.level = level
        self.region_code = region_code
        self.services = services
        self.response_days = response_days
        self.parent_id = parent_id

    def change_services(self, services: list[str]) -> None:
        self._change_services(_services(services))

    @event(ServicesChanged)
    def _change_services(self, services: list[str]) -> None:
        self.services = services

    def set_response_target(self, response_days: int) -> None:
        self._set_response_target(_response_days(response_days))

    @event(ResponseTargetSet)
    def _set_response_target(self, response_days: int) -> None:
        self.response_days = response_days

    @property
    def is_procuratorate(self) -> bool:
        return self.kind == AgencyKind.PROCURATORATE
