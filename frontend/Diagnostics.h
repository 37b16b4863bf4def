// Clang-style diagnostics: `file:line:col: error: message`, then the source
// line and a caret under the column. Every user error in the frontend goes
// through a DiagnosticEngine, which keeps going after errors (so one run
// reports several) and counts them.
#pragma once

#include "common/SourceLoc.h"
#include "common/Type.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace weir {

enum class DiagLevel { Error, Warning, Note };

class DiagnosticEngine {
public:
  explicit DiagnosticEngine(llvm::raw_ostream &out = llvm::errs()) : out_(out) {}

  // The file that locations refer to; parseModule sets it.
  void setSource(std::string path, std::string text);
  const std::string &sourcePath() const { return path_; }

  void error(SourceLoc loc, const std::string &message);
  void warning(SourceLoc loc, const std::string &message);
  // Attached to the previous error or warning (shown only if it was).
  void note(SourceLoc loc, const std::string &message);
  void report(DiagLevel level, SourceLoc loc, const std::string &message);

  unsigned errorCount() const { return errors_; }
  unsigned warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ != 0; }

  // While deferred, diagnostics are collected (and counted) but printed only
  // by flushDeferred(), sorted by location with each note kept after its
  // error: semantic checks run in passes, users read files top to bottom.
  void beginDeferred() { deferred_ = true; }
  void flushDeferred();

  // After this many errors further ones are dropped and one line says so.
  void setErrorLimit(unsigned limit) { errorLimit_ = limit; }
  bool reachedErrorLimit() const { return errorLimit_ && errors_ >= errorLimit_; }
  // Says that the run stops here because of the limit (once).
  void reportErrorLimit();

private:
  struct Pending {
    DiagLevel level;
    SourceLoc loc;
    std::string message;
  };
  void print(DiagLevel level, SourceLoc loc, const std::string &message);
  void printLocation(SourceLoc loc);
  void printSnippet(SourceLoc loc);

  llvm::raw_ostream &out_;
  std::string path_ = "<input>";
  std::vector<std::string> lines_;
  unsigned errors_ = 0;
  unsigned warnings_ = 0;
  unsigned shownErrors_ = 0;
  bool limitReported_ = false;
  unsigned errorLimit_ = 20;
  bool lastShown_ = true; // whether the last error/warning was printed (for notes)
  bool deferred_ = false;
  std::vector<std::vector<Pending>> pending_; // an error or warning and its notes
};

} // namespace weir
