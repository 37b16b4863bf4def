#!/usr/bin/env python3
"""Checks from a WEIR_RUNTIME_TRACE=1 stderr that --threads really split a
scan: each named stage (or pipeline in a shared scan) ran on at least two byte ranges of FILE, the ranges
tile the file's records (the first starts at the data, after any header
line; each next one starts where the last ended; the last ends at the end of
the file) and every cut falls just after a line break. Prints one line per
stage; exits 1 on the first stage that does not hold.

usage: check_split.py TRACE FILE STAGE...
"""
import re
import sys


def main(trace_path, data_path, stages):
    data = open(data_path, "rb").read()
    trace = open(trace_path, encoding="utf-8", errors="replace").read()
    names = {m.group(2): int(m.group(1))
             for m in re.finditer(r"^trace: stage (\d+) '([^']*)' \(scan", trace, re.M)}
    # A pipeline whose scan runs inside another's shared scan: that stage's ranges.
    names.update({m.group(2): int(m.group(1))
                  for m in re.finditer(r"^trace: stage (\d+) '[^']*' shares its scan with '([^']*)'$",
                                       trace, re.M)})
    for name in stages:
        if name not in names:
            sys.exit(f"check_split: no scan stage '{name}' in the trace")
        index = names[name]
        ranges = [(int(a), int(b)) for a, b in
                  re.findall(rf"^trace: stage {index} range \d+: bytes (\d+)-(\d+)$", trace, re.M)]
        if len(ranges) < 2:
            sys.exit(f"check_split: stage '{name}' ran on {len(ranges) or 1} range(s), not split")
        first = ranges[0][0]
        if first > 3 and data[first - 1:first] != b"\n":  # 3: a UTF-8 byte order mark
            sys.exit(f"check_split: stage '{name}' starts at byte {first}, not at a record")
        for (_, end), (begin, _) in zip(ranges, ranges[1:]):
            if begin != end:
                sys.exit(f"check_split: stage '{name}': a range ends at {end}, the next begins at {begin}")
            if data[end - 1:end] != b"\n":
                sys.exit(f"check_split: stage '{name}' is cut at byte {end}, not after a line break")
        if ranges[-1][1] != len(data):
            sys.exit(f"check_split: stage '{name}' ends at byte {ranges[-1][1]} of {len(data)}")
        print(f"split: '{name}' in {len(ranges)} ranges at record boundaries")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
