// AST -> ir::Program. One Source node per declared source some pipeline
// reads (shared by its pipelines), one Table node per table some pipeline
// joins, and per pipeline a chain Source -> Filter/Project/Join/Aggregate ->
// Sink; `key by` and `window` become fields of the Aggregate that follows
// them (its keys, window, time column and ttl). Sema has resolved every name
// and checked every rule, so this only builds.
#include "frontend/Frontend.h"

#include <algorithm>
#include "frontend/LowerExpr.h"

#include <cassert>
#include <map>
#include <set>

namespace weir {

using namespace ast;

namespace {

ir::Schema schemaOf(const RowShape &row) {
  ir::Schema schema;
  for (const RowColumn &c : row)
    schema.push_back({c.name, c.type});
  return schema;
}

ir::Schema schemaOf(const SchemaDecl &decl) {
  ir::Schema schema;
  for (const FieldDecl &f : decl.fields)
    schema.push_back({f.name, f.resolved});
  return schema;
}

ir::Connector connectorOf(const ast::Connector &c) {
  ir::Connector out;
  out.kind = c.kind;
  out.uri = c.uri;
  out.format = c.format;
  out.onError = c.onError;
  out.loc = c.loc;
  return out;
}

ir::WindowSpec windowOf(const WindowStep &w) {
  ir::WindowSpec spec;
  spec.kind = w.windowKind;
  spec.sizeMs = w.windowKind == WindowKind::Session ? 0 : w.sizeMs;
  spec.slideMs = w.windowKind == WindowKind::Hopping    ? w.slideMs
                 : w.windowKind == WindowKind::Tumbling ? w.sizeMs
                                                             : 0;
  spec.gapMs = w.gapMs;
  spec.emit = w.emitUpdates ? ir::EmitPolicy::Updates : ir::EmitPolicy::Final;
  spec.lateToSink = w.lateSink.has_value();
  if (w.lateSink)
    spec.lateSink = connectorOf(*w.lateSink);
  spec.loc = w.loc;
  return spec;
}

class Lowering {
public:
  explicit Lowering(const Module &module) : module_(module) {}

  std::unique_ptr<ir::Program> run() {
    // Data nodes first, in declaration order, so node ids do not depend on
    // which pipeline happens to use a source first.
    std::set<const DataDecl *> used = usedData();
    for (const DeclPtr &d : module_.decls)
      if (auto *data = llvm::dyn_cast<DataDecl>(d.get()); data && used.count(data))
        addDataNode(*data);
    for (const DeclPtr &d : module_.decls)
      if (auto *p = llvm::dyn_cast<PipelineDecl>(d.get()))
        lowerPipeline(*p);
    for (const DeclPtr &d : module_.decls)
      if (auto *t = llvm::dyn_cast<TriggerDecl>(d.get())) {
        program_->trigger = t->resolved;
        program_->triggerDeclared = true;
        program_->triggerLoc = t->loc;
        break; // Sema allows one
      }
    return std::move(program_);
  }

private:
  // The sources pipelines read and the tables they join.
  std::set<const DataDecl *> usedData() const {
    std::set<const DataDecl *> used;
    for (const DeclPtr &d : module_.decls) {
      auto *p = llvm::dyn_cast<PipelineDecl>(d.get());
      if (!p)
        continue;
      used.insert(p->input);
      for (const StepPtr &s : p->steps)
        if (auto *j = llvm::dyn_cast<JoinStep>(s.get()))
          used.insert(j->table);
    }
    return used;
  }

  void addDataNode(const DataDecl &data) {
    ir::Node &n = program_->addNode(data.isTable() ? ir::NodeKind::Table : ir::NodeKind::Source);
    n.schema = schemaOf(*data.schema);
    n.loc = data.loc;
    n.name = data.name;
    n.connector = connectorOf(data.connector);
    n.eventTimeField = data.eventTimeField;
    n.watermarkDelayMs = data.watermarkMs;
    dataNodes_[&data] = n.id;
  }

  // The Table node a join probes: one hash table per table and key, so a
  // table joined on two different keys is read into two tables.
  int tableNodeFor(const DataDecl &table, const std::vector<int> &buildKeys) {
    int first = dataNodes_.at(&table);
    for (const auto &n : program_->nodes)
      if (n->kind == ir::NodeKind::Join && n->table >= 0 && program_->node(n->table).name == table.name &&
          n->buildKeys == buildKeys)
        return n->table;
    bool firstIsTaken = false;
    for (const auto &n : program_->nodes)
      firstIsTaken |= n->kind == ir::NodeKind::Join && n->table == first;
    if (!firstIsTaken)
      return first;
    addDataNode(table); // the same declaration again, built on other keys
    int again = program_->nodes.back()->id;
    dataNodes_[&table] = first;
    return again;
  }

  // Appends a node fed by `input` and returns it.
  ir::Node &append(ir::NodeKind kind, int input, const Step &step, ir::Pipeline &pipeline) {
    ir::Node &n = program_->addNode(kind);
    n.input = input;
    n.loc = step.loc;
    n.schema = schemaOf(step.output);
    pipeline.nodes.push_back(n.id);
    return n;
  }

  void lowerPipeline(const PipelineDecl &p) {
    ir::Pipeline pipeline;
    pipeline.name = p.name;
    pipeline.loc = p.loc;
    int current = dataNodes_.at(p.input);
    pipeline.nodes.push_back(current);
    for (const StepPtr &step : p.steps) {
      switch (step->kind) {
      case StepKind::Where: {
        ir::Node &n = append(ir::NodeKind::Filter, current, *step, pipeline);
        n.predicate = lowerExpr(*llvm::cast<WhereStep>(*step).predicate);
        current = n.id;
        break;
      }
      case StepKind::Select: {
        ir::Node &n = append(ir::NodeKind::Project, current, *step, pipeline);
        for (const SelectItem &item : llvm::cast<ItemsStep>(*step).items)
          n.exprs.push_back(lowerExpr(*item.expr));
        current = n.id;
        break;
      }
      case StepKind::KeyBy:
      case StepKind::Window:
        break; // lowered with their aggregate
      case StepKind::Aggregate: {
        auto &aggregate = llvm::cast<AggregateStep>(*step);
        ir::Node &n = append(ir::NodeKind::Aggregate, current, *step, pipeline);
        if (aggregate.keyBy)
          for (const SelectItem &key : aggregate.keyBy->items)
            n.keys.push_back(lowerExpr(*key.expr));
        for (const SelectItem &item : aggregate.items) {
          auto &call = llvm::cast<CallExpr>(*item.expr);
          ir::AggCall agg;
          agg.fn = *call.aggFn;
          // approx_percentile(x, p): p is a constant of the call, not an input.
          agg.arg = call.args.empty() ? nullptr : lowerExpr(*call.args[0]);
          agg.resultType = call.type;
          agg.name = item.outputName;
          agg.param = call.aggParam;
          n.aggs.push_back(std::move(agg));
        }
        if (aggregate.window)
          n.window = windowOf(*aggregate.window);
        n.timeColumn = aggregate.timeColumn;
        // Unwindowed: the event time only orders first/last.
        bool ordersByTime = aggregate.window || aggregate.ttl ||
                            std::any_of(n.aggs.begin(), n.aggs.end(), [](const ir::AggCall &a) {
                              return a.fn == AggFn::First || a.fn == AggFn::Last;
                            });
        if (!ordersByTime)
          n.timeColumn = -1;
        n.watermarkDelayMs = n.timeColumn >= 0 ? aggregate.watermarkMs : 0;
        n.ttlMs = aggregate.ttlMs;
        current = n.id;
        break;
      }
      case StepKind::Join: {
        auto &join = llvm::cast<JoinStep>(*step);
        ir::Node &n = append(ir::NodeKind::Join, current, *step, pipeline);
        n.table = tableNodeFor(*join.table, join.buildKeys);
        n.leftJoin = join.left;
        for (const Expr *probe : join.probeKeys)
          n.probeKeys.push_back(lowerExpr(*probe));
        n.buildKeys = join.buildKeys;
        current = n.id;
        break;
      }
      case StepKind::Sink: {
        ir::Node &n = append(ir::NodeKind::Sink, current, *step, pipeline);
        n.name = p.name;
        n.connector = connectorOf(llvm::cast<SinkStep>(*step).connector);
        current = n.id;
        break;
      }
      }
    }
    program_->pipelines.push_back(std::move(pipeline));
  }

  const Module &module_;
  std::unique_ptr<ir::Program> program_ = std::make_unique<ir::Program>();
  std::map<const DataDecl *, int> dataNodes_;
};

} // namespace

std::unique_ptr<ir::Program> lowerToIR(const Module &module) {
  assert(module.checked && "lowerToIR needs a module that checkModule accepted");
  return Lowering(module).run();
}

} // namespace weir
