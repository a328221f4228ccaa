"""Data keys made ahead for new persons (see :mod:`hub.vault.keystore`), through the hub.

A new person's events name the key made ahead that sealed them, so the person reads back,
and is erased for good, even if the key store lost the row that gives them that key (a
power cut after the event's commit and before the row's unsynced write reached the disk).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from hub.bootstrap import build_hub
from hub.settings import Settings
from hub.vault.mapper import HubMapper
from tests.support.ids import with_check

ON = date(2026, 1, 5)


def test_a_new_persons_events_name_the_key_made_ahead(
    tmp_path: Path, log_env: dict[str, Any]
) -> None:
    settings = Settings(data_dir=tmp_path)
    hub = build_hub(settings, log_env)
    try:
        person = hub.register_person(with_check("65900119900101001"), "预置密钥", family="独居")
        hub.update_person(person, contact="13900000000")
        assert isinstance(hub.mapper, HubMapper)
        key_ids = hub.mapper.key_ids(hub.recorder.select_events(person))
        key_id, key = hub.keys.person_key(person)
        assert key_id is not None and key_ids == {key_id}  # both events, one key
        assert hub.keys.key_by_id(key_id) == key
        # The person's row is lost; the key made ahead (on disk first) is not.
        hub.keys._run("DELETE FROM hub_person_keys WHERE person_id = ?", (str(person),))
    finally:
        hub.close()
    hub = build_hub(settings, log_env)
    try:
        read = hub.get_person(person)
        assert (read["name"], read["contact"], read["family"]) == (
            "预置密钥",
            "13900000000",
            "独居",
        )
        hub.erase_person(person, "《个人信息保护法》第四十七条", "系统管理员")
    finally:
        hub.close()
    hub = build_hub(settings, log_env)
    try:
        assert hub.is_erased(person) and hub.keys.key_by_id(key_id) is None
        registered = hub.repository.get(person, version=1)
        assert (registered.name, registered.id_number, registered.family) == (None, None, None)
    finally:
        hub.close()
