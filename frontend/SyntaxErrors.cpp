#include "frontend/SyntaxErrors.h"

#include "frontend/ParseSupport.h"

#include "WeirParser.h"

#include <set>

namespace weir {

using grammar::WeirParser;

namespace {

std::string describeToken(const antlr4::Token *t) {
  if (!t || t->getType() == antlr4::Token::EOF)
    return "end of file";
  return "'" + shortened(t->getText()) + "'";
}

// The declaration, step and clause words (grammar/Weir.g4 keeps them in one
// token range); they are identifiers too.
bool isSoftKeyword(size_t type) { return type >= WeirParser::SCHEMA && type <= WeirParser::TTL; }

bool isBinaryOperator(size_t type) {
  switch (type) {
  case WeirParser::EQ: case WeirParser::NE: case WeirParser::LT: case WeirParser::LE:
  case WeirParser::GT: case WeirParser::GE: case WeirParser::PLUS: case WeirParser::MINUS:
  case WeirParser::STAR: case WeirParser::SLASH: case WeirParser::PERCENT:
  case WeirParser::AND: case WeirParser::OR:
    return true;
  default:
    return false;
  }
}

bool startsExpression(size_t type) {
  switch (type) {
  case WeirParser::INT: case WeirParser::FLOAT: case WeirParser::DURATION:
  case WeirParser::STRING: case WeirParser::TRUE_LIT: case WeirParser::FALSE_LIT:
  case WeirParser::NULL_LIT: case WeirParser::LPAREN: case WeirParser::MINUS:
  case WeirParser::NOT:
    return true;
  default:
    return false;
  }
}

// What the rule being parsed expects, when that says more than a token list.
std::string expectationOfRule(antlr4::Parser *parser) {
  antlr4::ParserRuleContext *ctx = parser->getContext();
  if (!ctx)
    return "";
  switch (ctx->getRuleIndex()) {
  case WeirParser::RuleModule:
  case WeirParser::RuleDecl:
    return "a declaration (schema, source, table or pipeline)";
  case WeirParser::RuleStep:
    return "a pipeline step (where, select, key by, window, aggregate, join or sink)";
  case WeirParser::RuleExpr:
  case WeirParser::RulePrimary:
  case WeirParser::RuleLiteral:
    return "an expression";
  case WeirParser::RuleTypeRef:
    return "a type name";
  default:
    return "";
  }
}

// "';' or '|'", "an identifier", "an operator, ',' or ';'"; empty when the
// set is too large to be useful.
std::string describeExpected(antlr4::Parser *parser, const antlr4::misc::IntervalSet &set) {
  const antlr4::dfa::Vocabulary &vocab = parser->getVocabulary();
  std::vector<std::string> items;
  bool identifier = false, expression = false, anOperator = false;
  std::vector<ssize_t> types = set.toList();
  for (ssize_t type : types)
    if (type == WeirParser::IDENT)
      identifier = true;
  for (ssize_t type : types)
    if (type == WeirParser::INT && identifier)
      expression = true;
  for (ssize_t t : types) {
    size_t type = static_cast<size_t>(t);
    if (expression && (startsExpression(type) || type == WeirParser::IDENT ||
                       isSoftKeyword(type))) {
      continue;
    }
    if (identifier && (type == WeirParser::IDENT || isSoftKeyword(type)))
      continue;
    if (isBinaryOperator(type)) {
      anOperator = true;
      continue;
    }
    if (type == antlr4::Token::EOF)
      items.push_back("end of file");
    else
      items.push_back(vocab.getLiteralName(type).empty() ? vocab.getSymbolicName(type)
                                                         : vocab.getLiteralName(type));
  }
  if (expression)
    items.insert(items.begin(), "an expression");
  else if (identifier)
    items.insert(items.begin(), "an identifier");
  if (anOperator)
    items.insert(items.begin() + (expression || identifier), "an operator");
  if (items.empty() || items.size() > 5)
    return "";
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += i + 1 == items.size() ? " or " : ", ";
    out += items[i];
  }
  return out;
}

// Where a declaration or a step must start, the rule says it best; inside
// one (`join t merchant == ...` lacks `on`) the expected tokens do.
std::string expectedText(antlr4::Parser *parser, const antlr4::misc::IntervalSet &set) {
  antlr4::ParserRuleContext *ctx = parser->getContext();
  size_t rule = ctx ? ctx->getRuleIndex() : WeirParser::RuleModule;
  bool atRuleStart = !ctx || ctx->getStart() == parser->getCurrentToken();
  // The words after `window`, `emit` and `late` are names Sema checks; the
  // parser only knows it wants an identifier (an `ident` rule) there.
  antlr4::ParserRuleContext *owner = ctx;
  if (owner && owner->getRuleIndex() == WeirParser::RuleIdent && owner->parent)
    owner = static_cast<antlr4::ParserRuleContext *>(owner->parent);
  if (owner && owner->getRuleIndex() == WeirParser::RuleWindowCall &&
      owner->getStart() == parser->getCurrentToken())
    return "a window, as in tumbling(1m), hopping(size = 10m, slide = 1m), session(gap = 5m) "
           "or rolling(1h)";
  if (owner && owner->getRuleIndex() == WeirParser::RuleWindowClause &&
      owner->getStart() == parser->getTokenStream()->LT(-1)) {
    if (owner->getStart()->getType() == WeirParser::EMIT)
      return "'final' or 'updates'";
    if (owner->getStart()->getType() == WeirParser::LATE)
      return "'drop' or 'to'";
  }
  if (rule == WeirParser::RuleModule ||
      ((rule == WeirParser::RuleDecl || rule == WeirParser::RuleStep) && atRuleStart))
    return expectationOfRule(parser);
  std::string listed = describeExpected(parser, set);
  return listed.empty() ? expectationOfRule(parser) : listed;
}

// `where a = 1`: a single '=' where a comparison was meant.
std::string hintFor(const antlr4::Token *t) {
  if (t && t->getType() == WeirParser::ASSIGN)
    return "use '==' to compare values";
  return "";
}

// A statement left without its ';' is noticed at the next line's first token;
// like clang, report it right after the statement's last token instead.
bool missingSemicolon(antlr4::Parser *parser, antlr4::Token *offending,
                      const antlr4::misc::IntervalSet &expected) {
  antlr4::Token *previous = parser->getTokenStream()->LT(-1);
  if (!offending || !previous || !expected.contains(size_t(WeirParser::SEMI)))
    return false;
  return offending->getType() == antlr4::Token::EOF || offending->getLine() > previous->getLine();
}

} // namespace

bool SyntaxErrorStrategy::reportMissingSemicolon(antlr4::Parser *parser, antlr4::Token *offending,
                                                 const antlr4::misc::IntervalSet &expected) {
  if (!missingSemicolon(parser, offending, expected))
    return false;
  antlr4::Token *previous = parser->getTokenStream()->LT(-1);
  emit(locAfter(previous), "expected ';' after " + describeToken(previous));
  return true;
}

// After a syntax error the parser's recovery often trips over the rest of the
// same statement; like clang, report one error per statement (up to its ';',
// or the '}' that ends a schema).
bool SyntaxErrorStrategy::isCascade(antlr4::Parser *parser) {
  antlr4::TokenStream *tokens = parser->getTokenStream();
  size_t current = tokens->index();
  bool cascade = false;
  if (lastErrorToken_) {
    cascade = true;
    for (size_t i = *lastErrorToken_; i < current && cascade; ++i)
      cascade = tokens->get(i)->getType() != WeirParser::SEMI &&
                tokens->get(i)->getType() != WeirParser::RBRACE;
  }
  lastErrorToken_ = current;
  return cascade;
}

// The start of every report of an unexpected token: true when it is a cascade
// of the statement's previous error (not reported) or a missing ';' (reported
// here, after the previous token).
bool SyntaxErrorStrategy::cascadeOrMissingSemicolon(antlr4::Parser *parser, antlr4::Token *t,
                                                    const antlr4::misc::IntervalSet &expected) {
  return isCascade(parser) || reportMissingSemicolon(parser, t, expected);
}

void SyntaxErrorStrategy::emit(SourceLoc loc, const std::string &message) {
  diags_.error(loc, message);
  if (diags_.reachedErrorLimit()) {
    diags_.reportErrorLimit();
    throw ParseAborted{};
  }
}

// "unexpected X", then the token's own hint if it has one, else what was
// expected (if anything).
void SyntaxErrorStrategy::reportUnexpected(antlr4::Token *t, const std::string &expected) {
  std::string message = "unexpected " + describeToken(t);
  if (!hintFor(t).empty())
    message += "; " + hintFor(t);
  else if (!expected.empty())
    message += "; expected " + expected;
  emit(locOf(t), message);
}

void SyntaxErrorStrategy::reportNoViableAlternative(antlr4::Parser *parser,
                                                   const antlr4::NoViableAltException &e) {
  antlr4::Token *t = e.getOffendingToken();
  if (cascadeOrMissingSemicolon(parser, t, e.getExpectedTokens()))
    return;
  std::string expected = expectationOfRule(parser);
  if (expected.empty())
    expected = expectedText(parser, e.getExpectedTokens());
  reportUnexpected(t, expected);
}

void SyntaxErrorStrategy::reportInputMismatch(antlr4::Parser *parser,
                                             const antlr4::InputMismatchException &e) {
  antlr4::Token *t = e.getOffendingToken();
  if (cascadeOrMissingSemicolon(parser, t, e.getExpectedTokens()))
    return;
  std::string expected = expectedText(parser, e.getExpectedTokens());
  // A specific token was required here, so without a hint the message leads
  // with it: "expected E, found X".
  if (hintFor(t).empty() && !expected.empty())
    emit(locOf(t), "expected " + expected + ", found " + describeToken(t));
  else
    reportUnexpected(t, expected);
}

void SyntaxErrorStrategy::reportFailedPredicate(antlr4::Parser *parser,
                                               const antlr4::FailedPredicateException &e) {
  if (isCascade(parser))
    return;
  emit(locOf(e.getOffendingToken()), "unexpected " + describeToken(e.getOffendingToken()));
}

void SyntaxErrorStrategy::reportUnwantedToken(antlr4::Parser *parser) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  antlr4::Token *t = parser->getCurrentToken();
  if (cascadeOrMissingSemicolon(parser, t, getExpectedTokens(parser)))
    return;
  std::string expected = expectedText(parser, getExpectedTokens(parser));
  reportUnexpected(t, expected);
}

void SyntaxErrorStrategy::reportMissingToken(antlr4::Parser *parser) {
  if (inErrorRecoveryMode(parser))
    return;
  beginErrorCondition(parser);
  if (isCascade(parser))
    return;
  antlr4::Token *t = parser->getCurrentToken();
  antlr4::Token *previous = parser->getTokenStream()->LT(-1);
  std::string expected = expectedText(parser, getExpectedTokens(parser));
  if (expected.empty())
    expected = "more input";
  // Clang-style: a missing ';' belongs right after what precedes it.
  SourceLoc loc = previous ? locAfter(previous) : locOf(t);
  emit(loc, "expected " + expected + (previous ? " after " + describeToken(previous) : ""));
}

} // namespace weir
