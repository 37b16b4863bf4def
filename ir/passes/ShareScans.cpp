// Shared scans: every pipeline that reads a source is fed by one loop.
//
// A feature file defines dozens of pipelines over one stream. Scanned one by
// one, each pipeline reads and decodes every record again, so N pipelines
// cost N scans. This pass groups the Scan stages that begin at the same
// Source node into one shared scan (a multi-query plan): the first of them
// in execution order leads, and codegen compiles the leader into one loop
// that decodes each record once (the source's usedFields are already the
// union of what its pipelines read) and hands it to each member's chain in
// stage order. The members stay in the stage list, so node-to-stage links,
// names and emit order are unchanged; they just do not run on their own.
//
// Why sharing keeps each sink's output as it was: a pipeline writes only its
// own sinks and states, rows reach each chain in the source's order, and a
// pipeline's emit stages run after the leader (which comes before them).
// Table builds run before every scan, so joins are unaffected. Event time is
// per aggregate state, so pipelines with different windows share freely.
//
// Under --no-fuse the pass leaves the stages alone: the unshared plan is the
// differential leg for the shared one.
#include "ir/passes/Passes.h"

#include <map>

namespace weir::ir {

llvm::Error runShareScans(Program &p) {
  for (Stage &s : p.stages) {
    s.sharedScan = -1;
    s.sharedMembers.clear();
  }
  if (!p.fused)
    return llvm::Error::success();
  std::map<int, int> leaderOfSource; // Source node id -> the first Scan stage reading it
  for (Stage &s : p.stages) {
    if (s.kind != StageKind::Scan)
      continue;
    auto [it, first] = leaderOfSource.emplace(s.nodes.front(), s.id);
    if (first)
      continue;
    s.sharedScan = it->second;
    p.stages[it->second].sharedMembers.push_back(s.id);
  }
  return llvm::Error::success();
}

} // namespace weir::ir
