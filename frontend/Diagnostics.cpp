#include "frontend/Diagnostics.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <tuple>

namespace weir {

void DiagnosticEngine::setSource(std::string path, std::string text) {
  path_ = std::move(path);
  lines_.clear();
  llvm::StringRef rest(text);
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    lines_.push_back(line.rtrim('\r').str());
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
    ++errors_;
  else if (level == DiagLevel::Warning)
    ++warnings_;
  if (deferred_) {
    if (level == DiagLevel::Note && !pending_.empty())
      pending_.back().push_back({level, loc, message});
    else
      pending_.push_back({{level, loc, message}});
    return;
  }
  print(level, loc, message);
}

void DiagnosticEngine::flushDeferred() {
  deferred_ = false;
  // Sorted by location; equal locations keep the order they were reported in.
  std::vector<size_t> order(pending_.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    SourceLoc x = pending_[a][0].loc, y = pending_[b][0].loc;
    return std::tuple(x.line, x.col, a) < std::tuple(y.line, y.col, b);
  });
  for (size_t i : order)
    for (const Pending &d : pending_[i])
      print(d.level, d.loc, d.message);
  pending_.clear();
}

void DiagnosticEngine::reportErrorLimit() {
  if (!limitReported_)
    out_ << path_ << ": error: too many errors emitted, stopping now\n";
  limitReported_ = true;
}

// Applies the error limit: errors past it, and their notes, are not shown.
void DiagnosticEngine::print(DiagLevel level, SourceLoc loc, const std::string &message) {
  switch (level) {
  case DiagLevel::Error:
    ++shownErrors_;
    lastShown_ = !errorLimit_ || shownErrors_ <= errorLimit_;
    if (errorLimit_ && shownErrors_ == errorLimit_ + 1)
      reportErrorLimit();
    break;
  case DiagLevel::Warning:
    lastShown_ = !errorLimit_ || shownErrors_ < errorLimit_;
    break;
  case DiagLevel::Note:
    break;
  }
  if (!lastShown_)
    return;
  printLocation(loc);
  switch (level) {
  case DiagLevel::Error: out_ << "error: "; break;
  case DiagLevel::Warning: out_ << "warning: "; break;
  case DiagLevel::Note: out_ << "note: "; break;
  }
  out_ << message << '\n';
  printSnippet(loc);
  out_.flush();
}

void DiagnosticEngine::printLocation(SourceLoc loc) {
  out_ << path_ << ':';
  if (loc.line != 0)
    out_ << loc.line << ':' << loc.col << ':';
  out_ << ' ';
}

// Echoes the line and puts a caret under column `col`, counted in code points
// (as the lexer counts them). Tabs are copied so the caret lines up. Long
// lines are cut to a window around the column, marked with "...".
void DiagnosticEngine::printSnippet(SourceLoc loc) {
  if (loc.line == 0 || loc.line > lines_.size())
    return;
  const std::string &line = lines_[loc.line - 1];
  // Byte offset of each code point.
  std::vector<size_t> starts;
  for (size_t i = 0; i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80)
      starts.push_back(i);
  size_t count = starts.size();
  size_t caretAt = loc.col ? loc.col - 1 : 0; // code point index, may be == count
  constexpr size_t kHalfWindow = 60;
  size_t first = 0, last = count; // shown code points [first, last)
  if (count > 2 * kHalfWindow) {
    first = caretAt > kHalfWindow ? std::min(caretAt - kHalfWindow, count - 2 * kHalfWindow) : 0;
    last = std::min(count, first + 2 * kHalfWindow);
  }
  auto byteAt = [&](size_t cp) { return cp < count ? starts[cp] : line.size(); };
  std::string prefix = first > 0 ? "..." : "";
  out_ << prefix << line.substr(byteAt(first), byteAt(last) - byteAt(first))
       << (last < count ? "..." : "") << '\n';
  std::string caret(prefix.size(), ' ');
  for (size_t cp = first; cp < std::min(caretAt, last + 1); ++cp)
    caret += cp < count && line[starts[cp]] == '\t' ? '\t' : ' ';
  out_ << caret << "^\n";
}

} // namespace weir
