// The optimized plan as a graph, for pictures and tools (`weir explain
// --format=dot|svg|json`): each stage (one fused loop) is a cluster of
// operator occurrences, with edges for rows, join probes, state read by an
// emit stage, and late rows. Labels are explainProgram's own lines
// (Explain.h), so the picture and the text never disagree.
#pragma once

#include "ir/IR.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace weir::ir {

struct PlanGraph {
  struct Op {
    std::string id;   // unique per occurrence: "s<stage>.n<node>" ("s<stage>.late<node>")
    int node = -1;    // the IR node
    std::string kind; // source, table, filter, project, join, aggregate, emit, sink
    std::string label;                // the operator's summary line
    std::vector<std::string> details; // decoded fields, window, state size, timers
    int64_t stateBytesPerKey = -1;    // aggregates and tables; -1 otherwise
  };
  struct Edge {
    std::string from, to;
    std::string kind; // rows, probe (a join reads a table), state (an emit reads the aggregate), late
  };
  struct Stage {
    int id = -1;
    std::string kind, name;
    std::vector<std::string> sharedWith; // pipelines fed by this stage's scan
    int fedBy = -1;                      // the shared scan this stage is a member of
    std::vector<size_t> ops;             // indices into PlanGraph::ops, in loop order
  };
  std::string trigger; // empty when the file declares none
  bool fused = true;
  std::vector<Stage> stages;
  std::vector<Op> ops;
  std::vector<Edge> edges;
};

// Expects a program the pass manager has run over (stages set).
PlanGraph buildPlanGraph(const Program &p);

// Graphviz DOT: stages as clusters, sources and tables as cylinders, state
// with its bytes per key (ExplainDot.cpp).
void printPlanDot(const PlanGraph &g, llvm::raw_ostream &os);
// JSON for tools (ExplainJson.cpp; schema in docs/operations.md).
void printPlanJson(const PlanGraph &g, llvm::raw_ostream &os);

} // namespace weir::ir
