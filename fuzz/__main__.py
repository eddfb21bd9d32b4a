"""`python -m fuzz` (make fuzz): every target for FUZZ_SECONDS seconds (60 by default) from its
seed corpus, then a line per target with the inputs it ran; a crash (any exception the parser
should not raise, a hang of more than FUZZ_TIMEOUT seconds, or running out of memory) keeps its
input under fuzz/crashes/ and makes the run fail.

    python -m fuzz                     # all targets
    python -m fuzz --only read_table   # one (repeat --only for more)
    python -m fuzz --make-corpus       # write the seeds again into fuzz/corpus/<target>/
    python -m fuzz --replay FILE --only read_table   # run one saved input (a crash) again
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUZZ_DIR = Path(__file__).resolve().parent
ROOT = FUZZ_DIR.parent
CORPUS = FUZZ_DIR / "corpus"
CRASHES = FUZZ_DIR / "crashes"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fuzz.targets import TARGETS  # noqa: E402

DONE = re.compile(r"Done (\d+) runs in (\d+) second")
EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
PROGRESS = re.compile(r"^#(\d+)\s", re.MULTILINE)
ARTIFACT = re.compile(r"Test unit written to (\S+)")


def make_corpus(names) -> None:
    from fuzz.harness import setup_django

    setup_django(instrument=False)
    for name in names:
        module = importlib.import_module(f"fuzz.targets.{name}")
        folder = CORPUS / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if not old.name.startswith("regression-"):  # inputs that once crashed stay
                old.unlink()
        for file_name, data in module.seeds().items():
            (folder / file_name).write_bytes(data)
        print(f"{name}: {len(list(folder.iterdir()))} seeds in {folder.relative_to(ROOT)}")


def run_target(name: str, seconds: int, timeout: int) -> dict:
    """Fuzz one target in its own process; new inputs go to a scratch folder, never into the
    committed corpus."""
    CRASHES.mkdir(exist_ok=True)
    seeds = CORPUS / name
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{name}-") as scratch:
        command = [
            sys.executable,
            str(FUZZ_DIR / "targets" / f"{name}.py"),
            scratch,
            str(seeds),
            f"-max_total_time={seconds}",
            f"-timeout={timeout}",
            "-rss_limit_mb=3072",
            "-max_len=262144",
            "-print_final_stats=1",
            f"-artifact_prefix={CRASHES}/{name}-",
        ]
        started = time.monotonic()
        process = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            check=False,
        )
        elapsed = time.monotonic() - started
    output = process.stdout
    runs = _runs(output)
    crash = None
    if process.returncode != 0:
        found = ARTIFACT.search(output)
        crash = found.group(1) if found else "(no input written)"
    done = DONE.findall(output)
    return {
        "name": name,
        "runs": runs,
        "fuzzed": int(done[-1][1]) if done else None,
        "seconds": elapsed,
        "crash": crash,
        "output": output,
        "returncode": process.returncode,
    }


def _runs(output: str) -> int:
    for pattern in (EXECUTED, DONE):
        found = pattern.findall(output)
        if found:
            return int(found[-1])
    found = PROGRESS.findall(output)
    return int(found[-1]) if found else 0


def replay(name: str, path: Path) -> int:
    from fuzz.harness import make_world, setup_django

    setup_django(instrument=False)
    module = importlib.import_module(f"fuzz.targets.{name}")
    context = make_world() if module.DATABASE else None
    module.test_one_input(path.read_bytes(), context)
    print(f"{name}: {path} runs without a crash")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", choices=TARGETS)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("FUZZ_SECONDS", 60)))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("FUZZ_TIMEOUT", 20)))
    parser.add_argument("--make-corpus", action="store_true")
    parser.add_argument("--replay", type=Path)
    args = parser.parse_args(argv)
    names = args.only or list(TARGETS)
    if args.make_corpus:
        make_corpus(names)
        return 0
    if args.replay:
        return replay(names[0], args.replay)
    if not all((CORPUS / name).is_dir() for name in names):
        make_corpus([name for name in names if not (CORPUS / name).is_dir()])
    results = []
    for name in names:
        print(f"fuzz {name}: {args.seconds} s …", flush=True)
        result = run_target(name, args.seconds, args.timeout)
        results.append(result)
        status = "CRASH" if result["crash"] else "ok"
        fuzzed = result["fuzzed"] if result["fuzzed"] is not None else args.seconds
        print(
            f"fuzz {name}: {result['runs']} inputs in {fuzzed} s of fuzzing "
            f"({result['runs'] / max(fuzzed, 1):.0f}/s; {result['seconds']:.0f} s with start-up)"
            f": {status}",
            flush=True,
        )
        if result["crash"]:
            log = CRASHES / f"{name}-{hashlib.sha1(result['output'].encode()).hexdigest()[:12]}.log"
            log.write_text(result["output"])
            print(f"  input: {result['crash']}\n  log:   {log}")
            print("\n".join("  | " + line for line in _traceback(result["output"])))
    print()
    print(f"{'target':<16} {'inputs':>10} {'fuzzing s':>10} {'wall s':>7}  result")
    for result in results:
        fuzzed = result["fuzzed"] if result["fuzzed"] is not None else "-"
        print(
            f"{result['name']:<16} {result['runs']:>10} {fuzzed:>10} "
            f"{result['seconds']:>7.0f}  "
            f"{'crash: ' + result['crash'] if result['crash'] else 'ok'}"
        )
    crashed = [r["name"] for r in results if r["crash"]]
    if crashed:
        print(f"\n{len(crashed)} target(s) crashed: {', '.join(crashed)} (inputs in fuzz/crashes/)")
        return 1
    return 0


def _traceback(output: str) -> list[str]:
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if "Uncaught Python exception" in line or "ERROR: libFuzzer" in line:
            return lines[index : index + 40]
    return lines[-30:]


if __name__ == "__main__":
    sys.exit(main())
