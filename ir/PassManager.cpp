#include "ir/PassManager.h"

#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "ir/passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace weir::ir {

static llvm::Error verifyAfter(const Program &p, const char *stepName) {
  if (llvm::Error err = verifyProgram(p))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "after %s: %s", stepName,
                                   llvm::toString(std::move(err)).c_str());
  return llvm::Error::success();
}

llvm::Error runPasses(Program &p, const PassOptions &opts, llvm::raw_ostream *trace) {
  struct Step {
    const char *name;
    llvm::Error (*run)(Program &);
    bool enabled;
  };
  const Step steps[] = {
      {"constant-folding", runConstantFolding, opts.optimize},
      {"predicate-pushdown", runPredicatePushdown, opts.optimize},
      {"projection-pruning", runProjectionPruning, true},
      {"fusion", runFusion, true},
      {"state-layout", runStateLayout, true},
  };
  if (llvm::Error err = verifyAfter(p, "lowering"))
    return err;
  for (const Step &step : steps) {
    if (!step.enabled)
      continue;
    if (llvm::Error err = step.run(p))
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s", step.name,
                                     llvm::toString(std::move(err)).c_str());
    if (step.run == runFusion)
      p.fused = opts.fuse;
    if (trace) {
      *trace << "; after " << step.name << "\n";
      printProgram(p, *trace);
    }
    if (llvm::Error err = verifyAfter(p, step.name))
      return err;
  }
  return llvm::Error::success();
}

} // namespace weir::ir
