// The stable textual form of the IR (`weir compile --emit=ir` / `--emit=ir-opt`).
//
// The file's trigger when it declares one (`trigger every 30s`), one line per
// node in id order, `%id = kind ...`, then the pipelines and, once fusion has
// run, the stages:
//
//   trigger realtime
//   %0 = source txns : {txn_id: string, amount: float64} file "data/txns.jsonl" json on_error=fail
//          decode [amount] (1 of 2)
//   %1 = filter %0 : (gt $1:amount 0.0)
//   %2 = project %1 : {cents: int64 = (int64 (round (mul $1:amount 100.0)))}
//   %3 = join %2 with %7 on [$1:merchant = name] : {...}      (a left join: `] (left) :`)
//   %4 = aggregate %3 by [$1:user_id] : {user_id: int64, n: int64 = count(), total: float64? = sum($3:amount)}
//          state 48 bytes/key: header 0..16, key user_id (int64) 16..24, ..., null bitmap 40..41
//   %5 = sink %4 "per_user" file "out/per_user.jsonl" json
//   A source with event time: `... json on_error=fail event_time ts watermark 5s`;
//   an aggregate with a window or ttl, between its keys and its columns:
//   `window hopping 10m slide 1m emit final late drop time $4:ts watermark 5s`,
//   `ttl 1d time $4:ts watermark 0s`.
//   %7 = table merchants : {...} file "data/merchants.csv" csv
//          decode [name, category] (2 of 3)
//          state 48 bytes/row: header 0..16, name (string) 16..32, category (string) 32..48
//   pipeline per_user: %0 -> %1 -> %4 -> %5
//   stage 0 scan "per_user": %0 -> %1 -> %4
//
// Expressions are s-expressions: `$i:name` reads column i of the node's input
// row, operators and functions are spelled `(op args...)`, literals as in the
// language (`1.5`, `"x"`, `true`, `null`, `250ms`, `timestamp "..."`).
// A filter's and a sink's schema is their input's; it is printed only when it
// differs (which the verifier rejects), so broken IR still prints faithfully.
#pragma once

#include "ir/IR.h"

#include <string>

namespace llvm {
class raw_ostream;
}

namespace weir::ir {

void printProgram(const Program &p, llvm::raw_ostream &os);
std::string programToString(const Program &p);

// `input` names the columns; null prints bare `$i`.
void printExpr(const Expr &e, const Schema *input, llvm::raw_ostream &os);
std::string exprToString(const Expr &e, const Schema *input = nullptr);

// A literal in the language's syntax: `null`, `true`, `42`, `1.5`, `"a\"b"`,
// `90000ms`, `timestamp "2024-01-01T00:00:00Z"`.
std::string formatLiteral(const Expr &literal);
std::string formatSchema(const Schema &s); // {name: type, ...}
// "file \"data/x.jsonl\" json" (the uri without its "file:" scheme prefix).
std::string formatConnector(const Connector &c);

// "available_now", "realtime", "every 30s": as the language writes it.
std::string formatTrigger(const Trigger &t);

const char *stageKindName(StageKind k);    // "table-build", "scan", "emit"

} // namespace weir::ir
