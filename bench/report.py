"""Run every bench script in bench/ and summarise their PASS/FAIL lines in one table.

    .venv/bin/python bench/report.py [--only NAME,...] [--skip NAME,...] [--full]

Each bench runs in its own process, one after another (they must not share the CPU), with
small defaults so the whole report takes a few minutes (--full: each bench's own defaults).
Their output is shown as they run; then one table: every line that says PASS or FAIL, per
bench, and benches that were skipped (bench_build without a Docker engine), failed to run, or
have no targets (bench_render). Exit status 1 when any target failed or a bench did not run
to the end, else 0.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOCKER_SOCKET = Path("/var/run/docker.sock")
VERDICT = re.compile(r"\b(PASS|FAIL)\b")

# small defaults: the same targets, fewer repetitions
QUICK: dict[str, list[str]] = {
    "bench_start": ["--pods", "1000", "--runs", "3"],
    "bench_logs": ["--lines", "100000"],
    "bench_build": ["--runs", "3"],
    "bench_render": ["--rounds", "3"],
    "bench_scale": ["--presses", "30", "--probes", "5", "--phase-budget", "45"],
    "bench_idle": ["--seconds", "30", "--watch-timeout", "10"],
}


@dataclass
class Outcome:
    name: str
    status: str = ""  # PASS, FAIL, SKIPPED, ERROR, TIMEOUT, NO TARGET
    detail: str = ""
    verdicts: list[str] = field(default_factory=list)
    seconds: float = 0.0


def docker_reason(env: dict[str, str]) -> str | None:
    """Why bench_build cannot run here, or None when an engine may be reachable."""
    if env.get("DOCKER_HOST"):
        return None
    if DOCKER_SOCKET.exists():
        env["DOCKER_HOST"] = f"unix://{DOCKER_SOCKET}"
        return None
    return f"no Docker engine: DOCKER_HOST is unset and {DOCKER_SOCKET} does not exist"


def run_bench(script: Path, args: list[str], env: dict[str, str], timeout: float) -> Outcome:
    outcome = Outcome(script.stem)
    command = [sys.executable, str(script), *args]
    print(f"\n=== {script.stem} {' '.join(args)}".rstrip(), flush=True)
    started = time.monotonic()
    lines: list[str] = []
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    assert proc.stdout is not None
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        proc.terminate()  # SIGTERM: the benches stop their fake API servers on it

    timer = threading.Timer(timeout, expire)
    timer.start()
    try:
        for line in proc.stdout:
            print(f"  {line.rstrip()}", flush=True)
            lines.append(line.rstrip())
        code = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait(30)
        raise
    finally:
        timer.cancel()
    timed_out = expired.is_set()
    outcome.seconds = time.monotonic() - started
    outcome.verdicts = [" ".join(line.split()) for line in lines if VERDICT.search(line)]
    last = next((line.strip() for line in reversed(lines) if line.strip()), "")
    if timed_out:
        outcome.status, outcome.detail = "TIMEOUT", f"stopped after {timeout:.0f} s"
    elif code != 0 and not outcome.verdicts:
        outcome.status, outcome.detail = "ERROR", f"exit {code}: {last[:200]}"
    elif any("FAIL" in VERDICT.findall(line) for line in outcome.verdicts):
        outcome.status = "FAIL"
    elif outcome.verdicts:
        outcome.status = "PASS"
    else:
        outcome.status, outcome.detail = "NO TARGET", "figures only"
    if code != 0 and outcome.verdicts and not timed_out:
        outcome.detail = f"exit {code}"
    return outcome


def print_table(outcomes: list[Outcome]) -> None:
    width = max(len(outcome.name) for outcome in outcomes)
    rule = "-" * min(120, shutil.get_terminal_size((120, 20)).columns)
    print(f"\n{rule}\nSUMMARY\n{rule}")
    print(f"{'bench':<{width}}  {'result':<9}  {'time':>6}  targets")
    for outcome in outcomes:
        lines = outcome.verdicts or [outcome.detail]
        if outcome.verdicts and outcome.detail:
            lines = [*lines, outcome.detail]
        elapsed = f"{outcome.seconds:5.0f}s" if outcome.seconds else ""
        indent = " " * (width + 21)
        for index, line in enumerate(lines):
            text = line.replace("RESULT ", "")
            wrapped = textwrap.wrap(text, 120 - len(indent)) or [""]
            head = (
                f"{outcome.name:<{width}}  {outcome.status:<9}  {elapsed:>6}  "
                if index == 0
                else indent
            )
            print(head + wrapped[0])
            for more in wrapped[1:]:
                print(indent + "  " + more)
    print(rule)
    counts = {
        status: sum(o.status == status for o in outcomes)
        for status in ("PASS", "FAIL", "ERROR", "TIMEOUT", "SKIPPED", "NO TARGET")
    }
    targets = [line for o in outcomes for line in o.verdicts]
    failed = sum("FAIL" in VERDICT.findall(line) for line in targets)
    print(
        f"{len(targets) - failed} of {len(targets)} target lines PASS; benches: "
        + ", ".join(f"{count} {status}" for status, count in counts.items() if count)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--skip", default="", help="comma-separated bench names")
    parser.add_argument("--full", action="store_true", help="each bench's own defaults")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per bench")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    scripts = sorted(BENCH.glob("bench_*.py"))
    outcomes: list[Outcome] = []
    for script in scripts:
        name = script.stem
        if (only and name not in only) or name in skip:
            continue
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        if name == "bench_build":
            reason = docker_reason(env)
            if reason is not None:
                print(f"\n=== {name}: skipped ({reason})", flush=True)
                outcomes.append(Outcome(name, "SKIPPED", reason))
                continue
        bench_args = [] if args.full else QUICK.get(name, [])
        outcomes.append(run_bench(script, bench_args, env, args.timeout))
    if not outcomes:
        print("no bench selected")
        return 1
    print_table(outcomes)
    bad = {"FAIL", "ERROR", "TIMEOUT"}
    return 1 if any(outcome.status in bad for outcome in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
