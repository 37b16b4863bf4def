// Pipelines: the input source, the order of steps, and the rows flowing
// through them. Each step computes its output RowShape from its input's.
#include "frontend/Sema.h"

#include "frontend/SemaConnector.h"
#include "frontend/SemaExpr.h"
#include "frontend/Suggest.h"

#include "llvm/ADT/StringSet.h"

namespace weir {

using namespace ast;
using K = TypeKind;

namespace {

RowShape rowOfData(const DataDecl &data) {
  RowShape row;
  for (const FieldDecl &f : data.schema->fields)
    row.push_back({f.name, f.resolved, data.name, f.name});
  if (data.eventTimeField >= 0)
    row[data.eventTimeField].eventTime = true;
  return row;
}

bool carriesEventTime(const RowShape &row) {
  for (const RowColumn &c : row)
    if (c.eventTime)
      return true;
  return false;
}

} // namespace

const DataDecl *Sema::resolveData(const std::string &name, SourceLoc loc, bool wantTable) {
  const char *want = wantTable ? "table" : "source";
  auto it = datas_.find(name);
  if (it == datas_.end()) {
    std::vector<std::string> candidates;
    for (auto &entry : datas_)
      if (entry.second->isTable() == wantTable)
        candidates.push_back(entry.getKey().str());
    diags_.error(loc, std::string("unknown ") + want + " '" + name + "'" +
                          didYouMean(name, candidates));
    return nullptr;
  }
  DataDecl *data = it->second;
  if (data->isTable() != wantTable) {
    diags_.error(loc, "'" + name + "' is a " + (wantTable ? "source" : "table") +
                          (wantTable ? "; only tables can be joined"
                                     : "; a pipeline reads from a source (tables are joined)"));
    diags_.note(data->nameLoc, "'" + name + "' is declared here");
    return nullptr;
  }
  return data->schema ? data : nullptr; // an unknown schema was reported already
}

// Where `sink` and `key by` may appear; independent of the rows' types.
bool Sema::checkStructure(PipelineDecl &p) {
  bool ok = true;
  for (size_t i = 0; i < p.steps.size(); ++i) {
    Step &s = *p.steps[i];
    bool last = i + 1 == p.steps.size();
    if (s.kind == StepKind::Sink && !last) {
      diags_.error(s.loc, "'sink' must be the last step of a pipeline");
      ok = false;
    }
    StepKind next = last ? StepKind::Sink : p.steps[i + 1]->kind;
    if (s.kind == StepKind::KeyBy && next != StepKind::Aggregate && next != StepKind::Window) {
      diags_.error(s.loc, "'key by' must be followed by 'aggregate'");
      ok = false;
    }
    if (s.kind == StepKind::Window && next == StepKind::KeyBy) {
      diags_.error(s.loc, "'window' must come right before 'aggregate': write "
                          "`key by ... | window ... | aggregate ...`");
      ok = false;
    } else if (s.kind == StepKind::Window && next != StepKind::Aggregate) {
      diags_.error(s.loc, "'window' must be followed by 'aggregate'");
      ok = false;
    }
  }
  if (p.steps.empty() || p.steps.back()->kind != StepKind::Sink) {
    SourceLoc at = p.steps.empty() ? p.nameLoc : p.steps.back()->loc;
    diags_.error(at, "pipeline '" + p.name + "' must end with a sink, as in "
                                             "`| sink file(\"out.jsonl\")`");
    ok = false;
  }
  return ok;
}

void Sema::checkPipeline(PipelineDecl &p) {
  p.input = resolveData(p.inputName, p.inputLoc, /*wantTable=*/false);
  RowShape row;
  bool rowKnown = p.input != nullptr;
  if (rowKnown)
    row = rowOfData(*p.input);
  std::set<std::string> joined;
  const ItemsStep *keyBy = nullptr;
  const WindowStep *window = nullptr;
  const Step *eventTimeLostAt = nullptr; // the step whose output lost the event-time column
  std::vector<const AggregateStep *> unbounded; // warned about if the pipeline is fine
  unsigned errorsBefore = diags_.errorCount();
  for (StepPtr &step : p.steps) {
    if (diags_.reachedErrorLimit())
      return;
    bool hadEventTime = rowKnown && carriesEventTime(row);
    if (step->kind != StepKind::Window && step->kind != StepKind::Aggregate)
      window = nullptr;
    if (auto *sink = llvm::dyn_cast<SinkStep>(step.get())) {
      if (checkConnector(sink->connector, ConnectorRole::Sink, diags_) && rowKnown)
        checkSinkRows(sink->connector, row, diags_);
      sink->output = row;
      continue;
    }
    // After an error the rows' shape is unknown: later steps would only
    // produce follow-on errors.
    if (!rowKnown)
      continue;
    switch (step->kind) {
    case StepKind::Where:
      rowKnown = checkWhere(llvm::cast<WhereStep>(*step), row);
      break;
    case StepKind::Select:
      rowKnown = checkSelect(llvm::cast<ItemsStep>(*step), row);
      joined.clear();
      break;
    case StepKind::KeyBy:
      keyBy = llvm::cast<ItemsStep>(step.get());
      rowKnown = checkKeyBy(llvm::cast<ItemsStep>(*step), row);
      break;
    case StepKind::Window:
      window = llvm::cast<WindowStep>(step.get());
      rowKnown = checkWindow(llvm::cast<WindowStep>(*step));
      // A late sink writes the aggregate's input rows: these.
      if (auto &late = llvm::cast<WindowStep>(*step).lateSink; late && late->kind == "kafka")
        checkSinkRows(*late, row, diags_);
      break;
    case StepKind::Aggregate: {
      auto &aggregate = llvm::cast<AggregateStep>(*step);
      aggregate.window = window;
      checkAggregateTime(aggregate, p, row, eventTimeLostAt);
      rowKnown = checkAggregate(aggregate, keyBy, window, row);
      if (rowKnown && options_.warnUnboundedState)
        unbounded.push_back(&aggregate);
      keyBy = nullptr;
      window = nullptr;
      joined.clear();
      break;
    }
    case StepKind::Join: {
      auto &join = llvm::cast<JoinStep>(*step);
      if (!joined.insert(join.tableName).second) {
        diags_.error(join.tableLoc, "table '" + join.tableName + "' is already joined here");
        rowKnown = false;
        break;
      }
      rowKnown = checkJoin(join, row);
      break;
    }
    case StepKind::Sink:
      break;
    }
    step->output = row;
    if (hadEventTime && rowKnown && !carriesEventTime(row) && !eventTimeLostAt)
      eventTimeLostAt = step.get();
  }
  checkStructure(p);
  if (diags_.errorCount() == errorsBefore)
    for (const AggregateStep *aggregate : unbounded)
      warnUnboundedState(*aggregate, p);
}

bool Sema::checkWhere(WhereStep &step, RowShape &row) {
  ExprChecker checker(diags_, row, dataNames_);
  if (!checker.check(*step.predicate))
    return true; // the rows are unchanged either way
  ExprChecker::coerceNull(*step.predicate, Type::of(K::Bool));
  if (step.predicate->type.kind != K::Bool) {
    diags_.error(step.predicate->begin, "the condition of 'where' must be bool, not " +
                                          typeName(step.predicate->type));
  }
  return true;
}

// `name = expr` or a bare column reference, whose name the output keeps.
bool Sema::checkItemExpr(SelectItem &item, ExprChecker &checker, const char *stepName) {
  if (item.name.empty()) {
    auto *name = llvm::dyn_cast<NameExpr>(item.expr.get());
    if (!name) {
      diags_.error(item.expr->begin, std::string("this ") + stepName +
                                       " item needs a name: write `name = <expression>`");
      return false;
    }
    item.outputName = name->name;
  } else {
    item.outputName = item.name;
  }
  if (!checker.check(*item.expr))
    return false;
  if (item.expr->type.kind == K::Null) {
    diags_.error(item.expr->begin, "cannot determine the type of 'null' here; give it one with a "
                                 "cast such as int64(null)");
    return false;
  }
  return true;
}

bool Sema::checkUniqueNames(const std::vector<const SelectItem *> &items) {
  bool ok = true;
  llvm::StringMap<const SelectItem *> seen;
  for (const SelectItem *item : items) {
    auto [it, inserted] = seen.try_emplace(item->outputName, item);
    if (!inserted) {
      diags_.error(item->nameLoc, "duplicate output column '" + item->outputName + "'");
      diags_.note(it->second->nameLoc, "'" + item->outputName + "' is first defined here");
      ok = false;
    }
  }
  return ok;
}

bool Sema::checkSelect(ItemsStep &step, RowShape &row) {
  bool ok = true;
  std::vector<const SelectItem *> items;
  ExprChecker checker(diags_, row, dataNames_);
  for (SelectItem &item : step.items) {
    if (diags_.reachedErrorLimit())
      return false;
    if (checkItemExpr(item, checker, "select"))
      items.push_back(&item);
    else
      ok = false;
  }
  ok = checkUniqueNames(items) && ok;
  if (!ok)
    return false;
  RowShape out;
  for (const SelectItem &item : step.items) {
    out.push_back({item.outputName, item.expr->type, "", ""});
    // `select ..., ts` passes the event-time column on; `t = ts` does not.
    if (auto *name = llvm::dyn_cast<NameExpr>(item.expr.get()))
      out.back().eventTime = row[name->column].eventTime && row[name->column].name == item.outputName;
  }
  row = std::move(out);
  return true;
}

// The keys are checked here; the aggregate step that follows produces the rows.
bool Sema::checkKeyBy(ItemsStep &step, const RowShape &row) {
  bool ok = true;
  ExprChecker checker(diags_, row, dataNames_);
  for (SelectItem &item : step.items) {
    if (diags_.reachedErrorLimit())
      return false;
    ok = checkItemExpr(item, checker, "key") && ok;
  }
  return ok;
}

// Output rows: keys ++ aggregates; with a tumbling, hopping or session window
// keys ++ window_start, window_end ++ aggregates; with a rolling window the
// input row ++ aggregates.
bool Sema::checkAggregate(AggregateStep &step, const ItemsStep *keyBy, const WindowStep *window,
                          RowShape &row) {
  bool ok = true;
  bool rolling = window && window->windowKind == WindowKind::Rolling;
  step.keyBy = keyBy;
  std::vector<const SelectItem *> names;
  RowShape out;
  if (keyBy) {
    for (const SelectItem &key : keyBy->items) {
      if (key.outputName.empty())
        return false; // the key step reported its error
      if (rolling)
        continue; // the input row carries the keys' columns
      ok = checkAggregateOutputName(key, window, row) && ok;
      names.push_back(&key);
      out.push_back({key.outputName, key.expr->type, "", ""});
    }
  }
  if (rolling) {
    out = row;
    for (RowColumn &c : out)
      c.eventTime = false; // an aggregate's rows have no event time (see SemaTime.cpp)
  } else if (window) {
    out.push_back({"window_start", Type::of(K::Timestamp), "", ""});
    out.push_back({"window_end", Type::of(K::Timestamp), "", ""});
  }
  ExprChecker checker(diags_, row, dataNames_);
  for (SelectItem &item : step.items) {
    if (diags_.reachedErrorLimit())
      return false;
    auto *call = llvm::dyn_cast<CallExpr>(item.expr.get());
    if (!call) {
      diags_.error(item.expr->begin, "an aggregate item is a single aggregate call, as in "
                                   "`n = count()` or `total = sum(amount)`");
      ok = false;
      continue;
    }
    if (item.name.empty()) {
      diags_.error(item.expr->loc, "this aggregate needs a name: write `name = " + call->callee +
                                       "(...)`");
      ok = false;
      continue;
    }
    item.outputName = item.name;
    if (!checkAggregateOutputName(item, window, row)) {
      ok = false;
      continue;
    }
    if (!checker.checkAggregateCall(*call)) {
      ok = false;
      continue;
    }
    names.push_back(&item);
    out.push_back({item.outputName, call->type, "", ""});
  }
  ok = checkUniqueNames(names) && ok;
  if (!ok)
    return false;
  row = std::move(out);
  return true;
}

// A window adds window_start and window_end; a rolling window keeps the
// input's columns: neither may be shadowed.
bool Sema::checkAggregateOutputName(const SelectItem &item, const WindowStep *window,
                                    const RowShape &input) {
  if (!window)
    return true;
  if (window->windowKind == WindowKind::Rolling) {
    for (const RowColumn &c : input) {
      if (c.name == item.outputName) {
        diags_.error(item.nameLoc, "aggregate '" + item.outputName +
                                       "' has the name of an input column; a rolling window's "
                                       "rows keep their input columns, so choose another name");
        return false;
      }
    }
    return true;
  }
  if (item.outputName == "window_start" || item.outputName == "window_end") {
    diags_.error(item.nameLoc, "'" + item.outputName + "' is a column the " +
                                   windowKindName(window->windowKind) +
                                   " window adds; choose another name");
    return false;
  }
  return true;
}

bool Sema::checkJoin(JoinStep &step, RowShape &row) {
  step.table = resolveData(step.tableName, step.tableLoc, /*wantTable=*/true);
  if (!step.table)
    return false;
  size_t inputColumns = row.size();
  RowShape out = row;
  llvm::StringSet<> names;
  for (const RowColumn &c : out)
    names.insert(c.name);
  auto taken = [&](const std::string &name) { return names.contains(name); };
  for (const FieldDecl &f : step.table->schema->fields) {
    // A clashing table column is renamed `<table>_<column>`.
    std::string name = taken(f.name) ? step.tableName + "_" + f.name : f.name;
    if (taken(name)) {
      diags_.error(step.tableLoc, "joining '" + step.tableName + "' would create two columns "
                                  "named '" + name + "'; rename one with select first");
      return false;
    }
    names.insert(name);
    out.push_back({name, f.resolved.withNullable(f.resolved.nullable || step.left),
                   step.tableName, f.name});
  }
  ExprChecker checker(diags_, out, dataNames_);
  if (!checker.check(*step.condition))
    return false;
  if (!extractJoinKeys(step, inputColumns))
    return false;
  row = std::move(out);
  return true;
}

// The `on` condition must be `s1 == t.c1 and s2 == t.c2 ...`: each equality
// pairs an expression over the stream row with a column of the table.
bool Sema::extractJoinKeys(JoinStep &step, size_t inputColumns) {
  std::vector<Expr *> conjuncts;
  std::vector<Expr *> work{step.condition.get()};
  while (!work.empty()) {
    Expr *e = work.back();
    work.pop_back();
    auto *b = llvm::dyn_cast<BinaryExpr>(e);
    if (b && b->op == BinaryOp::And) {
      work.push_back(b->rhs.get());
      work.push_back(b->lhs.get());
    } else {
      conjuncts.push_back(e);
    }
  }
  // Whether an expression reads table columns / stream columns.
  auto reads = [&](const Expr &root, bool table) {
    std::vector<const Expr *> todo{&root};
    while (!todo.empty()) {
      const Expr *e = todo.back();
      todo.pop_back();
      if (auto *n = llvm::dyn_cast<NameExpr>(e)) {
        if ((size_t(n->column) >= inputColumns) == table)
          return true;
      } else if (auto *u = llvm::dyn_cast<UnaryExpr>(e)) {
        todo.push_back(u->operand.get());
      } else if (auto *b = llvm::dyn_cast<BinaryExpr>(e)) {
        todo.push_back(b->lhs.get());
        todo.push_back(b->rhs.get());
      } else if (auto *c = llvm::dyn_cast<CallExpr>(e)) {
        for (const ExprPtr &a : c->args)
          todo.push_back(a.get());
      }
    }
    return false;
  };
  auto tableColumn = [&](const Expr &e) -> int {
    auto *n = llvm::dyn_cast<NameExpr>(&e);
    return n && size_t(n->column) >= inputColumns ? n->column - int(inputColumns) : -1;
  };
  bool ok = true;
  for (Expr *c : conjuncts) {
    auto *eq = llvm::dyn_cast<BinaryExpr>(c);
    if (!eq || eq->op != BinaryOp::Eq) {
      diags_.error(c->begin, "a join condition must be equalities joined by 'and', each comparing "
                           "the stream with a column of '" + step.tableName + "'");
      ok = false;
      continue;
    }
    Expr *probe = eq->lhs.get(), *build = eq->rhs.get();
    if (tableColumn(*build) < 0 || reads(*probe, true))
      std::swap(probe, build);
    if (tableColumn(*build) < 0 || reads(*probe, true)) {
      diags_.error(eq->loc, "each equality of a join condition compares an expression over the "
                            "stream with a column of '" + step.tableName + "', as in "
                            "`merchant == " + step.tableName + ".name`");
      ok = false;
      continue;
    }
    Type probeType = probe->type, buildType = build->type;
    if (probeType.kind != buildType.kind) {
      diags_.error(eq->loc, "join keys have different types: " + typeName(probeType) + " and " +
                                typeName(buildType));
      diags_.note(probe->begin, "convert one side, e.g. with int64(...) or string(...)");
      ok = false;
      continue;
    }
    step.probeKeys.push_back(probe);
    step.buildKeys.push_back(tableColumn(*build));
  }
  return ok;
}

} // namespace weir
