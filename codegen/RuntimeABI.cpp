// LLVM mirrors of runtime.h, derived from its declarations and checked
// against them while this file compiles.
#include "codegen/RuntimeABI.h"

#include "codegen/LLVMTypeOf.h"
#include "common/Type.h"
#include "ir/IR.h"

#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Module.h"

#include <cassert>
#include <cstring>

using namespace llvm;

namespace weir::codegen {

namespace {

// ------------------------------------------------------------ struct mirrors

// One member of a mirrored struct: where the C compiler put it, and its LLVM
// type (derived from the member's C type).
struct MirroredField {
  size_t offset, size, align;
  llvm::Type *(*type)(LLVMContext &);
};

constexpr size_t alignUp(size_t at, size_t align) { return (at + align - 1) / align * align; }

// LLVM lays out a (non-packed) struct type like the C compiler lays out a C
// struct: each member at the next multiple of its alignment, the size rounded
// up to the largest alignment. Replays that over the listed members and
// returns the index of the first one that does not land on its C offset, the
// member count when the sizes differ (a member missing at the end), or -1
// when the list mirrors the C struct.
template <size_t N>
constexpr int firstMisplacedField(const MirroredField (&fields)[N], size_t size, size_t align) {
  size_t at = 0;
  for (size_t i = 0; i < N; ++i) {
    at = alignUp(at, fields[i].align);
    if (at != fields[i].offset)
      return int(i);
    at += fields[i].size;
  }
  return alignUp(at, align) == size ? -1 : int(N);
}

#define WEIR_MIRRORED_FIELD(index, member)                                                         \
  MirroredField{offsetof(S, member), sizeof(S::member), alignof(decltype(S::member)),             \
                &llvmTypeOf<decltype(S::member)>},

// mirror::Name::fields for the C struct Struct from its RuntimeStructs.h list.
// A failing assertion shows the index of the misplaced field (the enumerator
// in RuntimeABI of that number).
#define WEIR_MIRROR(Name, Struct, FIELDS)                                                          \
  namespace Name {                                                                                 \
  using S = Struct;                                                                                \
  constexpr MirroredField fields[] = {FIELDS(WEIR_MIRRORED_FIELD)};                                \
  static_assert(firstMisplacedField(fields, sizeof(S), alignof(S)) == -1,                          \
                "RuntimeStructs.h's list for " #Struct " does not match runtime.h");               \
  }

namespace mirror {
WEIR_MIRROR(value, WeirValue, WEIR_VALUE_FIELDS)
WEIR_MIRROR(str, WeirStr, WEIR_STR_FIELDS)
WEIR_MIRROR(hash_table, WeirHashTable, WEIR_HASH_TABLE_FIELDS)
WEIR_MIRROR(clock, WeirClock, WEIR_CLOCK_FIELDS)
WEIR_MIRROR(rolling_window, WeirRollingWindow, WEIR_ROLLING_WINDOW_FIELDS)
WEIR_MIRROR(event_slot, WeirEventSlot, WEIR_EVENT_SLOT_FIELDS)
WEIR_MIRROR(event_buffer, WeirEventBuffer, WEIR_EVENT_BUFFER_FIELDS)
WEIR_MIRROR(slice_overflow, WeirSliceOverflow, WEIR_SLICE_OVERFLOW_FIELDS)
WEIR_MIRROR(field_desc, WeirFieldDesc, WEIR_FIELD_DESC_FIELDS)
WEIR_MIRROR(source_desc, WeirSourceDesc, WEIR_SOURCE_DESC_FIELDS)
WEIR_MIRROR(sink_desc, WeirSinkDesc, WEIR_SINK_DESC_FIELDS)
WEIR_MIRROR(slot_desc, WeirSlotDesc, WEIR_SLOT_DESC_FIELDS)
WEIR_MIRROR(state_desc, WeirStateDesc, WEIR_STATE_DESC_FIELDS)
WEIR_MIRROR(stage_desc, WeirStageDesc, WEIR_STAGE_DESC_FIELDS)
WEIR_MIRROR(program_desc, WeirProgramDesc, WEIR_PROGRAM_DESC_FIELDS)
} // namespace mirror

#undef WEIR_MIRROR
#undef WEIR_MIRRORED_FIELD

// The field-index enums and the field lists come from the same X-macro, so
// they agree by construction; the descriptor's 16-byte WeirValue is what row
// buffers are sized by.
static_assert(RuntimeABI::HT_Timers + 1 == std::size(mirror::hash_table::fields));
static_assert(RuntimeABI::kValueSize == 16, "WeirValue is documented as 16 bytes");

// ------------------------------------------------------------ enum mirrors

// Codegen stores TypeKind and StageKind in descriptors as the runtime's codes.
static_assert(uint8_t(TypeKind::Bool) == WEIR_BOOL && uint8_t(TypeKind::Int64) == WEIR_INT64 &&
                  uint8_t(TypeKind::Float64) == WEIR_FLOAT64 &&
                  uint8_t(TypeKind::String) == WEIR_STRING &&
                  uint8_t(TypeKind::Timestamp) == WEIR_TIMESTAMP &&
                  uint8_t(TypeKind::Duration) == WEIR_DURATION,
              "TypeKind's order is the runtime's WeirTypeCode");
static_assert(uint8_t(TypeKind::Null) > WEIR_DURATION,
              "TypeKind::Null (compile-time only) must not take a runtime type code");
static_assert(uint8_t(ir::StageKind::TableBuild) == WEIR_STAGE_TABLE_BUILD &&
                  uint8_t(ir::StageKind::Scan) == WEIR_STAGE_SCAN &&
                  uint8_t(ir::StageKind::Emit) == WEIR_STAGE_EMIT,
              "ir::StageKind's order is the runtime's WeirStageKind");
// The IR's state layouts (ir/passes/StateLayout.cpp) start entries after it.
static_assert(ir::StateLayout{}.headerSize == sizeof(WeirEntryHeader));

template <size_t N>
StructType *mirrorType(LLVMContext &ctx, StringRef name, const MirroredField (&fields)[N]) {
  SmallVector<llvm::Type *, 16> types;
  for (const MirroredField &f : fields)
    types.push_back(f.type(ctx));
  return StructType::create(ctx, types, name);
}

// --------------------------------------------------------- runtime functions

// What a call may do to memory (the effects column of RuntimeFunctions.def).
enum class Effects { Any, None, ReadsArgs, Reads };

struct RuntimeFunction {
  const char *name;
  FunctionType *(*type)(LLVMContext &);
  AttributeList (*extensions)(LLVMContext &);
  Effects effects;
};

constexpr RuntimeFunction kRuntimeFunctions[] = {
#define WEIR_RUNTIME_FN(name, effects)                                                             \
  {#name, &LLVMFunctionTypeOf<decltype(&name)>::get, &LLVMFunctionTypeOf<decltype(&name)>::extensions, \
   Effects::effects},
#include "codegen/RuntimeFunctions.def"
};

void addEffectAttributes(Function &f, Effects effects) {
  f.addFnAttr(Attribute::NoUnwind); // no exceptions cross the C ABI
  if (effects == Effects::Any)
    return;
  f.addFnAttr(Attribute::WillReturn);
  switch (effects) {
  case Effects::None: f.setMemoryEffects(MemoryEffects::none()); break;
  case Effects::ReadsArgs: f.setMemoryEffects(MemoryEffects::argMemOnly(ModRefInfo::Ref)); break;
  case Effects::Reads: f.setMemoryEffects(MemoryEffects::readOnly()); break;
  case Effects::Any: break;
  }
}

} // namespace

RuntimeABI::RuntimeABI(Module &module) : module_(module) {
  LLVMContext &ctx = module.getContext();
  valueType_ = mirrorType(ctx, "WeirValue", mirror::value::fields);
  strType_ = mirrorType(ctx, "WeirStr", mirror::str::fields);
  hashTableType_ = mirrorType(ctx, "WeirHashTable", mirror::hash_table::fields);
  slotDescType_ = mirrorType(ctx, "WeirSlotDesc", mirror::slot_desc::fields);
  clockType_ = mirrorType(ctx, "WeirClock", mirror::clock::fields);
  rollingWindowType_ = mirrorType(ctx, "WeirRollingWindow", mirror::rolling_window::fields);
  eventSlotType_ = mirrorType(ctx, "WeirEventSlot", mirror::event_slot::fields);
  eventBufferType_ = mirrorType(ctx, "WeirEventBuffer", mirror::event_buffer::fields);
  sliceOverflowType_ = mirrorType(ctx, "WeirSliceOverflow", mirror::slice_overflow::fields);
  fieldDescType_ = mirrorType(ctx, "WeirFieldDesc", mirror::field_desc::fields);
  sourceDescType_ = mirrorType(ctx, "WeirSourceDesc", mirror::source_desc::fields);
  sinkDescType_ = mirrorType(ctx, "WeirSinkDesc", mirror::sink_desc::fields);
  stateDescType_ = mirrorType(ctx, "WeirStateDesc", mirror::state_desc::fields);
  stageDescType_ = mirrorType(ctx, "WeirStageDesc", mirror::stage_desc::fields);
  programDescType_ = mirrorType(ctx, "WeirProgramDesc", mirror::program_desc::fields);
}

LLVMContext &RuntimeABI::context() const { return module_.getContext(); }
PointerType *RuntimeABI::ptr() const { return PointerType::getUnqual(context()); }
IntegerType *RuntimeABI::i1() const { return llvm::Type::getInt1Ty(context()); }
IntegerType *RuntimeABI::i8() const { return llvm::Type::getInt8Ty(context()); }
IntegerType *RuntimeABI::i32() const { return llvm::Type::getInt32Ty(context()); }
IntegerType *RuntimeABI::i64() const { return llvm::Type::getInt64Ty(context()); }
llvm::Type *RuntimeABI::f64() const { return llvm::Type::getDoubleTy(context()); }

Function *RuntimeABI::fn(std::string_view name) {
  if (Function *existing = module_.getFunction(name))
    return existing;
  for (const RuntimeFunction &rf : kRuntimeFunctions) {
    if (name != rf.name)
      continue;
    Function *f = Function::Create(rf.type(context()), Function::ExternalLinkage, rf.name, module_);
    f->setAttributes(rf.extensions(context()));
    addEffectAttributes(*f, rf.effects);
    return f;
  }
  assert(false && "unknown runtime function");
  return nullptr;
}

} // namespace weir::codegen
