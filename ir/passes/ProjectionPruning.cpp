// Projection pruning: decode only the fields some operator reads.
//
// Demand flows from consumers to producers, in reverse data-flow order. Each
// node's demand is the set of its output columns some consumer reads:
//   sink       every column of its input
//   filter     its predicate's columns, plus what its consumers read
//   project    every expression's columns (codegen evaluates them all); a
//              plain `$i` pass-through only when the output column is read
//   join       its probe keys, plus the stream-side columns its consumers read;
//              the table side is demanded of the table (with the build keys)
//   aggregate  every key's and argument's columns, and its time column (a
//              window's or ttl's event time); a rolling window also the input
//              columns it passes on that are read, and `late to` a sink every
//              input column (late rows are written whole)
// A Source's or Table's demand becomes its `usedFields`; a source with event
// time always decodes its event-time column (it drives the watermark).
#include "ir/passes/Passes.h"

#include "ir/ExprUtil.h"
#include "ir/Graph.h"

#include <set>

namespace weir::ir {
namespace {

using Demand = std::vector<std::set<int>>; // per node, the output columns read

void demandAll(std::set<int> &d, const Expr &e) {
  std::vector<int> cols;
  collectColumns(e, cols);
  d.insert(cols.begin(), cols.end());
}

// Adds to `demand[n.input]` (and to the joined table) what `n` reads, given
// which of n's own output columns are read.
void propagate(const Program &p, const Node &n, Demand &demand) {
  if (n.input < 0)
    return;
  std::set<int> &in = demand[n.input];
  const std::set<int> &out = demand[n.id];
  switch (n.kind) {
  case NodeKind::Sink:
    for (size_t i = 0; i < p.node(n.input).schema.size(); ++i)
      in.insert(static_cast<int>(i));
    break;
  case NodeKind::Filter:
    demandAll(in, *n.predicate);
    in.insert(out.begin(), out.end()); // same columns as its input
    break;
  case NodeKind::Project:
    for (size_t i = 0; i < n.exprs.size(); ++i) {
      const Expr &e = *n.exprs[i];
      if (e.kind != ExprKind::Column || out.count(static_cast<int>(i)))
        demandAll(in, e);
    }
    break;
  case NodeKind::Join: {
    int streamWidth = static_cast<int>(p.node(n.input).schema.size());
    for (const ExprPtr &k : n.probeKeys)
      demandAll(in, *k);
    std::set<int> &table = demand[n.table];
    table.insert(n.buildKeys.begin(), n.buildKeys.end());
    for (int c : out) {
      if (c < streamWidth)
        in.insert(c);
      else
        table.insert(c - streamWidth);
    }
    break;
  }
  case NodeKind::Aggregate: {
    for (const ExprPtr &k : n.keys)
      demandAll(in, *k);
    for (const AggCall &a : n.aggs)
      if (a.arg)
        demandAll(in, *a.arg);
    if (n.timeColumn >= 0)
      in.insert(n.timeColumn);
    int inputWidth = static_cast<int>(p.node(n.input).schema.size());
    if (n.window.kind == WindowKind::Rolling)
      for (int c : out)
        if (c < inputWidth)
          in.insert(c);
    if (n.window.lateToSink)
      for (int c = 0; c < inputWidth; ++c)
        in.insert(c);
    break;
  }
  case NodeKind::Source:
  case NodeKind::Table:
    break;
  }
}

} // namespace

llvm::Error runProjectionPruning(Program &p) {
  Demand demand(p.nodes.size());
  std::vector<int> order = topologicalOrder(p);
  // Consumers come after their producers in `order`: walk it backwards so a
  // node's demand is complete before it is passed on.
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    propagate(p, p.node(*it), demand);
  for (auto &n : p.nodes) {
    if (n->kind == NodeKind::Source && n->eventTimeField >= 0)
      demand[n->id].insert(n->eventTimeField);
    if (n->kind == NodeKind::Source || n->kind == NodeKind::Table)
      n->usedFields.assign(demand[n->id].begin(), demand[n->id].end());
  }
  return llvm::Error::success();
}

} // namespace weir::ir
