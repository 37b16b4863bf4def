#include "ir/Printer.h"

#include "llvm/Support/raw_ostream.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace weir::ir {

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
    os << '(' << unaryOpMnemonic(e.unaryOp);
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
  if (!c.format.empty() && c.format != c.kind) // a generator's format is itself
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
  // A windowed entry's slices follow its keys; the fields list the first
  // slice's at entry offsets, and so does this.
  // (A rolling window's entry stores no slice.)
  uint32_t slice0 = l.sliceOffset;
  bool slicesStored = !slice0 || l.entrySize > l.sliceOffset;
  if (slice0 && l.sliceOffset > l.keyNullBitmapOffset)
    os << ", key null bitmap " << l.keyNullBitmapOffset << ".." << l.sliceOffset;
  if (l.nullBitmapBytes && slicesStored)
    os << (slice0 ? ", slice[0] null bitmap " : ", null bitmap ") << slice0 + l.nullBitmapOffset
       << ".." << slice0 + l.nullBitmapOffset + l.nullBitmapBytes;
  if (slice0 && slicesStored)
    os << ", " << l.ringSlices << " slices of " << l.sliceSize << " bytes from " << l.sliceOffset
       << (l.sliceOverflowOffset ? " and more out of line" : "");
  if (l.outOfLineFields)
    os << " (" << l.outOfLineFields << " out of line)";
}

// ` window hopping 10m slide 1m emit final late drop`
static void printWindow(const WindowSpec &w, llvm::raw_ostream &os) {
  os << " window " << windowKindName(w.kind);
  switch (w.kind) {
  case WindowKind::None:
    break;
  case WindowKind::Tumbling:
  case WindowKind::Rolling:
    os << ' ' << formatDuration(w.sizeMs);
    break;
  case WindowKind::Hopping:
    os << ' ' << formatDuration(w.sizeMs) << " slide " << formatDuration(w.slideMs);
    break;
  case WindowKind::Session:
    os << " gap " << formatDuration(w.gapMs);
    break;
  }
  os << " emit " << (w.emit == EmitPolicy::Updates ? "updates" : "final");
  if (w.lateToSink)
    os << " late to " << formatConnector(w.lateSink);
  else
    os << " late drop";
}

// ` time $4:ts watermark 5s`: the event time a window or ttl reads.
static void printTime(const Node &n, const Schema *in, llvm::raw_ostream &os) {
  if (n.timeColumn < 0)
    return;
  os << " time $" << n.timeColumn;
  if (in && n.timeColumn < static_cast<int>(in->size()))
    os << ':' << (*in)[n.timeColumn].name;
  os << " watermark " << formatDuration(n.watermarkDelayMs);
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
    if (n.eventTimeField >= 0) {
      os << " event_time ";
      if (n.eventTimeField < static_cast<int>(n.schema.size()))
        os << n.schema[n.eventTimeField].name;
      else
        os << '$' << n.eventTimeField;
      os << " watermark " << formatDuration(n.watermarkDelayMs);
    }
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
    if (n.window.kind != WindowKind::None)
      printWindow(n.window, os);
    if (n.ttlMs)
      os << " ttl " << formatDuration(n.ttlMs);
    printTime(n, in, os);
    os << " : {";
    // The aggregates are the last columns (after keys, window bounds or the
    // rolling window's input row).
    size_t firstAgg = n.schema.size() >= n.aggs.size() ? n.schema.size() - n.aggs.size() : 0;
    for (size_t i = 0; i < n.schema.size(); ++i) {
      os << (i ? ", " : "") << n.schema[i].name << ": " << typeName(n.schema[i].type);
      size_t a = i - firstAgg;
      if (i < firstAgg || a >= n.aggs.size())
        continue;
      os << " = " << aggFnName(n.aggs[a].fn) << '(';
      if (n.aggs[a].arg)
        printExpr(*n.aggs[a].arg, in, os);
      if (n.aggs[a].fn == AggFn::ApproxPercentile)
        os << ", " << formatDouble(n.aggs[a].param);
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

std::string formatTrigger(const Trigger &t) {
  std::string s(triggerKindName(t.kind));
  if (t.kind == TriggerKind::Every)
    s += " " + formatDuration(t.everyMs);
  return s;
}

void printProgram(const Program &p, llvm::raw_ostream &os) {
  if (p.triggerDeclared)
    os << "trigger " << formatTrigger(p.trigger) << '\n';
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
    if (!s.sharedMembers.empty()) {
      os << " shared with";
      for (int member : s.sharedMembers)
        os << ' ' << member;
    }
    if (s.sharedScan >= 0)
      os << " in shared scan " << s.sharedScan;
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
