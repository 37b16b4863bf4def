#include "frontend/SemaConnector.h"

#include "frontend/SemaExpr.h"
#include "frontend/Suggest.h"
#include "common/ErrorPolicyText.h"

#include "llvm/ADT/StringRef.h"

#include <map>

namespace weir {

using namespace ast;

namespace {

const char *roleName(ConnectorRole role) {
  switch (role) {
  case ConnectorRole::Source: return "a source";
  case ConnectorRole::Table: return "a table";
  case ConnectorRole::Sink: return "a sink";
  }
  return "?";
}

std::vector<std::string> connectorsFor(ConnectorRole role) {
  switch (role) {
  case ConnectorRole::Source: return {"file", "generator", "kafka"};
  case ConnectorRole::Table: return {"file"};
  case ConnectorRole::Sink: return {"file", "stdout", "discard", "kafka"};
  }
  return {};
}

std::vector<std::string> optionsFor(ConnectorRole role) {
  if (role == ConnectorRole::Sink)
    return {"format"};
  return {"format", "on_error"};
}

// Connector settings are fixed when the program is compiled, so every
// argument is a literal, as in `example`. Types it (for the AST dump); null
// after reporting an argument that is not a literal.
const LiteralExpr *literalArg(ConnectorArg &arg, const char *example, DiagnosticEngine &diags) {
  auto *lit = llvm::dyn_cast<LiteralExpr>(arg.value.get());
  if (!lit) {
    diags.error(arg.value->begin,
                std::string("connector arguments must be literals, as in ") + example);
    return nullptr;
  }
  static const RowShape noColumns;
  static const std::set<std::string> noNames;
  ExprChecker(diags, noColumns, noNames).check(*lit);
  return lit;
}

// Records a named argument; false after reporting a second value for a name.
bool recordNamed(std::map<std::string, const ConnectorArg *> &named, const ConnectorArg &arg,
                 DiagnosticEngine &diags) {
  auto [it, inserted] = named.emplace(arg.name, &arg);
  if (!inserted) {
    diags.error(arg.loc, "duplicate argument '" + arg.name + "'");
    diags.note(it->second->loc, "previous value is here");
  }
  return inserted;
}

// The argument's value as a string literal, or an error.
const LiteralExpr *stringValue(const ConnectorArg &arg, const char *what,
                               DiagnosticEngine &diags) {
  auto *lit = llvm::dyn_cast<LiteralExpr>(arg.value.get());
  if (!lit || lit->literalKind != LiteralKind::String) {
    diags.error(arg.value->begin, std::string(what) + " must be a string literal");
    return nullptr;
  }
  return lit;
}

bool checkFormat(const ConnectorArg &arg, Connector &c, bool allowRaw, DiagnosticEngine &diags) {
  const LiteralExpr *lit = stringValue(arg, "'format'", diags);
  if (!lit)
    return false;
  if (lit->stringValue == "raw" && !allowRaw) {
    diags.error(lit->loc, "format \"raw\" is only for kafka(); " + c.kind +
                              "() reads and writes \"json\" or \"csv\"");
    return false;
  }
  if (lit->stringValue != "json" && lit->stringValue != "csv" && lit->stringValue != "raw") {
    diags.error(lit->loc, "unknown format \"" + lit->stringValue + "\"; expected \"json\"" +
                              (allowRaw ? ", \"csv\" or \"raw\"" : " or \"csv\""));
    return false;
  }
  c.format = lit->stringValue;
  return true;
}

bool checkOnError(const ConnectorArg &arg, Connector &c, DiagnosticEngine &diags) {
  const LiteralExpr *lit = stringValue(arg, "'on_error'", diags);
  if (!lit)
    return false;
  OnErrorSpec spec;
  switch (parseOnError(lit->stringValue, spec)) {
  case OnErrorParse::Ok:
    c.onError = lit->stringValue;
    return true;
  case OnErrorParse::MissingPath:
    diags.error(lit->loc, "on_error \"dead_letter\" needs a file: write \"dead_letter:PATH\"");
    return false;
  case OnErrorParse::Unknown:
    break;
  }
  diags.error(lit->loc, "invalid on_error \"" + lit->stringValue + "\"; expected " + kOnErrorChoices);
  return false;
}

// A generator option's value as the runtime reads it: strings as they are,
// numbers and bools as written, durations and timestamps in milliseconds.
std::optional<std::string> generatorValue(const LiteralExpr &lit) {
  switch (lit.literalKind) {
  case LiteralKind::String: return lit.stringValue;
  case LiteralKind::Int:
  case LiteralKind::Float:
  case LiteralKind::Bool: return lit.spelling;
  case LiteralKind::Duration:
  case LiteralKind::Timestamp: return std::to_string(lit.intValue);
  case LiteralKind::Null: return std::nullopt;
  }
  return std::nullopt;
}

// `generator("nexmark_bids", events = 1000000)`: a built-in source of
// synthetic rows. Its options are the generator's own (the runtime checks
// names and values), kept in source order in the uri
// "generator:NAME?k1=v1&k2=v2".
bool checkGenerator(Connector &c, DiagnosticEngine &diags) {
  bool ok = true;
  std::string name, options;
  std::map<std::string, const ConnectorArg *> named;
  const ConnectorArg *positional = nullptr;
  for (ConnectorArg &arg : c.args) {
    const LiteralExpr *lit = literalArg(arg, "events = 1000000", diags);
    if (!lit) {
      ok = false;
      continue;
    }
    if (arg.name.empty()) {
      if (positional) {
        diags.error(arg.loc, "generator() takes one name; name the other arguments, as in "
                             "events = 1000000");
        ok = false;
      }
      positional = &arg;
      continue;
    }
    if (!recordNamed(named, arg, diags)) {
      ok = false;
      continue;
    }
    if (arg.name == "format") {
      diags.error(arg.loc, "generator() takes no format: it makes rows, not text");
      ok = false;
      continue;
    }
    if (arg.name == "on_error") {
      diags.error(arg.loc, "on_error does not apply to generator(): its rows are never malformed");
      ok = false;
      continue;
    }
    std::optional<std::string> value = generatorValue(*lit);
    if (!value) {
      diags.error(lit->loc, "generator option '" + arg.name + "' needs a value, not null");
      ok = false;
    } else if (value->find_first_of("&=?#") != std::string::npos) {
      diags.error(lit->loc, "generator option '" + arg.name +
                                "' cannot contain '&', '=', '?' or '#'");
      ok = false;
    } else {
      options += (options.empty() ? "?" : "&") + arg.name + "=" + *value;
    }
  }
  if (!positional) {
    diags.error(c.loc, "generator() needs a name: generator(\"nexmark_bids\")");
    ok = false;
  } else if (const LiteralExpr *lit = stringValue(*positional, "the generator's name", diags)) {
    name = lit->stringValue;
    if (name.empty() || name.find_first_of("&=?#") != std::string::npos) {
      diags.error(lit->loc, "invalid generator name \"" + name + "\"");
      ok = false;
    }
  } else {
    ok = false;
  }
  c.uri = "generator:" + name + options;
  c.format = "generator";
  c.onError = "";
  return ok;
}

} // namespace

bool recordNamedArg(std::map<std::string, const ConnectorArg *> &named, const ConnectorArg &arg,
                    DiagnosticEngine &diags) {
  return recordNamed(named, arg, diags);
}

const LiteralExpr *stringArg(ConnectorArg &arg, const char *what, DiagnosticEngine &diags) {
  if (llvm::isa<LiteralExpr>(arg.value.get()))
    literalArg(arg, "", diags); // types it for the AST dump
  return stringValue(arg, what, diags);
}

bool checkFormatArg(ConnectorArg &arg, Connector &c, bool allowRaw, DiagnosticEngine &diags) {
  if (llvm::isa<LiteralExpr>(arg.value.get()))
    literalArg(arg, "", diags);
  return checkFormat(arg, c, allowRaw, diags);
}

bool checkOnErrorArg(ConnectorArg &arg, Connector &c, DiagnosticEngine &diags) {
  if (llvm::isa<LiteralExpr>(arg.value.get()))
    literalArg(arg, "", diags);
  return checkOnError(arg, c, diags);
}

// discard(): a sink that counts its rows and drops them (benchmarks measure
// the query without formatting output). It has nothing to configure.
bool checkDiscard(Connector &c, DiagnosticEngine &diags) {
  c.uri = "discard:";
  c.format = "json";
  c.onError = "";
  if (c.args.empty())
    return true;
  diags.error(c.args[0].loc, "discard() takes no arguments; it drops every row");
  return false;
}

bool checkConnector(Connector &c, ConnectorRole role, DiagnosticEngine &diags) {
  std::vector<std::string> kinds = connectorsFor(role);
  if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
    if (c.kind == "kafka" && role == ConnectorRole::Table)
      diags.error(c.loc, "a table cannot be kafka(): a table is read whole before streams "
                         "start; use a file, or make it a source");
    else if (c.kind == "stdout" || c.kind == "discard")
      diags.error(c.loc, "'" + c.kind + "' cannot be " + roleName(role) + "; it is only for sinks");
    else if (c.kind == "generator")
      diags.error(c.loc, std::string("'generator' cannot be ") + roleName(role) +
                             "; it is only for sources");
    else
      diags.error(c.loc, "unknown connector '" + c.kind + "'" + didYouMean(c.kind, kinds));
    return false;
  }
  if (c.kind == "generator")
    return checkGenerator(c, diags);
  if (c.kind == "kafka")
    return checkKafkaConnector(c, role, diags);
  if (c.kind == "discard")
    return checkDiscard(c, diags);
  bool ok = true;
  std::vector<const ConnectorArg *> positional;
  std::map<std::string, const ConnectorArg *> named;
  std::vector<std::string> options = optionsFor(role);
  for (ConnectorArg &arg : c.args) {
    if (!literalArg(arg, "\"data/x.jsonl\"", diags)) {
      ok = false;
      continue;
    }
    if (arg.name.empty()) {
      positional.push_back(&arg);
      continue;
    }
    if (!recordNamed(named, arg, diags)) {
      ok = false;
      continue;
    }
    if (std::find(options.begin(), options.end(), arg.name) == options.end()) {
      std::string hint = didYouMean(arg.name, options);
      if (hint.empty() && arg.name == "on_error")
        hint = "; on_error applies to sources and tables";
      diags.error(arg.loc, "unknown argument '" + arg.name + "' for " + c.kind + "()" + hint);
      ok = false;
    }
  }

  std::string path;
  if (c.kind == "file") {
    if (positional.empty()) {
      diags.error(c.loc, "file() needs a path: file(\"data/input.jsonl\")");
      ok = false;
    } else if (positional.size() > 1) {
      diags.error(positional[1]->loc, "file() takes one path; name the other arguments, "
                                      "as in format = \"csv\"");
      ok = false;
    } else if (const LiteralExpr *lit = stringValue(*positional[0], "the path", diags)) {
      path = lit->stringValue;
      if (path.empty()) {
        diags.error(lit->loc, "the path must not be empty");
        ok = false;
      }
    } else {
      ok = false;
    }
    c.uri = "file:" + path;
    c.format = llvm::StringRef(path).ends_with(".csv") ? "csv" : "json";
  } else {
    if (!positional.empty()) {
      diags.error(positional[0]->loc, "stdout() takes no path; write stdout(format = \"json\")");
      ok = false;
    }
    c.uri = "stdout:";
    c.format = "json";
  }
  c.onError = role == ConnectorRole::Sink ? "" : "fail";

  if (auto it = named.find("format"); it != named.end())
    ok = checkFormat(*it->second, c, /*allowRaw=*/false, diags) && ok;
  if (auto it = named.find("on_error"); it != named.end() && role != ConnectorRole::Sink)
    ok = checkOnError(*it->second, c, diags) && ok;
  return ok;
}

} // namespace weir
