"""The console's navigation: each page module names its entries; the shell shows those the
official may use, in the order of :attr:`NavItem.order`. base.html reads this, so a new area
adds its entry in its own module (``NAV = [NavItem(...)]``), not in the template.

An entry's ``visible`` is the very rule its page checks (the page calls it, or the dependency
that guards the page does), never a second copy: an entry is shown exactly to those the page
answers. It is given the official and the hub's services (some rules read the official's
agency, as the case list does its kind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hub.access.principal import Principal
from hub.api.deps import is_auditor

if TYPE_CHECKING:
    from hub.bootstrap import Services


def anyone(_: Principal, __: Services) -> bool:
    return True


def agency_staff(principal: Principal, _: Services) -> bool:
    return principal.acts_for_agency


def auditors(principal: Principal, _: Services) -> bool:
    """Auditors and administrators: :func:`hub.api.deps.get_auditor`'s rule."""
    return is_auditor(principal)


@dataclass(frozen=True)
class NavItem:
    key: str  # the i18n key of its label
    path: str  # below the console's prefix, e.g. "/work"
    order: int = 100
    visible: Callable[[Principal, Services], bool] = anyone


def for_principal(
    items: Iterable[NavItem], principal: Principal, services: Services
) -> list[NavItem]:
    return sorted(
        (i for i in items if i.visible(principal, services)), key=lambda i: (i.order, i.key)
    )
