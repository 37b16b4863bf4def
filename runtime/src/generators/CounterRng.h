// Counter-based random numbers for the built-in generators: the value for
// (stream key, event number, slot) is a pure function of the three, so any
// event can be generated on its own (a restored checkpoint resumes at an
// event number; a pruned field costs nothing and changes no other field).
//
// The mixing function is SplitMix64's finalizer (Steele, Lea, Flood:
// "Fast splittable pseudorandom number generators", 2014), applied to a
// Weyl sequence over the counter; it passes BigCrush as a counter-based
// generator. Header-only: the runtime's generator sources and the benchmark's
// hand-written twins include it, so both pay the same cost per event.
#pragma once

#include <cstdint>

namespace weir::gen {

inline constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Up to 16 independent 64-bit draws per event (slot 0..15).
constexpr uint64_t draw(uint64_t key, uint64_t event, uint32_t slot) {
  return mix64(key + (event * 16 + slot) * kGolden);
}

// A uniform integer in [0, bound) from 64 random bits (Lemire's multiply-high;
// the bias, at most bound / 2^64, is far below anything a benchmark sees).
constexpr uint64_t below(uint64_t bits, uint64_t bound) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(bits) * bound) >> 64);
}

// A uniform double in [0, 1).
constexpr double unit(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// The stream key of a generator family for a user's seed.
constexpr uint64_t streamKey(uint64_t seed, uint64_t family) {
  return mix64(seed * kGolden + family);
}

// A fixed pool of random text (letters, or letters and spaces), the same in
// every process: strings the generators emit are slices of it, so no record
// allocates.
template <size_t N> struct TextPool {
  char chars[N];
  constexpr TextPool(uint64_t salt, bool withSpaces) : chars{} {
    for (size_t i = 0; i < N; ++i) {
      uint64_t r = mix64(salt + i * kGolden);
      // Like Nexmark's nextString: a space one time in 13.
      chars[i] = withSpaces && below(r, 13) == 0 ? ' ' : static_cast<char>('a' + (r & 0xFFFFFFFFu) % 26);
    }
  }
};

} // namespace weir::gen
