// Predicate pushdown: filter rows as early as possible, so that projections
// and join probes run only for rows that survive.
//
//   filter(project(x))  -> project(filter'(x))   when every column the filter
//                          reads is a plain `$i` pass-through of the project
//                          (filter' reads the project's input columns instead)
//   filter(join(x, t))  -> join(filter(x), t)     when the filter reads only
//                          stream-side columns (their indices are unchanged;
//                          this holds for left joins too: they keep every
//                          stream row, so dropping one before or after the
//                          probe is the same)
//   filter(filter(x))   -> filter(x, (and lower upper))
//
// Conjunctions are split first (`where a and b` -> `where a | where b`) so
// each part moves as far as it can; a filter that can move passes another
// one stuck above the same operator; what ends up adjacent merges again.
//
// Aggregates, sources and non-pass-through columns stop a filter. Only nodes
// with a single consumer are reordered (a node read by several operators
// cannot move under just one of them).
#include "ir/passes/Passes.h"

#include "ir/ExprUtil.h"
#include "ir/Graph.h"

#include <algorithm>

namespace weir::ir {
namespace {

void rewriteColumns(Expr &e, const std::vector<ExprPtr> &projection) {
  if (e.kind == ExprKind::Column)
    e.column = projection[e.column]->column;
  for (ExprPtr &a : e.args)
    rewriteColumns(*a, projection);
}

bool readsOnlyPassThroughs(const Expr &pred, const Node &project) {
  std::vector<int> cols;
  collectColumns(pred, cols);
  return std::all_of(cols.begin(), cols.end(), [&](int c) {
    return c >= 0 && c < static_cast<int>(project.exprs.size()) &&
           project.exprs[c]->kind == ExprKind::Column;
  });
}

bool readsOnlyStreamSide(const Expr &pred, const Schema &streamSide) {
  std::vector<int> cols;
  collectColumns(pred, cols);
  return std::all_of(cols.begin(), cols.end(),
                     [&](int c) { return c < static_cast<int>(streamSide.size()); });
}

// Swaps `filter` and the node it reads (`below`) in the graph and in the
// pipeline that lists them: filter reads below's input, below reads filter.
void swapWithInput(Program &p, Node &filter, Node &below) {
  for (auto &n : p.nodes)
    if (n->input == filter.id)
      n->input = below.id;
  filter.input = below.input;
  below.input = filter.id;
  filter.schema = p.node(filter.input).schema;
  for (Pipeline &pl : p.pipelines) {
    auto f = std::find(pl.nodes.begin(), pl.nodes.end(), filter.id);
    auto b = std::find(pl.nodes.begin(), pl.nodes.end(), below.id);
    if (f != pl.nodes.end() && b != pl.nodes.end())
      std::iter_swap(f, b);
  }
}

// Whether `pred` could move below `node` (which it reads).
bool canPushPast(const Program &p, const Expr &pred, const Node &node) {
  if (node.kind == NodeKind::Project)
    return readsOnlyPassThroughs(pred, node);
  if (node.kind == NodeKind::Join)
    return readsOnlyStreamSide(pred, p.node(node.input).schema);
  return false;
}

// One step: moves some filter below the node it reads. Returns whether it did.
bool pushOneFilter(Program &p) {
  std::vector<std::vector<int>> consumers = computeConsumers(p);
  for (auto &np : p.nodes) {
    Node &filter = *np;
    if (filter.kind != NodeKind::Filter || !filter.predicate)
      continue;
    Node &below = p.node(filter.input);
    if (consumers[below.id].size() != 1)
      continue;
    if (canPushPast(p, *filter.predicate, below)) {
      if (below.kind == NodeKind::Project)
        rewriteColumns(*filter.predicate, below.exprs);
      swapWithInput(p, filter, below);
      return true;
    }
    // A filter stuck on a project or join does not hold back one above it
    // that could pass: let that one go first (filters commute).
    if (below.kind == NodeKind::Filter && below.predicate && below.input >= 0) {
      const Node &next = p.node(below.input);
      if (consumers[next.id].size() == 1 && !canPushPast(p, *below.predicate, next) &&
          canPushPast(p, *filter.predicate, next)) {
        swapWithInput(p, filter, below);
        return true;
      }
    }
  }
  return false;
}

// Merges the first filter (in data-flow order) that feeds exactly one other
// filter with it, so a chain a -> b -> c becomes ((a and b) and c), the shape
// `where a and b and c` had before it was split. Returns whether it did.
bool mergeOneFilterPair(Program &p) {
  std::vector<std::vector<int>> consumers = computeConsumers(p);
  for (int id : topologicalOrder(p)) {
    Node &lower = p.node(id);
    if (lower.kind != NodeKind::Filter || !lower.predicate || consumers[id].size() != 1)
      continue;
    Node &upper = p.node(consumers[id][0]);
    if (upper.kind != NodeKind::Filter || !upper.predicate)
      continue;
    // Filters read identical rows, so column indices carry over unchanged.
    Type t = Type::of(TypeKind::Bool,
                      lower.predicate->type.nullable || upper.predicate->type.nullable);
    SourceLoc loc = lower.predicate->loc;
    lower.predicate = Expr::makeBinary(BinaryOp::And, std::move(lower.predicate),
                                       std::move(upper.predicate), t, loc);
    bypassAndRemoveNode(p, upper.id);
    return true;
  }
  return false;
}

// Splits `where a and b` into `where a | where b` (a row passes both exactly
// when `a and b` is true, nulls included) so each conjunct moves on its own.
// Returns whether it split anything.
bool splitConjunctions(Program &p) {
  bool changed = false;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    Node *filter = p.nodes[i].get();
    while (filter->kind == NodeKind::Filter && filter->predicate &&
           filter->predicate->kind == ExprKind::Binary &&
           filter->predicate->binaryOp == BinaryOp::And) {
      ExprPtr whole = std::move(filter->predicate);
      filter->predicate = std::move(whole->args[0]);
      Node &rest = p.addNode(NodeKind::Filter); // Node objects stay put
      rest.input = filter->id;
      rest.schema = filter->schema;
      rest.loc = filter->loc;
      rest.predicate = std::move(whole->args[1]);
      for (auto &n : p.nodes)
        if (n->input == filter->id && n->id != rest.id)
          n->input = rest.id;
      for (Pipeline &pl : p.pipelines) {
        auto at = std::find(pl.nodes.begin(), pl.nodes.end(), filter->id);
        if (at != pl.nodes.end())
          pl.nodes.insert(at + 1, rest.id);
      }
      changed = true;
    }
  }
  return changed;
}

} // namespace

llvm::Error runPredicatePushdown(Program &p) {
  bool changed = splitConjunctions(p);
  // Each push moves a filter one step toward its source; the graph is finite
  // and filters never move back up, so this terminates.
  while (pushOneFilter(p))
    changed = true;
  while (mergeOneFilterPair(p))
    changed = true;
  if (changed)
    renumberTopologically(p);
  return llvm::Error::success();
}

} // namespace weir::ir
