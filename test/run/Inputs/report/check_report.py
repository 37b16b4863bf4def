#!/usr/bin/env python3
"""Checks a --report json file (report_json.test) against what the run did,
found independently: records in the input file, lines in each output file,
the text report of the same run. Prints one line per fact for FileCheck.

usage: check_report.py REPORT.jsonl WORKDIR TEXT_REPORT
       check_report.py --durable REPORT.jsonl TRACE   (a --checkpoint
         --state-memory run: its numbers against WEIR_RUNTIME_TRACE's lines)"""
import json
import os
import re
import sys


def main(report_path, work, text_path):
    lines = [json.loads(l) for l in open(report_path) if l.strip()]
    runs = [l for l in lines if l["type"] == "run"]
    assert len(runs) == 1 and lines[-1]["type"] == "run", f"want one run line, last: {lines}"
    run = runs[0]
    print(f"run: ok {run['ok']} exit {run['exit_code']} error {run['error']}")
    text = open(text_path).read()
    inputs = sum(1 for l in open(os.path.join(work, "data", "evs.jsonl")) if l.strip())
    for s in run["sources"]:
        said = int(re.search(rf"source {s['name']} \(.*\): (\d+) records? read", text).group(1))
        bad = sum(1 for l in open(os.path.join(work, "out", "dead.jsonl")) if l.strip())
        assert s["records_read"] == inputs == said, (s, inputs, said)
        assert s["bad_records"] == bad, (s, bad)
        print(f"source {s['name']}: {s['records_read']} read as in the file and the text report, "
              f"{s['bad_records']} bad as dead-lettered, on_error {s['on_error']} to {s['dead_letter_path']}")
    for s in run["sinks"]:
        rows = sum(1 for l in open(os.path.join(work, s["location"])) if l.strip())
        said = int(re.search(rf"sink {s['name']} -> .*: (\d+) rows?", text).group(1))
        assert s["rows"] == rows == said, (s, rows, said)
        print(f"sink {s['name']}: {s['rows']} rows as in {s['location']} and the text report")
    for c in run["event_time"]:
        m = re.search(rf"{c['state']}: (\d+) late rows? dropped", text)
        assert c["late_rows"] == (int(m.group(1)) if m else 0), (c, text)
        print(f"clock {c['state']}: watermark {c['watermark']} max {c['max_event_time']} late {c['late_rows']}")


def durable(report_path, trace_path):
    run = [json.loads(l) for l in open(report_path) if l.strip()][-1]
    trace = open(trace_path).read()
    traced = re.findall(r"trace: checkpoint (\d+): \d+ puts and deletes, .*?, ([0-9.]+) s", trace)
    cp = run["checkpoints"]
    assert cp["count"] == len(traced), (cp, traced)
    total = sum(float(s) for _, s in traced)
    assert abs(cp["seconds"] - total) <= 1e-3 * len(traced) + 1e-6, (cp, total)
    print(f"checkpoints: {cp['count']} as traced, bytes {'> 0' if cp['bytes'] > 0 else '0'}")
    sm = run["state_memory"]
    said = re.search(r"peak (\d+) resident bytes \(cap (\d+)\), (\d+) evictions, up to (\d+) keys", trace)
    assert said and [int(x) for x in said.groups()] == [sm["peak_resident_bytes"], sm["cap_bytes"], sm["evictions"],
                                                         sm["peak_spilled_keys"]], (sm, said)
    print(f"state_memory: cap {sm['cap_bytes']}, as the text report says")


if __name__ == "__main__":
    if sys.argv[1] == "--durable":
        durable(*sys.argv[2:])
    else:
        main(*sys.argv[1:])
