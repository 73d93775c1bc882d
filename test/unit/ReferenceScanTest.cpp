//===- ReferenceScanTest.cpp - ldn.scan and ldn.selective_scan ------------===//

#include "ReferenceTestUtil.h"

namespace ldn::reference {
namespace {

using namespace testutil;

ScanOptions scanOptions(int64_t dim, bool reverse = false,
                        std::optional<Array> init = std::nullopt) {
  ScanOptions o;
  o.dim = dim;
  o.reverse = reverse;
  o.init = std::move(init);
  return o;
}

/// The shape of `shape` without axis `dim`.
Shape without(Shape shape, int64_t dim) {
  shape.erase(shape.begin() + dim);
  return shape;
}

TEST(ScanTest, MatchesHandWrittenRecurrence) {
  for (int64_t T : kAwkwardLengths) {
    const Array a = randomArray({2, T, 3}, 201 + T);
    const Array b = randomArray({2, T, 3}, 202 + T);
    const Array h0 = randomArray({2, 3}, 203);
    ScanResult r = must(scan(a, b, scanOptions(1, false, h0)));
    Array states(Shape{2, T, 3}), last(Shape{2, 3});
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < 3; ++c) {
        double h = h0.at({n, c});
        for (int64_t t = 0; t < T; ++t) {
          h = a.at({n, t, c}) * h + b.at({n, t, c});
          states.at({n, t, c}) = h;
        }
        last.at({n, c}) = h;
      }
    expectClose(r.states, states, 1e-14);
    expectClose(r.last, last, 1e-14);
  }
}

TEST(ScanTest, ReverseEqualsScanOfFlippedInput) {
  for (int64_t T : kAwkwardLengths)
    for (int64_t dim : {0, 1, 2}) {
      Shape shape = {3, 4, 5};
      shape[dim] = T;
      const Array a = randomArray(shape, 211 + T);
      const Array b = randomArray(shape, 212 + T);
      const Array h0 = randomArray(without(shape, dim), 213);
      ScanResult reversed = must(scan(a, b, scanOptions(dim, true, h0)));
      ScanResult forwardOfFlipped =
          must(scan(flip(a, dim), flip(b, dim), scanOptions(dim, false, h0)));
      SCOPED_TRACE("T=" + std::to_string(T) + " dim=" + std::to_string(dim));
      expectClose(reversed.states, flip(forwardOfFlipped.states, dim), 1e-14);
      expectClose(reversed.last, forwardOfFlipped.last, 1e-14);
    }
}

TEST(ScanTest, ScanAlongAnyDimMatchesTransposedScanAlongDimOne) {
  // Move `dim` to position 1, scan along 1, move it back.
  const Shape shape = {3, 4, 5, 2};
  const Array a = randomArray(shape, 221);
  const Array b = randomArray(shape, 222);
  for (int64_t dim = 0; dim < 4; ++dim)
    for (bool reverse : {false, true}) {
      std::vector<int64_t> perm = {0, 1, 2, 3};
      std::swap(perm[1], perm[dim]);
      const Array h0 = randomArray(without(shape, dim), 223 + dim);
      ScanResult direct = must(scan(a, b, scanOptions(dim, reverse, h0)));
      // The init state's axes follow the same permutation with dim removed.
      const Array aT = permute(a, perm), bT = permute(b, perm);
      std::vector<int64_t> initPerm;
      for (int64_t axis : perm)
        if (axis != dim)
          initPerm.push_back(axis < dim ? axis : axis - 1);
      ScanResult viaTranspose =
          must(scan(aT, bT, scanOptions(1, reverse, permute(h0, initPerm))));
      SCOPED_TRACE("dim=" + std::to_string(dim));
      expectClose(direct.states,
                  permute(viaTranspose.states, inversePermutation(perm)), 1e-14);
      expectClose(direct.last,
                  permute(viaTranspose.last, inversePermutation(initPerm)),
                  1e-14);
    }
}

TEST(ScanTest, PerChannelDecayEqualsBroadcastDecay) {
  const Shape shape = {3, 7, 2, 5};
  const Array aChannel = randomArray({5}, 231);
  Array aFull(shape);
  for (int64_t i = 0; i < aFull.numElements(); ++i)
    aFull[i] = aChannel[unravel(i, shape)[3]];
  const Array b = randomArray(shape, 232);
  for (int64_t dim : {0, 1, 2})
    for (bool reverse : {false, true}) {
      const Array h0 = randomArray(without(shape, dim), 233);
      ScanResult perChannel =
          must(scan(aChannel, b, scanOptions(dim, reverse, h0)));
      ScanResult broadcast = must(scan(aFull, b, scanOptions(dim, reverse, h0)));
      expectClose(perChannel.states, broadcast.states, 0.0);
      expectClose(perChannel.last, broadcast.last, 0.0);
    }
}

TEST(ScanTest, InitStateIsHonoured) {
  // Starting from h0 equals starting from 0 with a_first * h0 added to the
  // first b, for both directions.
  const Shape shape = {2, 9, 3};
  const Array a = randomArray(shape, 241);
  const Array b = randomArray(shape, 242);
  const Array h0 = randomArray({2, 3}, 243, 1, 2);
  for (bool reverse : {false, true}) {
    const int64_t first = reverse ? 8 : 0;
    Array bShifted = b;
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < 3; ++c)
        bShifted.at({n, first, c}) += a.at({n, first, c}) * h0.at({n, c});
    ScanResult withInit = must(scan(a, b, scanOptions(1, reverse, h0)));
    ScanResult fromZero = must(scan(a, bShifted, scanOptions(1, reverse)));
    expectClose(withInit.states, fromZero.states, 1e-14);
    expectClose(withInit.last, fromZero.last, 1e-14);
    // The final state is the state at the last visited index.
    Array lastVisited(Shape{2, 3});
    for (int64_t n = 0; n < 2; ++n)
      for (int64_t c = 0; c < 3; ++c)
        lastVisited.at({n, c}) = withInit.states.at({n, reverse ? 0 : 8, c});
    expectClose(withInit.last, lastVisited, 0.0);
  }
}

TEST(ScanTest, EmptySequenceReturnsInit) {
  const Array h0 = randomArray({2, 3}, 251);
  ScanResult r =
      must(scan(Array(Shape{2, 0, 3}), Array(Shape{2, 0, 3}), scanOptions(1, false, h0)));
  EXPECT_EQ(r.states.shape(), (Shape{2, 0, 3}));
  expectClose(r.last, h0, 0.0);
}

TEST(ScanTest, RejectsMismatchedShapesAndAttributes) {
  const Array b(Shape{2, 5, 3});
  expectError(scan(Array(Shape{2, 5, 4}), b, scanOptions(1)), {"'a'"});
  expectError(scan(Array(Shape{4}), b, scanOptions(1)),
              {"'a'", "dimension 0 is 4"});
  expectError(scan(Array(Shape{3}), b, scanOptions(2)), {"'a'", "'dim'"});
  expectError(scan(b, b, scanOptions(3)), {"'dim'"});
  expectError(scan(b, b, scanOptions(-1)), {"'dim'"});
  expectError(scan(Array(Shape{5}), Array(Shape{5}), scanOptions(0)),
              {"'b'", "rank >= 2"});
  expectError(scan(b, b, scanOptions(1, false, Array(Shape{2, 5}))),
              {"'init'", "dimension 1 is 5"});
  expectError(scan(b, b, scanOptions(1, false, Array(Shape{2, 3, 1}))),
              {"'init'", "rank 2"});
}

//===----------------------------------------------------------------------===//
// selective_scan
//===----------------------------------------------------------------------===//

struct SelectiveScanInputs {
  Array x, delta, A, B, C, D, z, dbias, h0;
};

SelectiveScanInputs makeInputs(int64_t batch, int64_t T, int64_t D, int64_t N,
                               uint64_t seed) {
  return {randomArray({batch, T, D}, seed + 1),
          randomArray({batch, T, D}, seed + 2, -1.5, 1.0),
          randomArray({D, N}, seed + 3, -2.0, -0.1),
          randomArray({batch, T, N}, seed + 4),
          randomArray({batch, T, N}, seed + 5),
          randomArray({D}, seed + 6),
          randomArray({batch, T, D}, seed + 7, -3, 3),
          randomArray({D}, seed + 8, 0.0, 1.0),
          randomArray({batch, D, N}, seed + 9)};
}

/// The S6 recurrence written out step by step for one (b, d) at a time.
SelectiveScanResult recurrence(const SelectiveScanInputs &in,
                               const SelectiveScanOptions &o) {
  const int64_t batch = in.x.dim(0), T = in.x.dim(1), D = in.x.dim(2),
                N = in.A.dim(1);
  SelectiveScanResult r{Array(Shape{batch, T, D}), Array(Shape{batch, D, N})};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t d = 0; d < D; ++d) {
      std::vector<double> h(N);
      for (int64_t n = 0; n < N; ++n)
        h[n] = o.h0 ? in.h0.at({b, d, n}) : 0.0;
      for (int64_t t = 0; t < T; ++t) {
        double dt = in.delta.at({b, t, d}) + (o.dbias ? in.dbias.at({d}) : 0.0);
        if (o.deltaSoftplus)
          dt = std::log(1.0 + std::exp(dt));
        double y = 0.0;
        for (int64_t n = 0; n < N; ++n) {
          const double decay = std::exp(dt * in.A.at({d, n}));
          const double input = dt * in.B.at({b, t, n}) * in.x.at({b, t, d});
          h[n] = decay * h[n] + input;
          y += h[n] * in.C.at({b, t, n});
        }
        if (o.D)
          y += in.D.at({d}) * in.x.at({b, t, d});
        if (o.z) {
          const double zt = in.z.at({b, t, d});
          y *= zt / (1.0 + std::exp(-zt)); // silu(z) = z * sigmoid(z)
        }
        r.y.at({b, t, d}) = y;
      }
      for (int64_t n = 0; n < N; ++n)
        r.finalState.at({b, d, n}) = h[n];
    }
  return r;
}

TEST(SelectiveScanTest, MatchesStepByStepRecurrenceForEveryOptionMix) {
  for (int64_t N : {1, 4})
    for (int64_t T : {1, 7, 65})
      for (int mask = 0; mask < 32; ++mask) {
        const SelectiveScanInputs in = makeInputs(2, T, 3, N, 300 + T + N);
        SelectiveScanOptions o;
        if (mask & 1)
          o.z = in.z;
        if (mask & 2)
          o.D = in.D;
        if (mask & 4)
          o.dbias = in.dbias;
        if (mask & 8)
          o.h0 = in.h0;
        o.deltaSoftplus = (mask & 16) != 0;
        SelectiveScanResult got =
            must(selectiveScan(in.x, in.delta, in.A, in.B, in.C, o));
        SelectiveScanResult want = recurrence(in, o);
        SCOPED_TRACE("N=" + std::to_string(N) + " T=" + std::to_string(T) +
                     " options=" + std::to_string(mask));
        expectClose(got.y, want.y, 1e-13);
        expectClose(got.finalState, want.finalState, 1e-13);
      }
}

TEST(SelectiveScanTest, SoftplusIsStableForLargeDelta) {
  // softplus(800) = 800 (exp(800) overflows a naive evaluation).
  SelectiveScanInputs in = makeInputs(1, 3, 2, 2, 400);
  in.delta = Array(Shape{1, 3, 2}, 800.0);
  SelectiveScanOptions o;
  o.deltaSoftplus = true;
  SelectiveScanResult r = must(selectiveScan(in.x, in.delta, in.A, in.B, in.C, o));
  SelectiveScanOptions raw; // delta = 800 used directly
  SelectiveScanResult direct =
      must(selectiveScan(in.x, in.delta, in.A, in.B, in.C, raw));
  expectClose(r.y, direct.y, 1e-9);
}

TEST(SelectiveScanTest, RejectsMismatchedShapes) {
  const SelectiveScanInputs in = makeInputs(2, 5, 3, 4, 500);
  const SelectiveScanOptions none;
  expectError(selectiveScan(Array(Shape{2, 5}), in.delta, in.A, in.B, in.C, none),
              {"'x'", "rank 3"});
  expectError(selectiveScan(in.x, Array(Shape{2, 6, 3}), in.A, in.B, in.C, none),
              {"'delta'", "dimension 1 is 6"});
  expectError(selectiveScan(in.x, in.delta, Array(Shape{4, 4}), in.B, in.C, none),
              {"'A'", "dimension 0 is 4"});
  expectError(selectiveScan(in.x, in.delta, in.A, Array(Shape{2, 5, 3}), in.C, none),
              {"'B'", "dimension 2 is 3"});
  expectError(selectiveScan(in.x, in.delta, in.A, in.B, Array(Shape{1, 5, 4}), none),
              {"'C'", "dimension 0 is 1"});
  auto withOption = [&](auto set) {
    SelectiveScanOptions o;
    set(o);
    return selectiveScan(in.x, in.delta, in.A, in.B, in.C, o);
  };
  expectError(withOption([](SelectiveScanOptions &o) { o.D = Array(Shape{4}); }),
              {"'D'"});
  expectError(withOption([](SelectiveScanOptions &o) { o.z = Array(Shape{2, 5, 2}); }),
              {"'z'"});
  expectError(withOption([](SelectiveScanOptions &o) { o.dbias = Array(Shape{3, 1}); }),
              {"'dbias'"});
  expectError(withOption([](SelectiveScanOptions &o) { o.h0 = Array(Shape{2, 3, 5}); }),
              {"'h0'", "dimension 2 is 5"});
}

} // namespace
} // namespace ldn::reference
