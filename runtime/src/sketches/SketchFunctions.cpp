// The C ABI of the approximate aggregates (runtime.h) and their byte strings
// for checkpoints (Sketches.h): a sketch pointer starts NULL and the first
// add allocates the sketch.
#include "runtime/src/sketches/DDSketch.h"
#include "runtime/src/sketches/HyperLogLog.h"
#include "runtime/src/sketches/Sketches.h"
#include "weir/runtime.h"

#include <cmath>

using weir::rt::sketches::DDSketch;
using weir::rt::sketches::HyperLogLog;

namespace {

template <typename Sketch> Sketch &ensure(void **sketch) {
  if (!*sketch)
    *sketch = new Sketch();
  return *static_cast<Sketch *>(*sketch);
}

template <typename Sketch> void mergeInto(void **dst, const void *src) {
  if (!src)
    return;
  const Sketch &from = *static_cast<const Sketch *>(src);
  if (!*dst)
    *dst = new Sketch(from);
  else
    static_cast<Sketch *>(*dst)->merge(from);
}

template <typename Sketch> std::string serialize(const void *sketch) {
  return sketch ? static_cast<const Sketch *>(sketch)->serialize() : std::string();
}

template <typename Sketch> bool deserialize(std::string_view bytes, void **out) {
  *out = nullptr;
  if (bytes.empty())
    return true;
  auto *sketch = new Sketch();
  if (!Sketch::parse(bytes, *sketch)) {
    delete sketch;
    return false;
  }
  *out = sketch;
  return true;
}

} // namespace

extern "C" {

void weir_hll_add(void **sketch, uint64_t hash) { ensure<HyperLogLog>(sketch).add(hash); }

int64_t weir_hll_estimate(const void *sketch) {
  return sketch ? static_cast<const HyperLogLog *>(sketch)->estimate() : 0;
}

void weir_hll_merge(void **dst, const void *src) { mergeInto<HyperLogLog>(dst, src); }

void weir_hll_free(void **sketch) {
  delete static_cast<HyperLogLog *>(*sketch);
  *sketch = nullptr;
}

void weir_quantiles_add(void **sketch, double value) {
  if (std::isnan(value))
    return; // an empty sketch stays NULL
  ensure<DDSketch>(sketch).add(value);
}

uint8_t weir_quantiles_query(const void *sketch, double q, double *out) {
  return sketch && static_cast<const DDSketch *>(sketch)->quantile(q, *out);
}

void weir_quantiles_merge(void **dst, const void *src) { mergeInto<DDSketch>(dst, src); }

void weir_quantiles_free(void **sketch) {
  delete static_cast<DDSketch *>(*sketch);
  *sketch = nullptr;
}

} // extern "C"

std::string weir_sketch_serialize_hll(const void *sketch) { return serialize<HyperLogLog>(sketch); }
bool weir_sketch_deserialize_hll(std::string_view bytes, void **out) {
  return deserialize<HyperLogLog>(bytes, out);
}
std::string weir_sketch_serialize_quantiles(const void *sketch) { return serialize<DDSketch>(sketch); }
bool weir_sketch_deserialize_quantiles(std::string_view bytes, void **out) {
  return deserialize<DDSketch>(bytes, out);
}
