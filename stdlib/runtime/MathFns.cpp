// round(x, digits) as SQL engines on doubles do it (Spark: BigDecimal of the
// double's shortest text, HALF_UP): round the shortest decimal text of `v`
// half away from zero, so round(1.005, 2) == 1.01 although the double 1.005
// is slightly below 1.005.
#include "weir/runtime.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

extern "C" double weir_round(double v, int64_t digits) {
  if (!std::isfinite(v) || v == 0.0)
    return v;
  // Shortest scientific text: "-d.ddddde+XX".
  char sci[40];
  auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char *p = sci;
  bool negative = *p == '-';
  if (negative)
    ++p;
  char mantissa[32];
  int nd = 0;
  for (; p < r.ptr && *p != 'e'; ++p)
    if (*p != '.')
      mantissa[nd++] = *p;
  int exponent = 0;
  std::from_chars(p + 1 + (p[1] == '+'), r.ptr, exponent);
  // value = 0.m0 m1 m2 ... * 10^(exponent + 1); keep `keep` mantissa digits.
  int64_t keep = static_cast<int64_t>(exponent) + 1 + digits;
  if (keep >= nd)
    return v;
  if (keep < 0)
    return 0.0;
  int carryDigits = static_cast<int>(keep);
  bool roundUp = mantissa[carryDigits] >= '5';
  char kept[40];
  int nk = 0;
  kept[nk++] = '0'; // room for a carry out of the first digit
  for (int i = 0; i < carryDigits; ++i)
    kept[nk++] = mantissa[i];
  if (roundUp) {
    int i = nk - 1;
    while (kept[i] == '9')
      kept[i--] = '0';
    ++kept[i];
  }
  // kept * 10^(exponent + 1 - keep)
  char text[80];
  int len = std::snprintf(text, sizeof text, "%s%.*se%lld", negative ? "-" : "", nk, kept,
                          static_cast<long long>(exponent + 1 - keep));
  double result = 0.0;
  std::from_chars(text, text + len, result);
  return result;
}
