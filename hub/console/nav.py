"""The console's navigation: each page module names its entries; the shell shows those the
official's role may use, in the order of :attr:`NavItem.order`. base.html reads this, so a new
area adds its entry in its own module (``NAV = [NavItem(...)]``), not in the template."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub.access.principal import Principal, Role


def anyone(_: Principal) -> bool:
    return True


def agency_staff(principal: Principal) -> bool:
    return principal.acts_for_agency


def auditors(principal: Principal) -> bool:
    return principal.role in (Role.AUDITOR, Role.ADMIN)


@dataclass(frozen=True)
class NavItem:
    key: str  # the i18n key of its label
    path: str  # below the console's prefix, e.g. "/work"
    order: int = 100
    visible: Callable[[Principal], bool] = anyone


def for_principal(items: Iterable[NavItem], principal: Principal) -> list[NavItem]:
    return sorted((i for i in items if i.visible(principal)), key=lambda i: (i.order, i.key))
