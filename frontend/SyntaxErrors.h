// Turns ANTLR's syntax errors into clang-style diagnostics. ANTLR's own
// messages ("mismatched input 'x' expecting {...}") name grammar tokens; this
// strategy says what was expected in the user's terms and points at the
// right place (a missing ';' is reported just after the previous token).
#pragma once

#include "frontend/Diagnostics.h"

#include "DefaultErrorStrategy.h"

#include <optional>

namespace weir {

// Thrown out of the parser when the diagnostic engine's error limit is hit.
struct ParseAborted {};

class SyntaxErrorStrategy : public antlr4::DefaultErrorStrategy {
public:
  explicit SyntaxErrorStrategy(DiagnosticEngine &diags) : diags_(diags) {}

protected:
  void reportNoViableAlternative(antlr4::Parser *parser,
                                 const antlr4::NoViableAltException &e) override;
  void reportInputMismatch(antlr4::Parser *parser,
                           const antlr4::InputMismatchException &e) override;
  void reportFailedPredicate(antlr4::Parser *parser,
                             const antlr4::FailedPredicateException &e) override;
  void reportUnwantedToken(antlr4::Parser *parser) override;
  void reportMissingToken(antlr4::Parser *parser) override;

private:
  void emit(SourceLoc loc, const std::string &message);
  void reportUnexpected(antlr4::Token *t, const std::string &expected);
  bool reportMissingSemicolon(antlr4::Parser *parser, antlr4::Token *offending,
                              const antlr4::misc::IntervalSet &expected);
  bool isCascade(antlr4::Parser *parser);
  bool cascadeOrMissingSemicolon(antlr4::Parser *parser, antlr4::Token *t,
                                 const antlr4::misc::IntervalSet &expected);

  DiagnosticEngine &diags_;
  std::optional<size_t> lastErrorToken_; // token index of the last reported error
};

} // namespace weir
