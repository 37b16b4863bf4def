// Produces a windowed (or ttl) aggregate's results at the end of a bounded
// input: its fire function, called with an infinite watermark, emits every
// window still open (and, under emit updates, drops the state).
#include "codegen/StageCodegen.h"
#include "codegen/WindowCodegen.h"
#include "codegen/operators/WindowFire.h"

#include <climits>

using namespace llvm;

namespace weir::codegen {

namespace {
class WindowEmitProducer final : public OperatorTranslator {
public:
  using OperatorTranslator::OperatorTranslator;

  void produce(FunctionContext &fc) override {
    IRBuilder<> &b = fc.builder();
    Value *status = b.CreateCall(driver_.windows().fireFunction(node()),
                                 {fc.task(), ConstantInt::get(abi_.i64(), INT64_MAX), b.getInt8(1)});
    fc.exitWith(status);
  }
};
} // namespace

std::unique_ptr<OperatorTranslator> makeWindowEmitProducer(const TranslatorSite &site) {
  if (!WindowCodegen::hasEventTimeState(site.driver.node(site.stage.nodes[0])))
    return nullptr;
  return std::make_unique<WindowEmitProducer>(site);
}

} // namespace weir::codegen
