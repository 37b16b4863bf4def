// Checks the token stream before parsing: reports malformed tokens (stray
// characters, unterminated strings and comments, numbers run into letters)
// with precise messages, and rejects expressions nested or chained beyond
// fixed limits so that no later recursive pass can exhaust the stack.
#pragma once

#include "frontend/Diagnostics.h"

#include "Token.h"

#include <vector>

namespace weir {

// Deepest nesting of parentheses and prefix operators in one expression.
constexpr unsigned kMaxExprNesting = 200;
// Most operators and call arguments in one expression (binary chains make
// left-deep trees, as deep as they are long).
constexpr unsigned kMaxExprOperators = 2000;

// Returns false if it reported errors.
bool checkTokens(const std::vector<antlr4::Token *> &tokens, DiagnosticEngine &diags);

} // namespace weir
