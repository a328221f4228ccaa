"""The hub's mapper: every event encrypted at rest, a person's personal fields under their key.

Built on the library's :class:`~eventsourcing.persistence.Mapper` and its AES-GCM cipher
(``eventsourcing.cryptography.AESCipher``). Two layers:

- the personal fields of a Person's events (:data:`SEALED_FIELDS`) are sealed with that
  person's own data key from the :class:`~hub.vault.keystore.KeyStore`;
- the whole stored state is then encrypted with the hub's key, so no free text of a case or
  referral stands in clear in the log, the replica or a copy of either.

Once a person is erased, their sealed fields read back as empty (``None``, or ``{}`` for
``details``) and the rest of the history reads as before. A key missing from the key store
(a key store restored from a backup older than the key, or that lost it) reads the same way:
without the key her fields are as unreadable as an erased person's, and the hub answers as
for one (``docs/operations.md``); operators are warned (once), never told whose. Stored states carry the 32-byte
hash-chain link in front (see :mod:`hub.vault.chain`); it is stripped here on the way in.
"""

from __future__ import annotations

import logging
from base64 import b64decode, b64encode
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import Environment, get_topic

from hub.vault.chain import LINK_SIZE
from hub.vault.keystore import KeyStore, PersonErased

PERSON_TOPIC_PREFIX = "domain.person:Person."
SEALED_FIELDS = frozenset(
    {"id_key", "id_number", "name", "contact", "health", "family", "details", "reason"}
)

#: the stored field naming the data key a Person's event was sealed under, when made ahead
KEY_FIELD = "_key"

log = logging.getLogger(__name__)


def aes_cipher(key: bytes) -> AESCipher:
    return AESCipher(Environment(env={AESCipher.CIPHER_KEY: b64encode(key).decode()}))


def erased_value(field: str) -> Any:
    return {} if field == "details" else None


class HubMapper(Mapper[UUID]):
    def __init__(self, transcoder: Transcoder, hub_key: bytes, keys: KeyStore) -> None:
        self.hub_cipher = aes_cipher(hub_key)
        super().__init__(transcoder=transcoder, cipher=self.hub_cipher)
        self.keys = keys
        self._person_ciphers: dict[bytes, AESCipher] = {}
        self._missing_warned = False

    def _person_cipher(
        self, person_id: UUID | str, *, create: bool
    ) -> tuple[str | None, AESCipher | None]:
        """The key id (``None`` for a key made for the person alone) and the cipher of the
        person's data key (``None`` once erased)."""
        key_id, key = self.keys.person_key(person_id, create=create)
        return key_id, self._cipher(key)

    def _cipher(self, key: bytes | None) -> AESCipher | None:
        if key is None:
            return None
        cipher = self._person_ciphers.get(key)
        if cipher is None:
            cipher = self._person_ciphers[key] = aes_cipher(key)
        return cipher

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        topic = get_topic(type(domain_event))
        state = dict(vars(domain_event))
        personal = {}
        if topic.startswith(PERSON_TOPIC_PREFIX):
            personal = {k: state.pop(k) for k in list(state) if k in SEALED_FIELDS}
        if not personal:
            return super().to_stored_event(domain_event)
        # A Person's event: its personal fields are sealed under the person's own key.
        originator_id = state.pop("originator_id")
        key_id, cipher = self._person_cipher(originator_id, create=True)
        if cipher is None:
            raise PersonErased("the person was erased; no personal data is recorded for them")
        state["_sealed"] = b64encode(cipher.encrypt(self.transcoder.encode(personal))).decode()
        state["_sealed_fields"] = sorted(personal)
        if key_id is not None:  # a key made ahead: the event names it (see the key store)
            state[KEY_FIELD] = key_id
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:  # as the library's mapper does, so upcasting knows the version
            state["class_version"] = class_version
        return StoredEvent(
            originator_id=originator_id,
            originator_version=state.pop("originator_version"),
            topic=topic,
            state=self.hub_cipher.encrypt(self.transcoder.encode(state)),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        unlinked = StoredEvent(
            originator_id=stored_event.originator_id,
            originator_version=stored_event.originator_version,
            topic=stored_event.topic,
            state=stored_event.state[LINK_SIZE:],
        )
        event = super().to_domain_event(unlinked)
        state = event.__dict__
        if "_sealed" in state:
            sealed = b64decode(state.pop("_sealed"))
            fields = state.pop("_sealed_fields")
            key_id = state.pop(KEY_FIELD, None)
            try:
                if key_id is None:  # sealed under a key made for the person alone
                    cipher = self._person_cipher(stored_event.originator_id, create=False)[1]
                else:
                    cipher = self._cipher(self.keys.key_by_id(key_id))
            except PersonErased:  # no such key in the store: unreadable, as if erased
                self._warn_missing_key()
                cipher = None
            if cipher is None:
                state.update({f: erased_value(f) for f in fields})
            else:
                state.update(self.transcoder.decode(cipher.decrypt(sealed)))
        return event

    def _warn_missing_key(self) -> None:
        """Tells operators, once per mapper (one per hub), that a person's data key is missing from the
        key store; not whose (the person's id and the key's are left out of the log)."""
        if not self._missing_warned:
            self._missing_warned = True
            log.warning(
                "a person's data key is missing from the key store: her personal fields read "
                "as erased (a key store older than the log? see docs/operations.md, Backup)"
            )

    def key_ids(self, stored_events: Iterable[StoredEvent]) -> set[str]:
        """The ids of the data keys made ahead that ``stored_events`` were sealed under."""
        found = set()
        for stored in stored_events:
            if not stored.topic.startswith(PERSON_TOPIC_PREFIX):
                continue
            state = self.transcoder.decode(self.hub_cipher.decrypt(stored.state[LINK_SIZE:]))
            if KEY_FIELD in state:
                found.add(str(state[KEY_FIELD]))
        return found
