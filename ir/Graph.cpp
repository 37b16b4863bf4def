#include "ir/Graph.h"

#include <cassert>

namespace weir::ir {

std::vector<std::vector<int>> computeConsumers(const Program &p) {
  std::vector<std::vector<int>> consumers(p.nodes.size());
  for (const auto &n : p.nodes)
    if (n->input >= 0 && n->input < static_cast<int>(p.nodes.size()))
      consumers[n->input].push_back(n->id);
  return consumers;
}

std::vector<int> topologicalOrder(const Program &p) {
  const int count = static_cast<int>(p.nodes.size());
  enum : char { Unseen, Open, Placed };
  std::vector<char> state(count, Unseen);
  std::vector<int> order;
  order.reserve(count);
  // Depth-first: place a node's dependencies, then the node. Iterative so a
  // long chain cannot overflow the stack. An edge back to an open node (a
  // cycle, which the verifier reports) is ignored so this always terminates.
  for (int root = 0; root < count; ++root) {
    std::vector<int> todo{root};
    while (!todo.empty()) {
      int id = todo.back();
      if (state[id] == Placed) {
        todo.pop_back();
        continue;
      }
      state[id] = Open;
      const Node &n = p.node(id);
      bool ready = true;
      // Pushed in reverse so the input is placed before the join's table.
      for (int dep : {n.kind == NodeKind::Join ? n.table : -1, n.input}) {
        if (dep >= 0 && dep < count && state[dep] == Unseen) {
          todo.push_back(dep);
          ready = false;
        }
      }
      if (ready) {
        state[id] = Placed;
        order.push_back(id);
        todo.pop_back();
      }
    }
  }
  return order;
}

// Applies an old-id -> new-id map (-1: deleted) to every reference.
static void remapIds(Program &p, const std::vector<int> &newId) {
  auto map = [&](int id) { return id < 0 ? id : newId[id]; };
  std::vector<ValuePtr<Node>> nodes(p.nodes.size());
  size_t kept = 0;
  for (auto &n : p.nodes) {
    int to = newId[n->id];
    if (to < 0)
      continue;
    n->id = to;
    n->input = map(n->input);
    n->table = map(n->table);
    nodes[to] = std::move(n);
    ++kept;
  }
  nodes.resize(kept);
  p.nodes = std::move(nodes);
  auto remapList = [&](std::vector<int> &ids) {
    std::vector<int> out;
    for (int id : ids)
      if (map(id) >= 0)
        out.push_back(map(id));
    ids = std::move(out);
  };
  for (Pipeline &pl : p.pipelines)
    remapList(pl.nodes);
  for (Stage &s : p.stages)
    remapList(s.nodes);
}

void bypassAndRemoveNode(Program &p, int id) {
  Node &victim = p.node(id);
  assert(victim.input >= 0 && "only a node with an input can be bypassed");
  for (auto &n : p.nodes)
    if (n->input == id)
      n->input = victim.input;
  std::vector<int> newId(p.nodes.size());
  int next = 0;
  for (size_t i = 0; i < p.nodes.size(); ++i)
    newId[i] = static_cast<int>(i) == id ? -1 : next++;
  remapIds(p, newId);
}

void renumberTopologically(Program &p) {
  std::vector<int> order = topologicalOrder(p);
  std::vector<int> newId(p.nodes.size(), -1);
  for (size_t i = 0; i < order.size(); ++i)
    newId[order[i]] = static_cast<int>(i);
  remapIds(p, newId);
}

void forEachExprRoot(Node &n, const std::function<void(ExprPtr &)> &fn) {
  if (n.predicate)
    fn(n.predicate);
  for (ExprPtr &e : n.exprs)
    fn(e);
  for (ExprPtr &e : n.probeKeys)
    fn(e);
  for (ExprPtr &e : n.keys)
    fn(e);
  for (AggCall &a : n.aggs)
    if (a.arg)
      fn(a.arg);
}

void forEachExprRoot(const Node &n, const std::function<void(const Expr &)> &fn) {
  if (n.predicate)
    fn(*n.predicate);
  for (const ExprPtr &e : n.exprs)
    if (e)
      fn(*e);
  for (const ExprPtr &e : n.probeKeys)
    if (e)
      fn(*e);
  for (const ExprPtr &e : n.keys)
    if (e)
      fn(*e);
  for (const AggCall &a : n.aggs)
    if (a.arg)
      fn(*a.arg);
}

} // namespace weir::ir
