// `weir explain --format=json`: the plan graph (PlanGraph.h) for tools,
// with llvm::json. The schema is in docs/operations.md ("Plan pictures");
// version 1.
#include "ir/PlanGraph.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace weir::ir {

void printPlanJson(const PlanGraph &g, llvm::raw_ostream &os) {
  llvm::json::Array stages;
  for (const PlanGraph::Stage &s : g.stages) {
    llvm::json::Array ops;
    for (size_t index : s.ops) {
      const PlanGraph::Op &op = g.ops[index];
      llvm::json::Object o{{"id", op.id},
                           {"node", op.node},
                           {"kind", op.kind},
                           {"label", op.label},
                           {"details", llvm::json::Array(op.details)}};
      if (op.stateBytesPerKey >= 0)
        o["state_bytes_per_key"] = op.stateBytesPerKey;
      ops.push_back(std::move(o));
    }
    llvm::json::Object stage{{"id", s.id},
                             {"kind", s.kind},
                             {"name", s.name},
                             {"shared_with", llvm::json::Array(s.sharedWith)},
                             {"operators", std::move(ops)}};
    stage["fed_by_stage"] = s.fedBy >= 0 ? llvm::json::Value(s.fedBy) : llvm::json::Value(nullptr);
    stages.push_back(std::move(stage));
  }
  llvm::json::Array edges;
  for (const PlanGraph::Edge &e : g.edges)
    edges.push_back(llvm::json::Object{{"from", e.from}, {"to", e.to}, {"kind", e.kind}});
  llvm::json::Object plan{{"version", 1},
                          {"fused", g.fused},
                          {"stages", std::move(stages)},
                          {"edges", std::move(edges)}};
  plan["trigger"] = g.trigger.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(g.trigger);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(plan))) << '\n';
}

} // namespace weir::ir
