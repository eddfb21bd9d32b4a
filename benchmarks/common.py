"""Shared pieces: timing, the results file and the printed table."""

import datetime
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

from django.db import connection

RESULTS = Path(__file__).resolve().parent / "results"


def timed(fn, repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` calls, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples, q):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = 0
    vendor = connection.vendor
    version = ""
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = "SQLite " + cursor.fetchone()[0]
        elif vendor == "postgresql":
            cursor.execute("show server_version")
            version = "PostgreSQL " + cursor.fetchone()[0].split()[0]
    return f"{cores} cores, {mem:.0f} GiB, {version}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(name: str, scale: str, metrics: list[dict], checks: list[dict]) -> dict:
    result = {
        "name": name,
        "scale": scale,
        "commit": commit(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": machine(),
        "metrics": metrics,
        "checks": checks,
    }
    RESULTS.mkdir(exist_ok=True)
    stem = name if scale == "province" else f"{name}-{scale}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"\n{name} ({scale}, {result['machine']}, {result['commit']})")
    print(f"{'metric':<34}{'value':>10}  {'baseline':>10}  {'ratio':>7}  {'target':<16} met")
    for m in metrics:
        base = m.get("baseline", {}).get("value")
        target = ", ".join(f"{k}={v}" for k, v in m.get("target", {}).items())
        print(
            f"{m['metric']:<34}{m['value']:>10.1f}  {base if base is not None else '':>10}  "
            f"{m.get('ratio', ''):>7}  {target:<16} {m.get('met')}"
        )
    for c in checks:
        print(f"check: {c['check']}: {'passed' if c['passed'] else 'FAILED'} ({c['detail']})")
    return result


def duration_metric(metric, samples, baseline_samples, baseline_what, at_most):
    value = round(statistics.median(samples), 1)
    base = round(statistics.median(baseline_samples), 2)
    return {
        "metric": metric,
        "value": value,
        "unit": "ms",
        "higher_is_better": False,
        "baseline": {"what": baseline_what, "value": base},
        "ratio": round(value / base, 1) if base else None,
        "target": {"at_most": at_most},
        "met": value <= at_most,
        "p95": round(p(samples, 0.95), 1),
    }


def prepare(scale: str) -> None:
    """The data set of the scale: the Đắk Lắk demo (province), or the national synthetic tree
    (PostgreSQL only; built once, kept in the database DATABASE_URL names)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if scale == "national":
        from chuyende.demo.national import build_national

        build_national(stdout=_Out())
    else:
        from chuyende.demo.builder import build_demo

        build_demo(scale=1.0)


class _Out:
    def write(self, text):
        print(text, flush=True)
