"""The owner's API keys: create one (its secret shown once), list them, revoke one; and the
API's look-up of the key a request carries, read from the database on every request so that a
revocation holds at once on every worker."""

from __future__ import annotations

from datetime import timedelta

from domain import errors
from domain.apikeys import (
    LAST_USE_PRECISION_SECONDS,
    ApiKeyActor,
    ApiKeyView,
    NewApiKey,
    Scope,
    check_key_name,
    looks_like_secret,
    new_secret,
    scopes_of,
    scopes_text,
    secret_hash,
    secret_matches,
)
from domain.db.apikeys import ApiKeyRepository
from domain.db.tables import ApiKey
from domain.service.base import ServiceBase, require_owner
from domain.service.merchants import find_own_store


def _view(key: ApiKey, store_name: str | None) -> ApiKeyView:
    return ApiKeyView(
        name=key.name,
        scopes=scopes_of(key.scopes),
        store_name=store_name,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )


class ApiKeyService(ServiceBase):
    async def create_key(
        self,
        owner_id: int,
        name: str,
        scopes: frozenset[Scope],
        store_reference: str | None = None,
    ) -> NewApiKey:
        """A new key for the owner's merchant (or one of its stores); its secret is in the
        answer and nowhere else."""
        cleaned = check_key_name(name)
        if not scopes:  # a key that may do nothing is a mistake, not a key
            raise errors.InvalidApiKeyScopes(allowed=tuple(s.value for s in Scope))
        now = self._clock.now()
        async with self._db.write() as session:
            directory = self._directory(session)
            merchant = await require_owner(directory, owner_id)
            store = (
                None
                if store_reference is None
                else await find_own_store(directory, merchant, store_reference)
            )
            keys = ApiKeyRepository(session)
            if await keys.by_name(merchant.id, cleaned) is not None:
                raise errors.DuplicateApiKeyName(name=cleaned)
            secret = new_secret()
            row = await keys.add(
                ApiKey(
                    merchant_id=merchant.id,
                    store_id=None if store is None else store.id,
                    name=cleaned,
                    scopes=scopes_text(scopes),
                    secret_hash=secret_hash(secret),
                    created_by_user_id=owner_id,
                    created_at=now,
                )
            )
            return NewApiKey(key=_view(row, None if store is None else store.name), secret=secret)

    async def keys(self, owner_id: int) -> list[ApiKeyView]:
        """The merchant's keys in use, by name, with their last use."""
        async with self._db.read() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            return [_view(k, s) for k, s in await ApiKeyRepository(session).in_use(merchant.id)]

    async def revoke_key(self, owner_id: int, name: str) -> None:
        """Revoke the key of that name: the next request that carries it is refused."""
        now = self._clock.now()
        async with self._db.write() as session:
            merchant = await require_owner(self._directory(session), owner_id)
            keys = ApiKeyRepository(session)
            key = await keys.by_name(merchant.id, name.strip())
            if key is None or not await keys.revoke(key.id, now):
                raise errors.ApiKeyNotFound(name=name.strip())

    async def authenticate(self, secret: str) -> ApiKeyActor:
        """The key a request carries, if it exists and is not revoked; its use is recorded."""
        if not looks_like_secret(secret):
            raise errors.ApiKeyRefused()
        now = self._clock.now()
        async with self._db.read() as session:
            key = await ApiKeyRepository(session).by_hash(secret_hash(secret))
        # Found by the hash's index, then compared in constant time all the same.
        if key is None or key.revoked_at is not None or not secret_matches(secret, key.secret_hash):
            raise errors.ApiKeyRefused()
        stale_before = now - timedelta(seconds=LAST_USE_PRECISION_SECONDS)
        if key.last_used_at is None or key.last_used_at < stale_before:
            async with self._db.write() as session:
                await ApiKeyRepository(session).mark_used(key.id, now, stale_before)
        return ApiKeyActor(
            key_id=key.id,
            merchant_id=key.merchant_id,
            store_id=key.store_id,
            scopes=scopes_of(key.scopes),
        )
