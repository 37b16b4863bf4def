// Each node against its input and its operator: declared schemas, event
// time, filters, projections, joins, aggregates and their windows.
#include "ir/Printer.h"
#include "ir/VerifierChecks.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace weir::ir::verifier {

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

void Verifier::checkNode(const Node &n) {
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

void Verifier::checkDeclared(const Node &n) {
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
void Verifier::checkEventTime(const Node &n) {
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
void Verifier::checkWindow(const Node &n, const Schema &in) {
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

void Verifier::checkJoin(const Node &n, const Schema &in) {
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
void Verifier::checkAggregate(const Node &n, const Schema &in) {
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

} // namespace weir::ir::verifier
