#include "ir/PlanGraph.h"

#include "ir/Explain.h"
#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <map>

namespace weir::ir {
namespace {

std::string kindOf(const Node &n, bool stageStart) {
  switch (n.kind) {
  case NodeKind::Source: return "source";
  case NodeKind::Table: return "table";
  case NodeKind::Filter: return "filter";
  case NodeKind::Project: return "project";
  case NodeKind::Join: return "join";
  case NodeKind::Aggregate: return stageStart ? "emit" : "aggregate";
  case NodeKind::Sink: return "sink";
  }
  return "operator";
}

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

// The operator's explain lines: the first is its label; of the others the
// picture keeps the summaries, not the offset table of a state layout.
void describe(const Program &p, const Node &n, bool stageStart, PlanGraph::Op &op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  explainOperator(p, n, stageStart, os);
  os.flush();
  size_t at = 0;
  bool first = true;
  bool inTable = false;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    std::string t = trim(line);
    if (first) {
      op.label = t;
      first = false;
      continue;
    }
    if (t.rfind("offset  size", 0) == 0) {
      inTable = true; // the field table runs to the end of the operator's lines
      continue;
    }
    if (!inTable && !t.empty())
      op.details.push_back(t);
  }
}

} // namespace

PlanGraph buildPlanGraph(const Program &p) {
  PlanGraph g;
  if (p.triggerDeclared)
    g.trigger = formatTrigger(p.trigger);
  g.fused = p.fused;
  std::map<int, size_t> firstOccurrence; // IR node -> its first op
  auto add = [&](PlanGraph::Op op) {
    g.ops.push_back(std::move(op));
    return g.ops.size() - 1;
  };
  for (const Stage &s : p.stages) {
    PlanGraph::Stage st;
    st.id = s.id;
    st.kind = stageKindName(s.kind);
    st.name = s.name;
    for (int member : s.sharedMembers)
      st.sharedWith.push_back(p.stages[member].name);
    st.fedBy = s.sharedScan;
    std::map<int, size_t> inStage; // IR node -> its op in this stage
    // A shared scan's member reads the record its leader decoded: its
    // source is the leader's.
    for (size_t i = s.sharedScan >= 0 ? 1 : 0; i < s.nodes.size(); ++i) {
      const Node &n = p.node(s.nodes[i]);
      bool stageStart = i == 0;
      PlanGraph::Op op;
      op.id = "s" + std::to_string(s.id) + ".n" + std::to_string(n.id);
      op.node = n.id;
      op.kind = kindOf(n, stageStart);
      describe(p, n, stageStart, op);
      if ((n.kind == NodeKind::Aggregate && !stageStart) || n.kind == NodeKind::Table)
        op.stateBytesPerKey = n.layout.entrySize;
      size_t index = add(std::move(op));
      st.ops.push_back(index);
      const std::string &id = g.ops[index].id;
      if (g.ops[index].kind == "emit") {
        // The emit stage reads the state its aggregate's scan built.
        if (auto it = firstOccurrence.find(n.id); it != firstOccurrence.end())
          g.edges.push_back({g.ops[it->second].id, id, "state"});
      } else if (n.input >= 0) {
        // From the input in this loop, else where it first ran (a shared
        // scan's source, an emit stage's aggregate).
        auto it = inStage.find(n.input);
        bool found = it != inStage.end();
        if (!found) {
          it = firstOccurrence.find(n.input);
          found = it != firstOccurrence.end();
        }
        if (found)
          g.edges.push_back({g.ops[it->second].id, id, "rows"});
      }
      if (n.kind == NodeKind::Join)
        if (auto it = firstOccurrence.find(n.table); it != firstOccurrence.end())
          g.edges.push_back({g.ops[it->second].id, id, "probe"});
      if (n.kind == NodeKind::Aggregate && !stageStart && n.window.lateToSink) {
        PlanGraph::Op late;
        late.id = "s" + std::to_string(s.id) + ".late" + std::to_string(n.id);
        late.node = n.id;
        late.kind = "sink";
        late.label = "late rows of %" + std::to_string(n.id) + ": " + formatConnector(n.window.lateSink);
        size_t lateIndex = add(std::move(late));
        st.ops.push_back(lateIndex);
        g.edges.push_back({id, g.ops[lateIndex].id, "late"});
      }
      inStage.emplace(n.id, index);
      firstOccurrence.emplace(n.id, index);
    }
    g.stages.push_back(std::move(st));
  }
  return g;
}

} // namespace weir::ir
