// The runtime structs generated code reads, writes or builds as constants, as
// lists of X(field index name, C member), every member in declaration order.
//
// Each list is the one source of the struct's LLVM mirror: the field-index
// enums in RuntimeABI.h are generated from it, and RuntimeABI.cpp builds the
// LLVM struct type from the members' C types and static_asserts that laying
// the listed members out one after the other gives runtime.h's offsetof of
// each and its sizeof, so a member added, removed, moved or retyped in
// runtime.h without its list here fails to compile.
#pragma once

#define WEIR_VALUE_FIELDS(X) X(V_Payload, v) X(V_Len, len) X(V_IsNull, is_null) X(V_Pad, pad_)

#define WEIR_STR_FIELDS(X) X(S_Ptr, ptr) X(S_Len, len)

#define WEIR_HASH_TABLE_FIELDS(X)                                                                  \
  X(HT_Slots, slots) X(HT_Mask, mask) X(HT_Entries, entries) X(HT_Count, count)                   \
  X(HT_Capacity, capacity) X(HT_EntrySize, entry_size) X(HT_StateIndex, state_index)              \
  X(HT_Arena, arena) X(HT_Desc, desc) X(HT_Remap, remap) X(HT_Distinct, distinct)                 \
  X(HT_Spill, spill) X(HT_Durable, durable) X(HT_Changed, changed)    \
  X(HT_Timers, timers)

#define WEIR_CLOCK_FIELDS(X)                                                                       \
  X(CK_MaxEventTime, max_event_time) X(CK_Watermark, watermark) X(CK_NextFire, next_fire)         \
  X(CK_FiredUpto, fired_upto) X(CK_Oldest, oldest) X(CK_LateRows, late_rows)

#define WEIR_ROLLING_WINDOW_FIELDS(X) X(RW_Lo, lo) X(RW_Mid, mid) X(RW_Hi, hi) X(RW_Valid, valid)

#define WEIR_EVENT_SLOT_FIELDS(X) X(ES_Ts, ts) X(ES_Row, row) X(ES_NCols, ncols) X(ES_SizeClass, size_class)

#define WEIR_EVENT_BUFFER_FIELDS(X)                                                                \
  X(EB_Mask, mask) X(EB_Head, head) X(EB_Count, count) X(EB_Emitted, emitted)                     \
  X(EB_Window, window) X(EB_Suffixes, suffixes) X(EB_SliceBytes, slice_bytes) X(EB_Pad, pad_)

#define WEIR_SLICE_OVERFLOW_FIELDS(X)                                                              \
  X(SO_Count, count) X(SO_Capacity, capacity) X(SO_SliceSize, slice_size) X(SO_Pad, pad_)

#define WEIR_FIELD_DESC_FIELDS(X) X(FD_Name, name) X(FD_Type, type) X(FD_Nullable, nullable)

#define WEIR_SOURCE_DESC_FIELDS(X)                                                                 \
  X(SRC_Name, name) X(SRC_Uri, uri) X(SRC_Format, format) X(SRC_OnError, on_error)                \
  X(SRC_IsTable, is_table) X(SRC_NFields, nfields) X(SRC_Fields, fields) X(SRC_NUsed, nused)      \
  X(SRC_Used, used) X(SRC_EventTimeField, event_time_field) X(SRC_WatermarkMs, watermark_ms)

#define WEIR_SINK_DESC_FIELDS(X)                                                                   \
  X(SNK_Name, name) X(SNK_Uri, uri) X(SNK_Format, format) X(SNK_NFields, nfields)                 \
  X(SNK_Fields, fields)

#define WEIR_SLOT_DESC_FIELDS(X)                                                                   \
  X(SL_Offset, offset) X(SL_Kind, kind) X(SL_Type, type) X(SL_NullBit, null_bit)

#define WEIR_STATE_DESC_FIELDS(X)                                                                  \
  X(SD_Name, name) X(SD_EntrySize, entry_size) X(SD_Kind, kind) X(SD_Merge, merge)                \
  X(SD_DestroyEntry, destroy_entry) X(SD_NDistinct, ndistinct)                                    \
  X(SD_DistinctCountOffsets, distinct_count_offsets) X(SD_NKeys, nkeys) X(SD_Keys, keys)          \
  X(SD_KeyNullBitmapOffset, key_null_bitmap_offset) X(SD_NOwned, nowned) X(SD_Owned, owned)       \
  X(SD_Fingerprint, fingerprint) X(SD_Windowed, windowed)

#define WEIR_STAGE_DESC_FIELDS(X)                                                                  \
  X(STG_Name, name) X(STG_Kind, kind) X(STG_Source, source) X(STG_State, state)                   \
  X(STG_TargetState, target_state) X(STG_Sink, sink) X(STG_Splittable, splittable) X(STG_Fn, fn) \
  X(STG_NMoreStates, nmore_states) X(STG_MoreStates, more_states)                                 \
  X(STG_NMoreSinks, nmore_sinks) X(STG_MoreSinks, more_sinks)

#define WEIR_PROGRAM_DESC_FIELDS(X)                                                                \
  X(PD_AbiVersion, abi_version) X(PD_ProgramName, program_name) X(PD_NSources, nsources)          \
  X(PD_Sources, sources) X(PD_NSinks, nsinks) X(PD_Sinks, sinks) X(PD_NStates, nstates)           \
  X(PD_States, states) X(PD_NStages, nstages) X(PD_Stages, stages)  \
  X(PD_Trigger, trigger)
