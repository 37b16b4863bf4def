#include "frontend/Sema.h"

#include "frontend/Frontend.h"
#include "frontend/SemaConnector.h"
#include "frontend/Suggest.h"

namespace weir {

using namespace ast;

namespace {

const char *declWord(DeclKind k) {
  switch (k) {
  case DeclKind::Schema: return "schema";
  case DeclKind::Source: return "source";
  case DeclKind::Table: return "table";
  case DeclKind::Pipeline: return "pipeline";
  case DeclKind::Trigger: return "trigger";
  }
  return "?";
}

template <typename Map> std::vector<std::string> keysOf(const Map &map) {
  std::vector<std::string> keys;
  for (const auto &entry : map)
    keys.push_back(entry.getKey().str());
  return keys;
}

} // namespace

bool Sema::run() {
  unsigned errorsBefore = diags_.errorCount();
  diags_.beginDeferred();
  for (DeclPtr &d : module_.decls)
    declare(*d);
  for (DeclPtr &d : module_.decls)
    if (auto *s = llvm::dyn_cast<SchemaDecl>(d.get()))
      checkSchema(*s);
  for (DeclPtr &d : module_.decls)
    if (auto *data = llvm::dyn_cast<DataDecl>(d.get()))
      checkData(*data);
  for (DeclPtr &d : module_.decls)
    if (auto *t = llvm::dyn_cast<TriggerDecl>(d.get()))
      checkTrigger(*t);
  for (DeclPtr &d : module_.decls)
    if (auto *p = llvm::dyn_cast<PipelineDecl>(d.get()); p && !diags_.reachedErrorLimit())
      checkPipeline(*p);
  checkSinkFiles();
  if (pipelines_.empty() && diags_.errorCount() == errorsBefore)
    diags_.warning({}, "no pipelines declared; nothing will run");
  diags_.flushDeferred();
  bool ok = diags_.errorCount() == errorsBefore;
  module_.checked = ok;
  return ok;
}

void Sema::declare(Decl &d) {
  Decl *previous = nullptr;
  if (auto *s = llvm::dyn_cast<SchemaDecl>(&d)) {
    auto [it, inserted] = schemas_.try_emplace(d.name, s);
    previous = inserted ? nullptr : it->second;
  } else if (auto *data = llvm::dyn_cast<DataDecl>(&d)) {
    auto [it, inserted] = datas_.try_emplace(d.name, data);
    previous = inserted ? nullptr : it->second;
    dataNames_.insert(d.name);
  } else if (auto *p = llvm::dyn_cast<PipelineDecl>(&d)) {
    auto [it, inserted] = pipelines_.try_emplace(d.name, p);
    previous = inserted ? nullptr : it->second;
  }
  if (previous) {
    diags_.error(d.nameLoc, std::string("redefinition of '") + d.name + "'");
    diags_.note(previous->nameLoc,
                std::string("previous definition of ") + declWord(previous->kind) + " '" +
                    d.name + "' is here");
  }
}

std::optional<Type> Sema::resolveType(const TypeRef &ref) {
  static const std::pair<const char *, TypeKind> names[] = {
      {"bool", TypeKind::Bool},         {"int64", TypeKind::Int64},
      {"float64", TypeKind::Float64},   {"string", TypeKind::String},
      {"timestamp", TypeKind::Timestamp}, {"duration", TypeKind::Duration}};
  for (auto &[name, kind] : names)
    if (ref.name == name)
      return Type::of(kind, ref.nullable);
  std::vector<std::string> candidates;
  for (auto &[name, kind] : names)
    candidates.push_back(name);
  std::string hint = didYouMean(ref.name, candidates);
  if (hint.empty() && (ref.name == "int" || ref.name == "integer" || ref.name == "long"))
    hint = "; did you mean 'int64'?";
  if (hint.empty() && (ref.name == "float" || ref.name == "double"))
    hint = "; did you mean 'float64'?";
  diags_.error(ref.loc, "unknown type '" + ref.name + "'" + hint);
  return std::nullopt;
}

void Sema::checkSchema(SchemaDecl &schema) {
  llvm::StringMap<const FieldDecl *> seen;
  if (schema.fields.empty())
    diags_.error(schema.nameLoc, "schema '" + schema.name + "' has no fields");
  for (FieldDecl &field : schema.fields) {
    // A field of an unknown type keeps type Null; ExprChecker silently
    // rejects uses of it, so the one error is reported once.
    if (auto t = resolveType(field.type))
      field.resolved = *t;
    auto [it, inserted] = seen.try_emplace(field.name, &field);
    if (!inserted) {
      diags_.error(field.loc, "duplicate field '" + field.name + "' in schema '" + schema.name + "'");
      diags_.note(it->second->loc, "previous field '" + field.name + "' is here");
    }
  }
}

void Sema::checkData(DataDecl &data) {
  auto it = schemas_.find(data.schemaName);
  if (it == schemas_.end()) {
    std::string hint = didYouMean(data.schemaName, keysOf(schemas_));
    if (datas_.count(data.schemaName) || pipelines_.count(data.schemaName))
      diags_.error(data.schemaLoc, "'" + data.schemaName + "' is not a schema");
    else
      diags_.error(data.schemaLoc, "unknown schema '" + data.schemaName + "'" + hint);
  } else {
    data.schema = it->second;
  }
  bool connectorOk = checkConnector(
      data.connector, data.isTable() ? ConnectorRole::Table : ConnectorRole::Source, diags_);
  if (data.schema && data.connector.kind == "kafka" && !data.isTable() && connectorOk)
    checkKafkaSourceSchema(data.connector, *data.schema, data.schemaLoc, diags_);
  checkEventTime(data);
}

// Two sinks writing one file would overwrite each other's rows: pipelines'
// sinks and windows' `late to` sinks alike.
void Sema::checkSinkFiles() {
  llvm::StringMap<std::pair<const Connector *, const PipelineDecl *>> writers;
  auto claim = [&](const PipelineDecl &p, const Connector &c) {
    if (!llvm::StringRef(c.uri).starts_with("file:") || c.uri == "file:")
      return;
    auto [it, inserted] = writers.try_emplace(c.uri, &c, &p);
    if (inserted)
      return;
    std::string file = "\"" + c.uri.substr(5) + "\"";
    if (it->second.second == &p)
      diags_.error(c.loc, "pipeline '" + p.name + "' writes " + file + " twice");
    else
      diags_.error(c.loc, "pipeline '" + p.name + "' writes " + file +
                              ", which another pipeline writes too");
    diags_.note(it->second.first->loc, "the other sink is here");
  };
  for (DeclPtr &d : module_.decls) {
    auto *p = llvm::dyn_cast<PipelineDecl>(d.get());
    if (!p || p->steps.empty())
      continue;
    for (const StepPtr &step : p->steps)
      if (auto *w = llvm::dyn_cast<WindowStep>(step.get()); w && w->lateSink)
        claim(*p, *w->lateSink);
    if (auto *sink = llvm::dyn_cast<SinkStep>(p->steps.back().get()))
      claim(*p, sink->connector);
  }
}

bool checkModule(Module &module, DiagnosticEngine &diags, const CheckOptions &options) {
  return Sema(module, diags, options).run();
}

} // namespace weir
