#include "ir/PassManager.h"

#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "ir/passes/Passes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace weir::ir {

// The one list of passes. To add one: write ir/passes/NAME.cpp, declare its
// run function in ir/passes/Passes.h, and add a row here at its place in the
// default pipeline.
llvm::ArrayRef<PassInfo> registeredPasses() {
  static const PassInfo passes[] = {
      {"constant-folding", runConstantFolding,
       "fold literal-only subexpressions, drop `where true` filters",
       /*prerequisites=*/{}, /*changesNodes=*/true, /*optimization=*/true},
      {"predicate-pushdown", runPredicatePushdown,
       "move filters before projections and joins, merge adjacent filters",
       /*prerequisites=*/{}, /*changesNodes=*/true, /*optimization=*/true},
      {"projection-pruning", runProjectionPruning,
       "decode only the source and table fields some consumer reads",
       /*prerequisites=*/{}, /*changesNodes=*/false, /*optimization=*/false},
      {"fusion", runFusion, "split the pipelines into stages at their breakers",
       /*prerequisites=*/{}, /*changesNodes=*/false, /*optimization=*/false},
      {"share-scans", runShareScans,
       "run the scans of pipelines that read the same source as one loop (one decode per record)",
       /*prerequisites=*/{"fusion"}, /*changesNodes=*/false, /*optimization=*/true},
      // A table's layout stores its used fields, which pruning fills in.
      {"state-layout", runStateLayout, "lay out the per-key state of aggregates and tables",
       /*prerequisites=*/{"projection-pruning"}, /*changesNodes=*/false,
       /*optimization=*/false},
  };
  return passes;
}

const PassInfo *findPass(llvm::StringRef name) {
  for (const PassInfo &pass : registeredPasses())
    if (name == pass.name)
      return &pass;
  return nullptr;
}

std::string registeredPassNames() {
  std::string names;
  for (const PassInfo &pass : registeredPasses())
    names += (names.empty() ? "" : ", ") + std::string(pass.name);
  return names;
}

std::vector<std::string> defaultPipeline(bool optimize) {
  std::vector<std::string> names;
  for (const PassInfo &pass : registeredPasses())
    if (optimize || !pass.optimization)
      names.push_back(pass.name);
  return names;
}

static llvm::Error passError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

static llvm::Error unknownPass(llvm::StringRef name) {
  return passError("unknown pass '" + name + "' (the passes: " + registeredPassNames() + ")");
}

llvm::Expected<std::vector<std::string>> parsePassList(llvm::StringRef commaSeparated) {
  llvm::SmallVector<llvm::StringRef> parts;
  commaSeparated.split(parts, ',');
  std::vector<std::string> names;
  for (llvm::StringRef part : parts) {
    llvm::StringRef name = part.trim();
    if (!findPass(name))
      return unknownPass(name);
    names.push_back(name.str());
  }
  return names;
}

llvm::Error checkPipeline(llvm::ArrayRef<std::string> pipeline) {
  for (size_t i = 0; i < pipeline.size(); ++i) {
    const PassInfo *pass = findPass(pipeline[i]);
    if (!pass)
      return unknownPass(pipeline[i]);
    auto earlier = pipeline.take_front(i);
    for (const char *prerequisite : pass->prerequisites)
      if (!llvm::is_contained(earlier, prerequisite))
        return passError(llvm::Twine(pass->name) + " needs " + prerequisite +
                         " earlier in the pipeline");
    if (pass->changesNodes && llvm::is_contained(earlier, "fusion"))
      return passError(llvm::Twine(pass->name) +
                       " changes the nodes, so it must run before fusion (which records each "
                       "stage's nodes)");
  }
  return llvm::Error::success();
}

static llvm::Error verifyAfter(const Program &p, const char *stepName) {
  if (llvm::Error err = verifyProgram(p))
    return passError(llvm::Twine("after ") + stepName + ": " + llvm::toString(std::move(err)));
  return llvm::Error::success();
}

llvm::Error runPasses(Program &p, const PassOptions &opts, llvm::raw_ostream *trace) {
  std::vector<std::string> pipeline =
      opts.pipeline.empty() ? defaultPipeline(opts.optimize) : opts.pipeline;
  if (!opts.shareScans)
    llvm::erase(pipeline, "share-scans");
  if (llvm::Error err = checkPipeline(pipeline))
    return err;
  for (const std::string &name : opts.printAfter)
    if (!findPass(name))
      return unknownPass(name);
  if (llvm::Error err = verifyAfter(p, "lowering"))
    return err;
  for (const std::string &name : pipeline) {
    const PassInfo &pass = *findPass(name);
    if (llvm::Error err = pass.run(p))
      return passError(llvm::Twine(pass.name) + ": " + llvm::toString(std::move(err)));
    if (pass.run == runFusion)
      p.fused = opts.fuse;
    if (trace && (opts.printAfter.empty() || llvm::is_contained(opts.printAfter, name))) {
      *trace << "; after " << pass.name << "\n";
      printProgram(p, *trace);
    }
    if (llvm::Error err = verifyAfter(p, pass.name))
      return err;
  }
  return llvm::Error::success();
}

} // namespace weir::ir
