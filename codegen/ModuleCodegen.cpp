// IR program -> LLVM module: the stage functions, each aggregate's merge and
// destroy functions, and the constant program descriptor the runtime runs.
#include "codegen/AggregateCodegen.h"
#include "codegen/Codegen.h"
#include "codegen/HashProbe.h"
#include "codegen/StageCodegen.h"
#include "codegen/StateDescription.h"
#include "codegen/WindowCodegen.h"

#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace weir::codegen {

namespace {

class ModuleCodegen {
public:
  ModuleCodegen(const ir::Program &program, Module &module, const CodegenOptions &options)
      : program_(program), module_(module), abi_(module), options_(options) {}

  Error run();

private:
  Error checkSupported();
  void indexNodes();
  Constant *string(StringRef s) {
    return IRBuilder<>(module_.getContext()).CreateGlobalStringPtr(s, "", 0, &module_);
  }
  Constant *i32(uint64_t v) { return ConstantInt::get(abi_.i32(), v); }
  Constant *array(StructType *type, ArrayRef<Constant *> items, StringRef name);
  Constant *fields(const ir::Schema &schema, StringRef name);
  Constant *sourceDesc(const ir::Node &n);
  Constant *sinkDesc(const ir::Node &n);
  Constant *lateSinkDesc(const ir::Node &aggregate);
  Constant *stateDesc(const ir::Node &n);
  Constant *slotDescs(const std::vector<SlotDescription> &slots, StringRef name);
  Constant *stageDesc(const ir::Stage &stage, Function *fn);
  Constant *indexArray(const std::vector<int> &indices, StringRef name); // i32[], NULL when empty
  Function *emitMerge(const ir::Node &aggregate);
  // "per_user" for a pipeline's aggregate ("per_user.2" for its second),
  // the table's name for a join table.
  std::string stateName(const ir::Node &n) const;
  Function *emitDestroy(const ir::Node &aggregate);

  const ir::Program &program_;
  Module &module_;
  RuntimeABI abi_;
  CodegenOptions options_;
  ProgramIndex index_;
  std::vector<const ir::Node *> sources_, sinks_, states_;
  std::vector<const ir::Node *> lateSinks_; // windowed aggregates with a late sink
};

Error ModuleCodegen::checkSupported() {
  if (program_.stages.empty())
    return createStringError(inconvertibleErrorCode(), "codegen needs fused stages (run the fusion pass)");
  // One hash table per static table: every join that reads it must use the same keys.
  std::map<int, const std::vector<int> *> keysOfTable;
  for (const auto &n : program_.nodes) {
    if (n->kind != ir::NodeKind::Join)
      continue;
    auto [it, inserted] = keysOfTable.emplace(n->table, &n->buildKeys);
    if (!inserted && *it->second != n->buildKeys)
      return createStringError(inconvertibleErrorCode(),
                               "table '%s' is joined on different keys by two pipelines; "
                               "declare it twice to join it both ways",
                               program_.node(n->table).name.c_str());
  }
  return Error::success();
}

void ModuleCodegen::indexNodes() {
  for (const auto &n : program_.nodes) {
    switch (n->kind) {
    case ir::NodeKind::Source:
      index_.sourceOf[n->id] = sources_.size();
      sources_.push_back(n.get());
      break;
    case ir::NodeKind::Table:
      index_.sourceOf[n->id] = sources_.size();
      sources_.push_back(n.get());
      index_.stateOf[n->id] = states_.size();
      states_.push_back(n.get());
      break;
    case ir::NodeKind::Aggregate:
      index_.stateOf[n->id] = states_.size();
      states_.push_back(n.get());
      break;
    case ir::NodeKind::Sink:
      index_.sinkOf[n->id] = sinks_.size();
      sinks_.push_back(n.get());
      break;
    default: break;
    }
  }
  // `late to C` side outputs come after the pipelines' sinks.
  for (const auto &n : program_.nodes)
    if (n->kind == ir::NodeKind::Aggregate && n->window.lateToSink) {
      index_.lateSinkOf[n->id] = sinks_.size() + lateSinks_.size();
      lateSinks_.push_back(n.get());
    }
}

Constant *ModuleCodegen::array(StructType *type, ArrayRef<Constant *> items, StringRef name) {
  if (items.empty())
    return ConstantPointerNull::get(abi_.ptr());
  auto *arrayType = ArrayType::get(type, items.size());
  return new GlobalVariable(module_, arrayType, true, GlobalValue::PrivateLinkage,
                            ConstantArray::get(arrayType, items), name);
}

Constant *ModuleCodegen::fields(const ir::Schema &schema, StringRef name) {
  std::vector<Constant *> items;
  for (const ir::Column &c : schema)
    items.push_back(ConstantStruct::get(abi_.fieldDescType(),
                                        {string(c.name), ConstantInt::get(abi_.i8(), (uint8_t)c.type.kind),
                                         ConstantInt::get(abi_.i8(), c.type.nullable)}));
  return array(abi_.fieldDescType(), items, name);
}

Constant *ModuleCodegen::sourceDesc(const ir::Node &n) {
  std::vector<Constant *> used;
  for (int f : n.usedFields)
    used.push_back(i32(f));
  Constant *usedArray = ConstantPointerNull::get(abi_.ptr());
  if (!used.empty()) {
    auto *type = ArrayType::get(abi_.i32(), used.size());
    usedArray = new GlobalVariable(module_, type, true, GlobalValue::PrivateLinkage,
                                   ConstantArray::get(type, used), n.name + ".used");
  }
  return ConstantStruct::get(
      abi_.sourceDescType(),
      {string(n.name), string(n.connector.uri), string(n.connector.format),
       string(n.connector.onError.empty() ? "fail" : n.connector.onError),
       i32(n.kind == ir::NodeKind::Table), i32(n.schema.size()), fields(n.schema, n.name + ".fields"),
       i32(used.size()), usedArray, i32(uint32_t(n.eventTimeField)),
       ConstantInt::get(abi_.i64(), n.watermarkDelayMs)});
}

Constant *ModuleCodegen::sinkDesc(const ir::Node &n) {
  return ConstantStruct::get(abi_.sinkDescType(),
                             {string(n.name), string(n.connector.uri), string(n.connector.format),
                              i32(n.schema.size()), fields(n.schema, n.name + ".sink.fields")});
}

// A late sink writes the aggregate's input rows; it is named after the
// pipeline ("per_minute.late") for --sink rebinding.
Constant *ModuleCodegen::lateSinkDesc(const ir::Node &aggregate) {
  const ir::Connector &c = aggregate.window.lateSink;
  std::string name = stateName(aggregate) + ".late";
  return ConstantStruct::get(abi_.sinkDescType(),
                             {string(name), string(c.uri), string(c.format),
                              i32(program_.node(aggregate.input).schema.size()),
                              fields(program_.node(aggregate.input).schema, name + ".sink.fields")});
}

Constant *ModuleCodegen::stateDesc(const ir::Node &n) {
  bool isAggregate = n.kind == ir::NodeKind::Aggregate;
  Constant *merge = ConstantPointerNull::get(abi_.ptr());
  Constant *destroy = ConstantPointerNull::get(abi_.ptr());
  std::string name = stateName(n);
  if (isAggregate) {
    merge = emitMerge(n);
    if (AggregateCodegen::needsDestroy(n))
      destroy = emitDestroy(n);
  }
  std::vector<Constant *> distinctOffsets;
  if (isAggregate)
    for (size_t i = 0; i < n.aggs.size(); ++i)
      if (n.aggs[i].fn == AggFn::CountDistinct)
        distinctOffsets.push_back(i32(n.layout.aggSlots[i].offset));
  Constant *offsets = ConstantPointerNull::get(abi_.ptr());
  if (!distinctOffsets.empty()) {
    auto *type = ArrayType::get(abi_.i32(), distinctOffsets.size());
    offsets = new GlobalVariable(module_, type, true, GlobalValue::PrivateLinkage,
                                 ConstantArray::get(type, distinctOffsets), name + ".distinct");
  }
  std::vector<SlotDescription> keys, owned;
  std::string fingerprint;
  if (isAggregate) {
    keys = describeKeySlots(n);
    owned = describeOwnedSlots(n);
    fingerprint = layoutFingerprint(n);
  }
  bool windowed = isAggregate && (n.window.kind != ir::WindowKind::None || n.ttlMs > 0);
  return ConstantStruct::get(
      abi_.stateDescType(),
      {string(name), i32(n.layout.entrySize),
       i32(isAggregate ? WEIR_STATE_AGGREGATE : WEIR_STATE_JOIN_TABLE), merge, destroy,
       i32(distinctOffsets.size()), offsets, i32(keys.size()), slotDescs(keys, name + ".keys"),
       i32(n.layout.keyNullBitmapOffset), i32(owned.size()), slotDescs(owned, name + ".owned"),
       string(fingerprint), i32(windowed)});
}

Constant *ModuleCodegen::slotDescs(const std::vector<SlotDescription> &slots, StringRef name) {
  std::vector<Constant *> items;
  for (const SlotDescription &s : slots)
    items.push_back(ConstantStruct::get(
        abi_.slotDescType(), {i32(s.offset), ConstantInt::get(abi_.i8(), s.kind),
                              ConstantInt::get(abi_.i8(), s.type),
                              ConstantInt::get(llvm::Type::getInt16Ty(module_.getContext()),
                                               (uint16_t)s.nullBit)}));
  return array(abi_.slotDescType(), items, name);
}

Constant *ModuleCodegen::indexArray(const std::vector<int> &indices, StringRef name) {
  if (indices.empty())
    return ConstantPointerNull::get(abi_.ptr());
  std::vector<Constant *> items;
  for (int i : indices)
    items.push_back(i32(uint32_t(i)));
  auto *type = ArrayType::get(abi_.i32(), items.size());
  return new GlobalVariable(module_, type, true, GlobalValue::PrivateLinkage, ConstantArray::get(type, items),
                            name);
}

Constant *ModuleCodegen::stageDesc(const ir::Stage &stage, Function *fn) {
  const ir::Node &first = program_.node(stage.nodes.front());
  int source = -1, readState = -1;
  if (stage.kind != ir::StageKind::Emit)
    source = index_.sourceOf.at(first.id);
  else
    readState = index_.stateOf.at(first.id);
  // What each chain the stage runs writes: its own, then a shared scan's
  // members' (one state or one sink each).
  std::vector<const ir::Stage *> chains{&stage};
  for (int member : stage.sharedMembers)
    chains.push_back(&program_.stages[member]);
  std::vector<int> states, sinks;
  bool splittable = stage.kind == ir::StageKind::Scan;
  for (const ir::Stage *chain : chains) {
    const ir::Node &last = program_.node(chain->nodes.back());
    if (chain->kind == ir::StageKind::TableBuild)
      states.push_back(index_.stateOf.at(first.id));
    else if (last.kind == ir::NodeKind::Aggregate && chain->nodes.size() > 1)
      states.push_back(index_.stateOf.at(last.id));
    else if (last.kind == ir::NodeKind::Sink)
      sinks.push_back(index_.sinkOf.at(last.id));
    // Windows fire as the watermark moves through the input in order: a
    // windowed aggregate's scan runs on one thread (and so its shared scan).
    splittable &= !(last.kind == ir::NodeKind::Aggregate && WindowCodegen::hasEventTimeState(last));
  }
  int targetState = states.empty() ? -1 : states.front();
  int sink = sinks.empty() ? -1 : sinks.front();
  std::vector<int> moreStates(states.begin() + std::min<size_t>(1, states.size()), states.end());
  std::vector<int> moreSinks(sinks.begin() + std::min<size_t>(1, sinks.size()), sinks.end());
  return ConstantStruct::get(abi_.stageDescType(),
                             {string(stage.name), i32((uint32_t)stage.kind), // WeirStageKind (RuntimeABI.cpp)
                              i32(source), i32(readState), i32(targetState), i32(sink), i32(splittable), fn,
                              i32(moreStates.size()), indexArray(moreStates, stage.name + ".states"),
                              i32(moreSinks.size()), indexArray(moreSinks, stage.name + ".sinks")});
}

std::string ModuleCodegen::stateName(const ir::Node &n) const {
  if (n.kind != ir::NodeKind::Aggregate)
    return n.name;
  for (const ir::Pipeline &p : program_.pipelines) {
    int ordinal = 0;
    for (int id : p.nodes) {
      ordinal += program_.node(id).kind == ir::NodeKind::Aggregate;
      if (id == n.id)
        return ordinal == 1 ? p.name : p.name + "." + std::to_string(ordinal);
    }
  }
  return "aggregate" + std::to_string(n.id);
}

// Folds every entry of a thread's partial state into the final one, in the
// partial's insertion order (so keys stay in first-seen order).
Function *ModuleCodegen::emitMerge(const ir::Node &aggregate) {
  auto *type = FunctionType::get(abi_.i32(), {abi_.ptr(), abi_.ptr()}, false);
  Function *f = Function::Create(type, Function::InternalLinkage, "merge." + stateName(aggregate), module_);
  FunctionContext fc(abi_, f);
  IRBuilder<> &b = fc.builder();
  Value *dst = f->getArg(0), *src = f->getArg(1);
  StructType *htType = abi_.hashTableType();
  llvm::Type *i64 = abi_.i64();
  AggregateCodegen agg(fc, aggregate);

  emitEntryLoop(fc, src, aggregate.layout.entrySize, [&](Value *srcEntry, Value *i, BasicBlock *next) {
    Value *hash = b.CreateLoad(i64, srcEntry);
    SmallVector<CgValue, 4> keys = agg.loadKeys(srcEntry);
    AggregateCodegen::KeyEntry dstEntry = agg.findOrInsert(dst, hash, keys, /*faultInSpilled=*/false);
    agg.combine(dstEntry.entry, srcEntry);
    // A thread's updates reach a tracked state here (partials never track).
    if (!WindowCodegen::hasEventTimeState(aggregate))
      markChanged(fc, dst, dstEntry.index);
    // Where each partial entry went, for the runtime's merge of the pair sets.
    Value *remap = b.CreateLoad(abi_.ptr(), b.CreateStructGEP(htType, src, RuntimeABI::HT_Remap));
    b.CreateStore(dstEntry.index, b.CreateGEP(i64, remap, i));
    b.CreateBr(next);
  });
  fc.exitWith(i32(0));
  fc.finish();
  return f;
}

Function *ModuleCodegen::emitDestroy(const ir::Node &aggregate) {
  auto *type = FunctionType::get(llvm::Type::getVoidTy(module_.getContext()), {abi_.ptr()}, false);
  Function *f = Function::Create(type, Function::InternalLinkage, "destroy." + stateName(aggregate), module_);
  FunctionContext fc(abi_, f);
  AggregateCodegen(fc, aggregate).destroy(f->getArg(0));
  fc.builder().CreateRetVoid();
  fc.finish();
  return f;
}

Error ModuleCodegen::run() {
  if (Error e = checkSupported())
    return e;
  indexNodes();
  StageCodegen stages(abi_, program_, index_, options_.fuse);
  std::vector<Constant *> stageItems;
  for (const ir::Stage &stage : program_.stages)
    if (stage.runsOnItsOwn()) // a shared scan's members run in their leader's loop
      stageItems.push_back(stageDesc(stage, stages.emitStage(stage)));

  std::vector<Constant *> sourceItems, sinkItems, stateItems;
  for (const ir::Node *n : sources_)
    sourceItems.push_back(sourceDesc(*n));
  for (const ir::Node *n : sinks_)
    sinkItems.push_back(sinkDesc(*n));
  for (const ir::Node *n : lateSinks_)
    sinkItems.push_back(lateSinkDesc(*n));
  for (const ir::Node *n : states_)
    stateItems.push_back(stateDesc(*n));

  Constant *program = ConstantStruct::get(
      abi_.programDescType(),
      {i32(WEIR_ABI_VERSION), string(module_.getName()), i32(sourceItems.size()),
       array(abi_.sourceDescType(), sourceItems, "sources"), i32(sinkItems.size()),
       array(abi_.sinkDescType(), sinkItems, "sinks"), i32(stateItems.size()),
       array(abi_.stateDescType(), stateItems, "states"), i32(stageItems.size()),
       array(abi_.stageDescType(), stageItems, "stages"),
       string(triggerDescriptorText(program_.trigger))});
  new GlobalVariable(module_, abi_.programDescType(), true, GlobalValue::ExternalLinkage, program,
                     "weir_program");

  std::string problems;
  raw_string_ostream os(problems);
  if (verifyModule(module_, &os))
    return createStringError(inconvertibleErrorCode(), "generated invalid LLVM IR: %s", problems.c_str());
  return Error::success();
}

} // namespace

Expected<std::unique_ptr<Module>> generateModule(const ir::Program &program, LLVMContext &context,
                                                 const CodegenOptions &options) {
  auto module = std::make_unique<Module>(options.programName, context);
  ModuleCodegen codegen(program, *module, options);
  if (Error e = codegen.run())
    return std::move(e);
  return std::move(module);
}

} // namespace weir::codegen
