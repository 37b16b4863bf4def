/* The Weir runtime's C ABI: what generated code (JIT or AOT) calls, and the
 * program descriptor it hands to the runtime's driver.
 *
 * Rules: plain C types only, no exceptions cross this boundary, fallible
 * calls return a WeirStatus (0 = ok, negative = error; the message is kept in
 * the runtime and printed by the driver). Structs marked "layout is ABI" are
 * accessed field by field from generated code: codegen mirrors them from the
 * member lists in codegen/RuntimeStructs.h, and the compiler's build fails
 * (static_assert) until a changed struct's list is changed with it. Codegen
 * includes this header for every constant it emits; function declarations
 * are derived from the prototypes below. */
#ifndef WEIR_RUNTIME_H
#define WEIR_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t WeirStatus;
enum {
  WEIR_OK = 0,
  WEIR_END = 1,          /* weir_cursor_next: no more records */
  WEIR_ROW = 2,          /* weir_cursor_next: a record was decoded */
  WEIR_ERR_RECORD = -1,  /* a malformed record under on_error = "fail" */
  WEIR_ERR_IO = -2,
  WEIR_ERR_CONFIG = -3,  /* bad runtime option, unknown source, ... */
  WEIR_ERR_INTERNAL = -4,
  WEIR_ERR_STOPPED = -5, /* SIGINT/SIGTERM stopped the run (a durable one after a final checkpoint) */
};

/* Mirrors weir::TypeKind (common/Type.h); codegen static_asserts the codes. */
enum WeirTypeCode {
  WEIR_BOOL = 0, WEIR_INT64 = 1, WEIR_FLOAT64 = 2, WEIR_STRING = 3,
  WEIR_TIMESTAMP = 4, WEIR_DURATION = 5,
};

/* One value of a materialized row (a decoded record, a row written to a sink,
 * a row between operators under --no-fuse). 16 bytes. Layout is ABI.
 * Strings point into memory that stays valid until the next record is
 * decoded (or the scratch arena is reset). */
typedef struct WeirValue {
  union {
    int64_t i64;   /* int64, timestamp (epoch ms), duration (ms) */
    double f64;
    const char *str;
    uint8_t b;
  } v;
  uint32_t len;    /* string length in bytes */
  uint8_t is_null;
  uint8_t pad_[3];
} WeirValue;

typedef struct WeirStr { const char *ptr; int64_t len; } WeirStr;

/* ------------------------------------------------------------ descriptor */
/* Built by codegen as constant data in every compiled module; the JIT and
 * built binaries pass it to weir_main. */

typedef struct WeirFieldDesc {
  const char *name;
  uint8_t type;     /* WeirTypeCode */
  uint8_t nullable;
} WeirFieldDesc;

typedef struct WeirSourceDesc {
  const char *name;       /* declared name, used by --source NAME=URI */
  const char *uri;        /* "file:data/txns.jsonl" */
  const char *format;     /* "json" | "csv" */
  const char *on_error;   /* "fail" | "skip" | "dead_letter:PATH" */
  uint32_t is_table;      /* a static table: read fully before stream stages */
  uint32_t nfields;       /* the declared schema */
  const WeirFieldDesc *fields;
  uint32_t nused;         /* fields to decode (projection pruning) */
  const uint32_t *used;   /* sorted indices into fields */
  int32_t event_time_field; /* index into fields of the `event_time` column, -1 none */
  int64_t watermark_ms;     /* the declared watermark delay, 0 if none */
} WeirSourceDesc;

typedef struct WeirSinkDesc {
  const char *name;       /* the pipeline's name, used by --sink NAME=URI */
  const char *uri;        /* "file:out/x.jsonl" | "stdout:" */
  const char *format;     /* "json" | "csv" */
  uint32_t nfields;
  const WeirFieldDesc *fields;
} WeirSinkDesc;

typedef struct WeirHashTable WeirHashTable;
typedef struct WeirTask WeirTask;

/* A field of a state entry the runtime must understand to save it (durable
 * state, --checkpoint) or to compare keys without generated code. */
enum WeirSlotKind {
  WEIR_SLOT_VALUE = 0,      /* a plain value of `type` (strings: WeirStr into the table arena, weir_ht_copy_str) */
  WEIR_SLOT_OWNED_STR = 1,  /* WeirStr owned by the entry (weir_owned_str_assign) */
  WEIR_SLOT_HLL = 2,        /* void* sketch (weir_hll_*), NULL when empty */
  WEIR_SLOT_QUANTILES = 3,  /* void* sketch (weir_quantiles_*), NULL when empty */
  WEIR_SLOT_DISTINCT_SET = 4, /* void* value set (weir_distinct_add_*), NULL when empty */
  WEIR_SLOT_EVENT_BUFFER = 5, /* WeirEventBuffer* (rolling windows), NULL when empty */
  WEIR_SLOT_SLICE_OVERFLOW = 6, /* WeirSliceOverflow* (tumbling, hopping, session), NULL when empty */
};
typedef struct WeirSlotDesc {
  uint32_t offset;   /* bytes from the start of the entry */
  uint8_t kind;      /* WeirSlotKind */
  uint8_t type;      /* WeirTypeCode (WEIR_SLOT_VALUE, WEIR_SLOT_OWNED_STR) */
  int16_t null_bit;  /* bit in the key null bitmap, -1 if never null (keys only) */
} WeirSlotDesc;

/* Keyed state: an aggregation's per-key structs or a join's build side. */
enum WeirStateKind { WEIR_STATE_AGGREGATE = 0, WEIR_STATE_JOIN_TABLE = 1 };
typedef struct WeirStateDesc {
  const char *name;          /* e.g. "per_user.aggregate" */
  uint32_t entry_size;       /* bytes per entry, header included */
  uint32_t kind;             /* WeirStateKind */
  /* Combines every entry of `src` into `dst` (thread-local partials), keeping
   * dst's key order and appending new keys in src's order. The runtime
   * destroys `src` afterwards (destroy_entry on each entry): whatever dst
   * keeps of it (strings, distinct sets) must be copied into dst (key strings
   * with weir_ht_copy_str(dst, ...)) or taken over and cleared in src. */
  WeirStatus (*merge)(WeirHashTable *dst, WeirHashTable *src);
  /* Frees what the entry owns out of line (owned strings). */
  void (*destroy_entry)(char *entry);
  /* count_distinct aggregates: the byte offset of each one's int64 count in
   * an entry, in aggregate order; their values live in the table's pair sets
   * (weir_distinct_pair_add_*). */
  uint32_t ndistinct;
  const uint32_t *distinct_count_offsets;
  /* Appended for durable state (ABI version 2). Aggregates only. */
  uint32_t nkeys;                 /* the key slots, in key order */
  const WeirSlotDesc *keys;
  uint32_t key_null_bitmap_offset;
  uint32_t nowned;                /* every slot (ring slices included) that points out of line */
  const WeirSlotDesc *owned;
  /* The layout as text (window kind and sizes, keys, accumulators, offsets):
   * a checkpoint records it, and a restore with a different one fails and
   * names `name`. */
  const char *fingerprint;
  uint32_t windowed;              /* has a WeirClock (weir_task_clock) */
} WeirStateDesc;

/* Aggregate entries: header.pad_ is the dirty flag. Generated code sets it to
 * 1 whenever it changes an entry; the runtime clears it when a checkpoint
 * has saved the entry. header.next == WEIR_ENTRY_DEAD marks an entry whose
 * state is gone (all its windows fired, its ttl expired): weir_ht_compact
 * removes such entries (destroy_entry, and a delete in the next checkpoint). */
#define WEIR_ENTRY_DEAD 0xFFFFFFFFu

/* Mirrors weir::ir::StageKind; codegen static_asserts the codes. */
enum WeirStageKind { WEIR_STAGE_TABLE_BUILD = 0, WEIR_STAGE_SCAN = 1, WEIR_STAGE_EMIT = 2 };

typedef struct WeirStageDesc {
  const char *name;
  uint32_t kind;         /* WeirStageKind */
  int32_t source;        /* scan/table-build: index into sources; else -1 */
  int32_t state;         /* emit: the aggregate state it reads; else -1 */
  int32_t target_state;  /* the state it writes (aggregate update, table build), or -1 */
  int32_t sink;          /* the sink it writes, or -1 */
  uint32_t splittable;   /* may run on several threads over parts of the source:
                            each thread gets its own cursor, sink buffer and a
                            private copy of target_state, merged in order after */
  WeirStatus (*fn)(WeirTask *task);
  /* Appended for shared scans (ABI version 4): a scan whose loop feeds
   * several pipelines also writes these states and sinks, besides
   * target_state and sink; what is said of those holds for each (opened
   * with the stage, private per thread, merged in order). 0 / NULL: none. */
  uint32_t nmore_states;
  const int32_t *more_states;
  uint32_t nmore_sinks;
  const int32_t *more_sinks;
} WeirStageDesc;

typedef struct WeirProgramDesc {
  uint32_t abi_version;  /* WEIR_ABI_VERSION */
  const char *program_name;
  uint32_t nsources; const WeirSourceDesc *sources;
  uint32_t nsinks;   const WeirSinkDesc *sinks;
  uint32_t nstates;  const WeirStateDesc *states;
  uint32_t nstages;  const WeirStageDesc *stages; /* in execution order */
  /* The file's `trigger` declaration: "available_now" (the default),
   * "realtime" or "every:<ms>" (e.g. "every:30000"). */
  const char *trigger;
} WeirProgramDesc;

#define WEIR_ABI_VERSION 6u /* 6: tumbling/hopping slice overflow (WeirSliceOverflow) */

/* --------------------------------------------------------------- driver */

/* Parses runtime options (--source, --sink, --threads, --trigger, ...),
 * runs the program, prints errors and the end-of-run report to stderr, and
 * returns a process exit code. Built binaries' main() calls this. */
int weir_main(const WeirProgramDesc *program, int argc, char **argv);

/* `weir run` (the JIT) tells the runtime how long each compilation phase
 * took, in milliseconds, before weir_main: --metrics exports them. */
void weir_set_compile_times(uint32_t n, const char *const *phases, const double *ms);

/* ----------------------------------------------------------- task access */
/* Called once at the start of a stage function, not per row. */
typedef struct WeirCursor WeirCursor;
typedef struct WeirSinkWriter WeirSinkWriter;
typedef struct WeirArena WeirArena;

WeirCursor *weir_task_cursor(WeirTask *task);
WeirHashTable *weir_task_state(WeirTask *task, uint32_t state_index);
WeirSinkWriter *weir_task_sink(WeirTask *task, uint32_t sink_index);
WeirArena *weir_task_scratch(WeirTask *task);

/* Event time of a windowed aggregate's state. Layout is ABI: generated code
 * reads and writes it; the runtime checkpoints and restores it with the
 * state and reports late_rows.
 * Per record (ts = the row's event time):
 *   ts < watermark                 -> late: late_rows++ (or the late sink)
 *   max_event_time = max(.., ts); watermark = max_event_time - delay
 *   watermark >= next_fire         -> the state's fire function emits what
 *                                     the watermark completed
 *   fold the row.
 * At the end of a bounded source the watermark becomes INT64_MAX. */
typedef struct WeirClock {
  int64_t max_event_time; /* INT64_MIN before the first event */
  int64_t watermark;      /* INT64_MIN before the first event */
  int64_t next_fire;      /* INT64_MAX when nothing is pending */
  int64_t fired_upto;     /* windows ending at or before this were emitted */
  int64_t oldest;         /* a lower bound of what is still open (slice id, session end, pending ts) */
  int64_t late_rows;
} WeirClock;
WeirClock *weir_task_clock(WeirTask *task, uint32_t state_index);

/* Rolling windows: a key's recent rows (the aggregate's input row, strings
 * copied), ordered by event time (equal times keep arrival order). Rows
 * [0, emitted) have had their own output row. runtime/src/EventBuffer.cpp.
 *
 * Layout is ABI: generated code reads rows, times, sizes and the window, and
 * sets `emitted`, without calling out (codegen/EventBufferCodegen.cpp); only
 * adding, evicting and freeing go through the functions below. The buffer is
 * one allocation: this header, then mask + 1 slots (a power of two), row i in
 * slot (head + i) & mask. A slot keeps its row's event time beside the row,
 * so searches and evictions read the ring alone. */
typedef struct WeirEventSlot {
  int64_t ts;
  WeirValue *row; /* ncols values; their strings follow in the same allocation */
  uint32_t ncols;
  uint32_t size_class; /* the runtime's, for freeing the row without reading it */
} WeirEventSlot;
struct WeirRollingWindow;
typedef struct WeirEventBuffer {
  uint64_t mask, head, count, emitted;
  struct WeirRollingWindow *window; /* NULL until weir_event_buffer_window */
  char *suffixes;                   /* slice_bytes per slot, same positions as the rows */
  uint64_t slice_bytes;
  uint64_t pad_;
  /* WeirEventSlot slots[mask + 1] follow, at offset sizeof(WeirEventBuffer). */
} WeirEventBuffer;
/* *buf starts NULL; adding allocates it, and may move it (a bigger ring).
 * Returns the new row's index. */
uint64_t weir_event_buffer_add(WeirEventBuffer **buf, int64_t ts, const WeirValue *row,
                               uint32_t ncols);
uint64_t weir_event_buffer_size(const WeirEventBuffer *buf);   /* 0 for NULL */
int64_t weir_event_buffer_ts(const WeirEventBuffer *buf, uint64_t i);
const WeirValue *weir_event_buffer_row(const WeirEventBuffer *buf, uint64_t i);
/* The first row with event time >= ts (lower bound) / > ts (upper bound). */
uint64_t weir_event_buffer_lower(const WeirEventBuffer *buf, int64_t ts);
uint64_t weir_event_buffer_upper(const WeirEventBuffer *buf, int64_t ts);
uint64_t weir_event_buffer_emitted(const WeirEventBuffer *buf);
void weir_event_buffer_set_emitted(WeirEventBuffer *buf, uint64_t n);
/* Drops the emitted rows with event time < before (a prefix). */
void weir_event_buffer_evict(WeirEventBuffer *buf, int64_t before);
void weir_event_buffer_free(WeirEventBuffer **buf);

/* Tumbling, hopping and session windows whose watermark delay spans many slices
 * (ir/passes/StateLayout.cpp) keep a small ring of slices in the entry and a
 * key's other live slices out of line, in a WeirSliceOverflow the entry
 * points to: memory for the slices that hold data, not for every slice the
 * delay could keep open. Its slices have no out-of-line parts (the layout
 * uses it only then), so its bytes are its whole content. Layout is ABI:
 * generated code walks the slices. */
typedef struct WeirSliceOverflow {
  uint32_t count;      /* slices in use, [0, count) */
  uint32_t capacity;
  uint32_t slice_size; /* bytes per slice */
  uint32_t pad_;
  /* char slices[capacity][slice_size] follow, at offset sizeof(WeirSliceOverflow). */
} WeirSliceOverflow;
/* The slice where the key's slice `id` goes: the ring's or the overflow's
 * slice holding it, else a ring slot, else an overflow slot, that is empty
 * or holds a slice below `min_live` (whose windows all fired), else a new
 * overflow slot (its id INT64_MIN). `ring`: the entry's first slice;
 * `id_offset`: the slice id's offset in a slice. The caller starts a slice
 * whose id is not `id` afresh. *overflow starts NULL and may move.
 * Sessions (the slice id is the session's start) pass id = min_live =
 * INT64_MIN: an empty slot, or a new one. */
char *weir_window_slice(char *ring, uint32_t ring_slices, uint32_t slice_size, uint32_t id_offset,
                        WeirSliceOverflow **overflow, int64_t id, int64_t min_live);
void weir_slice_overflow_free(WeirSliceOverflow **overflow);

/* A rolling window's sliding accumulator over the buffer's rows [lo, hi)
 * (two stacks: Tangwongsan et al., VLDB 2015): rows [lo, mid) are the front,
 * each with the aggregate of itself and the front rows after it (its suffix
 * slice); rows [mid, hi) are folded into `back`, the slice after this header
 * (emit final), or each row's slice holds the aggregate of the back rows up
 * to it (its prefix slice; emit updates, valid = WEIR_ROLLING_PREFIXES), so
 * that a row arriving out of order inside the back is answered from the
 * prefix before it. Generated code folds and combines; the buffer stores the
 * slices and keeps the indexes on eviction (dropping a front row keeps the
 * others' suffixes) and on insertion (an insert inside the prefixes lowers
 * hi to it). valid = 0 means "rebuild from the rows": the accumulator is new
 * (also after a restore: it is not checkpointed), a row was inserted inside
 * the front (or inside [0, hi) under emit final), or an eviction reached a
 * back row.
 * Layout is ABI; the back slice follows at offset sizeof(WeirRollingWindow). */
#define WEIR_ROLLING_PREFIXES 2u
typedef struct WeirRollingWindow {
  uint64_t lo, mid, hi;
  uint64_t valid;
} WeirRollingWindow;
/* The buffer's accumulator, allocated with slice_bytes per slice on first
 * use (buf is not NULL; slice_bytes is the same on every call). */
WeirRollingWindow *weir_event_buffer_window(WeirEventBuffer *buf, uint32_t slice_bytes);
/* Row i's suffix slice (slice_bytes, 8-byte aligned), valid while no row is
 * added or evicted. */
void *weir_event_buffer_suffix(WeirEventBuffer *buf, uint64_t i);

/* The order of what one firing emits: (time, entry, item) triples sorted by
 * time, then entry index (first-seen key order), then item. Fire functions
 * collect closed sessions / due rolling rows, sort, then emit in order. */
typedef struct WeirFireList WeirFireList;
WeirFireList *weir_fire_list_new(void);
void weir_fire_list_add(WeirFireList *list, int64_t time, uint64_t entry, uint64_t item);
uint64_t weir_fire_list_sort(WeirFireList *list); /* returns the count */
uint64_t weir_fire_list_entry(const WeirFireList *list, uint64_t i);
uint64_t weir_fire_list_item(const WeirFireList *list, uint64_t i);
void weir_fire_list_free(WeirFireList *list);

/* ------------------------------------------------------------- per record */

/* Decodes the next record: row has one WeirValue per declared field and
 * row[used[k]] is filled for each used field (the rest are left alone).
 * Returns WEIR_ROW,
 * WEIR_END, or an error status. Applies the source's on_error policy itself:
 * under "skip" and "dead_letter" a bad record is counted (and written) and
 * the next one is decoded. */
WeirStatus weir_cursor_next(WeirCursor *cursor, WeirValue *row);
/* Up to `max` records, record k into rows[k * width ...] (width: the
 * source's field count). Returns how many (0 at the end of the input) or
 * the (negative) error status. Only generator sources fill more than one
 * (their strings are static; a file decoder's may not outlive the next
 * record), and not with a checkpoint hook or pacing. */
int64_t weir_cursor_next_batch(WeirCursor *cursor, WeirValue *rows, uint32_t width, uint32_t max);

/* Writes one row (the sink's schema) to the sink's buffer. */
WeirStatus weir_sink_write(WeirSinkWriter *sink, const WeirValue *row);

/* Per-row scratch memory for computed strings; reset by generated code after
 * each record. */
void *weir_arena_alloc(WeirArena *arena, int64_t bytes);
void weir_arena_reset(WeirArena *arena);

/* ------------------------------------------------------------ hash tables */
/* Open addressing with a dense, insertion-ordered entry array: iterating the
 * entries gives keys in first-seen order, so every way of running a program
 * emits the same rows in the same order.
 *
 * slots[i] == 0: empty; otherwise (hash >> 32) << 32 | (entry index + 1).
 * Probing is linear: start at slot (hash & mask), then +1 (wrapping), until
 * an empty slot or an entry with an equal key; the runtime re-places slots
 * the same way when it grows the table.
 * Every entry starts with WeirEntryHeader. Layout is ABI. */
typedef struct WeirEntryHeader {
  uint64_t hash;
  uint32_t next;   /* join tables: 1 + index of the next entry with an equal key */
  uint32_t pad_;   /* runtime-private (a chain head's 1 + index of its last entry) */
} WeirEntryHeader;

struct WeirHashTable {
  uint64_t *slots;
  uint64_t mask;          /* slot count - 1 (a power of two) */
  char *entries;
  uint64_t count;         /* entries in use */
  uint64_t capacity;      /* entries allocated */
  uint32_t entry_size;
  uint32_t state_index;
  WeirArena *arena;       /* keys' strings, for the table's lifetime */
  const WeirStateDesc *desc;
  /* Runtime-owned, appended last so the fields above keep their indices. */
  uint64_t *remap;        /* during desc->merge(dst, this): this entry i -> dst entry index */
  void *distinct;         /* count_distinct pair sets, one per distinct aggregate */
  /* Non-null when some entries live only in the durable store
   * (--state-memory): generated code calls weir_ht_fault_in on a probe miss. */
  void *spill;
  /* Runtime-private: --checkpoint / --state-memory bookkeeping (runtime/src/DurableTable.h). */
  void *durable;
  /* Non-null when the runtime tracks which entries changed (streaming
   * triggers): generated code calls weir_ht_mark_changed after updating an
   * entry of an unwindowed, non-ttl aggregate, and the emit stage emits only
   * the listed entries (runtime/src/ChangedEntries.cpp). */
  void *changed;
  /* Non-null for windowed and ttl aggregates: the event-time timers of the
   * keys (weir_timer_add, weir_timers_pop_due; runtime/src/EventTimers.cpp). */
  void *timers;
};

/* A probe for `hash` missed and ht->spill is set: loads the spilled entries
 * with this hash back into the table. Returns 1 when it loaded any (the
 * caller probes again), 0 otherwise. */
uint8_t weir_ht_fault_in(WeirHashTable *ht, uint64_t hash);

/* Removes the entries marked WEIR_ENTRY_DEAD, keeping the others' order.
 * Entry indices change: call it only between records (fire functions do, at
 * their end). A table with timers (windowed, ttl) removes them only once the
 * dead entries among the keys of the last weir_timers_pop_due make a quarter
 * of the table, so a firing costs O(due keys); until then a dead entry keeps
 * its empty state and a tombstone slot (weir_ht_mark_dead). */
void weir_ht_compact(WeirHashTable *ht);

/* Marks entry `index` WEIR_ENTRY_DEAD (once) and makes its slot a tombstone
 * lookups skip: a row for the same key inserts a new entry, in first-seen
 * position, as if the dead one were gone already. Idempotent. */
void weir_ht_mark_dead(WeirHashTable *ht, uint64_t index);

/* Event-time timers (ht->timers): when each key of a windowed or ttl
 * aggregate next has something to fire. Lazy: a key may hold several timers
 * and fire early (it then finds nothing due and re-arms at its real time).
 * A checkpoint saves each key's earliest timer with its entry, and a restore
 * arms it again; under --state-memory an evicted key's timer waits in the
 * store's index, and the pop that reaches it faults the key back in. */
void weir_timer_add(WeirHashTable *ht, uint64_t entry_index, int64_t time);
/* Removes the timers at or before `watermark`; returns how many distinct
 * keys they named, listed by weir_timers_due in first-seen order (valid
 * until the next pop or compaction). */
uint64_t weir_timers_pop_due(WeirHashTable *ht, int64_t watermark);
const uint64_t *weir_timers_due(const WeirHashTable *ht);
/* The earliest timer's time, INT64_MAX when none is set. */
int64_t weir_timers_next(const WeirHashTable *ht);

/* Appends a zeroed entry with `hash` and points slot `slot` at it (the slot
 * the caller found empty while probing); grows the table when needed.
 * Returns the new entry. */
char *weir_ht_insert(WeirHashTable *ht, uint64_t hash, uint64_t slot);

/* Join tables: appends an entry with a key equal to entry `head_index`'s and
 * links it at the end of the head's chain (chains keep insertion order).
 * Duplicates have no slot of their own. Returns the new entry. */
char *weir_ht_insert_duplicate(WeirHashTable *ht, uint64_t head_index);

/* Changed-entry tracking (ht->changed non-null): the indices of the entries
 * updated since the last clear, each listed once, in first-change order. */
void weir_ht_mark_changed(WeirHashTable *ht, uint64_t entry_index);
uint64_t weir_ht_changed_count(WeirHashTable *ht);
const uint64_t *weir_ht_changed_indices(WeirHashTable *ht);
void weir_ht_changed_clear(WeirHashTable *ht);

/* Copies a string into memory owned by the table (keys, build-side values). */
const char *weir_ht_copy_str(WeirHashTable *ht, const char *ptr, int64_t len);

/* Hashing (xxHash3) of a string, and of a 64-bit value. */
uint64_t weir_hash_bytes(const char *ptr, int64_t len, uint64_t seed);
uint64_t weir_hash_u64(uint64_t value, uint64_t seed);

/* --------------------------------------------------- aggregate helpers */

/* An owned string in an aggregate's state (min/max/first/last of strings):
 * assigns `src` to *dst, reusing the allocation when it is large enough. */
void weir_owned_str_assign(WeirStr *dst, const char *src, int64_t len);
void weir_owned_str_free(WeirStr *s);

/* count_distinct, exact, as a compiler-chosen layout: one set of (entry
 * index, value) pairs per distinct aggregate per table, shared by all keys,
 * with the values interned once; the key's struct holds just its int64
 * count. Returns 1 when the pair is new (the caller increments the count).
 * `agg` is the distinct aggregate's ordinal in WeirStateDesc.
 * For thread partials: before desc->merge(dst, src) the runtime allocates
 * src->remap; the generated merge stores each src entry's dst index there
 * and leaves the distinct counts alone; then the runtime adds src's pairs to
 * dst (remapped) and increments dst's counts for the new ones. */
uint8_t weir_distinct_pair_add_i64(WeirHashTable *ht, uint32_t agg, uint64_t entry_index,
                                   int64_t value);
uint8_t weir_distinct_pair_add_f64(WeirHashTable *ht, uint32_t agg, uint64_t entry_index,
                                   double value); /* -0.0 == 0.0; NaNs are one value */
uint8_t weir_distinct_pair_add_str(WeirHashTable *ht, uint32_t agg, uint64_t entry_index,
                                   const char *ptr, int64_t len);

/* count_distinct per value set (older layout, kept for the unit tests):
 * *set starts NULL; a set of values (exact). */
void weir_distinct_add_i64(void **set, int64_t value);
void weir_distinct_add_f64(void **set, double value);
void weir_distinct_add_str(void **set, const char *ptr, int64_t len);
int64_t weir_distinct_count(const void *set);
void weir_distinct_merge(void **dst, const void *src);
void weir_distinct_free(void **set);

/* Approximate aggregates (runtime/src/sketches/). A sketch pointer starts
 * NULL; add allocates it. Sketches are mergeable (thread partials, window
 * slices) and serializable (runtime-internal, for checkpoints).
 * approx_count_distinct: HyperLogLog over 64-bit value hashes.
 * approx_percentile: a relative-error quantile sketch (DDSketch). */
void weir_hll_add(void **sketch, uint64_t hash);
int64_t weir_hll_estimate(const void *sketch);           /* 0 for NULL */
void weir_hll_merge(void **dst, const void *src);        /* src may be NULL */
void weir_hll_free(void **sketch);
void weir_quantiles_add(void **sketch, double value);    /* NaN ignored */
/* q in [0, 1]; *out undefined and 0 returned when the sketch is empty. */
uint8_t weir_quantiles_query(const void *sketch, double q, double *out);
void weir_quantiles_merge(void **dst, const void *src);
void weir_quantiles_free(void **sketch);

/* --------------------------------------------------- scalar built-ins */
/* (stdlib/runtime/) Strings returned in *out live in the scratch arena. */

void weir_str_upper(WeirArena *a, const char *p, int64_t n, WeirStr *out);
void weir_str_lower(WeirArena *a, const char *p, int64_t n, WeirStr *out);
/* 1-based start as in SQL; len < 0 means "to the end"; counts UTF-8 code points. */
void weir_str_substr(WeirArena *a, const char *p, int64_t n, int64_t start, int64_t len,
                     WeirStr *out);
void weir_str_concat(WeirArena *a, const WeirStr *parts, int64_t nparts, WeirStr *out);
void weir_str_base64(WeirArena *a, const char *p, int64_t n, WeirStr *out);
int64_t weir_str_length(const char *p, int64_t n);     /* code points */
uint8_t weir_str_contains(const char *p, int64_t n, const char *q, int64_t m);
uint8_t weir_str_starts_with(const char *p, int64_t n, const char *q, int64_t m);
uint8_t weir_str_ends_with(const char *p, int64_t n, const char *q, int64_t m);
int32_t weir_str_compare(const char *p, int64_t n, const char *q, int64_t m); /* <0, 0, >0 */

/* Casts; the parse functions return 0 when `p` does not parse (result null). */
void weir_i64_to_str(WeirArena *a, int64_t v, WeirStr *out);
void weir_f64_to_str(WeirArena *a, double v, WeirStr *out);   /* shortest round-trip */
void weir_ts_to_str(WeirArena *a, int64_t ms, WeirStr *out);  /* ISO-8601 UTC, ms */
void weir_dur_to_str(WeirArena *a, int64_t ms, WeirStr *out); /* e.g. "90s", "1500ms" */
uint8_t weir_str_to_i64(const char *p, int64_t n, int64_t *out);
uint8_t weir_str_to_f64(const char *p, int64_t n, double *out);
uint8_t weir_str_to_ts(const char *p, int64_t n, int64_t *out);
uint8_t weir_str_to_bool(const char *p, int64_t n, uint8_t *out);

/* Time (UTC). */
int64_t weir_ts_hour(int64_t ms);
int64_t weir_ts_day_of_week(int64_t ms); /* ISO: Monday = 1 ... Sunday = 7 */
int64_t weir_ts_floor(int64_t ms, int64_t unit_ms);

/* Math not covered by LLVM intrinsics: SQL round half away from zero. */
double weir_round(double v, int64_t digits);

#ifdef __cplusplus
}
#endif

#endif /* WEIR_RUNTIME_H */
