#include "codegen/StageCodegen.h"

#include "codegen/RowBuffer.h"

using namespace llvm;

namespace weir::codegen {

Function *StageCodegen::newStatusFunction(const Twine &name, unsigned extraPointerArgs) {
  std::vector<llvm::Type *> params(1 + extraPointerArgs, abi_.ptr());
  auto *type = FunctionType::get(abi_.i32(), params, false);
  Function *f = Function::Create(type, Function::InternalLinkage, name, abi_.module());
  f->addFnAttr(Attribute::NoUnwind);
  return f;
}

Function *StageCodegen::emitStage(const ir::Stage &stage) {
  Function *f = newStatusFunction("stage." + stage.name, 0);
  FunctionContext fc(abi_, f);
  if (stage.kind == ir::StageKind::Emit)
    produceAggregateResults(fc, stage);
  else
    produceRecords(fc, stage);
  fc.finish();
  return f;
}

void StageCodegen::consume(FunctionContext &fc, const ir::Stage &stage, size_t pos, const Row &row,
                           BasicBlock *next) {
  IRBuilder<> &b = fc.builder();
  if (!fused_ && pos != translateInlineAt_) {
    // Materialize the row and call the operator's own function.
    Function *op = operatorFunction(stage, pos);
    Value *buffer = fc.entryAlloca(abi_.valueType(), "rowbuf", std::max<size_t>(row.size(), 1));
    storeRow(fc, buffer, row);
    fc.exitOnError(b.CreateCall(op, {fc.task(), buffer}));
    b.CreateBr(next);
    return;
  }
  const ir::Node &n = node(stage.nodes[pos]);
  switch (n.kind) {
  case ir::NodeKind::Filter: return consumeFilter(fc, stage, pos, row, next);
  case ir::NodeKind::Project: return consumeProject(fc, stage, pos, row, next);
  case ir::NodeKind::Join: return consumeJoinProbe(fc, stage, pos, row, next);
  case ir::NodeKind::Aggregate: return consumeAggregateUpdate(fc, n, row, next);
  case ir::NodeKind::Sink: return consumeSink(fc, n, row, next);
  case ir::NodeKind::Table: return consumeTableBuild(fc, n, row, next);
  case ir::NodeKind::Source: break;
  }
  assert(false && "a source in the middle of a stage");
}

Function *StageCodegen::operatorFunction(const ir::Stage &stage, size_t pos) {
  Function *&cached = operatorFunctions_[{stage.id, pos}];
  if (cached)
    return cached;
  const ir::Node &n = node(stage.nodes[pos]);
  const ir::Node &input = node(stage.nodes[pos - 1]);
  Function *f = newStatusFunction("op." + stage.name + "." + std::to_string(pos) + "." +
                                      ir::nodeKindName(n.kind),
                                  1);
  f->addFnAttr(Attribute::NoInline); // keeping operators apart is the point of --no-fuse
  cached = f;
  FunctionContext fc(abi_, f);
  bool decodedInput = input.kind == ir::NodeKind::Source || input.kind == ir::NodeKind::Table;
  // A table-build stage hands the table's own row to the build step.
  const ir::Node &rowOwner = n.kind == ir::NodeKind::Table ? n : input;
  Row row = loadRow(fc, f->getArg(1), rowOwner.schema, decodedInput ? &rowOwner.usedFields : nullptr);
  BasicBlock *done = fc.newBlock("op.done");
  size_t saved = translateInlineAt_;
  translateInlineAt_ = pos;
  consume(fc, stage, pos, row, done);
  translateInlineAt_ = saved;
  fc.builder().SetInsertPoint(done);
  fc.exitWith(ConstantInt::get(abi_.i32(), 0));
  fc.finish();
  return f;
}

} // namespace weir::codegen
