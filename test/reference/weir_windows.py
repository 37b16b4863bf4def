"""Event time, watermarks, windows and ttl in the reference model.

Written from the semantics (docs/language.md, "Event time and windows"), not
from the compiler; keep it simple enough to check by reading.

The model replays a source in arrival order:
  * An event-time source has a watermark: (the largest event time seen so
    far) - delay; -infinity before the first row, +infinity at the end of a
    bounded input.
  * Each source row is one arrival. Its late check uses the watermark before
    the row; then the watermark advances; then windows the new watermark
    completes fire (emit final); then the rows the arrival produced at the
    aggregate's input are folded. (Filters and joins between source and
    aggregate produce zero or more rows per arrival; their event time is the
    source row's.)
  * A row is late when its event time < the watermark before it: it is
    dropped and counted, or written to the late sink (the aggregate's input
    row as it is).

Windows (start inclusive, end exclusive unless said):
  * tumbling(size):        [k*size, k*size + size)
  * hopping(size, slide):  [k*slide, k*slide + size), every window holding ts
  * session(gap):          a key's rows whose event times differ by less than
                           gap, transitively; [first, last + gap)
  * rolling(size):         one output row per input row: the key's rows with
                           event time in [ts - size, ts], both ends inclusive
Emit final: a window (a rolling row) is emitted once no row that is not late
can still change it: tumbling/hopping when watermark >= end, session when
watermark >= last + gap, rolling when watermark > ts (a later row with the
same ts is not late and counts). Emit updates: after each row that is not
late, the windows that contain it, as they are now (rolling: over the rows
that have arrived so far).

Emit final's order: by firing (watermark advance), within one firing by
window_end, then keys in first-seen order, where a key all of whose windows
were emitted is forgotten (its state is dropped) and counts as new when it
returns. Rolling rows: by ts, then key, then arrival (not part of the
contract; tests compare them sorted).

Aggregates see a window's rows in event-time order (ties: arrival order), so
first/last are by event time and a batch result does not depend on arrival
order. So do unwindowed aggregates over an event-time source (ttl_aggregate).
"""

import math

from weir_ref import Timestamp

INF = math.inf


# --------------------------------------------------------------- windows

class Tumbling:
    kind = "tumbling"

    def __init__(self, size):
        self.size = size

    def starts(self, ts):
        return [ts - ts % self.size]

    def end(self, start):
        return start + self.size


class Hopping:
    kind = "hopping"

    def __init__(self, size, slide):
        assert size % slide == 0, "size must be a multiple of slide"
        self.size, self.slide = size, slide

    def starts(self, ts):
        last = ts - ts % self.slide
        first = last - self.size + self.slide
        return list(range(first, last + 1, self.slide))  # ascending

    def end(self, start):
        return start + self.size


class Session:
    kind = "session"

    def __init__(self, gap):
        self.gap = gap


class Rolling:
    kind = "rolling"

    def __init__(self, size):
        self.size = size


def seconds(n):
    return int(n * 1000)


def minutes(n):
    return int(n * 60_000)


# --------------------------------------------------------------- arrivals

def arrivals(source_rows, transform=None):
    """One arrival per source row: (source row, the rows it produces at the
    aggregate's input). transform maps a list of rows to a list of rows (a
    where/select/join chain); None keeps the row."""
    out = []
    for row in source_rows:
        produced = transform([row]) if transform else [row]
        out.append((row, produced))
    return out


class Clock:
    """A source's watermark as rows arrive."""

    def __init__(self, delay):
        self.delay = delay
        self.max_event_time = -INF
        self.watermark = -INF

    def advance(self, ts):
        self.max_event_time = max(self.max_event_time, ts)
        self.watermark = self.max_event_time - self.delay

    def finish(self):
        self.watermark = INF


class Result:
    """What a windowed aggregate produced: output rows in emission order,
    late rows in arrival order, and how many rows were late."""

    def __init__(self):
        self.rows, self.late_rows, self.late_count = [], [], 0


# ------------------------------------------------------ windowed aggregate

class _Member:
    __slots__ = ("row", "ts", "seq")

    def __init__(self, row, ts, seq):
        self.row, self.ts, self.seq = row, ts, seq


def _aggregate(aggs, members):
    ordered = sorted(members, key=lambda m: (m.ts, m.seq))
    rows = [m.row for m in ordered]
    return {name: agg.run(rows) for name, agg in aggs.items()}


def windowed_aggregate(arrivals_, time_col, delay, keys, aggs, window, emit="final"):
    """keys: output name -> function of the row; aggs: name -> Agg.
    Returns a Result."""
    assert emit in ("final", "updates")
    op = {"tumbling": _Aligned, "hopping": _Aligned, "session": _Sessions,
          "rolling": _Rolling}[window.kind](window, keys, aggs, emit)
    clock = Clock(delay)
    result = Result()
    seq = 0
    for source_row, produced in arrivals_:
        before = clock.watermark
        clock.advance(source_row[time_col])
        if emit == "final":
            result.rows.extend(op.fire(clock.watermark))
        for row in produced:
            ts = row[time_col]
            assert ts == source_row[time_col], "event time must reach the aggregate unchanged"
            if ts < before:
                result.late_count += 1
                result.late_rows.append(row)
                continue
            key = tuple(fn(row) for fn in keys.values())
            op.key_order.see(key)
            updates = op.fold(key, _Member(row, ts, seq))
            seq += 1
            if emit == "updates":
                result.rows.extend(updates)
    clock.finish()
    if emit == "final":
        result.rows.extend(op.fire(clock.watermark))
    return result


class _KeyOrder(dict):
    """key -> position: keys in first-seen order, where a key whose windows
    have all been emitted is forgotten and is new again when it returns."""

    def __init__(self):
        super().__init__()
        self.next = 0

    def see(self, key):
        if key not in self:
            self[key] = self.next
            self.next += 1

    def keep_only(self, alive):
        for key in [k for k in self if k not in alive]:
            del self[key]


class _Op:
    def __init__(self, window, keys, aggs, emit):
        self.window, self.keys, self.aggs, self.emit = window, keys, aggs, emit
        self.key_order = _KeyOrder()

    def window_row(self, key, start, end, members):
        row = dict(zip(self.keys.keys(), key))
        row["window_start"] = Timestamp(start)
        row["window_end"] = Timestamp(end)
        row.update(_aggregate(self.aggs, members))
        return row


class _Aligned(_Op):
    """Tumbling and hopping: fixed windows aligned to the epoch."""

    def __init__(self, *args):
        super().__init__(*args)
        self.open = {}  # (key, start) -> [member]

    def fold(self, key, member):
        out = []
        for start in self.window.starts(member.ts):
            members = self.open.setdefault((key, start), [])
            members.append(member)
            if self.emit == "updates":
                out.append(self.window_row(key, start, self.window.end(start), members))
        return out

    def fire(self, watermark):
        done = [(self.window.end(start), self.key_order[key], key, start)
                for (key, start) in self.open if self.window.end(start) <= watermark]
        out = []
        for end, _, key, start in sorted(done):
            out.append(self.window_row(key, start, end, self.open.pop((key, start))))
        self.key_order.keep_only({key for key, _ in self.open})
        return out


class _Sessions(_Op):
    def __init__(self, *args):
        super().__init__(*args)
        self.sessions = {}  # key -> [[member]] (each session's members)

    def fold(self, key, member):
        gap = self.window.gap
        sessions = self.sessions.setdefault(key, [])
        touching = [s for s in sessions if any(abs(m.ts - member.ts) < gap for m in s)]
        merged = [member]
        for s in touching:
            sessions.remove(s)
            merged.extend(s)
        sessions.append(merged)
        return [self._row(key, merged)] if self.emit == "updates" else []

    def _row(self, key, members):
        first = min(m.ts for m in members)
        last = max(m.ts for m in members)
        return self.window_row(key, first, last + self.window.gap, members)

    def fire(self, watermark):
        done = []
        for key, sessions in self.sessions.items():
            for s in sessions:
                end = max(m.ts for m in s) + self.window.gap
                if end <= watermark:
                    done.append((end, self.key_order[key], key, s))
        out = []
        for end, _, key, s in sorted(done, key=lambda d: d[:2]):
            self.sessions[key].remove(s)
            out.append(self._row(key, s))
        self.key_order.keep_only({key for key, sessions in self.sessions.items() if sessions})
        return out


class _Rolling(_Op):
    def __init__(self, *args):
        super().__init__(*args)
        self.rows = {}      # key -> [member] that arrived (not late)
        self.pending = []   # emit final: (member, key) not emitted yet

    def _row(self, key, member, members):
        lo = member.ts - self.window.size
        in_range = [m for m in members if lo <= m.ts <= member.ts]
        row = dict(member.row)
        for name, value in _aggregate(self.aggs, in_range).items():
            assert name not in row, f"aggregate {name} shadows an input column"
            row[name] = value
        return row

    def fold(self, key, member):
        self.rows.setdefault(key, []).append(member)
        if self.emit == "updates":
            return [self._row(key, member, self.rows[key])]
        self.pending.append((member, key))
        return []

    def fire(self, watermark):
        done = [(m, key) for (m, key) in self.pending if m.ts < watermark]
        self.pending = [(m, key) for (m, key) in self.pending if not m.ts < watermark]
        done.sort(key=lambda d: (d[0].ts, self.key_order[d[1]], d[0].seq))
        return [self._row(key, m, self.rows[key]) for m, key in done]


# ----------------------------------------------- the same, declaratively

def final_in_event_time(arrivals_, time_col, delay, keys, aggs, window):
    """Emit final's rows (as a multiset) computed without replaying arrival:
    drop the late rows, then evaluate each window over all remaining rows.
    windowed_aggregate must agree; check_final() asserts it."""
    clock = Clock(delay)
    kept = []
    seq = 0
    for source_row, produced in arrivals_:
        before = clock.watermark
        clock.advance(source_row[time_col])
        for row in produced:
            if row[time_col] >= before:
                kept.append(_Member(row, row[time_col], seq))
                seq += 1
    by_key = {}
    for m in kept:
        by_key.setdefault(tuple(fn(m.row) for fn in keys.values()), []).append(m)
    op = _Op(window, keys, aggs, "final")
    out = []
    for key, members in by_key.items():
        members.sort(key=lambda m: (m.ts, m.seq))
        if window.kind in ("tumbling", "hopping"):
            starts = sorted({s for m in members for s in window.starts(m.ts)})
            for s in starts:
                inside = [m for m in members if s <= m.ts < window.end(s)]
                out.append(op.window_row(key, s, window.end(s), inside))
        elif window.kind == "session":
            run = [members[0]]
            for m in members[1:]:
                if m.ts - run[-1].ts < window.gap:
                    run.append(m)
                else:
                    out.append(op.window_row(key, run[0].ts, run[-1].ts + window.gap, run))
                    run = [m]
            out.append(op.window_row(key, run[0].ts, run[-1].ts + window.gap, run))
        else:
            for m in members:
                inside = [o for o in members if m.ts - window.size <= o.ts <= m.ts]
                row = dict(m.row)
                row.update(_aggregate(aggs, inside))
                out.append(row)
    return out


def check_final(result, *args):
    """Asserts that the replayed emit-final rows equal the declarative ones."""
    replayed = sorted(repr(sorted(r.items())) for r in result.rows)
    direct = sorted(repr(sorted(r.items())) for r in final_in_event_time(*args))
    assert replayed == direct, "the reference model disagrees with itself"
    return result


# ------------------------------------------------------------------- ttl

def ttl_aggregate(arrivals_, time_col, delay, keys, aggs, ttl=None):
    """An unwindowed keyed aggregate over an event-time source, with `ttl`
    (or without: ttl=None). After the watermark advances, every key whose
    latest event time < watermark - ttl emits its row (keys ++ aggregates)
    and is dropped (a later row starts it afresh). At the end of input every
    key emits. Like windows, the aggregates see a key's rows in event-time
    order (first/last), so `ttl` that never fires changes nothing."""
    clock = Clock(delay)
    groups = {}  # key -> [_Member], insertion = first-seen order
    latest = {}
    out = []
    seq = 0

    def expire():
        for key in [k for k in groups
                    if ttl is None and clock.watermark == INF or
                    ttl is not None and latest[k] < clock.watermark - ttl]:
            row = dict(zip(keys.keys(), key))
            row.update(_aggregate(aggs, groups[key]))
            out.append(row)
            del groups[key], latest[key]

    for source_row, produced in arrivals_:
        clock.advance(source_row[time_col])
        expire()
        for row in produced:
            key = tuple(fn(row) for fn in keys.values())
            groups.setdefault(key, []).append(_Member(row, row[time_col], seq))
            seq += 1
            latest[key] = max(latest.get(key, -INF), row[time_col])
    clock.finish()
    expire()
    return out
