// parseModule: UTF-8 check -> lexing -> token checks -> ANTLR parse -> AST.
#include "frontend/AstBuilder.h"
#include "frontend/Frontend.h"
#include "frontend/ParseSupport.h"
#include "frontend/SyntaxErrors.h"
#include "frontend/TokenCheck.h"

#include "WeirLexer.h"
#include "WeirParser.h"

#include "llvm/Support/ConvertUTF.h"

namespace weir {

namespace {

// The ANTLR runtime throws on malformed UTF-8, so it is rejected up front,
// pointing at the first bad byte.
bool checkUtf8(const std::string &text, DiagnosticEngine &diags) {
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.data());
  const llvm::UTF8 *cursor = begin;
  if (llvm::isLegalUTF8String(&cursor, begin + text.size()))
    return true;
  SourceLoc loc{1, 1};
  for (const llvm::UTF8 *p = begin; p < cursor; ++p) {
    if (*p == '\n') {
      ++loc.line;
      loc.col = 1;
    } else if ((*p & 0xC0) != 0x80) {
      ++loc.col;
    }
  }
  diags.error(loc, "invalid UTF-8 in source file");
  return false;
}

} // namespace

std::unique_ptr<ast::Module> parseModule(const SourceFile &file, DiagnosticEngine &diags) {
  diags.setSource(file.path, file.text);
  unsigned errorsBefore = diags.errorCount();
  if (!checkUtf8(file.text, diags))
    return nullptr;

  antlr4::ANTLRInputStream input(file.text);
  grammar::WeirLexer lexer(&input);
  lexer.removeErrorListeners(); // UNKNOWN_CHAR leaves the lexer nothing to report
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (!checkTokens(tokens.getTokens(), diags))
    return nullptr;

  grammar::WeirParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setErrorHandler(std::make_shared<SyntaxErrorStrategy>(diags));
  grammar::WeirParser::ModuleContext *tree = nullptr;
  try {
    tree = parser.module();
  } catch (const ParseAborted &) {
    return nullptr;
  }
  if (diags.errorCount() != errorsBefore)
    return nullptr;
  auto module = buildAst(tree, file.path, diags);
  if (diags.errorCount() != errorsBefore)
    return nullptr;
  return module;
}

} // namespace weir
