// The runtime's C ABI (runtime/include/weir/runtime.h) as LLVM types and
// function declarations, derived from runtime.h's own declarations: struct
// mirrors from the field lists in RuntimeStructs.h (checked against offsetof
// and sizeof at compile time), function types from the C functions' types
// (RuntimeFunctions.def). Constants come from runtime.h itself.
#pragma once

#include "codegen/RuntimeStructs.h"
#include "weir/runtime.h"

#include <cstddef>
#include <string_view>

namespace llvm {
class Function;
class LLVMContext;
class Module;
class StructType;
class Type;
class IntegerType;
class PointerType;
} // namespace llvm

namespace weir::codegen {

#define WEIR_FIELD_ENUMERATOR(index, member) index,

class RuntimeABI {
public:
  explicit RuntimeABI(llvm::Module &module);

  llvm::Module &module() const { return module_; }
  llvm::LLVMContext &context() const;

  // Field indices for CreateStructGEP, one enum per mirrored struct.
  enum ValueField { WEIR_VALUE_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum StrField { WEIR_STR_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum HashTableField { WEIR_HASH_TABLE_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum ClockField { WEIR_CLOCK_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum RollingWindowField { WEIR_ROLLING_WINDOW_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum EventSlotField { WEIR_EVENT_SLOT_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum EventBufferField { WEIR_EVENT_BUFFER_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum SliceOverflowField { WEIR_SLICE_OVERFLOW_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum FieldDescField { WEIR_FIELD_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum SourceDescField { WEIR_SOURCE_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum SinkDescField { WEIR_SINK_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum SlotDescField { WEIR_SLOT_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum StateDescField { WEIR_STATE_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum StageDescField { WEIR_STAGE_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };
  enum ProgramDescField { WEIR_PROGRAM_DESC_FIELDS(WEIR_FIELD_ENUMERATOR) };

  static constexpr unsigned kValueSize = sizeof(WeirValue);
  // Hash-table entries start with a WeirEntryHeader; aggregate entries use
  // its pad_ as the dirty flag.
  static constexpr unsigned kEntryHeaderSize = sizeof(WeirEntryHeader);
  static constexpr unsigned kEntryNextOffset = offsetof(WeirEntryHeader, next);
  static constexpr unsigned kEntryDirtyOffset = offsetof(WeirEntryHeader, pad_);
  // A string slot of a state entry is a WeirStr.
  static constexpr unsigned kStrLenOffset = offsetof(WeirStr, len);

  llvm::StructType *valueType() const { return valueType_; }
  llvm::StructType *strType() const { return strType_; }
  llvm::StructType *hashTableType() const { return hashTableType_; }
  llvm::StructType *clockType() const { return clockType_; }
  llvm::StructType *rollingWindowType() const { return rollingWindowType_; }
  // A rolling key's event buffer header; its slots follow it.
  llvm::StructType *eventBufferType() const { return eventBufferType_; }
  llvm::StructType *eventSlotType() const { return eventSlotType_; }
  // A tumbling/hopping key's out-of-line slices header; its slices follow it.
  llvm::StructType *sliceOverflowType() const { return sliceOverflowType_; }
  llvm::StructType *fieldDescType() const { return fieldDescType_; }
  llvm::StructType *sourceDescType() const { return sourceDescType_; }
  llvm::StructType *sinkDescType() const { return sinkDescType_; }
  llvm::StructType *stateDescType() const { return stateDescType_; }
  llvm::StructType *slotDescType() const { return slotDescType_; }
  llvm::StructType *stageDescType() const { return stageDescType_; }
  llvm::StructType *programDescType() const { return programDescType_; }

  llvm::PointerType *ptr() const;
  llvm::IntegerType *i1() const;
  llvm::IntegerType *i8() const;
  llvm::IntegerType *i32() const;
  llvm::IntegerType *i64() const;
  llvm::Type *f64() const;

  // The declaration of a runtime function by its C name (a row of
  // RuntimeFunctions.def), with its memory attributes; asserts the name is
  // known.
  llvm::Function *fn(std::string_view name);

private:
  llvm::Module &module_;
  llvm::StructType *valueType_, *strType_, *hashTableType_;
  llvm::StructType *fieldDescType_, *sourceDescType_, *sinkDescType_, *stateDescType_,
      *stageDescType_, *programDescType_, *slotDescType_, *clockType_,
      *rollingWindowType_, *eventBufferType_, *eventSlotType_, *sliceOverflowType_;
};

#undef WEIR_FIELD_ENUMERATOR

} // namespace weir::codegen
