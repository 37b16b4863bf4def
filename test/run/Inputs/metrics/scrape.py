#!/usr/bin/env python3
"""Runs `weir run PROGRAM --metrics 0 ...`, scrapes /metrics every 100 ms
until the run's final figures are served, and checks them (metrics.test):

- each scrape parses as the Prometheus text format (prometheus_client's own
  parser, Debian python3-prometheus-client), every family is weir_*, every
  sample has program="...";
- counters and histogram buckets never go down from one scrape to the next;
- the final scrape agrees with the run's JSON report (--report-file):
  records and bad records per source, rows per sink, late rows per state;
- the process ends once the final figures were scraped (--metrics-linger
  30s: well before the 30 s).

  scrape.py WEIR PROGRAM WORKDIR [--expect-running] [-- RUNTIME ARGS...]

With WEIR "-", PROGRAM is a binary `weir build` made, run as it is.

Prints one line per check for FileCheck; exits 1 on a failure."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("scrape.py: prometheus_client is missing (apt-get install python3-prometheus-client)")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def parse(text):
    """{(sample name, frozenset(labels)): value}, families' types."""
    samples, types = {}, {}
    for fam in text_string_to_metric_families(text):
        if not fam.name.startswith("weir_"):
            fail(f"family {fam.name} is not weir_*")
        types[fam.name] = fam.type
        for s in fam.samples:
            if "program" not in s.labels:
                fail(f"{s.name} has no program label")
            key = (s.name, frozenset(s.labels.items()))
            if key in samples:
                fail(f"{s.name} {s.labels} appears twice")
            samples[key] = s.value
    return samples, types


def value(samples, name, **labels):
    for (n, ls), v in samples.items():
        if n == name and all(dict(ls).get(k) == str(want) for k, want in labels.items()):
            return v
    return None


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    weir, program, workdir = args[:3]
    expect_running = "--expect-running" in args
    report_path = os.path.join(workdir, "metrics-report.jsonl")
    if os.path.exists(report_path):
        os.remove(report_path)
    cmd = ([program] if weir == "-" else [weir, "run", program]) + ["--metrics", "0", "--metrics-linger", "30s", "--report", "json",
           "--report-file", report_path] + extra
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    m = re.search(r"metrics at (http://\S+/metrics)", line)
    if not m:
        proc.kill()
        fail(f"no metrics address on stderr: {line!r}")
    url = m.group(1)
    print("address: loopback" if url.startswith("http://127.0.0.1:") else f"address: {url}")
    previous, scrapes, running_seen, types, max_keys = None, 0, False, {}, 0
    final = None
    while True:
        try:
            text = urllib.request.urlopen(url, timeout=10).read().decode()
        except OSError as e:
            fail(f"scrape {scrapes + 1} failed: {e}")
        samples, types = parse(text)
        scrapes += 1
        if previous is not None:
            for key, v in samples.items():
                name = key[0]
                monotonic = name.endswith("_total") or name.endswith("_bucket") or name.endswith("_count")
                if monotonic and key in previous and v < previous[key]:
                    fail(f"{name} {dict(key[1])} went down: {previous[key]} -> {v}")
        previous = samples
        max_keys = max([max_keys] + [v for (n, _), v in samples.items() if n == "weir_state_keys"])
        finished = value(samples, "weir_run_finished") == 1
        records = sum(v for (n, _), v in samples.items() if n == "weir_source_records_total")
        if not finished and records > 0:
            running_seen = True
        if finished:
            final = samples
            break
        time.sleep(0.1)
    ended_at = time.monotonic()
    try:
        rc = proc.wait(timeout=25)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail("the run did not end after its final figures were scraped")
    waited = time.monotonic() - ended_at
    print(f"exit: {rc}, ended after the final scrape: {'yes' if waited < 20 else 'no'}")
    print(f"scrapes parsed: {'many' if scrapes >= 2 else scrapes}, counters monotonic")
    if expect_running:
        print(f"seen running with records read: {running_seen}")
    report = None
    with open(report_path) as f:
        for line in f:
            obj = json.loads(line)
            if obj.get("type") == "run":
                report = obj
    if report is None:
        fail("no run report")
    for src in report["sources"]:
        got = value(final, "weir_source_records_total", source=src["name"])
        bad = sum(v for (n, ls), v in final.items()
                  if n == "weir_source_bad_records_total" and dict(ls)["source"] == src["name"])
        ok = got == src["records_read"] and bad == src["bad_records"]
        print(f"source {src['name']}: {int(got)} records, {int(bad)} bad: "
              f"{'equal to the report' if ok else 'report says %d, %d' % (src['records_read'], src['bad_records'])}")
    for sink in report["sinks"]:
        got = value(final, "weir_sink_rows_total", sink=sink["name"])
        print(f"sink {sink['name']}: {int(got)} rows: "
              f"{'equal to the report' if got == sink['rows'] else 'report says %d' % sink['rows']}")
    for clock in report.get("event_time", []):
        got = value(final, "weir_late_rows_total", state=clock["state"])
        print(f"state {clock['state']}: {int(got)} late rows: "
              f"{'equal to the report' if got == clock['late_rows'] else 'report says %d' % clock['late_rows']}")
    checkpoints = value(final, "weir_checkpoints_total")
    count = value(final, "weir_checkpoint_duration_seconds_count")
    print(f"checkpoints: {'some' if checkpoints and checkpoints > 0 else 'none'}, "
          f"histogram count {'equal' if count == checkpoints else 'differs'}")
    keys = [v for (n, _), v in final.items() if n == "weir_state_keys"]
    print(f"states: {len(keys)}, keys seen held: {'yes' if max_keys > 0 else 'no'}")
    phases = sorted(dict(ls)["phase"] for (n, ls), _ in final.items() if n == "weir_compile_phase_seconds")
    print("compile phases:", " ".join(phases) if phases else "none (built ahead of time)")
    print("types:", " ".join(sorted(f"{n}={t}" for n, t in types.items()
                                    if n in ("weir_source_records", "weir_checkpoint_duration_seconds",
                                             "weir_state_keys"))))


main()
