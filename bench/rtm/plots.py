#!/usr/bin/env python3
"""Plots of the latency distributions (issue 11) from run.py's report.json.

rtm-measure keeps percentiles, not every latency: each curve is a system's
p50, p90, p95, p99 and max (the medians over rounds, as in the tables),
drawn as a percentile plot -- percentile across, latency up on a log scale,
so a curve that rises late has a short tail. One SVG per (rate, guarantee),
one panel per query (A, B, C), one curve per system, the bare librdkafka
relay (the floor) dashed in every panel.

  bench/rtm/plots.py bench/results/peers/report.json --dir docs --prefix peers-latency-
writes docs/peers-latency-10000-at_least_once.svg and so on. run.py writes
the same plots into its --out directory as latency-RATE-GUARANTEE.svg.
Needs matplotlib (Debian python3-matplotlib; bootstrap.sh test installs it).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

QUERIES = ("A", "B", "C")
LABELS = ("p50", "p90", "p95", "p99", "max")
TITLES = {"A": "A: stateless", "B": "B: group-by count", "C": "C: stream-static join"}
# One colour per system in every panel and every file.
COLOURS = {"relay (floor)": "grey", "Weir": "tab:blue", "kstreams": "tab:green", "flink": "tab:orange",
           "spark-rtm": "tab:purple", "spark-mb": "tab:red"}


def curves(meds, guarantee, rate):
    """{query: [(system label, [p50, p90, p95, p99, max] in ms, is the floor)]}
    for one (guarantee, rate): the relay first, then Weir, then the peers by
    name; systems without a measurement (errors, refusals) left out."""
    out = {}
    floor = meds.get((guarantee, rate, "relay"))
    for q in QUERIES:
        found = [k[2] for k in meds if k[0] == guarantee and k[1] == rate and k[2].endswith("." + q)]
        systems = [("relay", "relay (floor)")] + [(q, "Weir")] + [(s, s.split(".")[0]) for s in sorted(found)]
        lines = []
        for system, label in systems:
            agg = floor if system == "relay" else meds.get((guarantee, rate, system))
            if agg and not agg.get("error"):
                lines.append((label, [agg[p] for p in report.PERCENTILES], system == "relay"))
        if any(not is_floor for _, _, is_floor in lines):
            out[q] = lines
    return out


def plot_keys(meds):
    """The (rate, guarantee) pairs that have at least one query measured."""
    return sorted({(k[1], k[0]) for k in meds if k[2] in QUERIES or "." in k[2]})


def write_all(rows, directory, prefix="latency-"):
    """Writes one SVG per (rate, guarantee); returns their paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    # Deterministic SVG (no date, fixed ids): a re-run with equal numbers
    # gives an equal file, so docs/ diffs only when the results do.
    matplotlib.rcParams["svg.hashsalt"] = "weir-rtm"
    meds = report._median_rows(rows)
    os.makedirs(directory, exist_ok=True)
    paths = []
    for rate, guarantee in plot_keys(meds):
        per_query = curves(meds, guarantee, rate)
        if not per_query:
            continue
        fig, axes = plt.subplots(1, len(per_query), figsize=(4.2 * len(per_query), 4), sharey=True, squeeze=False)
        handles = {}
        for ax, (q, lines) in zip(axes[0], per_query.items()):
            for label, values, is_floor in lines:
                (line,) = ax.plot(range(len(LABELS)), values, marker="o", label=label,
                                  linestyle="--" if is_floor else "-", color=COLOURS.get(label))
                handles.setdefault(label, line)
            ax.set_yscale("log")
            ax.set_xticks(range(len(LABELS)), LABELS)
            ax.set_title(TITLES[q])
            ax.grid(True, which="both", alpha=0.3)
        axes[0][0].set_ylabel("latency, ms (log scale)")
        # One legend for all panels, right of the last: inside, it hid curves.
        axes[0][-1].legend(handles.values(), handles.keys(), fontsize="small", loc="upper left",
                           bbox_to_anchor=(1.02, 1.0))
        fig.suptitle(f"Latency percentiles, {rate:,} records/s, {guarantee}\n(medians over rounds)",
                     fontsize="medium")
        fig.tight_layout()
        path = os.path.join(directory, f"{prefix}{rate}-{guarantee}.svg")
        fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
        plt.close(fig)
        paths.append(path)
    return paths


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", help="run.py's report.json")
    p.add_argument("--dir", default=".", help="where to write the SVG files")
    p.add_argument("--prefix", default="latency-", help="file name prefix, e.g. peers-latency-")
    a = p.parse_args()
    with open(a.report) as f:
        rows = json.load(f)["rows"]
    for path in write_all(rows, a.dir, a.prefix):
        print(path)


if __name__ == "__main__":
    main()
