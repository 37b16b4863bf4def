#!/usr/bin/env bash
# One Kafka broker for a run of the test suites:
#
#   suite_broker.sh [--if-available] COMMAND [ARG]...
#
# starts a broker (broker.sh, its own run directory, free ports), runs
# COMMAND with WEIR_KAFKA_BROKERS naming it, and stops the broker afterwards,
# also when COMMAND fails or is interrupted. lit reads WEIR_KAFKA_BROKERS
# (test/lit.cfg.py): the tests of test/kafka/ share this one broker, each on
# topics of its own.
#
# - WEIR_KAFKA_BROKERS already set: COMMAND uses that broker and none is
#   started (bootstrap.sh test starts one for check, check-bench and
#   check-sanitized together). "none" means no broker.
# - --if-available (`ninja check` on a developer's machine): when java, kcat
#   or the cached jars (broker.sh fetch) are missing, COMMAND runs without a
#   broker and lit reports the Kafka tests UNSUPPORTED. Not so when the
#   tests are required (CI=true or WEIR_REQUIRE_KAFKA=1): then the broker is
#   started (fetching the jars if needed) and lit fails without one.
#
# Exit status: COMMAND's; 1 when the broker does not start where the Kafka
# tests are required (elsewhere COMMAND runs without it, after a warning).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if_available=0
if [[ ${1:-} == --if-available ]]; then
  if_available=1
  shift
fi
(($#)) || { echo "usage: suite_broker.sh [--if-available] COMMAND [ARG]..." >&2; exit 2; }

say() { echo "suite_broker: $*" >&2; }

if [[ -n ${WEIR_KAFKA_BROKERS:-} ]]; then
  exec "$@"
fi

required=0
[[ ${CI:-} == true || ${WEIR_REQUIRE_KAFKA:-} == 1 ]] && required=1
if ((if_available && !required)); then
  missing=
  command -v java >/dev/null || missing+=" java (default-jre-headless)"
  command -v kcat >/dev/null || missing+=" kcat"
  "$here/broker.sh" fetched || missing+=" the Kafka jars (test/kafka/broker.sh fetch)"
  if [[ -n $missing ]]; then
    say "no Kafka broker: missing$missing; the Kafka tests will be UNSUPPORTED"
    exec "$@"
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/weir-suite-kafka.XXXXXX")
export WEIR_KAFKA_RUN=$work/broker
stop_broker() {
  "$here/broker.sh" stop || true
  rm -rf "$work"
}
trap stop_broker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! WEIR_KAFKA_BROKERS=$("$here/broker.sh" start); then
  if ((required)); then
    say "the Kafka broker did not start (above); the Kafka tests cannot run"
    exit 1
  fi
  # A developer's check goes on; lit says the Kafka tests are UNSUPPORTED.
  say "WARNING: the Kafka broker did not start (above); running without it"
  WEIR_KAFKA_BROKERS=none
else
  say "Kafka broker for the suites on $WEIR_KAFKA_BROKERS (run dir $WEIR_KAFKA_RUN)"
fi
export WEIR_KAFKA_BROKERS
# Not exec: the trap stops the broker when COMMAND ends.
status=0
"$@" || status=$?
exit "$status"
