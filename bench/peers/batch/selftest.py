#!/usr/bin/env python3
"""Self-test of bench/peers/batch/batch.py's table formatting (no runs, no data).

Expectations are worked out by hand. Run by `ninja check-bench`."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import batch  # noqa: E402

failures = []


def expect(what, got, want):
    if got != want:
        failures.append(f"{what}:\n  got  {got!r}\n  want {want!r}")


# Medians of an odd and an even number of runs.
expect("median odd", batch.median([3.0, 1.0, 2.0]), 2.0)
expect("median even", batch.median([4.0, 1.0, 3.0, 2.0]), 2.5)
expect("median none", batch.median([]), None)

# Seconds: two decimals; a stopped run shows the timeout; an error says so.
expect("seconds", batch.seconds_cell(1.234), "1.23")
expect("seconds timeout", batch.seconds_cell(None, timed_out=True, timeout=300), "> 300")
expect("seconds error", batch.seconds_cell(None, error="exit 1"), "error")

# Weir / DuckDB: 0.9 / 3.6 = 0.25; missing either side gives '-'.
expect("ratio", batch.ratio_cell(0.9, 3.6), "0.25x")
expect("ratio slower", batch.ratio_cell(5.0, 2.0), "2.50x")
expect("ratio missing weir", batch.ratio_cell(None, 2.0), "-")
expect("ratio missing duck", batch.ratio_cell(1.0, None), "-")

# KiB to MiB: 40960 KiB = 40 MiB; 131072 KiB = 128 MiB.
expect("mib", batch.mib_cell(40960), "40")
expect("mib none", batch.mib_cell(None), "-")

# A whole row: JIT 1.0 s, binary 0.5 s, DuckDB 4.0 s of which COPY 3.5 s:
# ratios 1.0/4.0 = 0.25x and 0.5/4.0 = 0.125 -> 0.12x (round half even).
row = batch.table_row("per_user", (1.0, False, ""), (0.5, False, ""), (4.0, False, ""), 3.5,
                      (102400, 40960, 262144), "binary: identical, DuckDB: yes (10 rows)")
expect("row", row, "| per_user | 1.00 | 0.50 | 4.00 (3.50) | 0.25x, 0.12x | 100 / 40 / 256 "
                    "| binary: identical, DuckDB: yes (10 rows) |")

# The binary failed to build and DuckDB was stopped: no ratio from them.
row = batch.table_row("rolling", (2.0, False, ""), (None, False, "`weir build` failed"),
                      (None, True, ""), None, (10240, None, None), "binary: -", timeout=120)
expect("row with failures", row, "| rolling | 2.00 | error | > 120 | -, - | 10 / - / - | binary: - |")

# The binary left out (SKIP=weir-built): "not run", and no ratio from it.
row = batch.table_row("tumbling", (0.3, False, ""), None, (1.5, False, ""), 0.5,
                      (20480, None, 30720), "DuckDB: yes (5 rows)")
expect("row with a contender left out", row,
       "| tumbling | 0.30 | not run | 1.50 (0.50) | 0.20x, - | 20 / - / 30 | DuckDB: yes (5 rows) |")

# The header has the seven columns the rows have.
expect("columns", batch.TABLE_HEAD.splitlines()[0].count("|"), row.count("|"))

if failures:
    print("bench/peers/batch/selftest.py: FAILED\n" + "\n".join(failures))
    sys.exit(1)
print("bench/peers/batch/selftest.py: all checks passed")
