#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace weir::ir {

const char *binaryOpMnemonic(BinaryOp op) {
  switch (op) {
  case BinaryOp::Add: return "add";
  case BinaryOp::Sub: return "sub";
  case BinaryOp::Mul: return "mul";
  case BinaryOp::Div: return "div";
  case BinaryOp::Mod: return "mod";
  case BinaryOp::Eq: return "eq";
  case BinaryOp::Ne: return "ne";
  case BinaryOp::Lt: return "lt";
  case BinaryOp::Le: return "le";
  case BinaryOp::Gt: return "gt";
  case BinaryOp::Ge: return "ge";
  case BinaryOp::And: return "and";
  case BinaryOp::Or: return "or";
  }
  return "?";
}

const char *stageKindName(StageKind k) {
  switch (k) {
  case StageKind::TableBuild: return "table-build";
  case StageKind::Scan: return "scan";
  case StageKind::Emit: return "emit";
  }
  return "?";
}

// ------------------------------------------------------------------ literals

static std::string quoteString(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

// Shortest text that reads back as the same double, always with a '.' or an
// exponent so it cannot be mistaken for an integer.
static std::string formatDouble(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (s.find_first_of(".eEn") == std::string::npos) // 'n': inf, nan
    s += ".0";
  return s;
}

// Durations in the largest unit that divides them: 90000 -> "90s", 250 -> "250ms".
static std::string formatDuration(int64_t ms) {
  static const std::pair<int64_t, const char *> units[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (auto [size, suffix] : units)
    if (ms != 0 && ms % size == 0)
      return std::to_string(ms / size) + suffix;
  return std::to_string(ms) + "ms";
}

// ISO-8601 UTC: 2024-01-01T00:00:00Z, with .mmm when there are milliseconds.
static std::string formatTimestamp(int64_t ms) {
  using namespace std::chrono;
  sys_time<milliseconds> t{milliseconds{ms}};
  sys_days day = floor<days>(t);
  year_month_day ymd{day};
  int64_t inDay = (t - day).count();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()),
                static_cast<long long>(inDay / 3'600'000),
                static_cast<long long>(inDay / 60'000 % 60),
                static_cast<long long>(inDay / 1000 % 60));
  std::string s = buf;
  if (inDay % 1000) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(inDay % 1000));
    s += buf;
  }
  return s + "Z";
}

std::string formatLiteral(const Expr &e) {
  const LiteralValue &v = e.literal;
  if (std::holds_alternative<std::monostate>(v))
    return "null";
  if (auto *b = std::get_if<bool>(&v))
    return *b ? "true" : "false";
  if (auto *d = std::get_if<double>(&v))
    return formatDouble(*d);
  if (auto *s = std::get_if<std::string>(&v))
    return quoteString(*s);
  int64_t i = std::get<int64_t>(v);
  switch (e.type.kind) {
  case TypeKind::Duration: return formatDuration(i);
  case TypeKind::Timestamp: return "timestamp \"" + formatTimestamp(i) + "\"";
  default: return std::to_string(i);
  }
}

// --------------------------------------------------------------- expressions

void printExpr(const Expr &e, const Schema *input, llvm::raw_ostream &os) {
  auto printArgs = [&] {
    for (const ExprPtr &a : e.args) {
      os << ' ';
      if (a)
        printExpr(*a, input, os);
      else
        os << "<null>";
    }
  };
  switch (e.kind) {
  case ExprKind::Column:
    os << '$' << e.column;
    if (input && e.column >= 0 && e.column < static_cast<int>(input->size()))
      os << ':' << (*input)[e.column].name;
    return;
  case ExprKind::Literal:
    os << formatLiteral(e);
    return;
  case ExprKind::Unary:
    os << '(' << (e.unaryOp == UnaryOp::Neg ? "neg" : "not");
    printArgs();
    os << ')';
    return;
  case ExprKind::Binary:
    os << '(' << binaryOpMnemonic(e.binaryOp);
    printArgs();
    os << ')';
    return;
  case ExprKind::Call:
    os << '(' << scalarFnName(e.fn);
    printArgs();
    os << ')';
    return;
  }
}

std::string exprToString(const Expr &e, const Schema *input) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printExpr(e, input, os);
  return s;
}

// ------------------------------------------------------------------- nodes

std::string formatSchema(const Schema &s) {
  std::string out = "{";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i)
      out += ", ";
    out += s[i].name + ": " + typeName(s[i].type);
  }
  return out + "}";
}

std::string formatConnector(const Connector &c) {
  std::string out = c.kind.empty() ? "?" : c.kind;
  std::string target = c.uri;
  if (target.rfind(c.kind + ":", 0) == 0)
    target = target.substr(c.kind.size() + 1);
  if (!target.empty())
    out += " " + quoteString(target);
  if (!c.format.empty())
    out += " " + c.format;
  if (!c.onError.empty())
    out += " on_error=" + c.onError;
  for (const auto &[key, value] : c.options)
    out += " " + key + "=" + quoteString(value);
  return out;
}

static bool sameSchema(const Schema &a, const Schema &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name != b[i].name || a[i].type != b[i].type)
      return false;
  return true;
}

static const Schema *inputSchema(const Program &p, const Node &n) {
  if (n.input >= 0 && n.input < static_cast<int>(p.nodes.size()))
    return &p.node(n.input).schema;
  return nullptr;
}

static const char *const Continuation = "\n       ";

static void printDecodedFields(const Node &n, llvm::raw_ostream &os) {
  os << Continuation << "decode [";
  for (size_t i = 0; i < n.usedFields.size(); ++i) {
    int f = n.usedFields[i];
    os << (i ? ", " : "");
    if (f >= 0 && f < static_cast<int>(n.schema.size()))
      os << n.schema[f].name;
    else
      os << '$' << f;
  }
  os << "] (" << n.usedFields.size() << " of " << n.schema.size() << ")";
}

static void printLayout(const StateLayout &l, const char *perWhat, llvm::raw_ostream &os) {
  if (l.entrySize == 0)
    return;
  os << Continuation << "state " << l.entrySize << " bytes/" << perWhat << ": header 0.."
     << l.headerSize;
  for (const StateField &f : l.fields) {
    os << ", " << f.name << " (" << f.typeName;
    if (f.nullBit >= 0)
      os << ", null bit " << f.nullBit;
    os << ") " << f.offset << ".." << f.offset + f.size;
  }
  if (l.nullBitmapBytes)
    os << ", null bitmap " << l.nullBitmapOffset << ".."
       << l.nullBitmapOffset + l.nullBitmapBytes;
  if (l.outOfLineFields)
    os << " (" << l.outOfLineFields << " out of line)";
}

static void printExprList(const std::vector<ExprPtr> &exprs, const Schema *input,
                          llvm::raw_ostream &os) {
  os << '[';
  for (size_t i = 0; i < exprs.size(); ++i) {
    os << (i ? ", " : "");
    if (exprs[i])
      printExpr(*exprs[i], input, os);
  }
  os << ']';
}

static void printNode(const Program &p, const Node &n, llvm::raw_ostream &os) {
  const Schema *in = inputSchema(p, n);
  os << '%' << n.id << " = " << nodeKindName(n.kind);
  if (n.input >= 0)
    os << " %" << n.input;
  switch (n.kind) {
  case NodeKind::Source:
  case NodeKind::Table:
    os << ' ' << n.name << " : " << formatSchema(n.schema) << ' '
       << formatConnector(n.connector);
    printDecodedFields(n, os);
    printLayout(n.layout, "row", os);
    break;
  case NodeKind::Filter:
    os << " : ";
    if (n.predicate)
      printExpr(*n.predicate, in, os);
    if (in && !sameSchema(*in, n.schema))
      os << " -> " << formatSchema(n.schema);
    break;
  case NodeKind::Project:
    os << " : {";
    for (size_t i = 0; i < std::max(n.schema.size(), n.exprs.size()); ++i) {
      os << (i ? ", " : "");
      if (i < n.schema.size())
        os << n.schema[i].name << ": " << typeName(n.schema[i].type);
      os << " = ";
      if (i < n.exprs.size() && n.exprs[i])
        printExpr(*n.exprs[i], in, os);
    }
    os << '}';
    break;
  case NodeKind::Join: {
    os << " with %" << n.table << " on [";
    const Schema *table = n.table >= 0 && n.table < static_cast<int>(p.nodes.size())
                              ? &p.node(n.table).schema
                              : nullptr;
    for (size_t i = 0; i < n.probeKeys.size(); ++i) {
      os << (i ? ", " : "");
      if (n.probeKeys[i])
        printExpr(*n.probeKeys[i], in, os);
      os << " = ";
      int b = i < n.buildKeys.size() ? n.buildKeys[i] : -1;
      if (table && b >= 0 && b < static_cast<int>(table->size()))
        os << (*table)[b].name;
      else
        os << '$' << b;
    }
    os << ']' << (n.leftJoin ? " (left)" : "") << " : " << formatSchema(n.schema);
    break;
  }
  case NodeKind::Aggregate: {
    os << " by ";
    printExprList(n.keys, in, os);
    os << " : {";
    for (size_t i = 0; i < n.schema.size(); ++i) {
      os << (i ? ", " : "") << n.schema[i].name << ": " << typeName(n.schema[i].type);
      size_t a = i - n.keys.size();
      if (i < n.keys.size() || a >= n.aggs.size())
        continue;
      os << " = " << aggFnName(n.aggs[a].fn) << '(';
      if (n.aggs[a].arg)
        printExpr(*n.aggs[a].arg, in, os);
      os << ')';
    }
    os << '}';
    printLayout(n.layout, "key", os);
    break;
  }
  case NodeKind::Sink:
    os << " \"" << n.name << "\" " << formatConnector(n.connector);
    if (in && !sameSchema(*in, n.schema))
      os << " : " << formatSchema(n.schema);
    break;
  }
  os << '\n';
}

static void printChain(const std::vector<int> &ids, llvm::raw_ostream &os) {
  for (size_t i = 0; i < ids.size(); ++i)
    os << (i ? " -> %" : "%") << ids[i];
}

void printProgram(const Program &p, llvm::raw_ostream &os) {
  for (const auto &n : p.nodes)
    printNode(p, *n, os);
  for (const Pipeline &pl : p.pipelines) {
    os << "pipeline " << pl.name << ": ";
    printChain(pl.nodes, os);
    os << '\n';
  }
  if (!p.stages.empty() && !p.fused)
    os << "; not fused: each operator of a stage runs on its own, rows materialized between\n";
  for (const Stage &s : p.stages) {
    os << "stage " << s.id << ' ' << stageKindName(s.kind) << " \"" << s.name << "\": ";
    printChain(s.nodes, os);
    os << '\n';
  }
}

std::string programToString(const Program &p) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printProgram(p, os);
  return s;
}

} // namespace weir::ir
