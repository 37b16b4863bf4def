"""The markdown tables of the two-modes comparison (two_modes.py), kept apart from the
procedure so that bench/peers/two_modes/selftest.py can check them without a broker.

A batch result:    {"system", "trigger", "records", "wall_s", "startup_s" (or None), "equal": (ok, detail)}
A realtime result: {"system", "trigger", "records", "wall_s", "drain_ms", "p50_ms", "p99_ms",
                    "max_ms", "equal": (ok, detail)}
`records` is the input records the run had to process; None in a number means not measured.
"""


def num(x):
    """12,345 for counts."""
    return "–" if x is None else f"{x:,.0f}"


def secs(x):
    """Seconds: two decimals under 100 s, one above."""
    return "–" if x is None else f"{x:.2f}" if x < 100 else f"{x:.1f}"


def ms(x):
    return "–" if x is None else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def rate(records, wall_s):
    """records/s over the wall time; None without a positive time."""
    return records / wall_s if records is not None and wall_s else None


def ratio(value, weir_value):
    """value / Weir's value as '2.50x' (Weir's own row: 1.00x); '–' when either is missing."""
    if value is None or not weir_value:
        return "–"
    return f"{value / weir_value:.2f}x"


def equal_cell(equal):
    ok, detail = equal
    return f"yes ({detail})" if ok else f"**NO** ({detail})"


def _weir(results, key):
    return next((r[key] for r in results if r["system"] == "Weir"), None)


def batch_table(results):
    lines = ["| system | mode | trigger | records | wall s | records/s | wall vs Weir | of which start-up s | "
             "results equal (to the model) |",
             "|---|---|---|---:|---:|---:|---:|---:|---|"]
    weir_wall = _weir(results, "wall_s")
    for r in results:
        lines.append(f"| {r['system']} | batch | {r['trigger']} | {num(r['records'])} | {secs(r['wall_s'])} | "
                     f"{num(rate(r['records'], r['wall_s']))} | {ratio(r['wall_s'], weir_wall)} | "
                     f"{secs(r['startup_s'])} | {equal_cell(r['equal'])} |")
    return "\n".join(lines)


def realtime_table(results):
    lines = ["| system | mode | trigger | records | wall s (first sent → last out) | records/s | "
             "last record sent → last output ms | p50 ms | p99 ms | max ms | p99 vs Weir | "
             "results equal (to the model) |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    weir_p99 = _weir(results, "p99_ms")
    for r in results:
        lines.append(f"| {r['system']} | realtime | {r['trigger']} | {num(r['records'])} | {secs(r['wall_s'])} | "
                     f"{num(rate(r['records'], r['wall_s']))} | {ms(r['drain_ms'])} | {ms(r['p50_ms'])} | "
                     f"{ms(r['p99_ms'])} | {ms(r['max_ms'])} | {ratio(r['p99_ms'], weir_p99)} | "
                     f"{equal_cell(r['equal'])} |")
    return "\n".join(lines)


def cross_table(pairs):
    """pairs: [(what, (ok, detail))]: Weir's output against Spark's."""
    lines = ["| Weir's output against Spark's | equal |", "|---|---|"]
    lines += [f"| {what} | {equal_cell(eq)} |" for what, eq in pairs]
    return "\n".join(lines)
