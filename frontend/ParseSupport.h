// Small helpers shared by the parts of the frontend that see ANTLR objects
// (Parser.cpp, TokenCheck, SyntaxErrors, AstBuilder).
#pragma once

#include "common/SourceLoc.h"
#include "common/Type.h"

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

// Token text for a message: long tokens (a huge string literal) are cut.
inline std::string shortened(const std::string &text, size_t max = 40) {
  if (codePointCount(text) <= max)
    return text;
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && n++ == max)
      break;
    out += text[i];
  }
  return out + "...";
}

// The position just after a token (where a missing ';' belongs).
inline SourceLoc locAfter(const antlr4::Token *t) {
  SourceLoc loc = locOf(t);
  if (t && t->getType() != antlr4::Token::EOF)
    loc.col += static_cast<uint32_t>(codePointCount(t->getText()));
  return loc;
}

} // namespace weir
