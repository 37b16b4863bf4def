// The typed dataflow IR: sources, static tables, operators and sinks, each
// node carrying the schema of the rows it produces. Passes rewrite it in place
// (ir/passes/), the verifier checks it after each pass, the printer gives it a
// stable textual form (`weir compile --emit=ir`), and codegen lowers it.
#pragma once

#include "common/Operators.h"
#include "common/SourceLoc.h"
#include "common/Trigger.h"
#include "common/Type.h"
#include "ir/ValuePtr.h"
#include "stdlib/Builtins.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace weir::ir {

struct Column {
  std::string name;
  Type type;
};
using Schema = std::vector<Column>;

// ---------------------------------------------------------------- expressions

enum class ExprKind : uint8_t { Column, Literal, Unary, Binary, Call };

// The operators and window kinds are the language's (common/Operators.h).
using weir::BinaryOp;
using weir::UnaryOp;
using weir::WindowKind;
using weir::binaryOpMnemonic;
using weir::binaryOpSpelling;
using weir::unaryOpMnemonic;
using weir::windowKindName;

// A literal: null, bool, int64 (also timestamp and duration, in ms), float64,
// or string. The expression's `type` says which.
using LiteralValue = std::variant<std::monostate, bool, int64_t, double, std::string>;

struct Expr;
using ExprPtr = ValuePtr<Expr>; // copying an ExprPtr copies the whole tree

// A value type: copying an Expr (or cloning it) copies its arguments.
struct Expr {
  ExprKind kind;
  Type type;
  SourceLoc loc;

  int column = -1;           // Column: index into the input row's schema
  LiteralValue literal;      // Literal
  UnaryOp unaryOp{};         // Unary
  BinaryOp binaryOp{};       // Binary
  ScalarFn fn{};             // Call
  std::vector<ExprPtr> args; // Unary (1), Binary (2), Call (n)

  ExprPtr clone() const { return std::make_unique<Expr>(*this); }

  static ExprPtr makeColumn(int index, Type type, SourceLoc loc = {});
  static ExprPtr makeLiteral(LiteralValue v, Type type, SourceLoc loc = {});
  static ExprPtr makeUnary(UnaryOp op, ExprPtr a, Type type, SourceLoc loc = {});
  static ExprPtr makeBinary(BinaryOp op, ExprPtr a, ExprPtr b, Type type, SourceLoc loc = {});
  static ExprPtr makeCall(ScalarFn fn, std::vector<ExprPtr> args, Type type, SourceLoc loc = {});
};

// ------------------------------------------------------------------ operators

// Where rows come from or go to: `file("path", format = "json", ...)`,
// `stdout(format = "json")` or, for a source, `generator("nexmark_bids", ...)`
// (as Sema validated it, frontend/SemaConnector.cpp). Runtime options may
// rebind `uri`.
struct Connector {
  std::string kind;    // "file", "stdout", "discard", "generator" or "kafka"
  std::string uri;     // "file:data/txns.jsonl", "stdout:", "generator:NAME?k1=v1&k2=v2"
  std::string format;  // "json" or "csv"; "generator" for a generator source
  std::string onError; // "fail", "skip" or "dead_letter:PATH" (sources only)
  std::map<std::string, std::string> options; // any further named arguments
  SourceLoc loc;
};

enum class NodeKind : uint8_t {
  Source,    // a declared `source`: decodes `usedFields` of its declared schema
  Table,     // a declared `table` (static lookup data), read fully before streams
  Filter,    // `where predicate`
  Project,   // `select ...` (and the implicit projections the lowering adds)
  Join,      // stream-static lookup join against a Table node
  Aggregate, // `key by ... | aggregate ...`: a pipeline breaker
  Sink,      // `sink ...`
};

struct AggCall {
  AggFn fn;
  ExprPtr arg;      // null for count()
  Type resultType;
  std::string name; // output column name
  // approx_percentile(x, p): the constant fraction p in [0, 1]. Unused otherwise.
  double param = 0.0;
};

// ------------------------------------------------------------ event time
//
// A source with `event_time COL watermark D` has event time: the watermark
// is (the largest event time seen so far) - D. An Aggregate with a window
// groups rows by key and window; its time column is the source's event-time
// column as it reaches the aggregate (lowering keeps it in the row).

enum class EmitPolicy : uint8_t {
  Final,   // one row per window once the watermark passes its end (default)
  Updates, // a row each time a key's window result changes
};
struct WindowSpec {
  WindowKind kind = WindowKind::None;
  int64_t sizeMs = 0;  // tumbling, hopping; rolling's range
  int64_t slideMs = 0; // hopping (tumbling: == sizeMs)
  int64_t gapMs = 0;   // session
  EmitPolicy emit = EmitPolicy::Final;
  // Rows behind the watermark: dropped and counted, or written to `lateSink`
  // (the aggregate's input rows, its input schema).
  bool lateToSink = false;
  Connector lateSink;
  SourceLoc loc;
};

// How keyed state is laid out: one packed fixed-width struct per key (or per
// build-side row of a join table), in a WeirHashTable. Filled by the
// StateLayout pass; codegen addresses fields by these offsets.
//
// entry = WeirEntryHeader (16 bytes: hash, chain link) | slots | null bitmap.
// Slot sizes: bool 1; int64, float64, timestamp, duration 8; string 16
// (WeirStr {ptr,len}, the bytes out of line); a count_distinct 8 (its int64
// count; the values live out of line in the table's pair sets, see
// weir_distinct_pair_add_*). Slots are ordered by size, largest first, so
// the struct packs without padding; entrySize is rounded up to 8.
struct StateSlot {
  uint32_t offset = 0;
  uint32_t size = 0;     // 0: no slot
  int32_t nullBit = -1;  // bit in the null bitmap that is set when the value is null / unset
};
struct StateField { // one line of `weir explain`
  std::string name; // "key user_id", "total: sum", "avg_x: avg.count"
  std::string typeName;
  uint32_t offset = 0;
  uint32_t size = 0;
  int32_t nullBit = -1; // the slot's bit in the null bitmap, -1 if it cannot be null
};
struct StateLayout {
  uint32_t entrySize = 0;   // bytes per key, header and bitmap included
  uint32_t headerSize = 16; // sizeof(WeirEntryHeader)
  // Aggregate: one per key expression. Table: one per column of the table's
  // schema (size 0 for columns no pipeline uses).
  std::vector<StateSlot> keySlots;
  // Aggregate only, one per AggCall. The accumulator: count, sum, min, max,
  // avg's running sum (float64), count_distinct's count, first/last value,
  // stddev/var's Welford mean and M2 (two float64s in one 16-byte slot),
  // approx_count_distinct's/approx_percentile's sketch pointer (NULL: empty).
  // nullBit marks "no non-null input yet" (sum/min/max/avg/first/last).
  std::vector<StateSlot> aggSlots;
  std::vector<StateSlot> aggAuxSlots; // avg's, stddev's, var's count (int64); size 0 otherwise
  uint32_t nullBitmapOffset = 0;
  uint32_t nullBitmapBytes = 0;
  std::vector<StateField> fields; // every slot, in offset order
  uint32_t outOfLineFields = 0;   // strings and sets whose bytes live out of line

  // Windowed aggregates. The accumulators (aggSlots, aggAuxSlots and their
  // null bits at nullBitmapOffset) form a "slice" of sliceSize bytes, their
  // offsets relative to the slice's start; keys keep entry offsets and their
  // null bits live in the key bitmap at keyNullBitmapOffset.
  //   tumbling, hopping: entry = header | keys | key bitmap | ringSlices
  //     slices; slice k at sliceOffset + k * sliceSize holds slice id
  //     floor(ts / slide) at sliceIdOffset (INT64_MIN: empty). When the
  //     watermark delay spans many slices, the ring holds a window's slices
  //     and a few more, and a key's other live slices go out of line, to a
  //     WeirSliceOverflow* (runtime.h) at sliceOverflowOffset among the keys.
  //   session: the same ring of session slots: the session's first event at
  //     sliceIdOffset (INT64_MIN: empty), its last event at sliceEndOffset.
  //   rolling: entry = header | keys | key bitmap | a WeirEventBuffer* at
  //     rowBufferOffset; the slice is a temporary accumulator.
  // Unwindowed: one slice that is the entry itself (sliceOffset 0,
  // ringSlices 1, keyNullBitmapOffset == nullBitmapOffset).
  uint32_t keyNullBitmapOffset = 0;
  uint32_t sliceOffset = 0;
  uint32_t sliceSize = 0;
  uint32_t ringSlices = 1;
  uint32_t sliceIdOffset = 0;
  uint32_t sliceEndOffset = 0;
  uint32_t rowBufferOffset = 0;
  uint32_t sliceOverflowOffset = 0; // 0: the ring holds every slice the delay can keep open
};

// A value type: the compiler-made copy constructor copies every field, the
// expression trees deeply (ValuePtr), so Program::clone needs no field list.
struct Node {
  int id = -1;
  NodeKind kind;
  Schema schema;   // the rows this node produces (sinks: the rows they write)
  int input = -1;  // producing node, -1 for Source/Table
  SourceLoc loc;
  std::string name; // Source/Table: declared name; Sink: pipeline name

  // Source / Table. `schema` stays the declared schema (so column indices
  // never change); projection pruning fills `usedFields`, the fields the
  // decoder fills in. A Table's `layout` stores just the used columns.
  std::vector<int> usedFields; // sorted indices into schema
  Connector connector;         // also for Sink

  // Filter
  ExprPtr predicate;

  // Project: one expression per output column
  std::vector<ExprPtr> exprs;

  // Join: output = input columns ++ the table's used columns (nullable if left)
  int table = -1;                  // Table node id
  bool leftJoin = false;
  std::vector<ExprPtr> probeKeys;  // over the stream row
  std::vector<int> buildKeys;      // column indices of the Table node's schema

  // Source: `event_time COL watermark D`; -1 when the source has no event time.
  int eventTimeField = -1;   // index into schema (a timestamp column)
  // Source: the watermark delay D. Windowed Aggregate: its source's D (it
  // bounds how many windows per key can be open at once).
  int64_t watermarkDelayMs = 0;

  // Aggregate. Output columns:
  //   unwindowed:                keys ++ aggregates
  //   tumbling, hopping, session: keys ++ window_start, window_end (timestamps) ++ aggregates
  //   rolling:                   the input row's columns ++ aggregates
  std::vector<ExprPtr> keys;
  std::vector<AggCall> aggs;
  WindowSpec window;
  int timeColumn = -1;          // windowed: the event-time column of the input row
  int64_t ttlMs = 0;            // unwindowed `ttl D`: keys idle for D of event time expire; 0 = none
  StateLayout layout; // Aggregate and Table

  int stage = -1; // assigned by fusion
};

// A fused stage: a maximal chain of non-blocking operators, from a Source,
// Table or Aggregate (emitting its results) to a breaker: a Sink, an
// Aggregate's update, or a Table's hash build.
enum class StageKind : uint8_t {
  TableBuild, // Table -> build a join hash table
  Scan,       // Source -> ... -> Sink | Aggregate update
  Emit,       // Aggregate results -> ... -> Sink | Aggregate update
};
struct Stage {
  int id = -1;
  StageKind kind;
  std::string name;
  std::vector<int> nodes; // in data-flow order; nodes[0] is the Source/Table/Aggregate
  // A shared scan (the share-scans pass): the Scan stages that read one
  // Source run as one loop that decodes each record once and hands it to
  // each of their chains in turn, in stage order. The first of them leads:
  // `sharedMembers` lists the others (ascending ids), whose own `sharedScan`
  // is the leader's id; members run only inside the leader's loop. Not
  // shared: -1 and empty.
  int sharedScan = -1;
  std::vector<int> sharedMembers;
  bool runsOnItsOwn() const { return sharedScan < 0; }
};

struct Pipeline {
  std::string name;
  std::vector<int> nodes; // the chain, from the Source node to the Sink
  SourceLoc loc;
};

struct Program {
  std::vector<ValuePtr<Node>> nodes; // indexed by Node::id
  std::vector<Pipeline> pipelines;
  std::vector<Stage> stages; // empty until fusion has run; in execution order
  bool fused = false;        // set by fusion; --no-fuse leaves one operator per stage
  // The file's `trigger` declaration; `triggerDeclared` false means none was
  // written (available_now, and the printers leave it out).
  Trigger trigger;
  bool triggerDeclared = false;
  SourceLoc triggerLoc;

  Node &node(int id) { return *nodes[id]; }
  const Node &node(int id) const { return *nodes[id]; }
  Node &addNode(NodeKind kind);
  // A deep copy (Program, like Node, is a value type).
  std::unique_ptr<Program> clone() const { return std::make_unique<Program>(*this); }
};

const char *nodeKindName(NodeKind k);

} // namespace weir::ir
