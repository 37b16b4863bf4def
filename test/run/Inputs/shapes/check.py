"""An independent computation of shapes.weir's results from its inputs;
exits non-zero (and says why) when weir's output differs."""
import csv, json, sys
from collections import OrderedDict

data, out = sys.argv[1], sys.argv[2]
txns = [json.loads(l) for l in open(f"{data}/txns.jsonl") if l.strip()]
merchants = list(csv.DictReader(open(f"{data}/merchants.csv", newline="")))

def rows(name):
    return [json.loads(l) for l in open(f"{out}/{name}.jsonl")]

def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b

def expect(name, want):
    got = rows(name)
    if len(got) != len(want) or any(set(g) != set(w) or not all(same(g[k], w[k]) for k in w)
                                    for g, w in zip(got, want)):
        print(f"{name}: expected\n  {want}\ngot\n  {got}")
        sys.exit(1)

ms = [t["merchant"] for t in txns if t.get("merchant") is not None]
expect("overall", [{"n": len(txns), "total": sum(t["amount"] for t in txns),
                    "first_m": ms[0], "last_m": ms[-1],
                    "smallest_m": min(ms, key=lambda s: s.encode())}])

visits = OrderedDict()
for t in txns:
    visits[(t["user_id"], t["merchant"])] = visits.get((t["user_id"], t["merchant"]), 0) + 1
users = OrderedDict()
for (u, _), v in visits.items():
    n, most = users.get(u, (0, 0))
    users[u] = (n + 1, max(most, v))
expect("busy_users", [{"user_id": u, "merchants": n, "most_visits": m}
                      for u, (n, m) in users.items() if n > 5])

counts = OrderedDict()
for t in txns:
    counts[t["merchant"]] = counts.get(t["merchant"], 0) + 1
want = []
for m, n in counts.items():
    matches = [r for r in merchants if r["name"] == m]
    for r in matches or [None]:
        want.append({"merchant": m, "n": n, "category": r["category"] if r else None})
expect("per_merchant", want)

expect("by_category_name", [{"txn_id": t["txn_id"]} for t in txns for r in merchants
                            if r["category"] == t["merchant"]])
print("shapes: all outputs match")
