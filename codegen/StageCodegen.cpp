#include "codegen/StageCodegen.h"

#include "codegen/RowBuffer.h"
#include "codegen/operators/WindowFire.h"

using namespace llvm;

namespace weir::codegen {

StageCodegen::StageCodegen(RuntimeABI &abi, const ir::Program &program, const ProgramIndex &index, bool fused)
    : abi_(abi), program_(program), index_(index), fused_(fused),
      windows_(std::make_unique<WindowFire>(*this)) {}

StageCodegen::~StageCodegen() = default;

Function *StageCodegen::newStatusFunction(const Twine &name, unsigned extraPointerArgs) {
  std::vector<llvm::Type *> params(1 + extraPointerArgs, abi_.ptr());
  auto *type = FunctionType::get(abi_.i32(), params, false);
  Function *f = Function::Create(type, Function::InternalLinkage, name, abi_.module());
  f->addFnAttr(Attribute::NoUnwind);
  return f;
}

Function *StageCodegen::emitStage(const ir::Stage &stage) {
  std::unique_ptr<OperatorTranslator> producer = makeProducer({*this, stage, 0});
  assert(producer && "a stage kind without a producer");
  Function *f = newStatusFunction("stage." + stage.name, 0);
  FunctionContext fc(abi_, f);
  producer->produce(fc);
  fc.finish();
  return f;
}

OperatorTranslator &StageCodegen::consumer(const ir::Stage &stage, size_t pos) {
  std::unique_ptr<OperatorTranslator> &translator = consumers_[{stage.id, pos}];
  if (!translator)
    translator = makeConsumer({*this, stage, pos});
  assert(translator && "a node kind without a consumer (a source in the middle of a stage?)");
  return *translator;
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
  consumer(stage, pos).consume(fc, row, next);
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
  Row row = loadRow(fc, f->getArg(1), input.schema, decodedInput ? &input.usedFields : nullptr);
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
