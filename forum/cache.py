"""A Redis cache that survives a Redis outage.

Everything the platform keeps in the cache can be lost without losing data: allauth's
rate-limit counters and TOTP replay marks, the rendered needs list, the debounce key of the
programme PDF. So when Redis cannot be reached, a request must not fail: Django's own
``RedisCache`` raises ``redis.ConnectionError`` from every call and turned the login, the
sign-up and the password reset into a 500 (issue 10).

``ResilientRedisCache`` catches connection errors, timeouts and other Redis errors, logs one warning a minute
per process, and then treats Redis as down for ``RETRY_AFTER`` seconds, so a dead server
costs one failed connection attempt (a few milliseconds, at most the short socket timeouts
below) every few seconds per process, not one per cache call. While it is down:

- keys starting with one of ``LOCAL_FALLBACK_PREFIXES`` (by default allauth's: its rate
  limits and the TOTP codes already used) are kept in a cache in this process's memory;
- every other key behaves as a miss: reads return the default, writes do nothing, ``add``
  succeeds (the key was not there), ``incr`` raises ``ValueError`` as for a missing key.

Why rate limiting falls back to process memory, not open and not to the database: failing
open would leave the login without a brute-force limit for as long as the outage lasts,
which an attacker can cause or wait for; a database fallback needs a cache table created at
every deployment and puts a locked read-modify-write per login attempt on PostgreSQL, the
one service that must stay healthy during the outage. Counting per process keeps a limit
(at most the number of gunicorn workers times looser, still far below a usable guessing
rate), costs nothing and needs no schema. Other keys must not fall back: the needs list
cache relies on one shared generation number, and a per-process copy would serve stale
pages from the other workers.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Connection refused or reset, timeouts, and also a server that answers but cannot serve
# (loading its data set, read-only replica, out of memory, not Redis at all).
OUTAGE_ERRORS = (RedisError,)
WARNING_INTERVAL = 60.0  # seconds between two warnings about the same outage, per process


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` object for every cache call (about
    0.15 ms each: its table of ~170 response callbacks); this one keeps one per connection
    pool. ``redis.Redis`` objects are thread-safe: each command takes its own connection
    from the pool (issue 17)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        self.local_prefixes = tuple(options.pop("LOCAL_FALLBACK_PREFIXES", ("allauth",)))
        # A dead or unreachable server must cost milliseconds, not the default "forever".
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
        self._local = LocMemCache(
            f"forum-cache-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._down_until = 0.0
        self._last_warning = float("-inf")

    # --- Outage bookkeeping ---------------------------------------------------------------

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _mark_down(self, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + self.retry_after
        if now - self._last_warning >= WARNING_INTERVAL:
            self._last_warning = now
            logger.warning(
                "Redis cache unreachable (%s): rate limits count in this process, other "
                "cache reads miss; next try in %.0f s.",
                exc,
                self.retry_after,
            )

    def _mark_up(self) -> None:
        if self._down_until:
            self._down_until = 0.0
            self._last_warning = float("-inf")
            logger.warning("Redis cache reachable again.")

    def _local_for(self, key) -> bool:
        return isinstance(key, str) and key.startswith(self.local_prefixes)

    def _call(self, name: str, key, args: tuple, kwargs: dict, missing):
        """Runs ``RedisCache.<name>``; while Redis is down, the local cache's method for
        fallback keys, else ``missing()``."""
        if not self.is_down:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except OUTAGE_ERRORS as exc:
                self._mark_down(exc)
            else:
                self._mark_up()
                return result
        if key is not None and self._local_for(key):
            return getattr(self._local, name)(*args, **kwargs)
        return missing()

    # --- Cache API ------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, (key, value, timeout, version), {}, lambda: True)

    def get(self, key, default=None, version=None):
        return self._call("get", key, (key, default, version), {}, lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, (key, value, timeout, version), {}, lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, (key, timeout, version), {}, lambda: False)

    def delete(self, key, version=None):
        return self._call("delete", key, (key, version), {}, lambda: False)

    def has_key(self, key, version=None):
        return self._call("has_key", key, (key, version), {}, lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found.")

        return self._call("incr", key, (key, delta, version), {}, missing)

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._call("get_many", None, (keys, version), {}, dict)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", None, (data, timeout, version), {}, list)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, (list(keys), version), {}, lambda: None)

    def clear(self):
        self._local.clear()
        return self._call("clear", None, (), {}, lambda: False)

    def delete_own_keys(self) -> int:
        """Deletes every key of this cache and nothing else: ``clear()`` empties the whole
        Redis database, which Celery's queue shares (REDIS_URL). Returns how many."""
        self._local.clear()

        def delete() -> int:
            client = self._cache.get_client(write=True)
            deleted = 0
            batch = []
            for key in client.scan_iter(match=self.make_key("*"), count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    deleted += client.delete(*batch)
                    batch = []
            if batch:
                deleted += client.delete(*batch)
            return deleted

        try:
            return delete()
        except OUTAGE_ERRORS as exc:
            self._mark_down(exc)
            return 0
