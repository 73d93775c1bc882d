//===- ReferenceDiffuseTest.cpp - properties of ldn.diffuse ---------------===//

#include "ReferenceTestUtil.h"

namespace ldn::reference {
namespace {

using namespace testutil;

/// An independent formulation: build the T x T matrix K = W - diag(W 1) with
/// W_ts = w_{|t-s|} for 1 <= |t-s| <= R (and s < t only when causal), then
/// apply x <- x + dt * alpha ⊙ (K x) column by column.
Array denseLaplacianDiffuse(const Array &x, const Array &w, const Array &alpha,
                            double dt, int64_t steps, bool causal) {
  const int64_t B = x.dim(0), T = x.dim(1), D = x.dim(2), R = w.dim(0);
  std::vector<std::vector<double>> K(T, std::vector<double>(T, 0.0));
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t s = 0; s < T; ++s) {
      const int64_t offset = std::abs(t - s);
      if (offset >= 1 && offset <= R && !(causal && s > t))
        K[t][s] = w[offset - 1];
    }
    double degree = 0.0;
    for (int64_t s = 0; s < T; ++s)
      degree += K[t][s];
    K[t][t] = -degree;
  }
  Array current = x;
  for (int64_t step = 0; step < steps; ++step) {
    Array next(x.shape());
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < T; ++t)
        for (int64_t d = 0; d < D; ++d) {
          double kx = 0.0;
          for (int64_t s = 0; s < T; ++s)
            kx += K[t][s] * current.at({b, s, d});
          const double a =
              alpha.rank() == 1 ? alpha.at({d}) : alpha.at({b, t, d});
          next.at({b, t, d}) = current.at({b, t, d}) + dt * a * kx;
        }
    current = next;
  }
  return current;
}

DiffuseOptions makeOptions(int64_t steps, double dt, bool causal) {
  DiffuseOptions o;
  o.steps = steps;
  o.dt = dt;
  o.causal = causal;
  return o;
}

TEST(DiffuseTest, ConstantsAreFixedPoints) {
  for (bool causal : {false, true})
    for (int64_t T : kAwkwardLengths)
      for (int64_t R : {1, 3, 70}) {
        // x[b, t, d] = c[b, d]: constant along the sequence.
        const Array c = randomArray({2, 1, 3}, 11 + T);
        Array x(Shape{2, T, 3});
        for (int64_t i = 0; i < x.numElements(); ++i) {
          std::vector<int64_t> idx = unravel(i, x.shape());
          x[i] = c.at({idx[0], 0, idx[2]});
        }
        const Array w = randomArray({R}, 5, 0.0, 1.0);
        for (const Array &alpha :
             {randomArray({3}, 6, 0.1, 1.0), randomArray({2, T, 3}, 7, 0.1, 1.0)}) {
          Array y = must(diffuse(x, w, alpha, makeOptions(3, 0.2, causal)));
          SCOPED_TRACE("causal=" + std::to_string(causal) +
                       " T=" + std::to_string(T) + " R=" + std::to_string(R));
          expectClose(y, x, 1e-12);
        }
      }
}

TEST(DiffuseTest, NonCausalConservesTheSumOverT) {
  for (int64_t T : kAwkwardLengths)
    for (int64_t R : {1, 4, 80}) {
      const Array x = randomArray({2, T, 3}, 21 + T);
      const Array w = randomArray({R}, 22, 0.0, 1.0);
      const Array alpha = randomArray({3}, 23, 0.1, 1.0); // per channel
      Array y = must(diffuse(x, w, alpha, makeOptions(4, 0.05, false)));
      Array sumX(Shape{2, 3}), sumY(Shape{2, 3});
      for (int64_t b = 0; b < 2; ++b)
        for (int64_t t = 0; t < T; ++t)
          for (int64_t d = 0; d < 3; ++d) {
            sumX.at({b, d}) += x.at({b, t, d});
            sumY.at({b, d}) += y.at({b, t, d});
          }
      SCOPED_TRACE("T=" + std::to_string(T) + " R=" + std::to_string(R));
      expectClose(sumY, sumX, 1e-11);
    }
}

TEST(DiffuseTest, MatchesExplicitDenseLaplacianMatrix) {
  for (bool causal : {false, true})
    for (int64_t T : {1, 2, 7, 33})
      for (bool dataDependentAlpha : {false, true}) {
        const Array x = randomArray({2, T, 4}, 31 + T);
        const Array w = randomArray({5}, 32, 0.0, 1.0);
        const Array alpha = dataDependentAlpha
                                ? randomArray({2, T, 4}, 33, 0.0, 1.0)
                                : randomArray({4}, 34, 0.0, 1.0);
        Array y = must(diffuse(x, w, alpha, makeOptions(3, 0.07, causal)));
        SCOPED_TRACE("causal=" + std::to_string(causal) +
                     " T=" + std::to_string(T));
        expectClose(y, denseLaplacianDiffuse(x, w, alpha, 0.07, 3, causal),
                    1e-12);
      }
}

TEST(DiffuseTest, CausalNeverLooksAhead) {
  const int64_t T = 65, cut = 40;
  const Array w = randomArray({6}, 41, 0.0, 1.0);
  const Array x = randomArray({2, T, 3}, 42);
  const Array alpha = randomArray({2, T, 3}, 43, 0.0, 1.0);
  Array xPerturbed = x, alphaPerturbed = alpha;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = cut; t < T; ++t)
      for (int64_t d = 0; d < 3; ++d) {
        xPerturbed.at({b, t, d}) += 5.0;
        alphaPerturbed.at({b, t, d}) *= 3.0;
      }
  Array y = must(diffuse(x, w, alpha, makeOptions(5, 0.1, true)));
  Array yPerturbed =
      must(diffuse(xPerturbed, w, alphaPerturbed, makeOptions(5, 0.1, true)));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < cut; ++t)
      for (int64_t d = 0; d < 3; ++d)
        EXPECT_EQ(y.at({b, t, d}), yPerturbed.at({b, t, d}))
            << "b=" << b << " t=" << t << " d=" << d;
}

TEST(DiffuseTest, DtOperandTakesPrecedenceOverAttribute) {
  const Array x = randomArray({1, 9, 2}, 51);
  const Array w = randomArray({2}, 52, 0.0, 1.0);
  const Array alpha = randomArray({2}, 53, 0.0, 1.0);
  DiffuseOptions withOperand = makeOptions(2, 123.0, false);
  withOperand.dtOperand = Array::scalar(0.05);
  Array y = must(diffuse(x, w, alpha, withOperand));
  Array expected = must(diffuse(x, w, alpha, makeOptions(2, 0.05, false)));
  expectClose(y, expected, 0.0);
  expectClose(y, denseLaplacianDiffuse(x, w, alpha, 0.05, 2, false), 1e-13);
}

TEST(DiffuseTest, StepsRepeatTheSingleStep) {
  const Array x = randomArray({1, 12, 2}, 61);
  const Array w = randomArray({3}, 62, 0.0, 1.0);
  const Array alpha = randomArray({1, 12, 2}, 63, 0.0, 1.0);
  Array twice = must(diffuse(x, w, alpha, makeOptions(1, 0.1, false)));
  twice = must(diffuse(twice, w, alpha, makeOptions(1, 0.1, false)));
  expectClose(must(diffuse(x, w, alpha, makeOptions(2, 0.1, false))), twice,
              0.0);
}

TEST(DiffuseTest, RejectsMismatchedShapesAndAttributes) {
  const Array x(Shape{2, 5, 3}), w(Shape{2}), alpha(Shape{3});
  const DiffuseOptions ok = makeOptions(1, 0.1, false);
  expectError(diffuse(Array(Shape{5, 3}), w, alpha, ok), {"'x'", "rank 3"});
  expectError(diffuse(x, Array(Shape{2, 2}), alpha, ok), {"'w'"});
  expectError(diffuse(x, Array(Shape{0}), alpha, ok), {"'w'", "R >= 1"});
  expectError(diffuse(x, w, Array(Shape{4}), ok),
              {"'alpha'", "dimension 0 is 4", "must be 3"});
  expectError(diffuse(x, w, Array(Shape{5, 3}), ok), {"'alpha'"});
  expectError(diffuse(x, w, Array(Shape{2, 6, 3}), ok),
              {"'alpha'", "dimension 1 is 6"});
  expectError(diffuse(x, w, alpha, makeOptions(0, 0.1, false)), {"'steps'"});
  DiffuseOptions badDt = ok;
  badDt.dtOperand = Array(Shape{1}, 0.1);
  expectError(diffuse(x, w, alpha, badDt), {"'dt'", "rank 0"});
}

} // namespace
} // namespace ldn::reference
