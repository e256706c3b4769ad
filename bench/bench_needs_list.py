"""P3: /needs/ with 10,000 needs under gunicorn, at least 40% of a trivial Django view's rate.

Inserts 10,000 needs (bench/needs_data.py), starts gunicorn on loopback with the bench
settings (bench/web_settings.py: the site's URLs plus ``/bench/trivial/``, a view that
only answers "ok" through the full middleware stack), and loads both URLs with the same
concurrency and duration in the same run, alternating, with bench/load.py. Prints the
requests per second of each, latencies, and the ratio (target at least 0.4).
"""

NEEDS = 10_000
CONCURRENCY = 8
DURATION = 8.0
WARMUP = 2.0
ROUNDS = 2
TARGET_RATIO = 0.4
# Two cores on the reference machine: two worker processes, a few threads each so that
# keep-alive connections are kept (gunicorn's sync worker closes after every request).
GUNICORN = ["--workers", "2", "--worker-class", "gthread", "--threads", "4"]
GUNICORN += ["--keep-alive", "10", "--timeout", "60", "--no-control-socket"]
GUNICORN += ["--access-logfile", "-", "--error-logfile", "-", "--log-level", "warning"]


def run() -> None:
    from bench.db import setup_django

    setup_django()
    from bench.load import run_load
    from bench.needs_data import create_needs
    from bench.server import gunicorn
    from research_needs.models import Need

    seconds = create_needs(NEEDS)
    print(f"   inserted {Need.objects.count():,} needs in {seconds:.1f} s")
    with gunicorn(GUNICORN) as server:
        urls = {
            "trivial view": f"{server.base_url}/bench/trivial/",
            "/needs/": f"{server.base_url}/needs/",
        }
        results = {label: [] for label in urls}
        for _round in range(ROUNDS):
            for label, url in urls.items():
                results[label].append(
                    run_load(url, concurrency=CONCURRENCY, duration=DURATION, warmup=WARMUP)
                )
    errors = server.log

    rates = {}
    print(
        f"   gunicorn {' '.join(GUNICORN[:6])}; load: {CONCURRENCY} keep-alive connections, "
        f"{ROUNDS} x {DURATION:.0f} s per URL, alternating"
    )
    for label, runs in results.items():
        requests = sum(r.requests for r in runs)
        duration = sum(r.duration for r in runs)
        rates[label] = requests / duration
        latencies = sorted(ms for r in runs for ms in r.latencies_ms)
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0
        statuses = sum((r.statuses for r in runs), start=type(runs[0].statuses)())
        failures = sum(r.error_count for r in runs)
        print(
            f"   {label:<13} {rates[label]:7.1f} req/s  p50 {latencies[len(latencies) // 2]:6.1f} ms"
            f"  p95 {p95:6.1f} ms  statuses {dict(statuses)}  errors {failures}"
        )
        if set(statuses) != {200} or failures:
            print(f"   !! {label} answered with something else than 200; see the log below.")
            print(errors[-3000:])
    ratio = rates["/needs/"] / rates["trivial view"]
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"   ratio /needs/ : trivial = {ratio:.2f}  target >= {TARGET_RATIO}: {verdict}")
