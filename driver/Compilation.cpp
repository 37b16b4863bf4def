#include "driver/Compilation.h"

#include <filesystem>

#include "codegen/Codegen.h"
#include "ir/PassManager.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace llvm;

namespace weir::driver {

std::optional<EmitStage> parseEmitStage(const std::string &name) {
  if (name == "ast") return EmitStage::Ast;
  if (name == "ir") return EmitStage::Ir;
  if (name == "ir-opt") return EmitStage::IrOpt;
  if (name == "llvm") return EmitStage::Llvm;
  if (name == "asm") return EmitStage::Asm;
  if (name == "obj") return EmitStage::Obj;
  return std::nullopt;
}

void PhaseTimes::add(const std::string &name, std::chrono::steady_clock::time_point since) {
  std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - since;
  phases.emplace_back(name, elapsed.count());
}

void PhaseTimes::print(raw_ostream &os) const {
  double total = 0;
  os << "weir: compile times:";
  for (auto &[name, ms] : phases) {
    os << " " << name << " " << llvm::format("%.2f", ms) << " ms,";
    total += ms;
  }
  os << " total " << llvm::format("%.2f", total) << " ms\n";
}

bool Compilation::parse() {
  auto start = std::chrono::steady_clock::now();
  auto buffer = MemoryBuffer::getFile(path_, /*IsText=*/true);
  if (!buffer) {
    errs() << "weir: error: cannot read '" << path_ << "': " << buffer.getError().message() << "\n";
    return false;
  }
  SourceFile file{path_, (*buffer)->getBuffer().str()};
  module_ = parseModule(file, diags_);
  times_.add("parse", start);
  return module_ != nullptr;
}

bool Compilation::check(const CheckOptions &options) {
  auto start = std::chrono::steady_clock::now();
  bool ok = checkModule(*module_, diags_, options);
  times_.add("check", start);
  return ok;
}

bool Compilation::lower() {
  auto start = std::chrono::steady_clock::now();
  program_ = lowerToIR(*module_);
  times_.add("lower", start);
  return program_ != nullptr;
}

Error Compilation::optimizeIR() {
  auto start = std::chrono::steady_clock::now();
  ir::PassOptions passOptions;
  passOptions.fuse = options_.fuse;
  passOptions.shareScans = options_.shareScans;
  passOptions.pipeline = options_.passes;
  passOptions.printAfter = options_.printAfter;
  bool print = options_.printAfterAll || !options_.printAfter.empty();
  Error e = ir::runPasses(*program_, passOptions, print ? &errs() : nullptr);
  times_.add("ir-passes", start);
  return e;
}

Expected<std::unique_ptr<Module>> Compilation::generateLLVM(bool optimize) {
  auto start = std::chrono::steady_clock::now();
  codegen::CodegenOptions cg;
  cg.programName = std::filesystem::path(path_).stem().string();
  if (cg.programName.empty())
    cg.programName = "weir";
  cg.fuse = options_.fuse;
  cg.optLevel = options_.optLevel;
  auto module = codegen::generateModule(*program_, *context_, cg);
  if (!module)
    return module.takeError();
  times_.add("codegen", start);
  if (optimize)
    if (Error e = optimizeLLVM(**module))
      return std::move(e);
  return module;
}

Error Compilation::optimizeLLVM(Module &module) {
  auto start = std::chrono::steady_clock::now();
  auto machine = codegen::createHostTargetMachine(options_.optLevel, /*forObjectFile=*/false);
  if (!machine)
    return machine.takeError();
  if (Error e = codegen::optimizeModule(module, **machine, options_.optLevel))
    return e;
  times_.add("llvm-opt", start);
  return Error::success();
}

} // namespace weir::driver
