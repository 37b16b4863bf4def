// Builds the AST from an error-free ANTLR parse tree, decoding literals on
// the way (their errors are reported here: out-of-range numbers, bad escapes,
// malformed timestamps).
#pragma once

#include "frontend/AST.h"
#include "frontend/Diagnostics.h"

#include "WeirParser.h"

#include <memory>

namespace weir {

std::unique_ptr<ast::Module> buildAst(grammar::WeirParser::ModuleContext *tree,
                                      const std::string &path, DiagnosticEngine &diags);

} // namespace weir
