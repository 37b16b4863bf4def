#include "ir/Verifier.h"

#include "ir/Graph.h"
#include "ir/VerifierChecks.h"

#include <algorithm>
#include <string>
#include <vector>

namespace weir::ir {
namespace verifier {

llvm::Error Verifier::run() {
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

void Verifier::fail(const Node &n, const std::string &msg) {
  problems.push_back("%" + std::to_string(n.id) + " (" + nodeKindName(n.kind) + "): " + msg);
}

llvm::Error Verifier::finish() {
  if (problems.empty())
    return llvm::Error::success();
  std::string all = "invalid IR:";
  for (const std::string &s : problems)
    all += "\n  " + s;
  return llvm::createStringError(llvm::inconvertibleErrorCode(), all);
}

// ------------------------------------------------------------------ the graph

bool Verifier::checkIds() {
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

bool Verifier::checkEdges() {
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

// ------------------------------------------------------------------ pipelines

void Verifier::checkPipelines() {
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

// --------------------------------------------------------------------- stages

// A shared scan's leader comes first and lists exactly the scans that name
// it, all over its source.
void Verifier::checkSharedScan(const Stage &s, const std::string &where) {
  auto stageExists = [&](int id) { return id >= 0 && id < static_cast<int>(p.stages.size()); };
  if (s.sharedScan >= 0 && !s.sharedMembers.empty())
    fail(where + "both leads and joins a shared scan");
  if (s.sharedScan >= 0) {
    const Stage *leader = stageExists(s.sharedScan) ? &p.stages[s.sharedScan] : nullptr;
    if (!leader || s.sharedScan >= s.id ||
        std::find(leader->sharedMembers.begin(), leader->sharedMembers.end(), s.id) ==
            leader->sharedMembers.end())
      fail(where + "joins shared scan " + std::to_string(s.sharedScan) +
           ", which is not an earlier stage listing it");
  }
  int previous = s.id;
  for (int member : s.sharedMembers) {
    if (!stageExists(member) || member <= previous || p.stages[member].sharedScan != s.id ||
        p.stages[member].kind != StageKind::Scan || s.kind != StageKind::Scan ||
        p.stages[member].nodes.front() != s.nodes.front())
      fail(where + "shares its scan with stage " + std::to_string(member) +
           ", which is not a later scan of the same source naming it");
    previous = member;
  }
}

void Verifier::checkStages() {
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
    checkSharedScan(s, where);
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

} // namespace verifier

llvm::Error verifyProgram(const Program &p) { return verifier::Verifier(p).run(); }

} // namespace weir::ir
