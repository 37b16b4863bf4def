#include "codegen/operators/OperatorTranslator.h"

#include "codegen/StageCodegen.h"

namespace weir::codegen {

// One factory per line of Operators.def, defined beside its translator.
#define WEIR_PRODUCER(Kind, Class) std::unique_ptr<OperatorTranslator> make##Class(const TranslatorSite &);
#define WEIR_CONSUMER(Kind, Class) std::unique_ptr<OperatorTranslator> make##Class(const TranslatorSite &);
#include "codegen/operators/Operators.def"

std::unique_ptr<OperatorTranslator> makeProducer(const TranslatorSite &site) {
#define WEIR_PRODUCER(Kind, Class)                                                                        \
  if (site.stage.kind == ir::StageKind::Kind)                                                             \
    if (auto translator = make##Class(site))                                                              \
      return translator;
#include "codegen/operators/Operators.def"
  return nullptr;
}

std::unique_ptr<OperatorTranslator> makeConsumer(const TranslatorSite &site) {
  ir::NodeKind kind = site.driver.node(site.stage.nodes[site.pos]).kind;
#define WEIR_CONSUMER(Kind, Class)                                                                        \
  if (kind == ir::NodeKind::Kind)                                                                         \
    if (auto translator = make##Class(site))                                                              \
      return translator;
#include "codegen/operators/Operators.def"
  return nullptr;
}

OperatorTranslator::OperatorTranslator(const TranslatorSite &site)
    : driver_(site.driver), stage_(site.stage), pos_(site.pos), abi_(site.driver.abi()) {}

void OperatorTranslator::produce(FunctionContext &) { assert(false && "not a producer"); }

void OperatorTranslator::consume(FunctionContext &, const Row &, llvm::BasicBlock *) {
  assert(false && "not a consumer");
}

void OperatorTranslator::consumeNext(FunctionContext &fc, const Row &row, llvm::BasicBlock *next) const {
  driver_.consume(fc, stage_, pos_ + 1, row, next);
}

const ir::Node &OperatorTranslator::node() const { return driver_.node(stage_.nodes[pos_]); }
const ir::Node &OperatorTranslator::node(int id) const { return driver_.node(id); }
const ProgramIndex &OperatorTranslator::index() const { return driver_.index(); }

} // namespace weir::codegen
