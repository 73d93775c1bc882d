//===- ReferenceTestUtil.h - helpers for the reference unit tests -*- C++ -*-===//
//
// Deterministic random inputs, a numeric comparison that reports max-abs and
// relative-RMS error, Result unwrapping, and array reshuffles (flip, permute)
// used to state properties such as "reverse scan == scan of flipped input".
//
//===----------------------------------------------------------------------===//

#ifndef LDN_TEST_UNIT_REFERENCETESTUTIL_H
#define LDN_TEST_UNIT_REFERENCETESTUTIL_H

#include "Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

namespace ldn::reference::testutil {

/// Sequence lengths that exercise the edges of typical tile sizes.
inline const std::vector<int64_t> kAwkwardLengths = {1, 2, 7, 63, 64, 65};

/// Uniform values in [lo, hi), reproducible on every platform (the standard
/// <random> distributions are implementation-defined).
inline Array randomArray(const Shape &shape, uint64_t seed, double lo = -1.0,
                         double hi = 1.0) {
  Array a(shape);
  for (int64_t i = 0; i < a.numElements(); ++i) {
    const uint64_t bits = splitMix64(seed * 0x100000001B3ULL + i);
    const double unit = static_cast<double>(bits >> 11) * 0x1.0p-53;
    a[i] = lo + (hi - lo) * unit;
  }
  return a;
}

/// Passes when shapes match and every |actual - expected| <= tol (equal
/// infinities count as equal). The failure message gives the max-abs error
/// with its position and the relative-RMS error.
inline ::testing::AssertionResult arraysClose(const Array &actual,
                                              const Array &expected,
                                              double tol) {
  if (actual.shape() != expected.shape())
    return ::testing::AssertionFailure()
           << "shape mismatch: actual " << actual.shapeString()
           << " vs expected " << expected.shapeString();
  double maxAbs = 0.0, sumSqDiff = 0.0, sumSqExpected = 0.0;
  int64_t worst = -1;
  for (int64_t i = 0; i < actual.numElements(); ++i) {
    const double a = actual[i], e = expected[i];
    double diff;
    if (a == e)
      diff = 0.0; // Also covers matching infinities.
    else if (std::isnan(a) || std::isnan(e) || std::isinf(a) || std::isinf(e))
      diff = INFINITY;
    else
      diff = std::abs(a - e);
    if (diff > maxAbs) {
      maxAbs = diff;
      worst = i;
    }
    if (std::isfinite(diff))
      sumSqDiff += diff * diff;
    if (std::isfinite(e))
      sumSqExpected += e * e;
  }
  if (maxAbs <= tol)
    return ::testing::AssertionSuccess();
  const double relRms = sumSqExpected > 0
                            ? std::sqrt(sumSqDiff / sumSqExpected)
                            : std::sqrt(sumSqDiff);
  std::ostringstream os;
  os.precision(17);
  os << "max-abs error " << maxAbs << " > tol " << tol << " at flat index "
     << worst << " (actual " << actual[worst] << ", expected "
     << expected[worst] << "); relative-RMS error " << relRms << "; shape "
     << actual.shapeString();
  return ::testing::AssertionFailure() << os.str();
}

/// EXPECT-style comparison; failures are reported at the caller's line.
inline void expectClose(const Array &actual, const Array &expected, double tol,
                        const char *file = __builtin_FILE(),
                        int line = __builtin_LINE()) {
  ::testing::AssertionResult r = arraysClose(actual, expected, tol);
  if (!r)
    ADD_FAILURE_AT(file, line) << r.message();
}

/// The value of a Result, or (after recording a failure with the op's error
/// message) a default-constructed T so that the test can carry on.
template <typename T>
T must(Result<T> result, const char *file = __builtin_FILE(),
       int line = __builtin_LINE()) {
  if (!result.ok()) {
    ADD_FAILURE_AT(file, line) << "unexpected error: " << result.error();
    return T{};
  }
  return std::move(result).value();
}

/// Expects a failed Result whose message mentions every given fragment
/// (typically the quoted argument name, e.g. "'alpha'").
template <typename T>
void expectError(const Result<T> &result,
                 std::initializer_list<std::string> fragments,
                 const char *file = __builtin_FILE(),
                 int line = __builtin_LINE()) {
  if (result.ok()) {
    ADD_FAILURE_AT(file, line) << "expected an error, got a value";
    return;
  }
  for (const std::string &fragment : fragments)
    if (result.error().find(fragment) == std::string::npos)
      ADD_FAILURE_AT(file, line) << "error message lacks \"" << fragment
                                 << "\": " << result.error();
}

/// Unravels a flat row-major offset into a multi-index.
inline std::vector<int64_t> unravel(int64_t flat, const Shape &shape) {
  std::vector<int64_t> index(shape.size());
  for (int64_t axis = static_cast<int64_t>(shape.size()) - 1; axis >= 0;
       --axis) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return index;
}

/// The array reversed along `dim`.
inline Array flip(const Array &a, int64_t dim) {
  Array out(a.shape());
  for (int64_t i = 0; i < a.numElements(); ++i) {
    std::vector<int64_t> index = unravel(i, a.shape());
    index[dim] = a.dim(dim) - 1 - index[dim];
    out.at(index) = a[i];
  }
  return out;
}

/// out has dims shape[perm[0]], shape[perm[1]], ...: out[j] = a[i] with
/// j_k = i_{perm[k]} (numpy's transpose).
inline Array permute(const Array &a, const std::vector<int64_t> &perm) {
  Shape shape(perm.size());
  for (size_t k = 0; k < perm.size(); ++k)
    shape[k] = a.dim(perm[k]);
  Array out(shape);
  for (int64_t i = 0; i < a.numElements(); ++i) {
    std::vector<int64_t> index = unravel(i, a.shape()), outIndex(perm.size());
    for (size_t k = 0; k < perm.size(); ++k)
      outIndex[k] = index[perm[k]];
    out.at(outIndex) = a[i];
  }
  return out;
}

/// The inverse permutation.
inline std::vector<int64_t> inversePermutation(const std::vector<int64_t> &p) {
  std::vector<int64_t> inv(p.size());
  for (size_t k = 0; k < p.size(); ++k)
    inv[p[k]] = static_cast<int64_t>(k);
  return inv;
}

} // namespace ldn::reference::testutil

#endif // LDN_TEST_UNIT_REFERENCETESTUTIL_H
