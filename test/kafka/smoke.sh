#!/usr/bin/env bash
# Smoke test of the test broker with clients Weir did not write: kcat
# produces and consumes 1000 records over 2 partitions, and librdkafka's
# transactional API (txn_probe.c, compiled here) commits and aborts
# transactions that a read_committed kcat consumer must tell apart.
# The broker is always stopped and its data deleted, also on failure.
# Needs (Debian 12): default-jre-headless, maven, kcat, librdkafka-dev, a C compiler.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/weir-kafka-smoke.XXXXXX")
# A run directory of our own: never touches a broker someone else started.
export WEIR_KAFKA_RUN=$work/broker
cleanup() {
  "$here/broker.sh" stop || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
say() { echo "smoke: $*" >&2; }

# Compile first: a missing librdkafka fails before a JVM is started.
cc -std=c11 -O1 -Wall -Wextra -Werror -o "$work/txn_probe" "$here/txn_probe.c" -lrdkafka

bootstrap=$("$here/broker.sh" start)
pid=$(<"$WEIR_KAFKA_RUN/broker.pid")
"$here/broker.sh" status >/dev/null || fail "status does not see the broker it started"
"$here/broker.sh" create-topic plain 2
"$here/broker.sh" create-topic txn 1

consume() { # TOPIC ISOLATION FORMAT: every record from the beginning, then exit
  kcat -C -b "$bootstrap" -t "$1" -o beginning -e -q -X isolation.level="$2" -f "$3"
}

# --- 1000 keyed records over 2 partitions -----------------------------------
seq 1 1000 | sed 's/.*/k&:v&/' | kcat -P -b "$bootstrap" -t plain -K:
consume plain read_uncommitted '%p %k %s\n' >"$work/plain.out"
count=$(wc -l <"$work/plain.out")
((count == 1000)) || fail "consumed $count records from 'plain', expected 1000"
# Each record exactly once, its key still with its value.
awk '{ sub(/^k/, "", $2); sub(/^v/, "", $3); if ($2 != $3) exit 1; print $3 }' "$work/plain.out" |
  sort -n | diff -q - <(seq 1 1000) >/dev/null || fail "the records of 'plain' are not k<i>:v<i> for i = 1..1000"
partitions=$(cut -d' ' -f1 "$work/plain.out" | sort -u | tr '\n' ' ')
[[ $partitions == "0 1 " ]] || fail "records landed in partitions '$partitions', expected '0 1 '"
say "1000 records produced and consumed over partitions 0 and 1"

# --- transactions ----------------------------------------------------------
# kcat commits everything it reads from stdin in one transaction...
seq 1 100 | sed 's/^/kcat-/' | kcat -P -b "$bootstrap" -t txn -X transactional.id=weir-smoke-kcat
# ...and txn_probe commits 100, aborts 50 (written to the log), commits 100.
"$work/txn_probe" "$bootstrap" txn 100 50 || fail "txn_probe failed"
{
  seq 1 100 | sed 's/^/kcat-/'
  seq 0 99 | sed 's/^/committed-1-/'
  seq 0 99 | sed 's/^/committed-2-/'
} | sort >"$work/committed.expected"
{
  cat "$work/committed.expected"
  seq 0 49 | sed 's/^/aborted-/'
} | sort >"$work/all.expected"
consume txn read_committed '%s\n' | sort >"$work/committed.out"
consume txn read_uncommitted '%s\n' | sort >"$work/all.out"
aborted_seen=$(grep -c '^aborted-' "$work/committed.out" || true)
((aborted_seen == 0)) || fail "a read_committed consumer saw $aborted_seen aborted records"
diff -q "$work/committed.expected" "$work/committed.out" >/dev/null ||
  fail "read_committed saw $(wc -l <"$work/committed.out") records, not the 300 committed ones"
# The aborted records really are in the log: read_committed hid them.
diff -q "$work/all.expected" "$work/all.out" >/dev/null ||
  fail "read_uncommitted saw $(wc -l <"$work/all.out") records, not all 350"
say "transactions: read_committed sees the 300 committed records, read_uncommitted also the 50 aborted"

rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
say "broker resident set after the checks: $((rss_kb / 1024)) MB"

# --- stop cleans up --------------------------------------------------------
"$here/broker.sh" stop
! kill -0 "$pid" 2>/dev/null || fail "broker pid $pid still runs after stop"
[[ ! -e $WEIR_KAFKA_RUN ]] || fail "stop left $WEIR_KAFKA_RUN behind"
! "$here/broker.sh" status >/dev/null || fail "status reports a stopped broker as running"
say "PASS"
