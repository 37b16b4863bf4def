// One run of the compiler over a .weir file, stage by stage, stopping where
// the command asks: text -> AST -> IR -> optimized IR -> LLVM IR -> machine
// code. User errors are printed as diagnostics; internal failures come back
// as llvm::Error.
#pragma once

#include "frontend/Frontend.h"
#include "ir/IR.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace weir::driver {

// The stages `--emit` can stop after, in pipeline order.
enum class EmitStage { Ast, Ir, IrOpt, Llvm, Asm, Obj };
std::optional<EmitStage> parseEmitStage(const std::string &name);

struct CompileOptions {
  bool fuse = true;
  bool shareScans = true; // false: --no-share-scans
  int optLevel = 2;
  // `weir compile --passes=a,b`: the IR passes to run; empty: the default
  // pipeline (ir/PassManager.h).
  std::vector<std::string> passes;
  // --print-after-all / --print-after=NAME: the IR after each (or those)
  // passes, on standard error.
  bool printAfterAll = false;
  std::vector<std::string> printAfter;
};

// Wall time per compilation phase, for --time-phases and the benchmarks.
struct PhaseTimes {
  std::vector<std::pair<std::string, double>> phases; // name, milliseconds
  void add(const std::string &name, std::chrono::steady_clock::time_point since);
  void print(llvm::raw_ostream &os) const;
};

class Compilation {
public:
  Compilation(std::string path, CompileOptions options)
      : path_(std::move(path)), options_(options) {}

  // Each returns false after printing diagnostics (exit code 1).
  bool parse();     // -> ast()
  bool check(const CheckOptions &options = {}); // names and types
  bool lower();     // -> program()
  // Internal failures are errors, not diagnostics.
  llvm::Error optimizeIR();                  // passes, verifier after each
  // Codegen, then LLVM optimization unless `optimize` is false (optimizeLLVM later).
  llvm::Expected<std::unique_ptr<llvm::Module>> generateLLVM(bool optimize = true);
  llvm::Error optimizeLLVM(llvm::Module &module);

  ast::Module &ast() { return *module_; }
  ir::Program &program() { return *program_; }
  llvm::LLVMContext &context() { return *context_; }
  std::unique_ptr<llvm::LLVMContext> takeContext() { return std::move(context_); }
  const CompileOptions &options() const { return options_; }
  PhaseTimes &times() { return times_; }
  unsigned warningCount() const { return diags_.warningCount(); }

private:
  std::string path_;
  CompileOptions options_;
  DiagnosticEngine diags_;
  std::unique_ptr<ast::Module> module_;
  std::unique_ptr<ir::Program> program_;
  std::unique_ptr<llvm::LLVMContext> context_ = std::make_unique<llvm::LLVMContext>();
  PhaseTimes times_;
};

} // namespace weir::driver
