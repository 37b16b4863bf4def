#!/usr/bin/env python3
"""Kill -9 test driver: runs a checkpointed command in WORKDIR, SIGKILLs it
after a random delay, restarts it, and so on until a run completes; then
compares the outputs with the reference files of an uninterrupted run
(byte for byte) and starts another such sequence, until at least --kills
kills have been made. Fails when an output differs, when a run fails (other
than by the kill), or when the kills could not be made within --budget
seconds.

usage: crash_test.py --workdir DIR --reference DIR --outputs F [F ...]
                     [--kills 20] [--budget 90] [--seed S] -- CMD ...

CMD runs in WORKDIR, whose data/ it reads; out/ and ck/ are removed before
each sequence. The delays are drawn from [0, half the duration of one
uninterrupted run], growing with each attempt, so kills land in every phase:
compiling, scanning, checkpointing, emitting, renaming the outputs into
place. The seed is new each time unless given (it is printed)."""
import argparse
import filecmp
import os
import random
import shutil
import signal
import subprocess
import sys
import time


def run_to_completion(cmd, workdir):
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"crash test: an uninterrupted run failed ({proc.returncode}):\n{proc.stderr}")
    return time.monotonic() - t0


def compare(args, sequence):
    for rel in args.outputs:
        got = os.path.join(args.workdir, rel)
        want = os.path.join(args.reference, rel)
        if not os.path.exists(got):
            sys.exit(f"crash test: sequence {sequence}: {rel} is missing")
        if not filecmp.cmp(got, want, shallow=False):
            diff = subprocess.run(["diff", want, got], capture_output=True, text=True).stdout
            sys.stderr.write("\n".join(diff.splitlines()[:20]) + "\n")
            sys.exit(f"crash test: sequence {sequence}: {rel} differs from the uninterrupted run")
    leftovers = [f for f in os.listdir(os.path.join(args.workdir, "out")) if f.endswith(".inprogress")]
    if leftovers:
        sys.exit(f"crash test: sequence {sequence}: leftover files {leftovers}")


def clean(workdir):
    for d in ("out", "ck"):
        shutil.rmtree(os.path.join(workdir, d), ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workdir", required=True)
    p.add_argument("--reference", required=True)
    p.add_argument("--outputs", nargs="+", required=True)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--budget", type=float, default=90)
    p.add_argument("--seed", type=int, default=None, help="default: a new one each run (printed)")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    print(f"crash test: seed {seed}", flush=True)
    rng = random.Random(seed)
    start = time.monotonic()

    clean(args.workdir)
    duration = run_to_completion(cmd, args.workdir)
    compare(args, 0)  # checkpointed and uninterrupted: the same output

    kills = runs = sequences = 0
    while kills < args.kills:
        if time.monotonic() - start > args.budget:
            sys.exit(f"crash test: only {kills} kills in {args.budget} s")
        clean(args.workdir)
        attempts = 0
        while True:
            attempts += 1
            runs += 1
            # Most kills come before half an uninterrupted run's time, so a
            # sequence holds several; later attempts wait longer, so every
            # sequence ends (the work left shrinks with each resumed run).
            delay = rng.uniform(0, duration / 2) * (1 + attempts / 5)
            proc = subprocess.Popen(cmd, cwd=args.workdir, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True)
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                continue
            err = proc.stderr.read()
            if proc.returncode != 0:
                sys.exit(f"crash test: a restarted run failed ({proc.returncode}) after {kills} kills:\n{err}")
            break
        sequences += 1
        compare(args, sequences)
        # The completed checkpoint: a rerun changes nothing.
        if sequences == 1:
            run_to_completion(cmd, args.workdir)
            compare(args, sequences)
    print(f"crash test: {kills} kills in {sequences} sequences ({runs} runs); "
          f"every final output identical to the uninterrupted run")


if __name__ == "__main__":
    main()
