// The approximate aggregates' sketches through the runtime's C ABI
// (weir_hll_*, weir_quantiles_*) and their checkpoint byte strings
// (runtime/src/sketches/Sketches.h). Expected values are exact counts and
// exact order statistics of the same inputs, computed here.
#include "runtime/src/sketches/Sketches.h"
#include "weir/runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

// Owns a sketch pointer the way an aggregate's state slot does.
struct Hll {
  void *p = nullptr;
  Hll() = default;
  Hll(const Hll &) = delete;
  ~Hll() { weir_hll_free(&p); }
  void addInt(int64_t v) { weir_hll_add(&p, weir_hash_u64(static_cast<uint64_t>(v), 0)); }
  int64_t estimate() const { return weir_hll_estimate(p); }
};

struct Quantiles {
  void *p = nullptr;
  Quantiles() = default;
  Quantiles(const Quantiles &) = delete;
  ~Quantiles() { weir_quantiles_free(&p); }
  void add(double v) { weir_quantiles_add(&p, v); }
  void addAll(const std::vector<double> &vs) {
    for (double v : vs)
      add(v);
  }
  double at(double q) const {
    double out = NAN;
    EXPECT_TRUE(weir_quantiles_query(p, q, &out)) << "q=" << q;
    return out;
  }
};

// --------------------------------------------------------------- HyperLogLog

constexpr double kHllStandardError = 1.04 / 64.0; // 1.04 / sqrt(4096)

TEST(HyperLogLogTest, EmptyIsZero) {
  Hll h;
  EXPECT_EQ(h.estimate(), 0);
  EXPECT_EQ(weir_hll_estimate(nullptr), 0);
  weir_hll_free(&h.p); // freeing NULL is fine
  EXPECT_EQ(h.p, nullptr);
}

TEST(HyperLogLogTest, ExactWhileSparse) {
  // Up to 384 distinct values the sketch keeps the hashes: exact counts,
  // duplicates not counted.
  for (int n : {1, 2, 7, 100, 383, 384}) {
    Hll h;
    for (int rep = 0; rep < 3; ++rep)
      for (int i = 0; i < n; ++i)
        h.addInt(i * 7919);
    EXPECT_EQ(h.estimate(), n) << n;
  }
  Hll zero; // the hash 0 is a value like any other
  weir_hll_add(&zero.p, 0);
  weir_hll_add(&zero.p, 0);
  weir_hll_add(&zero.p, 1);
  EXPECT_EQ(zero.estimate(), 2);
  for (uint64_t h = 2; h < 40; ++h) // past the inline hashes into the table, 0 still counted
    weir_hll_add(&zero.p, h * 0x9E3779B97F4A7C15ull);
  weir_hll_add(&zero.p, 0);
  EXPECT_EQ(zero.estimate(), 40);
  Hll back; // and through a byte string
  ASSERT_TRUE(weir_sketch_deserialize_hll(weir_sketch_serialize_hll(zero.p), &back.p));
  EXPECT_EQ(back.estimate(), 40);
}

TEST(HyperLogLogTest, AccurateFromOneThousandToOneMillion) {
  for (int64_t n : {1000, 3000, 10000, 20000, 50000, 100000, 1000000}) {
    for (int64_t seed = 0; seed < 3; ++seed) {
      Hll h;
      for (int64_t i = 0; i < n; ++i)
        weir_hll_add(&h.p, weir_hash_u64(static_cast<uint64_t>(i), 1000 + seed));
      double error = std::fabs(static_cast<double>(h.estimate() - n)) / static_cast<double>(n);
      EXPECT_LE(error, 3 * kHllStandardError) << "n=" << n << " seed=" << seed
                                              << " estimate=" << h.estimate();
    }
  }
}

TEST(HyperLogLogTest, AverageErrorMatchesTheStandardError) {
  // Over many independent sketches the relative errors' root mean square is
  // close to 1.04 / sqrt(m): a biased or miscalibrated estimator fails this.
  const int64_t n = 30000;
  const int trials = 40;
  double squares = 0, sum = 0;
  for (int t = 0; t < trials; ++t) {
    Hll h;
    for (int64_t i = 0; i < n; ++i)
      weir_hll_add(&h.p, weir_hash_u64(static_cast<uint64_t>(i), 77 + t));
    double e = static_cast<double>(h.estimate() - n) / n;
    squares += e * e;
    sum += e;
  }
  double rms = std::sqrt(squares / trials);
  EXPECT_LT(rms, 1.5 * kHllStandardError);
  EXPECT_LT(std::fabs(sum / trials), 3 * kHllStandardError / std::sqrt(trials)); // unbiased
}

TEST(HyperLogLogTest, DuplicatesDoNotCount) {
  Hll h;
  for (int rep = 0; rep < 10; ++rep)
    for (int64_t i = 0; i < 5000; ++i)
      h.addInt(i);
  Hll once;
  for (int64_t i = 0; i < 5000; ++i)
    once.addInt(i);
  EXPECT_EQ(h.estimate(), once.estimate());
  EXPECT_EQ(weir_sketch_serialize_hll(h.p), weir_sketch_serialize_hll(once.p));
}

// Builds sketches of [0, a) and [b, c) and checks that merging them gives
// exactly the sketch of the union, in either direction.
void expectMergeIsUnion(int64_t a, int64_t b, int64_t c) {
  Hll left, right, both;
  for (int64_t i = 0; i < a; ++i)
    left.addInt(i);
  for (int64_t i = b; i < c; ++i)
    right.addInt(i);
  for (int64_t i = 0; i < std::max(a, c); ++i)
    if (i < a || i >= b)
      both.addInt(i);
  Hll merged, mergedOtherWay;
  weir_hll_merge(&merged.p, left.p);
  weir_hll_merge(&merged.p, right.p);
  weir_hll_merge(&mergedOtherWay.p, right.p);
  weir_hll_merge(&mergedOtherWay.p, left.p);
  EXPECT_EQ(weir_sketch_serialize_hll(merged.p), weir_sketch_serialize_hll(both.p))
      << a << " " << b << " " << c;
  EXPECT_EQ(weir_sketch_serialize_hll(mergedOtherWay.p), weir_sketch_serialize_hll(both.p));
  EXPECT_EQ(merged.estimate(), both.estimate());
}

TEST(HyperLogLogTest, MergeIsUnion) {
  expectMergeIsUnion(100, 50, 200);        // sparse + sparse stays sparse (exact: 200)
  expectMergeIsUnion(300, 100, 400);       // sparse + sparse goes dense
  expectMergeIsUnion(100, 50, 80000);      // sparse + dense
  expectMergeIsUnion(60000, 40000, 100000); // dense + dense
  Hll a, b;
  for (int i = 0; i < 150; ++i)
    a.addInt(i);
  for (int i = 100; i < 250; ++i)
    b.addInt(i);
  weir_hll_merge(&a.p, b.p);
  EXPECT_EQ(a.estimate(), 250);
  weir_hll_merge(&a.p, nullptr); // merging an empty sketch changes nothing
  EXPECT_EQ(a.estimate(), 250);
}

TEST(HyperLogLogTest, MergeCopiesTheSource) {
  Hll src, dst;
  src.addInt(1);
  weir_hll_merge(&dst.p, src.p);
  weir_hll_free(&src.p); // dst must not share src's memory
  dst.addInt(2);
  EXPECT_EQ(dst.estimate(), 2);
}

TEST(HyperLogLogTest, SerializeRoundTrip) {
  for (int n : {0, 1, 300, 384, 385, 20000}) {
    Hll h;
    for (int i = 0; i < n; ++i)
      h.addInt(i);
    std::string bytes = weir_sketch_serialize_hll(h.p);
    EXPECT_EQ(bytes.empty(), n == 0);
    Hll back;
    ASSERT_TRUE(weir_sketch_deserialize_hll(bytes, &back.p)) << n;
    EXPECT_EQ(back.estimate(), h.estimate());
    EXPECT_EQ(weir_sketch_serialize_hll(back.p), bytes);
    // The restored sketch keeps working: more adds agree with the original.
    for (int i = n; i < n + 500; ++i) {
      h.addInt(i);
      back.addInt(i);
    }
    EXPECT_EQ(back.estimate(), h.estimate());
  }
}

TEST(HyperLogLogTest, DeserializeRejectsGarbage) {
  Hll h;
  for (int i = 0; i < 10; ++i)
    h.addInt(i);
  std::string sparse = weir_sketch_serialize_hll(h.p);
  for (int i = 10; i < 1000; ++i)
    h.addInt(i);
  std::string dense = weir_sketch_serialize_hll(h.p);
  void *out = reinterpret_cast<void *>(1);
  for (std::string bad : {sparse.substr(0, sparse.size() - 1), dense.substr(0, dense.size() - 1),
                          std::string("Q\x01"), std::string("garbage garbage")}) {
    EXPECT_FALSE(weir_sketch_deserialize_hll(bad, &out));
    EXPECT_EQ(out, nullptr);
  }
  std::string badVersion = dense;
  badVersion[1] = 9;
  EXPECT_FALSE(weir_sketch_deserialize_hll(badVersion, &out));
  std::string badRegister = dense;
  badRegister.back() = 60; // no register holds more than 64 - 12 + 1
  EXPECT_FALSE(weir_sketch_deserialize_hll(badRegister, &out));
  std::string duplicated = sparse; // a sparse set with a repeated hash
  duplicated.replace(duplicated.size() - 8, 8, duplicated.substr(duplicated.size() - 16, 8));
  EXPECT_FALSE(weir_sketch_deserialize_hll(duplicated, &out));
}

// ------------------------------------------------------------------ DDSketch

// The order statistic the sketch estimates: rank floor(q * (n - 1)).
double exactQuantile(std::vector<double> sorted, double q) {
  std::sort(sorted.begin(), sorted.end());
  return sorted[static_cast<size_t>(std::floor(q * (sorted.size() - 1)))];
}

const double kQs[] = {0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0};

void expectRelativeError(const std::vector<double> &values, const char *what) {
  Quantiles s;
  s.addAll(values);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (double q : kQs) {
    double exact = sorted[static_cast<size_t>(std::floor(q * (sorted.size() - 1)))];
    double estimate = s.at(q);
    EXPECT_LE(std::fabs(estimate - exact), 0.01 * std::fabs(exact) * (1 + 1e-12))
        << what << " q=" << q << " exact=" << exact << " estimate=" << estimate;
  }
}

TEST(DDSketchTest, EmptyAnswersNothing) {
  Quantiles s;
  double out = 42;
  EXPECT_FALSE(weir_quantiles_query(s.p, 0.5, &out));
  s.add(NAN); // ignored: the sketch stays empty
  EXPECT_EQ(s.p, nullptr);
  EXPECT_FALSE(weir_quantiles_query(s.p, 0.5, &out));
}

TEST(DDSketchTest, ExactUpTo32Values) {
  Quantiles s;
  s.addAll({3, 1, 2, 4});
  EXPECT_EQ(s.at(0), 1);    // the minimum
  EXPECT_EQ(s.at(1), 4);    // the maximum
  EXPECT_EQ(s.at(0.5), 2);  // rank floor(0.5 * 3) = 1 -> 2
  EXPECT_EQ(s.at(0.34), 2); // rank floor(1.02) = 1 -> 2
  EXPECT_EQ(s.at(0.67), 3); // rank floor(2.01) = 2 -> 3
  Quantiles one;
  one.add(-7.5);
  for (double q : kQs)
    EXPECT_EQ(one.at(q), -7.5);
  // 32 values: still exact; the 33rd switches to buckets (within 1%).
  Quantiles many;
  std::vector<double> v;
  for (int i = 1; i <= 32; ++i)
    v.push_back(1000.0 + i * 0.5); // all within one 2% bucket of each other
  std::mt19937_64 rng(5);
  std::shuffle(v.begin(), v.end(), rng);
  many.addAll(v);
  for (double q : kQs)
    EXPECT_EQ(many.at(q), exactQuantile(v, q)) << q;
  many.add(1017.0);
  v.push_back(1017.0);
  for (double q : kQs) {
    EXPECT_LE(std::fabs(many.at(q) - exactQuantile(v, q)), 0.01 * exactQuantile(v, q)) << q;
    if (q > 0 && q < 1 && q != 0.5)
      EXPECT_NE(many.at(q), exactQuantile(v, q)) << "buckets, not values: " << q;
  }
}

TEST(DDSketchTest, SmallMergesStayExact) {
  Quantiles a, b, all, merged;
  for (int i = 0; i < 20; ++i) {
    a.add(i * 1.5);
    all.add(i * 1.5);
  }
  for (int i = 0; i < 12; ++i) {
    b.add(-i * 3.0);
    all.add(-i * 3.0);
  }
  weir_quantiles_merge(&merged.p, a.p);
  weir_quantiles_merge(&merged.p, b.p); // 32 values: exact
  EXPECT_EQ(weir_sketch_serialize_quantiles(merged.p), weir_sketch_serialize_quantiles(all.p));
  Quantiles c; // one more value: both switch to buckets, alike
  c.add(7.25);
  all.add(7.25);
  weir_quantiles_merge(&merged.p, c.p);
  EXPECT_EQ(weir_sketch_serialize_quantiles(merged.p), weir_sketch_serialize_quantiles(all.p));
  Quantiles big; // an exact sketch merged into a bucketed one, and the other way
  for (int i = 0; i < 100; ++i)
    big.add(i);
  Quantiles x, y, direct;
  weir_quantiles_merge(&x.p, big.p);
  weir_quantiles_merge(&x.p, a.p);
  weir_quantiles_merge(&y.p, a.p);
  weir_quantiles_merge(&y.p, big.p);
  for (int i = 0; i < 100; ++i)
    direct.add(i);
  for (int i = 0; i < 20; ++i)
    direct.add(i * 1.5);
  for (int k = 0; k <= 100; ++k) {
    EXPECT_EQ(x.at(k / 100.0), direct.at(k / 100.0)) << k;
    EXPECT_EQ(y.at(k / 100.0), direct.at(k / 100.0)) << k;
  }
}

TEST(DDSketchTest, RelativeErrorWithinOnePercent) {
  std::mt19937_64 rng(12345);
  const int n = 100000;
  auto sample = [&](auto dist) {
    std::vector<double> v(n);
    for (double &x : v)
      x = dist(rng);
    return v;
  };
  expectRelativeError(sample(std::uniform_real_distribution<double>(0, 1000)), "uniform");
  expectRelativeError(sample(std::lognormal_distribution<double>(0, 2)), "lognormal");
  expectRelativeError(sample(std::normal_distribution<double>(5, 100)), "normal, with negatives");
  expectRelativeError(sample(std::exponential_distribution<double>(0.001)), "exponential");
  // A third zeros (and negative zeros), the rest spread over both signs.
  std::vector<double> mixed = sample(std::normal_distribution<double>(0, 1000));
  for (int i = 0; i < n; i += 3)
    mixed[i] = i % 2 ? -0.0 : 0.0;
  expectRelativeError(mixed, "zeros and both signs");
  // Integers with many repeats, as amounts in cents.
  std::vector<double> ints = sample(std::uniform_real_distribution<double>(0, 50));
  for (double &x : ints)
    x = std::floor(x);
  expectRelativeError(ints, "repeated integers");
}

TEST(DDSketchTest, MergeEqualsTheSketchOfTheConcatenation) {
  std::mt19937_64 rng(7);
  std::vector<double> a(30000), b(20000), c(5000);
  for (double &x : a)
    x = std::lognormal_distribution<double>(3, 1)(rng);
  for (double &x : b)
    x = std::normal_distribution<double>(-50, 20)(rng);
  for (double &x : c)
    x = std::uniform_int_distribution<int>(-2, 2)(rng);
  Quantiles sa, sb, sc, all, merged;
  sa.addAll(a);
  sb.addAll(b);
  sc.addAll(c);
  all.addAll(a);
  all.addAll(b);
  all.addAll(c);
  weir_quantiles_merge(&merged.p, sb.p);
  weir_quantiles_merge(&merged.p, sa.p);
  weir_quantiles_merge(&merged.p, nullptr);
  weir_quantiles_merge(&merged.p, sc.p);
  for (int k = 0; k <= 1000; ++k)
    EXPECT_EQ(merged.at(k / 1000.0), all.at(k / 1000.0)) << k;
  std::vector<double> concatenated = a;
  concatenated.insert(concatenated.end(), b.begin(), b.end());
  concatenated.insert(concatenated.end(), c.begin(), c.end());
  expectRelativeError(concatenated, "merged");
}

TEST(DDSketchTest, CollapsesLowestBucketsPastTheLimit) {
  // 1e-40 .. 1e40 needs ~9300 buckets of 2%; the store keeps 2048. High
  // quantiles (above ~0.78: the top 2048 buckets span a factor 4e17) stay
  // within 1%, and the result does not depend on order.
  std::vector<double> v;
  for (int e = -40; e < 40; ++e)
    for (int k = 1; k < 100; ++k)
      v.push_back(k * std::pow(10.0, e));
  Quantiles forward, backward, halves;
  forward.addAll(v);
  for (size_t i = v.size(); i-- > 0;)
    backward.add(v[i]);
  Quantiles low, high;
  for (size_t i = 0; i < v.size(); ++i)
    (i % 2 ? low : high).add(v[i]);
  weir_quantiles_merge(&halves.p, low.p);
  weir_quantiles_merge(&halves.p, high.p);
  for (double q : {0.8, 0.9, 0.99}) {
    double exact = exactQuantile(v, q);
    EXPECT_LE(std::fabs(forward.at(q) - exact), 0.01 * exact) << q;
  }
  for (int k = 0; k <= 200; ++k) {
    EXPECT_EQ(forward.at(k / 200.0), backward.at(k / 200.0)) << k;
    EXPECT_EQ(forward.at(k / 200.0), halves.at(k / 200.0)) << k;
  }
  EXPECT_EQ(forward.at(0), 1e-40); // the minimum is kept exactly
}

TEST(DDSketchTest, InfinitiesAndExtremes) {
  Quantiles s;
  for (int rep = 0; rep < 10; ++rep) // 50 values: buckets
    s.addAll({1.0, INFINITY, -INFINITY, 2.0, 5e-324 /* subnormal: a zero */});
  // Sorted: 10 x -inf, 5e-324, 1, 2, inf. Infinities do not stretch the buckets.
  EXPECT_EQ(s.at(0), -INFINITY);
  EXPECT_EQ(s.at(0.18), -INFINITY);     // rank 8
  EXPECT_EQ(s.at(0.25), 0.0);           // rank 12: the subnormal counts as a zero
  EXPECT_NEAR(s.at(0.5), 1.0, 0.01);    // rank 24
  EXPECT_NEAR(s.at(0.75), 2.0, 0.02);   // rank 36
  EXPECT_EQ(s.at(0.9), INFINITY);       // rank 44
  EXPECT_EQ(s.at(1), INFINITY);
  Quantiles huge; // the top bucket's representative does not overflow
  for (int rep = 0; rep < 11; ++rep)
    huge.addAll({std::numeric_limits<double>::max(), 1e300, 1e300});
  EXPECT_NEAR(huge.at(0.5), 1e300, 1e298);                    // rank 16 of 33
  const double top = std::numeric_limits<double>::max();
  EXPECT_NEAR(huge.at(0.99), top, 0.01 * top);                 // rank 31: the largest double's bucket
  EXPECT_TRUE(std::isfinite(huge.at(0.99)));
}

TEST(DDSketchTest, SerializeRoundTrip) {
  std::mt19937_64 rng(99);
  void *none_ = nullptr;
  Quantiles small; // exact mode
  small.addAll({3.5, -1, 0, 2});
  std::string smallBytes = weir_sketch_serialize_quantiles(small.p);
  Quantiles smallBack;
  ASSERT_TRUE(weir_sketch_deserialize_quantiles(smallBytes, &smallBack.p));
  EXPECT_EQ(weir_sketch_serialize_quantiles(smallBack.p), smallBytes);
  EXPECT_EQ(smallBack.at(0.5), -0.0 + 0);
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(smallBytes.substr(0, smallBytes.size() - 1), &none_));
  std::string unsorted = smallBytes; // swap the first two values
  size_t first = unsorted.size() - 32;
  std::string v0 = unsorted.substr(first, 8), v1 = unsorted.substr(first + 8, 8);
  unsorted.replace(first, 8, v1);
  unsorted.replace(first + 8, 8, v0);
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(unsorted, &none_));

  Quantiles s;
  EXPECT_EQ(weir_sketch_serialize_quantiles(s.p), "");
  void *none = reinterpret_cast<void *>(1);
  ASSERT_TRUE(weir_sketch_deserialize_quantiles("", &none));
  EXPECT_EQ(none, nullptr);
  for (int i = 0; i < 20000; ++i)
    s.add(std::normal_distribution<double>(0, 10)(rng));
  s.add(0.0);
  std::string bytes = weir_sketch_serialize_quantiles(s.p);
  Quantiles back;
  ASSERT_TRUE(weir_sketch_deserialize_quantiles(bytes, &back.p));
  EXPECT_EQ(weir_sketch_serialize_quantiles(back.p), bytes);
  for (int k = 0; k <= 100; ++k)
    EXPECT_EQ(back.at(k / 100.0), s.at(k / 100.0));
  back.add(1e6);
  s.add(1e6);
  EXPECT_EQ(back.at(1), s.at(1));
  EXPECT_EQ(back.at(0.9999), s.at(0.9999));

  void *out = reinterpret_cast<void *>(1);
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(bytes.substr(0, bytes.size() - 1), &out));
  EXPECT_EQ(out, nullptr);
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(bytes + "x", &out));
  std::string otherKind = bytes;
  otherKind[0] = 'H';
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(otherKind, &out));
  Hll h;
  h.addInt(1);
  EXPECT_FALSE(weir_sketch_deserialize_quantiles(weir_sketch_serialize_hll(h.p), &out));
  EXPECT_FALSE(weir_sketch_deserialize_hll(bytes, &out));
}

} // namespace
