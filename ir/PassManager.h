// Runs IR passes in order, verifying the program before the first and after
// each one (`weir compile` and `weir explain` call this once). The passes are
// registered by name in one table, registeredPasses() in PassManager.cpp: the
// default pipeline, `weir compile --passes=...` and `--print-after=...` all
// read it.
#pragma once

#include "ir/IR.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
}

namespace weir::ir {

// A named IR pass: what `--passes` and `--print-after` call it, the function
// that runs it, and the order constraints it declares (checked by
// checkPipeline, so a custom pipeline fails with a message naming the pass
// instead of producing IR the verifier rejects).
struct PassInfo {
  const char *name;
  llvm::Error (*run)(Program &);
  const char *summary;
  // Passes that must run earlier in the same pipeline.
  std::vector<const char *> prerequisites;
  // Adds, removes or reorders nodes, so it must run before fusion (which
  // records the nodes of each stage).
  bool changesNodes = false;
  // Part of the default pipeline only when optimizing (PassOptions::optimize).
  bool optimization = false;
};

// Every pass, in the order of the default pipeline.
llvm::ArrayRef<PassInfo> registeredPasses();
const PassInfo *findPass(llvm::StringRef name);
// "constant-folding, predicate-pushdown, ..." for messages.
std::string registeredPassNames();

struct PassOptions {
  bool fuse = true;     // false: --no-fuse (stages still computed, fused = false)
  bool optimize = true; // false: the default pipeline skips the optimization passes
  bool shareScans = true; // false: --no-share-scans (share-scans is left out)
  // The passes to run, by name, in order; empty: the default pipeline.
  std::vector<std::string> pipeline;
  // With a trace stream, print the program after these passes; empty: after each.
  std::vector<std::string> printAfter;
};

// The names of the default pipeline: every registered pass (the optimizations
// only when `optimize`).
std::vector<std::string> defaultPipeline(bool optimize);

// Splits "a,b,c" into pass names; an empty or unknown name is an error that
// lists the registered passes.
llvm::Expected<std::vector<std::string>> parsePassList(llvm::StringRef commaSeparated);

// Each name registered, each pass's prerequisites earlier in the list, and no
// pass that changes nodes after fusion.
llvm::Error checkPipeline(llvm::ArrayRef<std::string> pipeline);

// Runs opts.pipeline (or the default one). A verifier failure is returned as
// an error naming the pass after which it happened ("lowering" for the input).
// With `trace`, prints "; after NAME" and the program after each pass (or
// after those in opts.printAfter).
llvm::Error runPasses(Program &p, const PassOptions &opts, llvm::raw_ostream *trace = nullptr);

} // namespace weir::ir
