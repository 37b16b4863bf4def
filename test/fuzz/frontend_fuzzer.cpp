// libFuzzer target: any input must go through parse, check and lowering
// without crashing or hanging, and every program the checker accepts must
// lower to IR that the IR verifier accepts.
#include "frontend/Frontend.h"
#include "ir/PassManager.h"
#include "ir/Verifier.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  // Diagnostics are rendered (snippets and carets included) but discarded.
  std::string rendered;
  llvm::raw_string_ostream out(rendered);
  weir::DiagnosticEngine diags(out);
  weir::SourceFile file{"fuzz.weir", text};

  std::unique_ptr<weir::ast::Module> module = weir::parseModule(file, diags);
  if (!module)
    return 0;
  std::string dump;
  llvm::raw_string_ostream dumpOut(dump);
  weir::printAST(*module, dumpOut);
  if (!weir::checkModule(*module, diags))
    return 0;
  weir::printAST(*module, dumpOut);
  std::unique_ptr<weir::ir::Program> program = weir::lowerToIR(*module);
  if (llvm::Error err = weir::ir::verifyProgram(*program)) {
    llvm::errs() << "lowered IR does not verify: " << llvm::toString(std::move(err)) << "\n"
                 << text << "\n";
    std::abort();
  }
  if (llvm::Error err = weir::ir::runPasses(*program, weir::ir::PassOptions{})) {
    llvm::errs() << "IR passes failed: " << llvm::toString(std::move(err)) << "\n" << text << "\n";
    std::abort();
  }
  return 0;
}
