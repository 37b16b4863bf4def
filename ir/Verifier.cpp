#include "ir/Verifier.h"

#include "ir/ExprUtil.h"
#include "ir/Graph.h"
#include "ir/Printer.h"

#include <algorithm>
#include <cassert>
#include <set>
#include <string>
#include <vector>

namespace weir::ir {
namespace {

[[maybe_unused]] bool isArithmetic(BinaryOp op) {
  return op == BinaryOp::Add || op == BinaryOp::Sub || op == BinaryOp::Mul ||
         op == BinaryOp::Div || op == BinaryOp::Mod;
}

bool isComparison(BinaryOp op) {
  return op == BinaryOp::Eq || op == BinaryOp::Ne || op == BinaryOp::Lt ||
         op == BinaryOp::Le || op == BinaryOp::Gt || op == BinaryOp::Ge;
}

// Null or nullable operands make a nullable result.
bool mayBeNull(Type t) { return t.nullable || t.kind == TypeKind::Null; }

uint32_t expectedSlotSize(Type t) {
  switch (t.kind) {
  case TypeKind::Bool: return 1;
  case TypeKind::String: return 16;
  default: return 8;
  }
}

class Verifier {
public:
  explicit Verifier(const Program &p) : p(p), count(static_cast<int>(p.nodes.size())) {}

  llvm::Error run() {
    if (!checkIds())
      return finish();
    bool graphOk = checkEdges();
    for (const auto &n : p.nodes)
      checkNode(*n);
    if (graphOk) {
      checkPipelines();
      if (!p.stages.empty())
        checkStages();
    }
    for (const auto &n : p.nodes)
      checkLayout(*n);
    return finish();
  }

private:
  const Program &p;
  const int count;
  std::vector<std::string> problems;

  bool valid(int id) const { return id >= 0 && id < count; }

  void fail(const Node &n, const std::string &msg) {
    problems.push_back("%" + std::to_string(n.id) + " (" + nodeKindName(n.kind) + "): " + msg);
  }
  void fail(const std::string &msg) { problems.push_back(msg); }

  llvm::Error finish() {
    if (problems.empty())
      return llvm::Error::success();
    std::string all = "invalid IR:";
    for (const std::string &s : problems)
      all += "\n  " + s;
    return llvm::createStringError(llvm::inconvertibleErrorCode(), all);
  }

  // ------------------------------------------------------------ the graph

  bool checkIds() {
    for (int i = 0; i < count; ++i) {
      if (!p.nodes[i]) {
        fail("node slot " + std::to_string(i) + " is empty");
        return false;
      }
      if (p.nodes[i]->id != i)
        fail("node at index " + std::to_string(i) + " has id " + std::to_string(p.nodes[i]->id));
    }
    return problems.empty();
  }

  bool checkEdges() {
    bool ok = true;
    for (const auto &np : p.nodes) {
      const Node &n = *np;
      bool leaf = n.kind == NodeKind::Source || n.kind == NodeKind::Table;
      if (leaf) {
        if (n.input != -1) {
          fail(n, "a source or table has no input, found %" + std::to_string(n.input));
          ok = false;
        }
        continue;
      }
      if (!valid(n.input)) {
        fail(n, "input %" + std::to_string(n.input) + " does not exist");
        ok = false;
        continue;
      }
      NodeKind in = p.node(n.input).kind;
      if (in == NodeKind::Sink)
        fail(n, "reads from sink %" + std::to_string(n.input) + "; sinks are terminal");
      if (in == NodeKind::Table)
        fail(n, "reads table %" + std::to_string(n.input) + " as a stream; tables are only joined");
    }
    if (!ok)
      return false;
    // Every input chain must reach a source within `count` steps.
    for (const auto &np : p.nodes) {
      int at = np->id;
      for (int steps = 0; at >= 0 && steps <= count; ++steps)
        at = p.node(at).input;
      if (at >= 0) {
        fail(*np, "its input chain has a cycle");
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------- expressions

  void checkExpr(const Node &n, const Expr &e, const Schema &input, const std::string &where) {
    auto bad = [&](const std::string &msg) {
      fail(n, where + ": " + msg + " in " + exprToString(e, &input));
    };
    for (const ExprPtr &a : e.args) {
      if (!a) {
        bad("missing operand");
        return;
      }
      checkExpr(n, *a, input, where);
    }
    switch (e.kind) {
    case ExprKind::Column:
      if (e.column < 0 || e.column >= static_cast<int>(input.size()))
        bad("column $" + std::to_string(e.column) + " out of range (input has " +
            std::to_string(input.size()) + " columns)");
      else if (e.type != input[e.column].type)
        bad("column $" + std::to_string(e.column) + " typed " + typeName(e.type) +
            " but the input column is " + typeName(input[e.column].type));
      return;
    case ExprKind::Literal:
      if (!literalFitsType(e))
        bad("literal " + formatLiteral(e) + " does not fit its type " + typeName(e.type));
      return;
    case ExprKind::Unary:
      checkUnary(e, bad);
      return;
    case ExprKind::Binary:
      checkBinary(e, bad);
      return;
    case ExprKind::Call: {
      std::vector<Type> argTypes;
      for (const ExprPtr &a : e.args)
        argTypes.push_back(a->type);
      ScalarCallResult r = checkScalarCall(e.fn, argTypes);
      if (!r.type)
        bad("call rejected by its signature: " + r.error.message);
      else if (*r.type != e.type)
        bad(std::string("call typed ") + typeName(e.type) + " but " + scalarFnName(e.fn) +
            " returns " + typeName(*r.type));
      return;
    }
    }
  }

  template <typename Bad> void checkUnary(const Expr &e, Bad &bad) {
    if (e.args.size() != 1) {
      bad("a unary operator takes 1 operand");
      return;
    }
    Type a = e.args[0]->type;
    if (mayBeNull(a) && !e.type.nullable)
      bad("a nullable operand needs a nullable result");
    if (e.unaryOp == UnaryOp::Not) {
      if (e.type.kind != TypeKind::Bool || (a.kind != TypeKind::Bool && a.kind != TypeKind::Null))
        bad("not takes and returns bool");
      return;
    }
    bool negatable = e.type.isNumeric() || e.type.kind == TypeKind::Duration;
    if (!negatable || (a.kind != e.type.kind && a.kind != TypeKind::Null))
      bad("negation takes and returns the same numeric or duration type");
  }

  template <typename Bad> void checkBinary(const Expr &e, Bad &bad) {
    if (e.args.size() != 2) {
      bad("a binary operator takes 2 operands");
      return;
    }
    Type a = e.args[0]->type, b = e.args[1]->type;
    BinaryOp op = e.binaryOp;
    if ((mayBeNull(a) || mayBeNull(b)) && !e.type.nullable)
      bad("nullable operands need a nullable result");
    if (op == BinaryOp::And || op == BinaryOp::Or) {
      auto isBool = [](Type t) { return t.kind == TypeKind::Bool || t.kind == TypeKind::Null; };
      if (e.type.kind != TypeKind::Bool || !isBool(a) || !isBool(b))
        bad("and/or take and return bool");
      return;
    }
    if (isComparison(op)) {
      bool comparable = a.kind == b.kind || a.kind == TypeKind::Null ||
                        b.kind == TypeKind::Null || (a.isNumeric() && b.isNumeric());
      if (e.type.kind != TypeKind::Bool)
        bad("a comparison returns bool");
      else if (!comparable)
        bad(std::string("cannot compare ") + typeName(a) + " with " + typeName(b));
      return;
    }
    assert(isArithmetic(op));
    auto isOperand = [](Type t) {
      return t.isNumeric() || t.isTemporal() || t.kind == TypeKind::Null;
    };
    if (!isOperand(a) || !isOperand(b) || !(e.type.isNumeric() || e.type.isTemporal())) {
      bad(std::string("arithmetic on ") + typeName(a) + " and " + typeName(b));
      return;
    }
    if (a.isNumeric() && b.isNumeric()) {
      TypeKind want = a.kind == TypeKind::Float64 || b.kind == TypeKind::Float64
                          ? TypeKind::Float64
                          : TypeKind::Int64;
      if (e.type.kind != want)
        bad(std::string("arithmetic on ") + typeName(a) + " and " + typeName(b) +
            " returns " + typeKindName(want));
    }
  }

  // ---------------------------------------------------------------- nodes

  static bool sameTypes(const Schema &a, const Schema &b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(),
                      [](const Column &x, const Column &y) { return x.type == y.type; });
  }
  static bool sameSchema(const Schema &a, const Schema &b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const Column &x, const Column &y) {
             return x.type == y.type && x.name == y.name;
           });
  }

  void checkNode(const Node &n) {
    if (n.kind == NodeKind::Source || n.kind == NodeKind::Table) {
      checkDeclared(n);
      checkEventTime(n);
      return;
    }
    if (n.eventTimeField != -1)
      fail(n, "only a source has an event-time field");
    if (n.kind != NodeKind::Aggregate &&
        (n.window.kind != WindowKind::None || n.timeColumn != -1 || n.ttlMs != 0))
      fail(n, "only an aggregate has a window, a time column or a ttl");
    if (!valid(n.input))
      return; // reported by checkEdges
    const Schema &in = p.node(n.input).schema;
    switch (n.kind) {
    case NodeKind::Filter:
      if (!n.predicate) {
        fail(n, "no predicate");
        break;
      }
      checkExpr(n, *n.predicate, in, "predicate");
      if (n.predicate->type.kind != TypeKind::Bool)
        fail(n, std::string("the predicate is ") + typeName(n.predicate->type) + ", not bool");
      if (!sameSchema(n.schema, in))
        fail(n, "a filter's schema must be its input's");
      break;
    case NodeKind::Project:
      if (n.exprs.size() != n.schema.size()) {
        fail(n, std::to_string(n.exprs.size()) + " expressions for " +
                    std::to_string(n.schema.size()) + " columns");
        break;
      }
      for (size_t i = 0; i < n.exprs.size(); ++i) {
        if (!n.exprs[i]) {
          fail(n, "column " + n.schema[i].name + " has no expression");
          continue;
        }
        checkExpr(n, *n.exprs[i], in, "column " + n.schema[i].name);
        if (n.exprs[i]->type != n.schema[i].type)
          fail(n, "column " + n.schema[i].name + " is " + typeName(n.schema[i].type) +
                      " but its expression is " + typeName(n.exprs[i]->type));
      }
      break;
    case NodeKind::Join:
      checkJoin(n, in);
      break;
    case NodeKind::Aggregate:
      checkAggregate(n, in);
      break;
    case NodeKind::Sink:
      if (!sameSchema(n.schema, in))
        fail(n, "a sink's schema must be its input's");
      if (n.connector.kind.empty())
        fail(n, "no connector kind");
      break;
    default:
      break;
    }
  }

  void checkDeclared(const Node &n) {
    if (n.schema.empty())
      fail(n, "empty schema");
    std::set<std::string> names;
    for (const Column &c : n.schema) {
      if (!names.insert(c.name).second)
        fail(n, "duplicate field " + c.name);
      if (c.type.kind == TypeKind::Null)
        fail(n, "field " + c.name + " has type null");
    }
    for (size_t i = 0; i < n.usedFields.size(); ++i) {
      int f = n.usedFields[i];
      if (f < 0 || f >= static_cast<int>(n.schema.size()))
        fail(n, "used field " + std::to_string(f) + " out of range");
      else if (i > 0 && f <= n.usedFields[i - 1])
        fail(n, "used fields are not sorted and unique");
    }
    if (n.connector.kind.empty())
      fail(n, "no connector kind");
    if (n.predicate || !n.exprs.empty() || !n.probeKeys.empty() || !n.keys.empty() ||
        !n.aggs.empty())
      fail(n, "a source or table has no expressions");
  }

  // `event_time COL watermark D` on a source: COL a non-nullable timestamp.
  void checkEventTime(const Node &n) {
    if (n.watermarkDelayMs < 0)
      fail(n, "negative watermark delay " + std::to_string(n.watermarkDelayMs) + " ms");
    if (n.eventTimeField == -1)
      return;
    if (n.kind != NodeKind::Source) {
      fail(n, "only a source has an event-time field");
      return;
    }
    if (n.eventTimeField < 0 || n.eventTimeField >= static_cast<int>(n.schema.size())) {
      fail(n, "event-time field " + std::to_string(n.eventTimeField) + " out of range");
      return;
    }
    const Column &c = n.schema[n.eventTimeField];
    if (c.type != Type::of(TypeKind::Timestamp))
      fail(n, "event-time field " + c.name + " is " + typeName(c.type) +
                  ", not a non-nullable timestamp");
  }

  // The window's parameters, the time column and ttl; the output columns
  // are checked by checkAggregate.
  void checkWindow(const Node &n, const Schema &in) {
    const WindowSpec &w = n.window;
    auto positive = [&](int64_t ms, const char *what) {
      if (ms <= 0)
        fail(n, std::string("the ") + windowKindName(w.kind) + " window's " + what + " is " +
                    std::to_string(ms) + " ms, not positive");
    };
    switch (w.kind) {
    case WindowKind::None:
      break;
    case WindowKind::Tumbling:
      positive(w.sizeMs, "size");
      if (w.slideMs != w.sizeMs)
        fail(n, "a tumbling window's slide is its size");
      break;
    case WindowKind::Hopping:
      positive(w.sizeMs, "size");
      positive(w.slideMs, "slide");
      if (w.sizeMs > 0 && w.slideMs > 0 && w.sizeMs % w.slideMs != 0)
        fail(n, "the hopping window's size " + std::to_string(w.sizeMs) +
                    " ms is not a multiple of its slide " + std::to_string(w.slideMs) + " ms");
      break;
    case WindowKind::Session:
      positive(w.gapMs, "gap");
      break;
    case WindowKind::Rolling:
      positive(w.sizeMs, "size");
      break;
    }
    if (w.lateToSink && w.lateSink.kind.empty())
      fail(n, "the late sink has no connector kind");
    if (n.ttlMs < 0)
      fail(n, "negative ttl");
    if (n.ttlMs > 0 && w.kind != WindowKind::None)
      fail(n, "a windowed aggregate has no ttl");
    if (n.watermarkDelayMs < 0)
      fail(n, "negative watermark delay");
    bool needsTime = w.kind != WindowKind::None || n.ttlMs > 0;
    if (!needsTime && n.timeColumn == -1)
      return; // (a time column without a window orders first/last by event time)
    if (n.timeColumn < 0 || n.timeColumn >= static_cast<int>(in.size())) {
      fail(n, "time column $" + std::to_string(n.timeColumn) + " out of range (input has " +
                  std::to_string(in.size()) + " columns)");
      return;
    }
    const Column &c = in[n.timeColumn];
    if (c.type != Type::of(TypeKind::Timestamp))
      fail(n, "time column $" + std::to_string(n.timeColumn) + ":" + c.name + " is " +
                  typeName(c.type) + ", not a non-nullable timestamp");
  }

  void checkJoin(const Node &n, const Schema &in) {
    if (!valid(n.table) || p.node(n.table).kind != NodeKind::Table) {
      fail(n, "joins %" + std::to_string(n.table) + ", which is not a table");
      return;
    }
    const Schema &table = p.node(n.table).schema;
    if (n.probeKeys.empty() || n.probeKeys.size() != n.buildKeys.size())
      fail(n, std::to_string(n.probeKeys.size()) + " probe keys for " +
                  std::to_string(n.buildKeys.size()) + " build keys");
    for (size_t i = 0; i < std::min(n.probeKeys.size(), n.buildKeys.size()); ++i) {
      if (!n.probeKeys[i]) {
        fail(n, "probe key " + std::to_string(i) + " is missing");
        continue;
      }
      checkExpr(n, *n.probeKeys[i], in, "probe key " + std::to_string(i));
      int b = n.buildKeys[i];
      if (b < 0 || b >= static_cast<int>(table.size())) {
        fail(n, "build key " + std::to_string(b) + " out of the table's range");
        continue;
      }
      if (n.probeKeys[i]->type.kind != table[b].type.kind)
        fail(n, std::string("key ") + std::to_string(i) + " compares " +
                    typeName(n.probeKeys[i]->type) + " with " + table[b].name + ": " +
                    typeName(table[b].type));
    }
    Schema want = in;
    for (const Column &c : table)
      want.push_back({c.name, c.type.withNullable(c.type.nullable || n.leftJoin)});
    if (!sameTypes(n.schema, want))
      fail(n, "the output " + formatSchema(n.schema) + " is not the input ++ the table's columns " +
                  formatSchema(want));
  }

  // Output columns: keys ++ aggregates; a tumbling, hopping or session
  // window adds window_start, window_end after the keys; a rolling window's
  // rows are its input row ++ aggregates.
  void checkAggregate(const Node &n, const Schema &in) {
    checkWindow(n, in);
    bool rolling = n.window.kind == WindowKind::Rolling;
    bool bounds = n.window.kind != WindowKind::None && !rolling;
    size_t nk = n.keys.size();
    size_t prefix = rolling ? in.size() : nk + (bounds ? 2 : 0); // columns before the aggregates
    if (n.schema.size() != prefix + n.aggs.size()) {
      fail(n, "the output has " + std::to_string(n.schema.size()) + " columns for " +
                  (rolling ? std::to_string(in.size()) + " input columns"
                           : std::to_string(nk) + " keys" + (bounds ? " and 2 window bounds" : "")) +
                  " and " + std::to_string(n.aggs.size()) + " aggregates");
      return;
    }
    if (rolling) {
      for (size_t i = 0; i < in.size(); ++i)
        if (n.schema[i].name != in[i].name || n.schema[i].type != in[i].type)
          fail(n, "output column " + std::to_string(i) + " (" + n.schema[i].name + ": " +
                      typeName(n.schema[i].type) + ") is not the rolling window's input column " +
                      in[i].name + ": " + typeName(in[i].type));
    }
    if (bounds) {
      for (size_t b = 0; b < 2; ++b) {
        const Column &c = n.schema[nk + b];
        const char *want = b == 0 ? "window_start" : "window_end";
        if (c.name != want || c.type != Type::of(TypeKind::Timestamp))
          fail(n, "output column " + std::to_string(nk + b) + " must be " + want +
                      ": timestamp, not " + c.name + ": " + typeName(c.type));
      }
    }
    for (size_t i = 0; i < nk; ++i) {
      if (!n.keys[i]) {
        fail(n, "key " + std::to_string(i) + " is missing");
        continue;
      }
      checkExpr(n, *n.keys[i], in, "key " + (rolling ? std::to_string(i) : n.schema[i].name));
      if (!rolling && n.keys[i]->type != n.schema[i].type)
        fail(n, "key column " + n.schema[i].name + " is " + typeName(n.schema[i].type) +
                    " but its expression is " + typeName(n.keys[i]->type));
    }
    for (size_t j = 0; j < n.aggs.size(); ++j) {
      const AggCall &a = n.aggs[j];
      const Column &out = n.schema[prefix + j];
      std::vector<Type> argTypes;
      if (a.arg) {
        checkExpr(n, *a.arg, in, "aggregate " + a.name);
        argTypes.push_back(a.arg->type);
      } else if (a.fn != AggFn::Count) {
        fail(n, "aggregate " + a.name + " has no argument");
        continue;
      }
      if (a.fn == AggFn::ApproxPercentile) {
        argTypes.push_back(Type::of(TypeKind::Float64)); // p, a constant (AggCall::param)
        if (!(a.param >= 0.0 && a.param <= 1.0))
          fail(n, "aggregate " + a.name + ": percentile " + std::to_string(a.param) +
                      " is outside [0, 1]");
      }
      AggCallResult r = checkAggregateCall(a.fn, argTypes);
      if (!r.type)
        fail(n, "aggregate " + a.name + " rejected by its signature: " + r.error.message);
      else if (*r.type != a.resultType)
        fail(n, "aggregate " + a.name + " typed " + typeName(a.resultType) + " but " +
                    aggFnName(a.fn) + " returns " + typeName(*r.type));
      if (out.name != a.name || out.type != a.resultType)
        fail(n, "output column " + out.name + ": " + typeName(out.type) +
                    " does not match aggregate " + a.name + ": " + typeName(a.resultType));
    }
  }

  // ------------------------------------------------------------ pipelines

  void checkPipelines() {
    std::vector<int> owners(count, 0);
    for (const Pipeline &pl : p.pipelines) {
      std::string where = "pipeline " + pl.name + ": ";
      if (pl.nodes.size() < 2) {
        fail(where + "needs a source and a sink");
        continue;
      }
      bool ok = true;
      for (int id : pl.nodes)
        ok = ok && valid(id);
      if (!ok) {
        fail(where + "lists a node that does not exist");
        continue;
      }
      if (p.node(pl.nodes.front()).kind != NodeKind::Source)
        fail(where + "does not start at a source");
      if (p.node(pl.nodes.back()).kind != NodeKind::Sink)
        fail(where + "does not end at a sink");
      for (size_t i = 1; i < pl.nodes.size(); ++i) {
        if (p.node(pl.nodes[i]).input != pl.nodes[i - 1])
          fail(where + "%" + std::to_string(pl.nodes[i]) + " does not read %" +
               std::to_string(pl.nodes[i - 1]));
        ++owners[pl.nodes[i]];
      }
    }
    for (const auto &n : p.nodes) {
      bool leaf = n->kind == NodeKind::Source || n->kind == NodeKind::Table;
      if (!leaf && owners[n->id] != 1)
        fail(*n, "belongs to " + std::to_string(owners[n->id]) + " pipelines, not 1");
    }
  }

  // --------------------------------------------------------------- stages

  void checkStages() {
    // How often each node begins, continues or ends a stage.
    std::vector<int> starts(count, 0), ends(count, 0), inside(count, 0);
    std::vector<int> endStage(count, -1), startStage(count, -1), buildStage(count, -1);
    for (size_t si = 0; si < p.stages.size(); ++si) {
      const Stage &s = p.stages[si];
      std::string where = "stage " + std::to_string(si) + " \"" + s.name + "\": ";
      if (s.id != static_cast<int>(si))
        fail(where + "has id " + std::to_string(s.id));
      if (s.nodes.empty() || !std::all_of(s.nodes.begin(), s.nodes.end(),
                                          [&](int id) { return valid(id); })) {
        fail(where + "empty or lists a node that does not exist");
        continue;
      }
      const Node &first = p.node(s.nodes.front());
      const Node &last = p.node(s.nodes.back());
      if (s.kind == StageKind::TableBuild) {
        if (s.nodes.size() != 1 || first.kind != NodeKind::Table)
          fail(where + "a table build stage holds exactly its table");
        else
          buildStage[first.id] = static_cast<int>(si);
        continue;
      }
      NodeKind wantFirst = s.kind == StageKind::Scan ? NodeKind::Source : NodeKind::Aggregate;
      if (first.kind != wantFirst)
        fail(where + "begins at a " + nodeKindName(first.kind));
      if (s.nodes.size() < 2 ||
          (last.kind != NodeKind::Sink && last.kind != NodeKind::Aggregate)) {
        fail(where + "does not end at a sink or an aggregate");
        continue;
      }
      for (size_t i = 1; i < s.nodes.size(); ++i) {
        const Node &n = p.node(s.nodes[i]);
        if (n.input != s.nodes[i - 1])
          fail(where + "%" + std::to_string(n.id) + " does not read %" +
               std::to_string(s.nodes[i - 1]));
        bool streaming = n.kind == NodeKind::Filter || n.kind == NodeKind::Project ||
                         n.kind == NodeKind::Join;
        if (i + 1 < s.nodes.size() && !streaming)
          fail(where + "a " + nodeKindName(n.kind) + " in the middle of a stage");
        if (n.kind == NodeKind::Join &&
            (!valid(n.table) || buildStage[n.table] < 0))
          fail(where + "joins %" + std::to_string(n.table) +
               " before a stage has built its table");
      }
      ++starts[first.id];
      startStage[first.id] = static_cast<int>(si);
      for (size_t i = 1; i + 1 < s.nodes.size(); ++i)
        ++inside[s.nodes[i]];
      ++ends[last.id];
      endStage[last.id] = static_cast<int>(si);
      if (s.kind == StageKind::Emit && endStage[first.id] < 0)
        fail(where + "emits aggregate %" + std::to_string(first.id) +
             " before a stage has updated it");
    }
    std::vector<std::vector<int>> consumers = computeConsumers(p);
    for (const auto &np : p.nodes) {
      const Node &n = *np;
      auto expect = [&](bool ok, const char *what) {
        if (!ok)
          fail(n, what);
      };
      switch (n.kind) {
      case NodeKind::Source:
        expect(consumers[n.id].empty() || starts[n.id] > 0, "begins no stage");
        expect(ends[n.id] == 0 && inside[n.id] == 0, "a source only begins stages");
        break;
      case NodeKind::Table:
        expect(starts[n.id] + ends[n.id] + inside[n.id] == 0, "a table only has a build stage");
        break;
      case NodeKind::Aggregate:
        expect(ends[n.id] == 1 && starts[n.id] == 1 && inside[n.id] == 0,
               "an aggregate must end one stage and begin one emit stage");
        break;
      case NodeKind::Sink:
        expect(ends[n.id] == 1 && starts[n.id] + inside[n.id] == 0,
               "a sink must end exactly one stage");
        break;
      default:
        expect(inside[n.id] == 1 && starts[n.id] + ends[n.id] == 0,
               "must be inside exactly one stage");
      }
      if (n.stage < -1 || n.stage >= static_cast<int>(p.stages.size())) {
        fail(n, "stage " + std::to_string(n.stage) + " does not exist");
        continue;
      }
      const std::vector<int> *members = n.stage >= 0 ? &p.stages[n.stage].nodes : nullptr;
      bool listed = members && std::find(members->begin(), members->end(), n.id) != members->end();
      bool unstaged = n.kind == NodeKind::Table ? buildStage[n.id] < 0
                      : n.kind == NodeKind::Source ? starts[n.id] == 0
                                                   : false;
      if (!listed && !(unstaged && n.stage == -1))
        fail(n, "Node::stage " + std::to_string(n.stage) + " is not a stage holding it");
    }
  }

  // -------------------------------------------------------- state layouts

  struct Placed {
    StateSlot slot;
    std::string what;
  };

  // Slots laid out from `begin` up to a null bitmap at `bitmapOffset` of
  // `bitmapBytes` bytes: no overlaps, aligned, distinct null bits inside it.
  // Offsets are relative to the region's base (an entry or a window slice).
  void checkRegion(const Node &n, std::vector<Placed> slots, uint32_t begin,
                   uint32_t bitmapOffset, uint32_t bitmapBytes, const std::string &region) {
    std::sort(slots.begin(), slots.end(),
              [](const Placed &a, const Placed &b) { return a.slot.offset < b.slot.offset; });
    uint32_t end = begin;
    std::set<int> bits;
    for (const Placed &s : slots) {
      if (s.slot.offset < end)
        fail(n, s.what + " at " + std::to_string(s.slot.offset) + " overlaps what ends at " +
                    std::to_string(end) + region);
      if (s.slot.offset % std::min<uint32_t>(s.slot.size, 8))
        fail(n, s.what + " at " + std::to_string(s.slot.offset) + " is misaligned" + region);
      end = std::max(end, s.slot.offset + s.slot.size);
      if (s.slot.nullBit >= 0) {
        if (static_cast<uint32_t>(s.slot.nullBit) >= bitmapBytes * 8)
          fail(n, s.what + "'s null bit " + std::to_string(s.slot.nullBit) +
                      " is outside the bitmap" + region);
        if (!bits.insert(s.slot.nullBit).second)
          fail(n, s.what + " shares null bit " + std::to_string(s.slot.nullBit) + region);
      }
    }
    if (end > bitmapOffset)
      fail(n, "slots run past the null bitmap at " + std::to_string(bitmapOffset) + region);
  }

  void checkLayout(const Node &n) {
    const StateLayout &l = n.layout;
    if (l.entrySize == 0)
      return;
    if (n.kind != NodeKind::Aggregate && n.kind != NodeKind::Table) {
      fail(n, "only aggregates and tables have state");
      return;
    }
    if (l.entrySize % 8 || l.headerSize != 16)
      fail(n, "entry size " + std::to_string(l.entrySize) + " / header " +
                  std::to_string(l.headerSize) + " (want a multiple of 8 / 16)");

    std::vector<Placed> keys, accumulators;
    auto add = [&](std::vector<Placed> &to, const StateSlot &s, Type t, bool typed,
                   const std::string &what) {
      if (s.size == 0)
        return;
      if (typed && s.size != expectedSlotSize(t))
        fail(n, what + " has size " + std::to_string(s.size) + " for " + typeName(t));
      to.push_back({s, what});
    };
    if (n.kind == NodeKind::Table) {
      if (l.keySlots.size() != n.schema.size()) {
        fail(n, "a table's layout has one slot per column");
        return;
      }
      for (size_t i = 0; i < n.schema.size(); ++i)
        add(keys, l.keySlots[i], n.schema[i].type, true, "column " + n.schema[i].name);
      for (int f : n.usedFields)
        if (f >= 0 && f < static_cast<int>(l.keySlots.size()) && l.keySlots[f].size == 0)
          fail(n, "used column " + n.schema[f].name + " has no slot");
    } else {
      if (l.keySlots.size() != n.keys.size() || l.aggSlots.size() != n.aggs.size() ||
          l.aggAuxSlots.size() != n.aggs.size()) {
        fail(n, "the layout needs one slot per key and per aggregate");
        return;
      }
      for (size_t i = 0; i < n.keys.size(); ++i) {
        if (l.keySlots[i].size == 0)
          fail(n, "key " + std::to_string(i) + " has no slot");
        add(keys, l.keySlots[i], n.keys[i] ? n.keys[i]->type : Type{}, n.keys[i] != nullptr,
            "key " + std::to_string(i));
      }
      for (size_t j = 0; j < n.aggs.size(); ++j) {
        if (l.aggSlots[j].size == 0)
          fail(n, "aggregate " + n.aggs[j].name + " has no slot");
        add(accumulators, l.aggSlots[j], {}, false, "aggregate " + n.aggs[j].name);
        add(accumulators, l.aggAuxSlots[j], {}, false, "aggregate " + n.aggs[j].name + " (aux)");
      }
    }
    // One region: the entry is header | slots | null bitmap.
    if (l.sliceOffset == 0) {
      if (l.nullBitmapOffset < l.headerSize ||
          l.nullBitmapOffset + l.nullBitmapBytes > l.entrySize)
        fail(n, "the null bitmap lies outside the entry");
      keys.insert(keys.end(), accumulators.begin(), accumulators.end());
      checkRegion(n, std::move(keys), l.headerSize, l.nullBitmapOffset, l.nullBitmapBytes, "");
      return;
    }
    checkSlicedLayout(n, std::move(keys), std::move(accumulators));
  }

  // A windowed (or ttl) aggregate: header | keys | key bitmap, then a ring of
  // `ringSlices` slices (rolling: none stored), each slice
  // accumulators | bookkeeping | accumulator bitmap with slice-relative offsets.
  void checkSlicedLayout(const Node &n, std::vector<Placed> keys,
                         std::vector<Placed> accumulators) {
    const StateLayout &l = n.layout;
    if (n.kind != NodeKind::Aggregate) {
      fail(n, "only an aggregate's state has window slices");
      return;
    }
    bool rolling = n.window.kind == WindowKind::Rolling;
    if (rolling)
      keys.push_back({{l.rowBufferOffset, 8, -1}, "the rolling window's row buffer"});
    if (l.keyNullBitmapOffset < l.headerSize || l.keyNullBitmapOffset > l.sliceOffset)
      fail(n, "the key null bitmap at " + std::to_string(l.keyNullBitmapOffset) +
                  " lies outside the keys' part of the entry");
    else
      checkRegion(n, std::move(keys), l.headerSize, l.keyNullBitmapOffset,
                  l.sliceOffset - l.keyNullBitmapOffset, " (keys)");
    if (l.sliceSize == 0 || l.sliceSize % 8 || l.ringSlices == 0) {
      fail(n, "slices of " + std::to_string(l.sliceSize) + " bytes x " +
                  std::to_string(l.ringSlices) + " (want a positive multiple of 8, at least one)");
      return;
    }
    if (l.nullBitmapOffset + l.nullBitmapBytes > l.sliceSize)
      fail(n, "the accumulators' null bitmap lies outside the slice");
    checkRegion(n, std::move(accumulators), 0, l.nullBitmapOffset, l.nullBitmapBytes, " (slice)");
    uint64_t stored = rolling ? 0 : uint64_t(l.ringSlices) * l.sliceSize;
    if (l.sliceOffset % 8 || l.sliceOffset + stored > l.entrySize)
      fail(n, "the ring of slices at " + std::to_string(l.sliceOffset) + " (" +
                  std::to_string(stored) + " bytes) does not fit the entry of " +
                  std::to_string(l.entrySize) + " bytes");
  }
};

} // namespace

llvm::Error verifyProgram(const Program &p) { return Verifier(p).run(); }

} // namespace weir::ir
