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

// A generated stream's shape: how many events, how many per second of event
// time from which start, and the seed; `key` and `periodNs` are derived by
// init(). Each generator family fixes its stream tag and default rate.
template <uint64_t FamilyTag, uint64_t DefaultRate> struct StreamConfig {
  static constexpr int64_t kDefaultBaseTimeMs = 1704067200000; // 2024-01-01T00:00:00Z
  static constexpr uint64_t kDefaultRate = DefaultRate;
  uint64_t events = 1000000; // length of the full stream (all kinds)
  uint64_t rate = kDefaultRate; // events per second of event time
  uint64_t seed = 0;
  int64_t baseTimeMs = kDefaultBaseTimeMs;
  // Derived (init()).
  uint64_t key = 0;
  uint64_t periodNs = 0;
  void init() {
    key = streamKey(seed, FamilyTag);
    periodNs = rate ? 1000000000ull / rate : 0;
    if (periodNs == 0)
      periodNs = 1;
  }
  // The stream of `events` from `seed`; a rate of 0 or no base time keeps the
  // default. Initialized.
  static StreamConfig make(uint64_t events, uint64_t seed, uint64_t rate,
                           const int64_t *baseTimeMs = nullptr) {
    StreamConfig c;
    c.events = events;
    c.seed = seed;
    if (rate)
      c.rate = rate;
    if (baseTimeMs)
      c.baseTimeMs = *baseTimeMs;
    c.init();
    return c;
  }
};

// Event n's time: evenly spaced at the stream's rate.
template <uint64_t FamilyTag, uint64_t DefaultRate>
inline int64_t eventTime(const StreamConfig<FamilyTag, DefaultRate> &c, uint64_t n) {
  return c.baseTimeMs + static_cast<int64_t>((n * c.periodNs) / 1000000u);
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
