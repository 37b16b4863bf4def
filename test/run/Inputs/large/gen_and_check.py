"""gen DIR ROWS: writes DIR/big.jsonl. check DIR ROWS MAX_RSS_KB: checks the
outputs of two_scans.weir against values computed here and the peak RSS the
run reported (DIR/rss.txt, from GNU time) against MAX_RSS_KB."""
import json, os, sys

def row(i):
    return {"id": i, "group": i % 7, "payload": "p%08d-" % i + "x" * 100}

cmd, d, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
if cmd == "gen":
    with open(f"{d}/big.jsonl", "w") as f:
        for i in range(rows):
            f.write(json.dumps(row(i), separators=(",", ":")) + "\n")
    sys.exit(0)

groups = {}
for i in range(rows):
    n, s = groups.get(i % 7, (0, 0))
    groups[i % 7] = (n + 1, s + i)
want = [{"group": g, "n": n, "ids": s} for g, (n, s) in groups.items()]
got = [json.loads(l) for l in open(f"{d}/out/per_group.jsonl")]
assert got == want, f"per_group: {got} != {want}"
want = [{"id": i, "payload": row(i)["payload"]} for i in range(rows) if i % 100000 == 99999]
got = [json.loads(l) for l in open(f"{d}/out/tail.jsonl")]
assert got == want, f"tail: {len(got)} rows, expected {len(want)}"
size_kb = os.path.getsize(f"{d}/big.jsonl") // 1024
rss_kb = int(open(f"{d}/rss.txt").read().split()[-1])
limit = int(sys.argv[4])
factor = float(sys.argv[5]) if len(sys.argv) > 5 else 1.0  # %rss_factor: ASan builds use more memory
assert rss_kb < limit * factor, f"peak RSS {rss_kb} KB, expected < {limit * factor:.0f} KB (the file is {size_kb} KB)"
print(f"large input: outputs match; peak RSS below {limit} KB for a {size_kb // 1024} MiB file")
