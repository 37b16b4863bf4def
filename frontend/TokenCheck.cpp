#include "frontend/TokenCheck.h"

#include "frontend/ParseSupport.h"

#include "WeirLexer.h"

namespace weir {

using grammar::WeirLexer;

namespace {

std::string describeChar(const std::string &text) {
  if (text.size() == 1 && (static_cast<unsigned char>(text[0]) < 0x20 || text[0] == 0x7F)) {
    static const char hex[] = "0123456789abcdef";
    unsigned char c = text[0];
    return std::string("\\x") + hex[c >> 4] + hex[c & 15];
  }
  return text;
}

bool reportBadToken(const antlr4::Token *t, DiagnosticEngine &diags) {
  switch (t->getType()) {
  case WeirLexer::UNKNOWN_CHAR: {
    std::string c = t->getText();
    std::string hint = c == "&"   ? "; use 'and' for a logical and"
                       : c == "!" ? "; use 'not' for a negation, '!=' for inequality"
                       : c == "'" ? "; strings are written in double quotes"
                                  : "";
    diags.error(locOf(t), "unexpected character '" + describeChar(c) + "'" + hint);
    return true;
  }
  case WeirLexer::SINGLE_QUOTED_STRING:
    diags.error(locOf(t), "strings are written in double quotes, as in \"text\"");
    return true;
  case WeirLexer::UNTERMINATED_STRING:
    diags.error(locOf(t), "unterminated string literal");
    return true;
  case WeirLexer::UNTERMINATED_BLOCK_COMMENT:
    diags.error(locOf(t), "unterminated /* comment");
    return true;
  case WeirLexer::BAD_NUMBER:
    diags.error(locOf(t), "invalid number '" + shortened(t->getText()) + "'");
    diags.note(locOf(t), "durations are an integer and a unit (250ms, 5s, 10m, 1h, 2d)");
    return true;
  default:
    return false;
  }
}

// Counts nesting and operators per expression-sized piece of the input: the
// counts restart at separators that cannot occur inside an expression.
class ComplexityCheck {
public:
  explicit ComplexityCheck(DiagnosticEngine &diags) : diags_(diags) {}

  bool visit(const antlr4::Token *t) {
    switch (t->getType()) {
    case WeirLexer::LPAREN:
      ++depth_;
      return checkNesting(t);
    case WeirLexer::RPAREN:
      if (depth_ > 0)
        --depth_;
      return true;
    case WeirLexer::MINUS:
    case WeirLexer::NOT:
      // An upper bound: a prefix operator's nesting may end before the
      // piece does, but counting it to the end keeps the check simple.
      ++prefixOps_;
      return checkNesting(t) && grow(operators_, kMaxExprOperators, t, "too long");
    case WeirLexer::COMMA:
      if (depth_ == 0) {
        restart();
        return true;
      }
      return grow(operators_, kMaxExprOperators, t, "too long");
    case WeirLexer::PIPE:
    case WeirLexer::SEMI:
    case WeirLexer::LBRACE:
    case WeirLexer::RBRACE:
      depth_ = 0;
      restart();
      return true;
    case WeirLexer::PLUS: case WeirLexer::STAR: case WeirLexer::SLASH:
    case WeirLexer::PERCENT: case WeirLexer::EQ: case WeirLexer::NE:
    case WeirLexer::LT: case WeirLexer::LE: case WeirLexer::GT: case WeirLexer::GE:
    case WeirLexer::AND: case WeirLexer::OR: case WeirLexer::DOT:
      return grow(operators_, kMaxExprOperators, t, "too long");
    default:
      return true;
    }
  }

private:
  bool checkNesting(const antlr4::Token *t) {
    unsigned nesting = depth_ + prefixOps_;
    return grow(nesting, kMaxExprNesting, t, "nested too deeply");
  }

  void restart() {
    prefixOps_ = 0;
    operators_ = 0;
    reported_ = false;
  }

  bool grow(unsigned &counter, unsigned limit, const antlr4::Token *t, const char *what) {
    if (++counter <= limit)
      return true;
    if (!reported_)
      diags_.error(locOf(t), std::string("expression is ") + what + " (the limit is " +
                                 std::to_string(limit) + ")");
    reported_ = true;
    return false;
  }

  DiagnosticEngine &diags_;
  unsigned depth_ = 0, prefixOps_ = 0, operators_ = 0;
  bool reported_ = false;
};

} // namespace

bool checkTokens(const std::vector<antlr4::Token *> &tokens, DiagnosticEngine &diags) {
  bool ok = true;
  ComplexityCheck complexity(diags);
  const antlr4::Token *previous = nullptr;
  for (const antlr4::Token *t : tokens) {
    if (diags.reachedErrorLimit()) {
      diags.reportErrorLimit();
      return false;
    }
    // `&&` is one mistake, not two.
    bool repeated = previous && previous->getType() == WeirLexer::UNKNOWN_CHAR &&
                    t->getType() == WeirLexer::UNKNOWN_CHAR &&
                    previous->getText() == t->getText() &&
                    previous->getStopIndex() + 1 == t->getStartIndex();
    previous = t;
    if (repeated)
      continue;
    if (reportBadToken(t, diags))
      ok = false;
    else if (!complexity.visit(t))
      ok = false;
  }
  return ok;
}

} // namespace weir
