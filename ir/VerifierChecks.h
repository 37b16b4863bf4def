// The verifier's checks (ir/Verifier.h), one concern per file:
//   Verifier.cpp      the graph: node ids, input edges, pipelines, stages
//   VerifyExprs.cpp   expressions: column references, operator and call types
//   VerifyNodes.cpp   each node against its input and its operator (windows,
//                     joins, aggregates)
//   VerifyLayout.cpp  state layouts: slots in bounds, aligned, not overlapping
// Private to those files.
#pragma once

#include "ir/IR.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace weir::ir::verifier {

class Verifier {
public:
  explicit Verifier(const Program &p) : p(p), count(static_cast<int>(p.nodes.size())) {}

  // Every problem found, as one error ("invalid IR:" and a line each).
  llvm::Error run();

private:
  const Program &p;
  const int count;
  std::vector<std::string> problems;

  bool valid(int id) const { return id >= 0 && id < count; }
  void fail(const Node &n, const std::string &msg);
  void fail(const std::string &msg) { problems.push_back(msg); }
  llvm::Error finish();

  // Verifier.cpp
  bool checkIds();
  bool checkEdges();
  void checkPipelines();
  void checkStages();
  void checkSharedScan(const Stage &s, const std::string &where);

  // VerifyExprs.cpp
  void checkExpr(const Node &n, const Expr &e, const Schema &input, const std::string &where);

  // VerifyNodes.cpp
  void checkNode(const Node &n);
  void checkDeclared(const Node &n);
  void checkEventTime(const Node &n);
  void checkWindow(const Node &n, const Schema &in);
  void checkJoin(const Node &n, const Schema &in);
  void checkAggregate(const Node &n, const Schema &in);

  // VerifyLayout.cpp
  struct Placed {
    StateSlot slot;
    std::string what;
  };
  void checkRegion(const Node &n, std::vector<Placed> slots, uint32_t begin,
                   uint32_t bitmapOffset, uint32_t bitmapBytes, const std::string &region);
  void checkLayout(const Node &n);
  void checkSlicedLayout(const Node &n, std::vector<Placed> keys,
                         std::vector<Placed> accumulators);
};

} // namespace weir::ir::verifier
