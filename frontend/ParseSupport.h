// Small helpers shared by the parts of the frontend that see ANTLR objects
// (Parser.cpp, TokenCheck, SyntaxErrors, AstBuilder).
#pragma once

#include "ir/Type.h"

#include "Token.h"

#include <string>

namespace weir {

// ANTLR counts columns from 0 in code points; diagnostics count from 1.
inline SourceLoc locOf(const antlr4::Token *t) {
  if (!t)
    return {};
  return {static_cast<uint32_t>(t->getLine()),
          static_cast<uint32_t>(t->getCharPositionInLine() + 1)};
}

inline size_t codePointCount(const std::string &utf8) {
  size_t n = 0;
  for (unsigned char c : utf8)
    n += (c & 0xC0) != 0x80;
  return n;
}

// The position just after a token (where a missing ';' belongs).
inline SourceLoc locAfter(const antlr4::Token *t) {
  SourceLoc loc = locOf(t);
  if (t && t->getType() != antlr4::Token::EOF)
    loc.col += static_cast<uint32_t>(codePointCount(t->getText()));
  return loc;
}

} // namespace weir
