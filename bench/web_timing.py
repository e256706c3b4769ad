"""A bench-only middleware (bench/web_settings.py, ``FORUM_BENCH_TIMING=1``): every answer
says how long the request took inside Django and how much of it went to SQL, as a
``Server-Timing`` header (``db;dur=12.3;desc="7 queries", app;dur=20.1``), so the search
benchmark can tell the database's share from the page's."""

import time

from django.db import connection


class ServerTiming:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spent = [0.0, 0]

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - started
                spent[1] += 1

        started = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)  # template responses are rendered inside
        total = time.perf_counter() - started
        response["Server-Timing"] = (
            f'db;dur={spent[0] * 1000:.2f};desc="{spent[1]} queries", app;dur={total * 1000:.2f}'
        )
        return response


def parse(header: str) -> dict[str, float]:
    """``{"db": 12.3, "app": 20.1, "queries": 7}`` from the header above."""
    values = {}
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        for param in params:
            key, _, value = param.partition("=")
            if key == "dur":
                values[name] = float(value)
            elif key == "desc" and name == "db":
                values["queries"] = float(value.strip('"').split()[0])
    return values
