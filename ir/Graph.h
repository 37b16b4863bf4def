// Structural helpers over a Program's dataflow graph, shared by the passes,
// the verifier and the printers: who consumes a node, a topological order,
// bypassing a node, renumbering ids, and visiting a node's expressions.
#pragma once

#include "ir/IR.h"

#include <functional>
#include <vector>

namespace weir::ir {

// For each node id, the nodes whose `input` is that node, in id order. A
// Join's reference to its Table (`Node::table`) is not an input edge.
std::vector<std::vector<int>> computeConsumers(const Program &p);

// Node ids ordered so that every node comes after its input and after the
// Table it joins: depth-first from each node in id order, placing a node's
// input chain, then its join table, then the node. Already ordered programs
// keep their order. Terminates on cycles (which the verifier reports).
std::vector<int> topologicalOrder(const Program &p);

// Rewires the consumers of node `id` (a node with an input) to its input,
// drops it from the pipelines and stages and deletes it, renumbering the
// remaining nodes so that ids stay indices into Program::nodes.
void bypassAndRemoveNode(Program &p, int id);

// Renumbers the nodes in topological order (so printed IR reads top-down) and
// rewrites every reference: inputs, join tables, pipelines and stages.
void renumberTopologically(Program &p);

// Calls `fn` on every expression root of `n` (predicate, projections, probe
// keys, aggregate keys and arguments). All of them read `n`'s input row.
void forEachExprRoot(Node &n, const std::function<void(ExprPtr &)> &fn);
void forEachExprRoot(const Node &n, const std::function<void(const Expr &)> &fn);

} // namespace weir::ir
