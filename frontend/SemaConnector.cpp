#include "frontend/SemaConnector.h"

#include "frontend/SemaExpr.h"
#include "frontend/Suggest.h"

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
  if (role == ConnectorRole::Sink)
    return {"file", "stdout"};
  return {"file"};
}

std::vector<std::string> optionsFor(ConnectorRole role) {
  if (role == ConnectorRole::Sink)
    return {"format"};
  return {"format", "on_error"};
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

bool checkFormat(const ConnectorArg &arg, Connector &c, DiagnosticEngine &diags) {
  const LiteralExpr *lit = stringValue(arg, "'format'", diags);
  if (!lit)
    return false;
  if (lit->stringValue != "json" && lit->stringValue != "csv") {
    diags.error(lit->loc, "unknown format \"" + lit->stringValue + "\"; expected \"json\" or \"csv\"");
    return false;
  }
  c.format = lit->stringValue;
  return true;
}

bool checkOnError(const ConnectorArg &arg, Connector &c, DiagnosticEngine &diags) {
  const LiteralExpr *lit = stringValue(arg, "'on_error'", diags);
  if (!lit)
    return false;
  llvm::StringRef v = lit->stringValue;
  if (v == "fail" || v == "skip" || (v.starts_with("dead_letter:") && v.size() > 12)) {
    c.onError = v.str();
    return true;
  }
  std::string message = "invalid on_error \"" + v.str() +
                        "\"; expected \"fail\", \"skip\" or \"dead_letter:PATH\"";
  if (v == "dead_letter" || v == "dead_letter:")
    message = "on_error \"dead_letter\" needs a file: write \"dead_letter:PATH\"";
  diags.error(lit->loc, message);
  return false;
}

} // namespace

bool checkConnector(Connector &c, ConnectorRole role, DiagnosticEngine &diags) {
  std::vector<std::string> kinds = connectorsFor(role);
  if (std::find(kinds.begin(), kinds.end(), c.kind) == kinds.end()) {
    if (c.kind == "stdout")
      diags.error(c.loc, std::string("'stdout' cannot be ") + roleName(role) +
                             "; it is only for sinks");
    else
      diags.error(c.loc, "unknown connector '" + c.kind + "'" + didYouMean(c.kind, kinds));
    return false;
  }
  bool ok = true;
  std::vector<const ConnectorArg *> positional;
  std::map<std::string, const ConnectorArg *> named;
  std::vector<std::string> options = optionsFor(role);
  for (ConnectorArg &arg : c.args) {
    // Connector settings are fixed when the program is compiled.
    if (!llvm::isa<LiteralExpr>(arg.value.get())) {
      diags.error(arg.value->begin, "connector arguments must be literals, as in \"data/x.jsonl\"");
      ok = false;
      continue;
    }
    static const RowShape noColumns;
    static const std::set<std::string> noNames;
    ExprChecker(diags, noColumns, noNames).check(*arg.value);
    if (arg.name.empty()) {
      positional.push_back(&arg);
      continue;
    }
    if (auto [it, inserted] = named.emplace(arg.name, &arg); !inserted) {
      diags.error(arg.loc, "duplicate argument '" + arg.name + "'");
      diags.note(it->second->loc, "previous value is here");
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
    ok = checkFormat(*it->second, c, diags) && ok;
  if (auto it = named.find("on_error"); it != named.end() && role != ConnectorRole::Sink)
    ok = checkOnError(*it->second, c, diags) && ok;
  return ok;
}

} // namespace weir
