// The `--emit=ast` dump: one node per line, children indented by two spaces.
// Once Sema has run, expressions show their types after a colon. The format
// is stable (tests match it).
#include "frontend/Frontend.h"

#include "llvm/Support/Format.h"

namespace weir {

using namespace ast;

namespace {

class AstPrinter {
public:
  AstPrinter(const Module &module, llvm::raw_ostream &os) : module_(module), os_(os) {}

  void print() {
    os_ << "module \"" << module_.path << "\"\n";
    for (const DeclPtr &d : module_.decls)
      printDecl(*d, 1);
  }

private:
  llvm::raw_ostream &line(unsigned depth) { return os_.indent(depth * 2); }

  void printDecl(const Decl &d, unsigned depth) {
    if (auto *s = llvm::dyn_cast<SchemaDecl>(&d)) {
      line(depth) << "schema " << s->name << "\n";
      for (const FieldDecl &f : s->fields)
        line(depth + 1) << "field " << f.name << ": " << f.type.name
                        << (f.type.nullable ? "?" : "") << "\n";
    } else if (auto *data = llvm::dyn_cast<DataDecl>(&d)) {
      line(depth) << (data->isTable() ? "table " : "source ") << data->name << ": "
                  << data->schemaName << "\n";
      printConnector(data->connector, depth + 1);
      printEventTime(*data, depth + 1);
    } else if (auto *p = llvm::dyn_cast<PipelineDecl>(&d)) {
      line(depth) << "pipeline " << p->name << " from " << p->inputName << "\n";
      for (const StepPtr &s : p->steps)
        printStep(*s, depth + 1);
    } else if (auto *t = llvm::dyn_cast<TriggerDecl>(&d)) {
      // `trigger every "every:30000"` once checked: the descriptor's text.
      line(depth) << "trigger " << t->kindName;
      if (module_.checked)
        os_ << " \"" << triggerDescriptorText(t->resolved) << "\"";
      os_ << "\n";
      if (t->interval)
        printExpr(*t->interval, depth + 1);
    }
  }

  void printConnector(const Connector &c, unsigned depth) {
    line(depth) << "connector " << c.kind;
    if (module_.checked) {
      os_ << " uri=\"" << c.uri << "\" format=" << c.format;
      if (!c.onError.empty())
        os_ << " on_error=\"" << c.onError << "\"";
    }
    os_ << "\n";
    for (const ConnectorArg &a : c.args) {
      line(depth + 1) << "arg" << (a.name.empty() ? "" : " " + a.name) << "\n";
      printExpr(*a.value, depth + 2);
    }
  }

  // `event_time ts #4 watermark 5000 ms` once checked; the watermark's
  // expression below it.
  void printEventTime(const DataDecl &data, unsigned depth) {
    if (!data.hasEventTime())
      return;
    line(depth) << "event_time " << data.eventTimeColumn;
    if (module_.checked)
      os_ << " #" << data.eventTimeField << " watermark " << data.watermarkMs << " ms";
    os_ << "\n";
    if (data.watermark) {
      line(depth + 1) << "watermark\n";
      printExpr(*data.watermark, depth + 2);
    }
  }

  // `window hopping size=600000ms slide=60000ms emit=final late=drop` once
  // checked; the arguments and clauses as written below it.
  void printWindow(const WindowStep &w, unsigned depth) {
    if (module_.checked) {
      os_ << " " << windowKindName(w.windowKind);
      switch (w.windowKind) {
      case WindowKind::Hopping:
        os_ << " size=" << w.sizeMs << "ms slide=" << w.slideMs << "ms";
        break;
      case WindowKind::Session:
        os_ << " gap=" << w.gapMs << "ms";
        break;
      default:
        os_ << " size=" << w.sizeMs << "ms";
      }
      os_ << " emit=" << (w.emitUpdates ? "updates" : "final")
          << " late=" << (w.lateSink ? "sink" : "drop");
    } else {
      os_ << " " << w.kindName;
    }
    os_ << "\n";
    for (const ConnectorArg &a : w.args) {
      line(depth) << "arg" << (a.name.empty() ? "" : " " + a.name) << "\n";
      printExpr(*a.value, depth + 1);
    }
    if (!w.emitMode.empty())
      line(depth) << "emit " << w.emitMode << "\n";
    if (!w.lateAction.empty()) {
      line(depth) << "late " << w.lateAction << "\n";
      if (w.lateSink)
        printConnector(*w.lateSink, depth + 1);
    }
  }

  void printItems(const ItemsStep &s, unsigned depth) {
    for (const SelectItem &item : s.items) {
      line(depth) << "item";
      if (!item.name.empty())
        os_ << " " << item.name;
      else if (!item.outputName.empty())
        os_ << " (" << item.outputName << ")";
      os_ << "\n";
      printExpr(*item.expr, depth + 1);
    }
  }

  void printStep(const Step &s, unsigned depth) {
    auto *join = llvm::dyn_cast<JoinStep>(&s);
    line(depth) << (join && join->left ? "left " : "") << stepKindName(s.kind);
    if (join)
      os_ << " " << join->tableName;
    if (auto *w = llvm::dyn_cast<WindowStep>(&s)) {
      printWindow(*w, depth + 1);
      return;
    }
    auto *agg = llvm::dyn_cast<AggregateStep>(&s);
    if (module_.checked && agg && agg->timeColumn >= 0)
      os_ << " time #" << agg->timeColumn;
    os_ << "\n";
    if (auto *w = llvm::dyn_cast<WhereStep>(&s))
      printExpr(*w->predicate, depth + 1);
    else if (auto *items = llvm::dyn_cast<ItemsStep>(&s))
      printItems(*items, depth + 1);
    if (agg && agg->ttl) {
      line(depth + 1) << "ttl\n";
      printExpr(*agg->ttl, depth + 2);
    }
    else if (auto *j = llvm::dyn_cast<JoinStep>(&s))
      printExpr(*j->condition, depth + 1);
    else if (auto *sink = llvm::dyn_cast<SinkStep>(&s))
      printConnector(sink->connector, depth + 1);
  }

  void printType(const Expr &e) {
    if (module_.checked)
      os_ << " : " << typeName(e.type);
    os_ << "\n";
  }

  void printExpr(const Expr &e, unsigned depth) {
    switch (e.kind) {
    case ExprKind::Literal: {
      auto &l = llvm::cast<LiteralExpr>(e);
      line(depth) << "literal " << l.spelling;
      if (l.literalKind == LiteralKind::Duration || l.literalKind == LiteralKind::Timestamp)
        os_ << " (" << l.intValue << " ms)";
      printType(e);
      break;
    }
    case ExprKind::Name: {
      auto &n = llvm::cast<NameExpr>(e);
      line(depth) << "column " << n.spelling();
      if (n.column >= 0)
        os_ << " #" << n.column;
      printType(e);
      break;
    }
    case ExprKind::Unary: {
      auto &u = llvm::cast<UnaryExpr>(e);
      line(depth) << (u.op == UnaryOp::Neg ? "negate" : "not");
      printType(e);
      printExpr(*u.operand, depth + 1);
      break;
    }
    case ExprKind::Binary: {
      auto &b = llvm::cast<BinaryExpr>(e);
      line(depth) << "binary " << binaryOpSpelling(b.op);
      printType(e);
      printExpr(*b.lhs, depth + 1);
      printExpr(*b.rhs, depth + 1);
      break;
    }
    case ExprKind::Call: {
      auto &c = llvm::cast<CallExpr>(e);
      line(depth) << "call " << c.callee;
      printType(e);
      for (const ExprPtr &a : c.args)
        printExpr(*a, depth + 1);
      break;
    }
    }
  }

  const Module &module_;
  llvm::raw_ostream &os_;
};

} // namespace

void printAST(const Module &module, llvm::raw_ostream &os) { AstPrinter(module, os).print(); }

} // namespace weir
