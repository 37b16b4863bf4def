// `sink`: materializes the row once, for the runtime's writer.
#include "codegen/RowBuffer.h"
#include "codegen/StageCodegen.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class SinkTranslator final : public OperatorTranslator {
public:
  explicit SinkTranslator(const TranslatorSite &site)
      : OperatorTranslator(site), sinkIndex_(index().sinkOf.at(node().id)) {}

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override {
    IRBuilder<> &b = fc.builder();
    Value *writer = fc.sink(sinkIndex_);
    Value *buffer = fc.entryAlloca(abi_.valueType(), "sinkrow", std::max<size_t>(row.size(), 1));
    storeRow(fc, buffer, row);
    fc.exitOnError(b.CreateCall(abi_.fn("weir_sink_write"), {writer, buffer}));
    b.CreateBr(next);
  }

private:
  int sinkIndex_; // the sink's writer in the program descriptor
};
} // namespace

std::unique_ptr<OperatorTranslator> makeSinkTranslator(const TranslatorSite &site) {
  return std::make_unique<SinkTranslator>(site);
}

} // namespace weir::codegen
