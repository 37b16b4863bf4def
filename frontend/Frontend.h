// The frontend's public API: source text -> AST -> checked AST -> ir::Program.
//
//   DiagnosticEngine diags;                 // prints to stderr
//   SourceFile file{path, text};
//   auto module = parseModule(file, diags); // nullptr on syntax errors
//   if (!module || !checkModule(*module, diags)) return 1;
//   auto program = lowerToIR(*module);
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"
#include "ir/IR.h"

#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace weir {

struct SourceFile {
  std::string path;
  std::string text;
};

// Lexes and parses `file`; reports lexical and syntax errors to `diags` (and
// makes it show snippets from `file`). Returns nullptr if there were any.
std::unique_ptr<ast::Module> parseModule(const SourceFile &file, DiagnosticEngine &diags);

struct CheckOptions {
  // `weir check` only: warn about keyed aggregates whose state grows with
  // the number of keys forever (no window, no ttl).
  bool warnUnboundedState = false;
};

// Resolves names and checks types, annotating the module in place. Returns
// false if it reported errors (warnings alone keep it true).
bool checkModule(ast::Module &module, DiagnosticEngine &diags, const CheckOptions &options = {});

// Lowers a module that checkModule accepted.
std::unique_ptr<ir::Program> lowerToIR(const ast::Module &module);

// The `--emit=ast` dump: a stable, indented tree (types shown once checked).
void printAST(const ast::Module &module, llvm::raw_ostream &os);

} // namespace weir
