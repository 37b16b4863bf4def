// The runtime's C ABI (runtime/include/weir/runtime.h) as LLVM types and
// function declarations. The one place that mirrors struct layouts: keep it in
// step with runtime.h.
#pragma once

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

class RuntimeABI {
public:
  explicit RuntimeABI(llvm::Module &module);

  llvm::Module &module() const { return module_; }
  llvm::LLVMContext &context() const;

  // WeirValue {i64 payload; i32 len; i8 is_null; [3 x i8]}: 16 bytes.
  llvm::StructType *valueType() const { return valueType_; }
  // WeirStr {ptr; i64}.
  llvm::StructType *strType() const { return strType_; }
  // WeirHashTable; see the field indices below.
  llvm::StructType *hashTableType() const { return hashTableType_; }
  enum HashTableField { HT_Slots = 0, HT_Mask = 1, HT_Entries = 2, HT_Count = 3, HT_Remap = 9, HT_Spill = 11 };
  // WeirClock {max_event_time, watermark, next_fire, fired_upto, oldest, late_rows}.
  llvm::StructType *clockType() const { return clockType_; }
  enum ClockField { CK_MaxEventTime = 0, CK_Watermark, CK_NextFire, CK_FiredUpto, CK_Oldest, CK_LateRows };
  enum ValueField { V_Payload = 0, V_Len = 1, V_IsNull = 2 };
  static constexpr unsigned kValueSize = 16;
  static constexpr unsigned kEntryHeaderSize = 16; // WeirEntryHeader
  static constexpr unsigned kEntryNextOffset = 8;
  static constexpr unsigned kEntryDirtyOffset = 12; // header.pad_ of aggregate entries

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

  // The declaration of a runtime function by its C name (see the table in
  // RuntimeABI.cpp); asserts the name is known.
  llvm::Function *fn(std::string_view name);

private:
  llvm::Module &module_;
  llvm::StructType *valueType_, *strType_, *hashTableType_;
  llvm::StructType *fieldDescType_, *sourceDescType_, *sinkDescType_, *stateDescType_,
      *stageDescType_, *programDescType_, *slotDescType_, *clockType_;
};

} // namespace weir::codegen
