// Stream-static lookup join: probes the table's hash table with the row's
// key and passes on one row per matching table row (inner), or the row with
// null table columns when nothing matches (left).
#include "codegen/ExprCodegen.h"
#include "codegen/JoinTable.h"
#include "codegen/StageCodegen.h"
#include "codegen/StateAccess.h"

using namespace llvm;

namespace weir::codegen {

namespace {
class JoinProbeTranslator final : public OperatorTranslator {
public:
  explicit JoinProbeTranslator(const TranslatorSite &site)
      : OperatorTranslator(site), join_(node()), table_(node(join_.table)),
        tableStateIndex_(index().stateOf.at(table_.id)) {}

  void consume(FunctionContext &fc, const Row &row, BasicBlock *next) override;

private:
  const ir::Node &join_;
  const ir::Node &table_; // the static table the join looks rows up in
  int tableStateIndex_;   // its hash table in the program descriptor
};
} // namespace

void JoinProbeTranslator::consume(FunctionContext &fc, const Row &row, BasicBlock *next) {
  IRBuilder<> &b = fc.builder();
  ExprCodegen expr(fc);
  const ir::Node &join = join_, &table = table_;
  StateAccess state(fc, table.layout);
  Value *ht = fc.state(tableStateIndex_);
  size_t streamColumns = row.size();

  // The table side of the output row: nulls, or the columns of one entry.
  auto nullTableColumns = [&] {
    Row out = row;
    for (size_t c = streamColumns; c < join.schema.size(); ++c)
      out.push_back(expr.nullOf(join.schema[c].type));
    return out;
  };
  auto withEntry = [&](Value *entry) {
    Row out = row;
    for (size_t c = 0; c < table.schema.size(); ++c) {
      Type outType = join.schema[streamColumns + c].type;
      const ir::StateSlot &slot = table.layout.keySlots[c];
      CgValue v = slot.size ? state.load(entry, slot, table.schema[c].type) : expr.nullOf(outType);
      v.type = outType;
      if (outType.nullable && !v.isNull)
        v.isNull = ConstantInt::getFalse(fc.context());
      out.push_back(v);
    }
    return out;
  };
  BasicBlock *noMatch = fc.newBlock("join.nomatch");

  Row keys;
  for (size_t k = 0; k < join.probeKeys.size(); ++k)
    keys.push_back(expr.coerce(expr.emit(*join.probeKeys[k], row), table.schema[join.buildKeys[k]].type));
  keys = requireNonNullKeys(fc, std::move(keys), noMatch);
  ProbeResult probe = probeJoinTable(fc, table, join.buildKeys, ht, keys);
  b.SetInsertPoint(probe.notFound);
  b.CreateBr(noMatch);

  // Every table row with this key: the head entry, then its chain.
  b.SetInsertPoint(probe.found);
  BasicBlock *foundBlock = b.GetInsertBlock();
  BasicBlock *match = fc.newBlock("join.match");
  BasicBlock *advance = fc.newBlock("join.advance");
  BasicBlock *follow = fc.newBlock("join.follow");
  b.CreateBr(match);
  b.SetInsertPoint(match);
  PHINode *entry = b.CreatePHI(abi_.ptr(), 2, "match");
  entry->addIncoming(probe.entry, foundBlock);
  consumeNext(fc, withEntry(entry), advance);

  b.SetInsertPoint(advance);
  Value *link = b.CreateLoad(abi_.i32(), state.fieldPtr(entry, RuntimeABI::kEntryNextOffset));
  b.CreateCondBr(b.CreateICmpEQ(link, ConstantInt::get(abi_.i32(), 0)), next, follow);
  b.SetInsertPoint(follow);
  Value *entries = b.CreateLoad(abi_.ptr(), b.CreateStructGEP(abi_.hashTableType(), ht, RuntimeABI::HT_Entries));
  Value *index = b.CreateSub(b.CreateZExt(link, abi_.i64()), ConstantInt::get(abi_.i64(), 1));
  Value *nextEntry =
      b.CreateGEP(abi_.i8(), entries, b.CreateMul(index, ConstantInt::get(abi_.i64(), table.layout.entrySize)));
  entry->addIncoming(nextEntry, follow);
  b.CreateBr(match);

  b.SetInsertPoint(noMatch);
  if (join.leftJoin)
    consumeNext(fc, nullTableColumns(), next);
  else
    b.CreateBr(next);
}

std::unique_ptr<OperatorTranslator> makeJoinProbeTranslator(const TranslatorSite &site) {
  return std::make_unique<JoinProbeTranslator>(site);
}

} // namespace weir::codegen
