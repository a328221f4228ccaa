"""The aggregates' factories take their values by name: swapping two ids cannot pass unseen."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from domain.agency import Agency
from domain.audit import PersonalDataRead
from domain.case import AidCase
from domain.mechanism import LinkageMechanism
from domain.person import Person
from domain.referral import Referral

FACTORIES: list[Callable[..., Any]] = [
    Agency.register,
    PersonalDataRead.record,
    AidCase.receive,
    LinkageMechanism.sign,
    Person.register,
    Referral.request,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__qualname__)
def test_every_value_of_a_factory_is_keyword_only(factory: Callable[..., Any]) -> None:
    parameters = inspect.signature(factory).parameters.values()
    assert len(parameters) > 3
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)


def test_a_positional_call_is_refused_before_anything_is_recorded() -> None:
    with pytest.raises(TypeError, match="positional"):
        AidCase.receive(uuid4(), uuid4(), "applicant", "困难", date(2026, 1, 5))  # type: ignore[call-arg]
