// Operator fusion: cut each pipeline into stages at its breakers.
//
// A stage is a chain codegen compiles into one loop: it starts at a Source
// (scan), an Aggregate (emitting its results) or a Table (building its join
// hash table) and runs through the non-blocking operators (filter, project,
// join probe) up to and including the next breaker: a Sink, or an Aggregate
// whose update ends it. Execution order: every joined table's build, then per
// pipeline its scan and its emits in data-flow order.
//
// Node::stage: the stage holding the node; for a Source the first scan that
// reads it, for an Aggregate the stage that updates it (its emit stage is the
// one whose nodes[0] it is), for a Table its build stage.
//
// With --no-fuse the stages are the same (the pass manager records
// fused = false and codegen compiles one function per operator of each stage).
#include "ir/passes/Passes.h"

#include <set>

namespace weir::ir {
namespace {

bool isBreaker(const Node &n) {
  return n.kind == NodeKind::Sink || n.kind == NodeKind::Aggregate;
}

void addStage(Program &p, StageKind kind, std::string name, std::vector<int> nodes) {
  Stage s;
  s.id = static_cast<int>(p.stages.size());
  s.kind = kind;
  s.name = std::move(name);
  s.nodes = std::move(nodes);
  p.stages.push_back(std::move(s));
}

void addTableBuilds(Program &p) {
  std::set<int> joined;
  for (const auto &n : p.nodes)
    if (n->kind == NodeKind::Join)
      joined.insert(n->table);
  for (int table : joined)
    addStage(p, StageKind::TableBuild, p.node(table).name + ".build", {table});
}

llvm::Error addPipelineStages(Program &p, const Pipeline &pl) {
  std::vector<int> current;
  int emits = 0;
  for (int id : pl.nodes) {
    const Node &n = p.node(id);
    current.push_back(id);
    if (current.size() == 1 || !isBreaker(n))
      continue;
    const Node &first = p.node(current.front());
    if (first.kind == NodeKind::Source) {
      addStage(p, StageKind::Scan, pl.name, std::move(current));
    } else {
      ++emits;
      std::string name = pl.name + ".emit" + (emits > 1 ? std::to_string(emits) : "");
      addStage(p, StageKind::Emit, std::move(name), std::move(current));
    }
    current.clear();
    if (n.kind == NodeKind::Aggregate)
      current.push_back(id); // its results begin the next stage
  }
  if (!current.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "fusion: pipeline %s does not end at a sink",
                                   pl.name.c_str());
  return llvm::Error::success();
}

void assignNodeStages(Program &p) {
  for (auto &n : p.nodes)
    n->stage = -1;
  for (const Stage &s : p.stages) {
    for (size_t i = 0; i < s.nodes.size(); ++i) {
      Node &n = p.node(s.nodes[i]);
      bool emitting = i == 0 && n.kind == NodeKind::Aggregate;
      bool laterScan = n.kind == NodeKind::Source && n.stage >= 0;
      if (!emitting && !laterScan)
        n.stage = s.id;
    }
  }
}

} // namespace

llvm::Error runFusion(Program &p) {
  p.stages.clear();
  addTableBuilds(p);
  for (const Pipeline &pl : p.pipelines)
    if (llvm::Error err = addPipelineStages(p, pl))
      return err;
  assignNodeStages(p);
  p.fused = true;
  return llvm::Error::success();
}

} // namespace weir::ir
