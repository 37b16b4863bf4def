#include "ir/Explain.h"

#include "ir/Printer.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace weir::ir {
namespace {

// Binding strength of the binary operators, loosest first, as the language
// parses them.
int precedence(BinaryOp op) {
  switch (op) {
  case BinaryOp::Or: return 1;
  case BinaryOp::And: return 2;
  case BinaryOp::Eq:
  case BinaryOp::Ne:
  case BinaryOp::Lt:
  case BinaryOp::Le:
  case BinaryOp::Gt:
  case BinaryOp::Ge: return 3;
  case BinaryOp::Add:
  case BinaryOp::Sub: return 4;
  case BinaryOp::Mul:
  case BinaryOp::Div:
  case BinaryOp::Mod: return 5;
  }
  return 0;
}
constexpr int UnaryPrecedence = 6;

// Expressions as the user wrote them: column names, infix operators, and
// parentheses only where precedence needs them. `context` is the binding
// strength the surrounding operator demands of this operand.
void printInfix(const Expr &e, const Schema &input, llvm::raw_ostream &os, int context) {
  switch (e.kind) {
  case ExprKind::Column:
    if (e.column >= 0 && e.column < static_cast<int>(input.size()))
      os << input[e.column].name;
    else
      os << '$' << e.column;
    return;
  case ExprKind::Literal:
    os << formatLiteral(e);
    return;
  case ExprKind::Unary: {
    bool isNot = e.unaryOp == UnaryOp::Not;
    // `not` binds looser than comparisons (`not a == b`), negation tightest.
    int own = isNot ? precedence(BinaryOp::And) + 1 : UnaryPrecedence;
    os << (own < context ? "(" : "") << (isNot ? "not " : "-");
    printInfix(*e.args[0], input, os, own);
    os << (own < context ? ")" : "");
    return;
  }
  case ExprKind::Binary: {
    int own = precedence(e.binaryOp);
    os << (own < context ? "(" : "");
    printInfix(*e.args[0], input, os, own);
    os << ' ' << binaryOpSpelling(e.binaryOp) << ' ';
    printInfix(*e.args[1], input, os, own + 1); // left-associative
    os << (own < context ? ")" : "");
    return;
  }
  case ExprKind::Call:
    os << scalarFnName(e.fn) << '(';
    for (size_t i = 0; i < e.args.size(); ++i) {
      os << (i ? ", " : "");
      printInfix(*e.args[i], input, os, 0);
    }
    os << ')';
    return;
  }
}

std::string infix(const Expr &e, const Schema &input) {
  std::string s;
  llvm::raw_string_ostream os(s);
  printInfix(e, input, os, 0);
  return s;
}

void explainDecoding(const Node &n, llvm::raw_ostream &os) {
  os << "    decodes " << n.usedFields.size() << " of " << n.schema.size() << " fields";
  for (size_t i = 0; i < n.usedFields.size(); ++i)
    os << (i ? ", " : ": ") << n.schema[n.usedFields[i]].name;
  os << '\n';
}

void explainLayout(const StateLayout &l, const char *perWhat, llvm::raw_ostream &os) {
  if (l.entrySize == 0)
    return;
  os << "    state: " << l.entrySize << " bytes per " << perWhat;
  if (l.outOfLineFields)
    os << ", plus the out-of-line bytes of " << l.outOfLineFields
       << (l.outOfLineFields == 1 ? " field" : " fields");
  os << '\n';
  os << "      offset  size  field\n";
  auto row = [&](uint32_t offset, uint32_t size, const std::string &what) {
    os << "      " << llvm::format("%6u  %4u  ", offset, size) << what << '\n';
  };
  row(0, l.headerSize, "header (hash, chain link)");
  for (const StateField &f : l.fields) {
    std::string what = f.name + " (" + f.typeName;
    if (f.typeName == "string")
      what += ": pointer and length, bytes out of line";
    else if (f.typeName == "distinct")
      what += ": the int64 count, the values out of line";
    if (f.nullBit >= 0)
      what += "; null bit " + std::to_string(f.nullBit);
    row(f.offset, f.size, what + ")");
  }
  if (l.nullBitmapBytes) {
    size_t bits = std::count_if(l.fields.begin(), l.fields.end(),
                                [](const StateField &f) { return f.nullBit >= 0; });
    row(l.nullBitmapOffset, l.nullBitmapBytes,
        "null bitmap (" + std::to_string(bits) + (bits == 1 ? " bit)" : " bits)"));
  }
  uint32_t used = l.nullBitmapOffset + l.nullBitmapBytes;
  if (used < l.entrySize)
    row(used, l.entrySize - used, "padding");
}

std::string durationText(int64_t ms) {
  if (ms % 3600000 == 0)
    return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0)
    return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// When a windowed (or ttl) key's event-time timer is due: the fire
// function visits only the keys whose timers the watermark passed
// (runtime/src/EventTimers.cpp).
std::string keyTimerText(const Node &n) {
  const WindowSpec &w = n.window;
  bool final = w.emit == EmitPolicy::Final;
  switch (w.kind) {
  case WindowKind::Tumbling:
  case WindowKind::Hopping:
    return final ? "the end of its next window that holds data" : "the end of its oldest slice's last window";
  case WindowKind::Session:
    return "its earliest open session's last event + " + durationText(w.gapMs);
  case WindowKind::Rolling:
    return final ? "its first pending row's time (that row's output is due), or when its newest row leaves the range"
                 : "when its oldest row leaves the range";
  case WindowKind::None:
    return "its last event + " + durationText(n.ttlMs);
  }
  return "";
}

// A windowed aggregate's entry: keys, then a ring of slices (tumbling,
// hopping), session slots or the ttl key's running aggregate, or a row
// buffer (rolling); each slice's fields are listed at the first slice's
// offsets.
void explainWindowedLayout(const Node &n, llvm::raw_ostream &os) {
  const StateLayout &l = n.layout;
  const WindowSpec &w = n.window;
  auto row = [&](uint32_t offset, uint32_t size, const std::string &what) {
    os << "      " << llvm::format("%6u  %4u  ", offset, size) << what << '\n';
  };
  std::string delay = durationText(n.watermarkDelayMs);
  switch (w.kind) {
  case WindowKind::Tumbling:
  case WindowKind::Hopping: {
    int64_t slide = w.kind == WindowKind::Hopping ? w.slideMs : w.sizeMs;
    os << "    window: " << (w.kind == WindowKind::Hopping ? "hopping " : "tumbling ") << durationText(w.sizeMs);
    if (w.kind == WindowKind::Hopping)
      os << " every " << durationText(slide) << ": each row updates one " << durationText(slide)
         << " slice; a window combines " << w.sizeMs / slide << " slices";
    os << "; emit " << (w.emit == EmitPolicy::Final ? "final" : "updates") << '\n';
    if (l.sliceOverflowOffset)
      os << "    state: " << l.entrySize << " bytes per key: a ring of " << l.ringSlices << " slices of "
         << l.sliceSize << " bytes (a window's slices and " << l.ringSlices - w.sizeMs / slide
         << " more); the other slices the watermark delay " << delay
         << " keeps open go out of line, only those that hold data\n";
    else
      os << "    state: " << l.entrySize << " bytes per key: a ring of " << l.ringSlices << " slices of "
         << l.sliceSize << " bytes (the slices a window and the watermark delay " << delay << " can keep open)\n";
    break;
  }
  case WindowKind::Session:
    os << "    window: session, gap " << durationText(w.gapMs) << "; emit "
       << (w.emit == EmitPolicy::Final ? "final" : "updates") << '\n';
    if (l.sliceOverflowOffset)
      os << "    state: " << l.entrySize << " bytes per key: " << l.ringSlices << " session slots of "
         << l.sliceSize << " bytes; the other sessions the watermark delay " << delay
         << " keeps open go out of line, only those that hold data\n";
    else
      os << "    state: " << l.entrySize << " bytes per key: " << l.ringSlices << " session slots of "
         << l.sliceSize << " bytes (the sessions the watermark delay " << delay
         << " can keep open, and a new one)\n";
    break;
  case WindowKind::Rolling:
    os << "    window: rolling " << durationText(w.sizeMs) << "; emit "
       << (w.emit == EmitPolicy::Final ? "final" : "updates") << '\n';
    os << "    state: " << l.entrySize << " bytes per key and the key's rows of the last "
       << durationText(w.sizeMs) << " (and those the watermark delay " << delay
       << " holds back) in an ordered buffer; each output row folds them into a " << l.sliceSize
       << "-byte accumulator\n";
    break;
  case WindowKind::None:
    os << "    ttl " << durationText(n.ttlMs) << ": a key idle that long in event time emits its row and is dropped\n";
    os << "    state: " << l.entrySize << " bytes per key\n";
    break;
  }
  if (w.lateToSink)
    os << "    late rows: to " << formatConnector(w.lateSink) << '\n';
  else if (w.kind != WindowKind::None)
    os << "    late rows: dropped and counted\n";
  os << "    timers: one per key, at " << keyTimerText(n)
     << "; a watermark advance visits only the keys whose timers it passed\n";
  os << "      offset  size  field\n";
  row(0, l.headerSize, "header (hash, chain link)");
  for (const StateField &f : l.fields) {
    std::string what = f.name + " (" + f.typeName;
    if (f.nullBit >= 0)
      what += "; null bit " + std::to_string(f.nullBit);
    row(f.offset, f.size, what + ")");
  }
  if (w.kind != WindowKind::Rolling && l.nullBitmapBytes)
    row(l.sliceOffset + l.nullBitmapOffset, l.nullBitmapBytes, "slice[0] null bitmap");
  if (w.kind != WindowKind::Rolling && l.ringSlices > 1)
    row(l.sliceOffset + l.sliceSize, (l.ringSlices - 1) * l.sliceSize,
        "slice[1.." + std::to_string(l.ringSlices - 1) + "], " + std::to_string(l.sliceSize) + " bytes each");
}

// The columns each join of `table` looks rows up by (one line per distinct
// key list; rows with equal keys are chained in the hash table).
void explainTableKeys(const Program &p, const Node &table, llvm::raw_ostream &os) {
  std::vector<std::vector<int>> seen;
  for (const auto &n : p.nodes) {
    if (n->kind != NodeKind::Join || n->table != table.id ||
        std::find(seen.begin(), seen.end(), n->buildKeys) != seen.end())
      continue;
    seen.push_back(n->buildKeys);
    os << "    hash key: ";
    for (size_t i = 0; i < n->buildKeys.size(); ++i)
      os << (i ? ", " : "") << table.schema[n->buildKeys[i]].name;
    os << '\n';
  }
}

} // namespace

void explainOperator(const Program &p, const Node &n, bool stageStart, llvm::raw_ostream &os) {
  const Schema empty;
  const Schema &in = n.input >= 0 ? p.node(n.input).schema : empty;
  switch (n.kind) {
  case NodeKind::Source:
  case NodeKind::Table:
    os << "  " << nodeKindName(n.kind) << ' ' << n.name << ": " << formatConnector(n.connector)
       << '\n';
    explainDecoding(n, os);
    if (n.kind == NodeKind::Table) {
      explainTableKeys(p, n, os);
      explainLayout(n.layout, "row", os);
    }
    return;
  case NodeKind::Filter:
    os << "  filter " << infix(*n.predicate, in) << '\n';
    return;
  case NodeKind::Project:
    os << "  project ";
    for (size_t i = 0; i < n.exprs.size(); ++i) {
      os << (i ? ", " : "") << n.schema[i].name;
      const Expr &e = *n.exprs[i];
      bool renamed = e.kind != ExprKind::Column || in[e.column].name != n.schema[i].name;
      if (renamed)
        os << " = " << infix(e, in);
    }
    os << '\n';
    return;
  case NodeKind::Join: {
    const Node &table = p.node(n.table);
    os << "  " << (n.leftJoin ? "left join " : "join ") << table.name << " on ";
    for (size_t i = 0; i < n.probeKeys.size(); ++i)
      os << (i ? " and " : "") << infix(*n.probeKeys[i], in)
         << " == " << table.name << '.' << table.schema[n.buildKeys[i]].name;
    os << " (probe)\n";
    return;
  }
  case NodeKind::Aggregate:
    if (stageStart) {
      if (n.window.kind != WindowKind::None || n.ttlMs > 0)
        os << "  emit %" << n.id << "'s " << n.schema.size()
           << " columns as the watermark completes windows (fired from the scan; the rest at the end of input)\n";
      else
        os << "  emit %" << n.id << "'s " << n.schema.size() << " columns per key, keys in first-seen order\n";
      return;
    }
    os << "  aggregate %" << n.id << " by ";
    for (size_t i = 0; i < n.keys.size(); ++i)
      os << (i ? ", " : "") << n.schema[i].name;
    if (n.keys.empty())
      os << "(nothing: one group)";
    os << ": ";
    for (size_t j = 0; j < n.aggs.size(); ++j) {
      const AggCall &a = n.aggs[j];
      os << (j ? ", " : "") << a.name << " = " << aggFnName(a.fn) << '('
         << (a.arg ? infix(*a.arg, in) : "") << ')';
    }
    os << '\n';
    if (n.window.kind != WindowKind::None || n.ttlMs > 0)
      explainWindowedLayout(n, os);
    else
      explainLayout(n.layout, "key", os);
    return;
  case NodeKind::Sink:
    os << "  sink \"" << n.name << "\": " << formatConnector(n.connector) << '\n';
    return;
  }
}

namespace {

void explainSharedScan(const Program &p, const Stage &s, llvm::raw_ostream &os) {
  if (!s.sharedMembers.empty()) {
    os << "  shared scan: one loop decodes each record of " << p.node(s.nodes.front()).name
       << " once and feeds " << s.sharedMembers.size() + 1 << " pipelines in turn: " << s.name;
    for (int member : s.sharedMembers)
      os << ", " << p.stages[member].name;
    os << '\n';
  }
  if (s.sharedScan >= 0)
    os << "  fed by the shared scan of stage " << s.sharedScan << " (\"" << p.stages[s.sharedScan].name
       << "\"): reads " << p.node(s.nodes.front()).name << "'s records as decoded there\n";
}

} // namespace

void explainProgram(const Program &p, llvm::raw_ostream &os) {
  if (p.triggerDeclared)
    os << "trigger: " << formatTrigger(p.trigger) << '\n';
  if (p.stages.empty()) {
    os << "plan: not split into stages yet\n";
    for (const Pipeline &pl : p.pipelines) {
      os << "pipeline " << pl.name << '\n';
      for (size_t i = 0; i < pl.nodes.size(); ++i)
        explainOperator(p, p.node(pl.nodes[i]), i == 0, os);
    }
    return;
  }
  os << "plan: " << p.stages.size() << (p.stages.size() == 1 ? " stage" : " stages");
  if (p.fused)
    os << ", each compiled into one fused loop\n";
  else
    os << ", not fused (--no-fuse): one function per operator, rows materialized between\n";
  for (const Stage &s : p.stages) {
    os << "\nstage " << s.id << ": " << stageKindName(s.kind) << " \"" << s.name << "\"\n";
    explainSharedScan(p, s, os);
    // A shared scan's member reads the record its leader decoded.
    for (size_t i = s.sharedScan >= 0 ? 1 : 0; i < s.nodes.size(); ++i)
      explainOperator(p, p.node(s.nodes[i]), i == 0, os);
  }
}

} // namespace weir::ir
