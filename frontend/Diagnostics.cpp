#include "frontend/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <tuple>

namespace weir {

void DiagnosticEngine::setSource(std::string newPath, std::string text) {
  path = std::move(newPath);
  lines.clear();
  llvm::StringRef rest(text);
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    lines.push_back(line.rtrim('\r').str());
    rest = tail;
  }
}

void DiagnosticEngine::error(SourceLoc loc, const std::string &message) {
  report(DiagLevel::Error, loc, message);
}
void DiagnosticEngine::warning(SourceLoc loc, const std::string &message) {
  report(DiagLevel::Warning, loc, message);
}
void DiagnosticEngine::note(SourceLoc loc, const std::string &message) {
  report(DiagLevel::Note, loc, message);
}

void DiagnosticEngine::report(DiagLevel level, SourceLoc loc, const std::string &message) {
  if (level == DiagLevel::Error)
    ++errors;
  else if (level == DiagLevel::Warning)
    ++warnings;
  if (deferred) {
    if (level == DiagLevel::Note && !pending.empty())
      pending.back().push_back({level, loc, message});
    else
      pending.push_back({{level, loc, message}});
    return;
  }
  print(level, loc, message);
}

void DiagnosticEngine::flushDeferred() {
  deferred = false;
  // Sorted by location; equal locations keep the order they were reported in.
  std::vector<size_t> order(pending.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    SourceLoc x = pending[a][0].loc, y = pending[b][0].loc;
    return std::tuple(x.line, x.col, a) < std::tuple(y.line, y.col, b);
  });
  for (size_t i : order)
    for (const Pending &d : pending[i])
      print(d.level, d.loc, d.message);
  pending.clear();
}

void DiagnosticEngine::reportErrorLimit() {
  if (!limitReported)
    out << path << ": error: too many errors emitted, stopping now\n";
  limitReported = true;
}

// Applies the error limit: errors past it, and their notes, are not shown.
void DiagnosticEngine::print(DiagLevel level, SourceLoc loc, const std::string &message) {
  switch (level) {
  case DiagLevel::Error:
    ++shownErrors;
    lastShown = !errorLimit || shownErrors <= errorLimit;
    if (errorLimit && shownErrors == errorLimit + 1)
      reportErrorLimit();
    break;
  case DiagLevel::Warning:
    lastShown = !errorLimit || shownErrors < errorLimit;
    break;
  case DiagLevel::Note:
    break;
  }
  if (!lastShown)
    return;
  printLocation(loc);
  switch (level) {
  case DiagLevel::Error: out << "error: "; break;
  case DiagLevel::Warning: out << "warning: "; break;
  case DiagLevel::Note: out << "note: "; break;
  }
  out << message << '\n';
  printSnippet(loc);
  out.flush();
}

void DiagnosticEngine::printLocation(SourceLoc loc) {
  out << path << ':';
  if (loc.line != 0)
    out << loc.line << ':' << loc.col << ':';
  out << ' ';
}

// Echoes the line and puts a caret under column `col`, counted in code points
// (as the lexer counts them). Tabs are copied so the caret lines up.
void DiagnosticEngine::printSnippet(SourceLoc loc) {
  if (loc.line == 0 || loc.line > lines.size())
    return;
  const std::string &line = lines[loc.line - 1];
  out << line << '\n';
  std::string caret;
  uint32_t codePoint = 1;
  for (size_t i = 0; i < line.size() && codePoint < loc.col; ++i) {
    unsigned char c = line[i];
    if ((c & 0xC0) == 0x80)
      continue; // a UTF-8 continuation byte
    caret += c == '\t' ? '\t' : ' ';
    ++codePoint;
  }
  // A column past the end of the line (e.g. "expected ';'" at the end).
  for (; codePoint < loc.col && caret.size() <= line.size(); ++codePoint)
    caret += ' ';
  out << caret << "^\n";
}

} // namespace weir
