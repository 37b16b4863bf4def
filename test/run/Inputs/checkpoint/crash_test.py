#!/usr/bin/env python3
"""Kill -9 test driver: runs a checkpointed command in WORKDIR, SIGKILLs it
after a random delay, restarts it, and so on until a run completes; then
compares the outputs with the reference files of an uninterrupted run
(byte for byte) and starts another such sequence, until at least --kills
kills have been made. Fails when an output differs, when a run fails (other
than by the kill), or when the kills could not be made within --max-runs
runs. (A count, not a time: the delays scale with a measured uninterrupted
run, so a slow or busy machine makes the test longer, never red.)

usage: crash_test.py --workdir DIR --reference DIR --outputs F [F ...]
                     [--kills 20] [--max-runs 10*kills] [--seed S] -- CMD ...

CMD runs in WORKDIR, whose data/ it reads; out/ and ck/ are removed before
each sequence. The delays are drawn from [0, half the duration of one
uninterrupted run], growing with each attempt, so kills land in every phase:
compiling, scanning, checkpointing, emitting, renaming the outputs into
place. The seed is new each time unless given (it is printed).

Right outputs alone would not show that a restart resumed: one that silently
started over would produce them too. So CMD runs with WEIR_RUNTIME_TRACE=1,
whose lines say when a checkpoint was written ("trace: checkpoint N: ..."),
what a restart made of it ("trace: checkpoint: resumed from ...") and where a
resumed scan went on ("trace: stage S resumes after record R ..."); CMD
should not pass --quiet, so a completed run's report says the same. Every
restart after a checkpoint was written must resume from it (or find the run
completed) once it gets that far; the test fails unless some restarts
resumed, mid-scan."""
import argparse
import filecmp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TRACE_ENV = dict(os.environ, WEIR_RUNTIME_TRACE="1")
CHECKPOINT_WRITTEN = re.compile(r"^trace: checkpoint \d+: ", re.M)
START_NOTE = re.compile(r"^trace: checkpoint: (.*)$", re.M)
# Lines a run prints only once the checkpoint is open (a run killed while
# compiling has none, and says nothing about the checkpoint).
OPENED = re.compile(r"^trace: (stage |checkpoint \d+: )", re.M)
MID_SCAN = re.compile(r"^trace: stage \d+ resumes after record [1-9]", re.M)
RESUMED = "resumed from the checkpoint in "
COMPLETED = "had completed with these inputs"


def run_to_completion(cmd, workdir):
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          env=TRACE_ENV)
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
    p.add_argument("--max-runs", type=int, default=None, help="default: 10 runs per kill asked for")
    p.add_argument("--seed", type=int, default=None, help="default: a new one each run (printed)")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args()
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
    print(f"crash test: seed {seed}", flush=True)
    rng = random.Random(seed)

    clean(args.workdir)
    duration = run_to_completion(cmd, args.workdir)
    compare(args, 0)  # checkpointed and uninterrupted: the same output

    kills = runs = sequences = 0
    after_checkpoint = resumed = mid_scan = 0
    stderr_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    max_runs = args.max_runs if args.max_runs is not None else 10 * args.kills
    while kills < args.kills:
        if runs >= max_runs:
            sys.exit(f"crash test: only {kills} kills in {runs} runs")
        clean(args.workdir)
        attempts = 0
        checkpointed = False  # an earlier run of this sequence wrote a checkpoint
        while True:
            attempts += 1
            runs += 1
            # Most kills come before half an uninterrupted run's time, so a
            # sequence holds several; later attempts wait longer, so every
            # sequence ends (the work left shrinks with each resumed run).
            delay = rng.uniform(0, duration / 2) * (1 + attempts / 5)
            stderr_file.seek(0)
            stderr_file.truncate()
            proc = subprocess.Popen(cmd, cwd=args.workdir, stdout=subprocess.DEVNULL,
                                    stderr=stderr_file, env=TRACE_ENV)
            killed = False
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
                killed = True
            stderr_file.seek(0)
            err = stderr_file.read()
            note = START_NOTE.search(err)
            note = note.group(1) if note else None
            if checkpointed and (not killed or note or OPENED.search(err)):
                after_checkpoint += 1
                # A restart that starts over would give the right output too.
                if note is None or not (note.startswith(RESUMED) or COMPLETED in note):
                    sys.exit(f"crash test: sequence {sequences + 1}: a restart after a checkpoint did not "
                             f"resume from it ({note or 'no checkpoint note'}):\n{err}")
                if note.startswith(RESUMED):
                    resumed += 1
                    mid_scan += bool(MID_SCAN.search(err))
                # The report of a run that completes says so too.
                if not killed and f"  checkpoint: {note}\n" not in err:
                    sys.exit(f"crash test: the report of a restarted run does not say '{note}':\n{err}")
            checkpointed = checkpointed or bool(CHECKPOINT_WRITTEN.search(err))
            if killed:
                continue
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
    print(f"crash test: {after_checkpoint} restarts after a checkpoint, {resumed} resumed from it "
          f"({mid_scan} mid-scan)")
    if resumed == 0 or mid_scan == 0:
        sys.exit("crash test: no restart resumed a scan from a checkpoint")


if __name__ == "__main__":
    main()
