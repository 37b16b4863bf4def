"""Child processes of the latency benchmark, each bounded in time.

Every process the benchmark starts is registered here, so that an error, a
timeout or Ctrl-C stops exactly those (by pid), never anything else.
"""
import os
import signal
import subprocess
import time

_started = []


class Failed(Exception):
    """A step of the benchmark went wrong; the message says which and why."""


def start(argv, name, stdout=subprocess.PIPE, stderr=None, cwd=None):
    """Starts argv; stderr goes to `stderr`: an open file, or a path to create."""
    log = None
    if isinstance(stderr, str):
        log, stderr = stderr, open(stderr, "w")
    try:
        p = subprocess.Popen(argv, stdout=stdout, stderr=stderr or subprocess.DEVNULL, cwd=cwd, text=True)
    finally:
        if log:
            stderr.close()
    p.rtm_name = name
    p.rtm_log = log or getattr(stderr, "name", None)
    _started.append(p)
    return p


def stop(p, grace=30):
    """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def wait(p, timeout, what):
    """Waits for p to exit; on timeout stops it and raises Failed."""
    try:
        out, _ = p.communicate(timeout=timeout)
        return out
    except subprocess.TimeoutExpired:
        stop(p, grace=5)
        raise Failed(f"{what} did not finish within {timeout:.0f} s")


def run(argv, timeout, what, cwd=None):
    """Runs argv to completion; returns stdout; raises Failed on error/timeout."""
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise Failed(f"{what} did not finish within {timeout:.0f} s")
    if r.returncode != 0:
        raise Failed(f"{what} failed (exit {r.returncode}): {r.stderr.strip()[-800:]}")
    return r.stdout


def stop_all():
    """Stops every process started here that still runs (cleanup path)."""
    for p in _started:
        if p.poll() is None:
            stop(p, grace=10)
    _started.clear()


def wait_for_line(path, needle, timeout, alive):
    """Waits until file `path` contains `needle`; False if `alive()` turns false or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, errors="replace") as f:
                if needle in f.read():
                    return True
        if not alive():
            return False
        time.sleep(0.1)
    return False


def tail(path, n=15):
    if not path:
        return ""
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:]).strip()
    except OSError:
        return ""
