"""`make bench`: every benchmark in this folder, on a fresh database with the Đắk Lắk demo.

SCALE=province (default: the demo as it is, ~1,800 grassroots unions, ~80,000 members) or
SCALE=national (PostgreSQL only: the national synthetic tree, 130,000 grassroots unions and
11 million members, built into the database DATABASE_URL names on the first run — about half an
hour — and kept there). BENCH=name[,name] runs a subset.
Results go to benchmarks/results/<name>.json (format: the project's benchmark spec).
"""

import argparse
import os
import sys
import tempfile


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--scale", default=os.environ.get("SCALE", "province"))
    parser.add_argument("--only", default=os.environ.get("BENCH", ""))
    args = parser.parse_args()
    if args.scale not in ("province", "national"):
        print(f"SCALE={args.scale}: 'province' or 'national'", file=sys.stderr)
        return 2
    if args.scale == "national" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "SCALE=national needs PostgreSQL: set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/chuyende_national",
            file=sys.stderr,
        )
        return 2
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="chuyende-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuyende.settings_test")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from . import imports, pages, rollups

    benches = {"pages": pages.run, "rollups": rollups.run, "imports": imports.run}
    benches["contest"] = __import__("benchmarks.contest", fromlist=["run"]).run
    benches["load"] = __import__("benchmarks.load", fromlist=["run"]).run
    wanted = [b for b in args.only.split(",") if b] or list(benches)
    for name in wanted:
        if name not in benches:
            print(f"unknown benchmark {name!r}; known: {', '.join(benches)}", file=sys.stderr)
            return 2
    for name in wanted:
        benches[name](scale=args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
