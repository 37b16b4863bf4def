#!/usr/bin/env python3
"""Runs a command that must fail on its own, promptly and clearly: exit 0
when it exits with a status other than 0, after printing its stderr (for
FileCheck); exit 1 when it succeeds, is killed by a signal (a crash), or
is still running after --timeout seconds (a hang is not a clear error).

usage: expect_failure.py [--timeout SECONDS] -- CMD..."""
import subprocess
import sys


def main():
    args = sys.argv[1:]
    timeout = 300
    if args[:1] == ["--timeout"]:
        timeout, args = float(args[1]), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    try:
        proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"expect_failure: still running after {timeout:g}s: {' '.join(args)}")
    sys.stdout.write(proc.stderr)
    if proc.returncode == 0:
        sys.exit("expect_failure: the command succeeded")
    if proc.returncode < 0:
        sys.exit(f"expect_failure: the command was killed by signal {-proc.returncode}")
    print(f"expect_failure: exit status {proc.returncode}")


if __name__ == "__main__":
    main()
