// `weir explain --format=dot`: the plan graph (PlanGraph.h) in Graphviz's
// DOT language, left to right: each stage a cluster (one fused loop),
// sources and tables as cylinders, aggregates with their bytes per key,
// sinks as folders; dashed edges for a join's probe of its table and for
// an emit stage reading its aggregate's state, red for late rows.
#include "ir/PlanGraph.h"

#include "llvm/Support/raw_ostream.h"

namespace weir::ir {
namespace {

// Long lines break at a space past this many bytes (continuations indented).
constexpr size_t kWrapAt = 56;

std::vector<std::string> wrapped(const std::string &line) {
  std::vector<std::string> out;
  std::string rest = line;
  while (rest.size() > kWrapAt) {
    size_t cut = rest.find(' ', kWrapAt);
    if (cut == std::string::npos)
      break;
    out.push_back(rest.substr(0, cut));
    rest = "    " + rest.substr(cut + 1);
  }
  out.push_back(rest);
  return out;
}

// A DOT double-quoted string; lines end with \l (left-justified).
std::string quoted(const std::vector<std::string> &input) {
  std::vector<std::string> lines;
  for (const std::string &line : input)
    for (std::string &part : wrapped(line))
      lines.push_back(std::move(part));
  std::string out = "\"";
  for (const std::string &line : lines) {
    for (char c : line) {
      if (c == '"' || c == '\\')
        out += '\\';
      if (c == '\n')
        out += "\\l";
      else
        out += c;
    }
    out += "\\l";
  }
  return out + "\"";
}

// A node id: plain ASCII ("s0.n3"), quoted.
std::string idOf(const std::string &id) { return "\"" + id + "\""; }

const char *shapeOf(const std::string &kind) {
  if (kind == "source" || kind == "table")
    return "cylinder";
  if (kind == "sink")
    return "folder";
  return "box";
}

const char *fillOf(const std::string &kind) {
  if (kind == "source")
    return "#dbe9f6";
  if (kind == "table")
    return "#fdf3d0";
  if (kind == "aggregate")
    return "#fde0c5";
  if (kind == "emit")
    return "#e6dcf2";
  if (kind == "sink")
    return "#dcf0dc";
  return "#f4f4f4";
}

} // namespace

void printPlanDot(const PlanGraph &g, llvm::raw_ostream &os) {
  os << "digraph weir {\n";
  os << "  rankdir=LR;\n";
  os << "  graph [fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.4";
  std::string title = g.fused ? "each stage is one fused loop" : "not fused (--no-fuse)";
  if (!g.trigger.empty())
    title += "; trigger " + g.trigger;
  os << ", label=" << quoted(std::vector<std::string>{title}) << ", labelloc=t];\n";
  os << "  node [fontname=\"Helvetica\", fontsize=10];\n";
  os << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const PlanGraph::Stage &s : g.stages) {
    os << "  subgraph cluster_" << s.id << " {\n";
    std::vector<std::string> label{"stage " + std::to_string(s.id) + ": " + s.kind + " \"" + s.name + "\""};
    if (!s.sharedWith.empty()) {
      std::string shared = "shared scan, also feeds:";
      for (const std::string &name : s.sharedWith)
        shared += " " + name;
      label.push_back(shared);
    }
    os << "    label=" << quoted(label) << "; style=rounded; color=\"#8a8a8a\";\n";
    for (size_t index : s.ops) {
      const PlanGraph::Op &op = g.ops[index];
      std::vector<std::string> lines{op.label};
      lines.insert(lines.end(), op.details.begin(), op.details.end());
      const char *shape = shapeOf(op.kind);
      os << "    " << idOf(op.id) << " [shape=" << shape << ", style=\"filled"
         << (std::string(shape) == "box" ? ",rounded" : "")
         << "\", fillcolor=\"" << fillOf(op.kind) << "\", label=" << quoted(lines) << "];\n";
    }
    os << "  }\n";
  }
  for (const PlanGraph::Edge &e : g.edges) {
    os << "  " << idOf(e.from) << " -> " << idOf(e.to);
    if (e.kind == "probe")
      os << " [style=dashed, label=\"probe\"]";
    else if (e.kind == "state")
      os << " [style=dashed, label=\"state\"]";
    else if (e.kind == "late")
      os << " [color=\"#c0392b\", fontcolor=\"#c0392b\", label=\"late\"]";
    os << ";\n";
  }
  os << "}\n";
}

} // namespace weir::ir
