// Byte strings of the approximate aggregates' sketches, for the checkpoint
// code (runtime-internal; the sketches themselves are behind the weir_hll_*
// and weir_quantiles_* C functions of runtime.h). A WEIR_SLOT_HLL or
// WEIR_SLOT_QUANTILES slot holds the void* these functions take and return.
//
// serialize: the sketch as a versioned byte string; NULL (an empty sketch)
// is the empty string.
// deserialize: the sketch a serialize produced, into *out (NULL for the empty
// string). Returns false, with *out NULL, when the bytes are not a sketch of
// this kind and version (a corrupt or incompatible checkpoint).
#pragma once

#include <string>
#include <string_view>

std::string weir_sketch_serialize_hll(const void *sketch);
bool weir_sketch_deserialize_hll(std::string_view bytes, void **out);
std::string weir_sketch_serialize_quantiles(const void *sketch);
bool weir_sketch_deserialize_quantiles(std::string_view bytes, void **out);
