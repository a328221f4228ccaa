"""The argon2id cost of officials' passwords (``HUB_PASSWORD_COST``): standard unless set, the
light one refused in production, and every hash verified whatever the cost is now."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pydantic import ValidationError

from hub.identity.passwords import Passwords, SignInRefused
from hub.settings import Settings
from hub.smalldb import SmallDB

PASSWORD = "correct horse battery staple"


def stored_hash(db: SmallDB, user_id: uuid.UUID) -> str:
    rows = db.run("SELECT password_hash FROM hub_credentials WHERE user_id = ?", (str(user_id),))
    return str(rows[0][0])


def test_the_standard_cost_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUB_PASSWORD_COST", raising=False)
    assert Settings().password_cost == "standard"


def test_the_light_cost_is_refused_in_production() -> None:
    with pytest.raises(ValueError, match="HUB_PASSWORD_COST"):
        Settings(env="production", password_cost="light").password_hashing()
    assert Settings(env="production", password_cost="standard").password_hashing() == "standard"
    assert Settings(env="development", password_cost="light").password_hashing() == "light"
    with pytest.raises(ValidationError):
        Settings(password_cost="cheapest")


@pytest.mark.parametrize(
    ("cost", "parameters"),
    [("standard", "$argon2id$v=19$m=65536,t=3,p=4$"), ("light", "$argon2id$v=19$m=1024,t=1,p=1$")],
)
def test_a_password_is_hashed_at_its_cost(tmp_path: Path, cost: str, parameters: str) -> None:
    db = SmallDB(str(tmp_path / "access.sqlite"))
    passwords = Passwords(db, cost)
    user = uuid.uuid4()
    passwords.set_password(user, PASSWORD)
    assert stored_hash(db, user).startswith(parameters)
    passwords.verify(user, PASSWORD, None)
    with pytest.raises(SignInRefused):
        passwords.verify(user, "wrong horse battery staple", None)


def test_a_hash_verifies_after_the_cost_changed(tmp_path: Path) -> None:
    db = SmallDB(str(tmp_path / "access.sqlite"))
    standard, light = uuid.uuid4(), uuid.uuid4()
    Passwords(db, "standard").set_password(standard, PASSWORD)
    Passwords(db, "light").set_password(light, PASSWORD)
    for passwords in (Passwords(db, "light"), Passwords(db, "standard")):
        passwords.verify(standard, PASSWORD, None)
        passwords.verify(light, PASSWORD, None)
        with pytest.raises(SignInRefused):
            passwords.verify(uuid.uuid4(), PASSWORD, None)
