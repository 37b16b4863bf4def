// The code generator's entry points: IR program -> LLVM module (one function
// per fused stage plus the program descriptor), its optimization, and the
// host target machine both the JIT and object emission use.
#pragma once

#include <string>

#include "ir/IR.h"

#include "llvm/Support/Error.h"

#include <memory>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace weir::codegen {

struct CodegenOptions {
  bool fuse = true; // false: one function per operator, rows materialized between them
  int optLevel = 2; // 0 or 2
  // WeirProgramDesc.program_name: the pipeline file's name without its
  // extension (reports, the default Kafka consumer group).
  std::string programName = "weir";
};

// The module defines `weir_program`, a WeirProgramDesc for the runtime.
llvm::Expected<std::unique_ptr<llvm::Module>>
generateModule(const ir::Program &program, llvm::LLVMContext &context, const CodegenOptions &options);

// The host's target machine; `forObjectFile` selects position-independent
// code for linking into an executable.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>> createHostTargetMachine(int optLevel,
                                                                             bool forObjectFile);

// Verifies the module, then optimizes it: -O0 runs LLVM's O0 pipeline, -O2 a
// short function pipeline of our own (Optimizer.cpp says why it is not
// LLVM's default O2 pipeline).
llvm::Error optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, int optLevel);

} // namespace weir::codegen
