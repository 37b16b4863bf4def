// Event time: a source's `event_time COL watermark D`, the `window` step and
// an aggregate's `ttl D`, and what they need of the pipeline (an event-time
// source whose column reaches the aggregate unchanged); and processing time:
// the file's `trigger`.
#include "frontend/Sema.h"

#include "frontend/SemaConnector.h"
#include "frontend/SemaExpr.h"
#include "frontend/Suggest.h"

#include <algorithm>

namespace weir {

using namespace ast;
using K = TypeKind;

namespace {

// A duration literal's milliseconds (`-5s` is read as negative), or an error
// naming `what` ("the watermark delay").
std::optional<int64_t> durationOf(Expr &e, const std::string &what, bool allowZero,
                                  const char *example, DiagnosticEngine &diags) {
  const auto *lit = llvm::dyn_cast<LiteralExpr>(&e);
  bool negative = false;
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&e); u && u->op == UnaryOp::Neg) {
    lit = llvm::dyn_cast<LiteralExpr>(u->operand.get());
    negative = true;
  }
  if (!lit || lit->literalKind != LiteralKind::Duration) {
    diags.error(e.begin, what + " must be a duration literal, as in " + example);
    return std::nullopt;
  }
  // Types for the AST dump; a (negated) literal reads no columns.
  static const RowShape noColumns;
  static const std::set<std::string> noNames;
  ExprChecker(diags, noColumns, noNames).check(e);
  if (negative || (lit->intValue == 0 && !allowZero)) {
    diags.error(e.begin, what + (allowZero ? " must not be negative" : " must be greater than 0"));
    return std::nullopt;
  }
  return lit->intValue;
}

// Each kind's parameters, in the order positional arguments bind to them.
struct WindowShape {
  WindowKind kind; // its word is windowKindName(kind)
  std::vector<const char *> params;
  const char *example;
};

const std::vector<WindowShape> &windowShapes() {
  static const std::vector<WindowShape> shapes = {
      {WindowKind::Tumbling, {"size"}, "tumbling(1m)"},
      {WindowKind::Hopping, {"size", "slide"}, "hopping(size = 10m, slide = 1m)"},
      {WindowKind::Session, {"gap"}, "session(gap = 5m)"},
      {WindowKind::Rolling, {"size"}, "rolling(1h)"},
  };
  return shapes;
}

std::string shapeSignature(const WindowShape &shape) {
  std::string s = std::string(windowKindName(shape.kind)) + "(";
  for (size_t i = 0; i < shape.params.size(); ++i)
    s += (i ? ", " : "") + std::string(shape.params[i]);
  return s + ")";
}

// A choice among words ("final" or "updates"): did-you-mean, else the list.
std::string choiceHint(const std::string &word, const std::vector<std::string> &choices) {
  std::string hint = didYouMean(word, choices);
  if (!hint.empty())
    return hint;
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i)
    list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + ("'" + choices[i] + "'");
  return "; expected " + list;
}

} // namespace

// `trigger available_now | realtime | every D`: at most one per file, D > 0.
void Sema::checkTrigger(TriggerDecl &t) {
  if (trigger_) {
    diags_.error(t.loc, "a file declares at most one trigger");
    diags_.note(trigger_->loc, "the previous trigger is here");
  } else {
    trigger_ = &t;
  }
  static const TriggerKind kinds[] = {TriggerKind::AvailableNow, TriggerKind::Realtime,
                                      TriggerKind::Every};
  std::vector<std::string> names;
  for (TriggerKind k : kinds)
    names.emplace_back(triggerKindName(k));
  auto known = std::find(names.begin(), names.end(), t.kindName);
  if (known == names.end()) {
    diags_.error(t.kindLoc, "unknown trigger '" + t.kindName + "'" + choiceHint(t.kindName, names));
    return;
  }
  t.resolved.kind = kinds[known - names.begin()];
  if (t.resolved.kind != TriggerKind::Every) {
    if (t.interval)
      diags_.error(t.interval->begin, "'trigger " + t.kindName +
                                          "' takes no interval; did you mean 'trigger every'?");
    return;
  }
  if (!t.interval) {
    diags_.error(t.kindLoc, "'trigger every' needs an interval, as in trigger every 30s");
    return;
  }
  if (auto ms = durationOf(*t.interval, "the trigger interval", /*allowZero=*/false,
                           "trigger every 30s", diags_))
    t.resolved.everyMs = *ms;
}

// `event_time COL [watermark D]`: COL a non-nullable timestamp field, D >= 0.
void Sema::checkEventTime(DataDecl &data) {
  if (!data.hasEventTime())
    return;
  if (data.isTable()) {
    diags_.error(data.eventTimeLoc, "a table has no event time; 'event_time' applies to sources");
    return;
  }
  if (data.watermark) {
    if (auto ms = durationOf(*data.watermark, "the watermark delay", /*allowZero=*/true, "5s",
                             diags_))
      data.watermarkMs = *ms;
  }
  if (!data.schema)
    return; // an unknown schema was reported
  std::vector<std::string> names;
  for (size_t i = 0; i < data.schema->fields.size(); ++i) {
    const FieldDecl &f = data.schema->fields[i];
    names.push_back(f.name);
    if (f.name != data.eventTimeColumn)
      continue;
    if (f.resolved.kind == K::Null)
      return; // a field of an unknown type, reported at its declaration
    if (f.resolved.kind != K::Timestamp) {
      diags_.error(data.eventTimeColumnLoc, "the event-time column '" + f.name +
                                                "' must be a timestamp, not " +
                                                typeName(f.resolved));
      diags_.note(f.loc, "'" + f.name + "' is declared here");
      return;
    }
    if (f.resolved.nullable) {
      diags_.error(data.eventTimeColumnLoc, "the event-time column '" + f.name +
                                                "' must not be nullable: every row needs an "
                                                "event time");
      diags_.note(f.loc, "'" + f.name + "' is declared " + typeName(f.resolved) + " here");
      return;
    }
    data.eventTimeField = static_cast<int>(i);
    return;
  }
  diags_.error(data.eventTimeColumnLoc, "schema '" + data.schemaName + "' has no column '" +
                                            data.eventTimeColumn + "'" +
                                            didYouMean(data.eventTimeColumn, names));
}

// Resolves the kind, its durations and the clauses. Returns false when the
// kind is unknown (the aggregate's rows are then unknown too).
bool Sema::checkWindow(WindowStep &step) {
  const WindowShape *shape = nullptr;
  std::vector<std::string> kinds;
  for (const WindowShape &s : windowShapes()) {
    kinds.push_back(windowKindName(s.kind));
    if (step.kindName == windowKindName(s.kind))
      shape = &s;
  }
  if (!shape) {
    diags_.error(step.kindLoc,
                 "unknown window kind '" + step.kindName + "'" + choiceHint(step.kindName, kinds));
    return false;
  }
  step.windowKind = shape->kind;
  checkWindowArgs(step);
  checkWindowClauses(step);
  return true;
}

void Sema::checkWindowArgs(WindowStep &step) {
  const WindowShape &shape = *std::find_if(windowShapes().begin(), windowShapes().end(),
                                           [&](const WindowShape &s) { return s.kind == step.windowKind; });
  std::vector<const ConnectorArg *> bound(shape.params.size(), nullptr);
  std::vector<std::string> paramNames(shape.params.begin(), shape.params.end());
  size_t nextPositional = 0;
  bool ok = true;
  for (const ConnectorArg &arg : step.args) {
    size_t slot = shape.params.size();
    if (arg.name.empty()) {
      slot = nextPositional++;
      if (slot >= shape.params.size()) {
        diags_.error(arg.loc, "too many arguments for " + shapeSignature(shape) + "; write " +
                                  shape.example);
        ok = false;
        continue;
      }
    } else {
      for (size_t i = 0; i < shape.params.size(); ++i)
        if (arg.name == shape.params[i])
          slot = i;
      if (slot == shape.params.size()) {
        diags_.error(arg.loc, "unknown argument '" + arg.name + "' for " + shapeSignature(shape) +
                                  didYouMean(arg.name, paramNames));
        ok = false;
        continue;
      }
    }
    if (bound[slot]) {
      diags_.error(arg.loc, "duplicate argument '" + paramNames[slot] + "'");
      diags_.note(bound[slot]->loc, "previous value is here");
      ok = false;
      continue;
    }
    bound[slot] = &arg;
  }
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i]) {
      if (ok)
        diags_.error(step.kindLoc, std::string(windowKindName(shape.kind)) + "() needs its " + paramNames[i] +
                                       ": write " + shape.example);
      return;
    }
  }
  if (!ok)
    return;
  std::string kind = windowKindName(shape.kind);
  std::vector<std::optional<int64_t>> ms;
  for (size_t i = 0; i < bound.size(); ++i)
    ms.push_back(durationOf(*bound[i]->value, "the " + kind + " window's " + paramNames[i],
                            /*allowZero=*/false, "1m", diags_));
  switch (step.windowKind) {
  case WindowKind::Tumbling:
  case WindowKind::Rolling:
    step.sizeMs = step.slideMs = ms[0].value_or(0);
    break;
  case WindowKind::Session:
    step.gapMs = ms[0].value_or(0);
    break;
  case WindowKind::Hopping:
    step.sizeMs = ms[0].value_or(0);
    step.slideMs = ms[1].value_or(0);
    if (ms[0] && ms[1] && step.sizeMs % step.slideMs != 0) {
      const auto &size = llvm::cast<LiteralExpr>(*bound[0]->value);
      const auto &slide = llvm::cast<LiteralExpr>(*bound[1]->value);
      diags_.error(bound[0]->value->begin, "the hopping window's size (" + size.spelling +
                                               ") must be a multiple of its slide (" +
                                               slide.spelling + ")");
    }
    break;
  case WindowKind::None: // the IR's unwindowed aggregate: no window step has it
    break;
  }
}

// `emit final|updates`, `late drop|late to CONNECTOR`.
void Sema::checkWindowClauses(WindowStep &step) {
  if (step.emitMode == "updates")
    step.emitUpdates = true;
  else if (!step.emitMode.empty() && step.emitMode != "final")
    diags_.error(step.emitLoc, "unknown emit policy '" + step.emitMode + "'" +
                                   choiceHint(step.emitMode, {"final", "updates"}));
  if (step.lateAction.empty())
    return;
  if (step.lateAction == "to") {
    if (!step.lateSink)
      diags_.error(step.lateLoc, "'late to' needs a sink, as in late to file(\"late.jsonl\")");
    else
      checkConnector(*step.lateSink, ConnectorRole::Sink, diags_);
  } else if (step.lateAction == "drop") {
    if (step.lateSink) {
      diags_.error(step.lateSink->loc, "'late drop' takes no sink; to keep late rows write "
                                       "late to " + step.lateSink->kind + "(...)");
      step.lateSink.reset();
    }
  } else {
    diags_.error(step.lateLoc, "unknown late policy '" + step.lateAction + "'" +
                                   choiceHint(step.lateAction, {"drop", "to"}));
    step.lateSink.reset();
  }
}

// A window or ttl needs the source's event time, and its column in the
// aggregate's input row (`input`), under its own name.
void Sema::checkAggregateTime(AggregateStep &step, const PipelineDecl &p, const RowShape &input,
                              const Step *eventTimeLostAt) {
  if (step.ttl) {
    if (step.window) {
      diags_.error(step.ttlLoc, "'ttl' applies to unwindowed aggregates; a window's state is "
                                "dropped once the watermark passes the window");
      return;
    }
    if (auto ms = durationOf(*step.ttl, "the ttl", /*allowZero=*/false, "1d", diags_))
      step.ttlMs = *ms;
  }
  if (!step.window && !step.ttl) {
    // An unwindowed aggregate over an event-time source still follows event
    // time: first/last are the values of the earliest/latest rows.
    if (p.input && p.input->hasEventTime())
      for (size_t i = 0; i < input.size(); ++i)
        if (input[i].eventTime) {
          step.timeColumn = static_cast<int>(i);
          step.watermarkMs = p.input->watermarkMs;
        }
    return;
  }
  std::string what = step.window ? "'window'" : "'ttl'";
  SourceLoc at = step.window ? step.window->loc : step.ttlLoc;
  const DataDecl *source = p.input;
  if (!source)
    return; // an unknown source was reported
  if (!source->hasEventTime()) {
    diags_.error(at, what + " needs event time, but source '" + source->name +
                         "' has no event_time clause");
    diags_.note(source->nameLoc, "add `event_time <timestamp column>` after the connector of '" +
                                     source->name + "'");
    return;
  }
  if (source->eventTimeField < 0)
    return; // its error was reported at the source
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i].eventTime) {
      step.timeColumn = static_cast<int>(i);
      step.watermarkMs = source->watermarkMs;
      return;
    }
  }
  const std::string &column = source->eventTimeColumn;
  diags_.error(at, what + " needs the event-time column '" + column + "' of source '" +
                       source->name + "', which does not reach it");
  if (eventTimeLostAt && eventTimeLostAt->kind == StepKind::Select) {
    // `select t = ts` renames it; anything else drops it.
    for (const SelectItem &item : llvm::cast<ItemsStep>(eventTimeLostAt)->items) {
      auto *name = llvm::dyn_cast<NameExpr>(item.expr.get());
      if (name && name->name == column && !item.name.empty()) {
        diags_.note(item.nameLoc, "this select renames '" + column + "' to '" + item.name +
                                      "'; event time is read under its own name");
        return;
      }
    }
    diags_.note(eventTimeLostAt->loc,
                "this select drops '" + column + "'; keep it unchanged, as in `select ..., " +
                    column + "`");
  } else if (eventTimeLostAt && eventTimeLostAt->kind == StepKind::Aggregate) {
    // Its results are emitted as the watermark passes them: downstream rows
    // have no event time of their own (a rolling window's `ts` is a copy).
    diags_.note(eventTimeLostAt->loc, "the rows after this aggregate have no event time");
  } else if (eventTimeLostAt) {
    diags_.note(eventTimeLostAt->loc, std::string("this ") + stepKindName(eventTimeLostAt->kind) +
                                          " does not pass '" + column + "' on");
  }
}

// `weir check`: keyed state without a window or ttl keeps every key it has
// ever seen.
void Sema::warnUnboundedState(const AggregateStep &step, const PipelineDecl &p) {
  if (!step.keyBy || step.window || step.ttl)
    return;
  diags_.warning(step.loc, "keyed aggregate '" + p.name +
                               "' keeps one state entry per key forever (its state grows with "
                               "the number of distinct keys); add a window or 'ttl <duration>'");
  if (p.input && !p.input->hasEventTime() && notedNoEventTime_.insert(p.input).second)
    diags_.note(p.input->nameLoc, "windows and ttl need event time: add `event_time <timestamp "
                                  "column>` to source '" + p.input->name + "'");
}

} // namespace weir
