"""Sessions read from the cache, written through to the database (issue 17).

Every logged-in request reads its session; Django's ``cached_db`` engine serves it from
the cache (Redis) and falls back to the ``django_session`` table on a miss, so a logged-in
page costs one query less. Writes go to the database first, then to the cache; the
database stays the record. With Redis down, ``forum.cache.ResilientRedisCache`` answers
misses and ignores writes, so sessions come from the database and nobody is logged out.

One change to Django's engine: a session is kept in the cache for at most
``CACHE_SECONDS``, not for its whole lifetime. A session deleted while Redis was down
(a logout during an outage) cannot be removed from Redis then; when Redis comes back, the
old copy would log the cookie in again until it expired. Capped, it expires within
minutes. Logging out as usual deletes the cached copy at once; a deactivated user or a
changed password ends the session on the next request whatever the session cache holds:
the user is checked on every request (``is_active``, the password hash) against their row,
kept in the cache under a generation that every save of the user bumps (members/cache.py),
and at most ``members.cache.VIEWER_TIMEOUT`` old if that bump was lost in an outage.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

CACHE_SECONDS = 10 * 60


def _capped(timeout):
    if timeout is None or timeout > CACHE_SECONDS:
        return CACHE_SECONDS
    return timeout


class _CappedCache:
    """The session cache with every lifetime capped at ``CACHE_SECONDS``."""

    def __init__(self, cache):
        self._cache = cache

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key):
        return key in self._cache

    def set(self, key, value, timeout=None, version=None):
        return self._cache.set(key, value, _capped(timeout), version=version)

    async def aset(self, key, value, timeout=None, version=None):
        return await self._cache.aset(key, value, _capped(timeout), version=version)


class SessionStore(CachedDbStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _CappedCache(self._cache)
