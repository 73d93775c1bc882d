//===- ReferenceSSMTest.cpp - ldn.ssm_kernel and ldn.long_conv ------------===//

#include "ReferenceTestUtil.h"

#include <complex>

namespace ldn::reference {
namespace {

using namespace testutil;
using Complex = std::complex<double>;

struct Modes {
  Array lambdaRe, lambdaIm, logDt;
};

/// N modes with Re(λ) well below the clamp, a spread of frequencies and steps.
Modes sampleModes(int64_t N, uint64_t seed) {
  return {randomArray({N}, seed, -1.0, -0.05), randomArray({N}, seed + 1, -4, 4),
          randomArray({N}, seed + 2, std::log(1e-3), std::log(0.5))};
}

/// Discretized (λ̄, c) of mode n, from the formulas of ops.md section 8.
std::pair<Complex, Complex> discretize(const Modes &m, int64_t n,
                                       SsmMethod method) {
  const Complex lambda(std::min(m.lambdaRe[n], -1e-4), m.lambdaIm[n]);
  const double dt = std::exp(m.logDt[n]);
  if (method == SsmMethod::Zoh) {
    const Complex bar = std::exp(lambda * dt);
    return {bar, (bar - 1.0) / lambda};
  }
  return {(1.0 + dt * lambda / 2.0) / (1.0 - dt * lambda / 2.0),
          dt / (1.0 - dt * lambda / 2.0)};
}

/// The diagonal recurrence per channel n (= mode n): h_t = λ̄ h_{t-1} + c u_t,
/// y_t = Re(h_t). When `bidirectional`, also the backward recurrence
/// g_t = λ̄ g_{t+1} + c u_{t+1} (g_{T-1} = 0) is added: y_t += Re(g_t).
Array recurrence(const Modes &m, const Array &u, SsmMethod method,
                 bool bidirectional) {
  const int64_t B = u.dim(0), T = u.dim(1), N = u.dim(2);
  Array y(u.shape());
  for (int64_t n = 0; n < N; ++n) {
    const auto [bar, c] = discretize(m, n, method);
    for (int64_t b = 0; b < B; ++b) {
      Complex h = 0.0;
      for (int64_t t = 0; t < T; ++t) {
        h = bar * h + c * u.at({b, t, n});
        y.at({b, t, n}) = h.real();
      }
      if (!bidirectional)
        continue;
      Complex g = 0.0;
      for (int64_t t = T - 1; t >= 0; --t) {
        y.at({b, t, n}) += g.real();
        g = bar * g + c * u.at({b, t, n}); // g_{t-1} = λ̄ g_t + c u_t
      }
    }
  }
  return y;
}

SsmKernelOptions kernelOptions(SsmMethod method, bool bidirectional) {
  SsmKernelOptions o;
  o.method = method;
  o.bidirectional = bidirectional;
  return o;
}

LongConvOptions convOptions(bool bidirectional) {
  LongConvOptions o;
  o.bidirectional = bidirectional;
  return o;
}

TEST(SsmLongConvTest, CausalKernelConvolutionEqualsDiagonalRecurrence) {
  for (SsmMethod method : {SsmMethod::Zoh, SsmMethod::Bilinear})
    for (int64_t T : kAwkwardLengths)
      for (int64_t extra : {0, 5}) { // kernel length L = T or T + 5
        const int64_t N = 4;
        const Modes m = sampleModes(N, 901 + T);
        const Array u = randomArray({2, T, N}, 904 + T);
        Array kernel = must(ssmKernel(m.lambdaRe, m.lambdaIm, m.logDt, T + extra,
                                      kernelOptions(method, false)));
        ASSERT_EQ(kernel.shape(), (Shape{N, T + extra}));
        Array y = must(longConv(u, kernel, convOptions(false)));
        SCOPED_TRACE("method=" + std::to_string(static_cast<int>(method)) +
                     " T=" + std::to_string(T) + " L=" + std::to_string(T + extra));
        expectClose(y, recurrence(m, u, method, false), 1e-12);
      }
}

TEST(SsmLongConvTest, ShortKernelDropsLagsBeyondIt) {
  // With L < T only lags < L count: y_t = Re(h_t - λ̄^L h_{t-L}).
  const int64_t N = 3, T = 40, L = 9;
  const Modes m = sampleModes(N, 911);
  const Array u = randomArray({1, T, N}, 914);
  for (SsmMethod method : {SsmMethod::Zoh, SsmMethod::Bilinear}) {
    Array kernel = must(
        ssmKernel(m.lambdaRe, m.lambdaIm, m.logDt, L, kernelOptions(method, false)));
    Array y = must(longConv(u, kernel, convOptions(false)));
    Array want(u.shape());
    for (int64_t n = 0; n < N; ++n) {
      const auto [bar, c] = discretize(m, n, method);
      std::vector<Complex> h(T);
      for (int64_t t = 0; t < T; ++t)
        h[t] = (t > 0 ? bar * h[t - 1] : 0.0) + c * u.at({0, t, n});
      for (int64_t t = 0; t < T; ++t)
        want.at({0, t, n}) =
            (h[t] - (t >= L ? std::pow(bar, static_cast<double>(L)) * h[t - L] : 0.0))
                .real();
    }
    expectClose(y, want, 1e-12);
  }
}

TEST(SsmLongConvTest, BidirectionalEqualsForwardPlusBackwardRecurrence) {
  for (SsmMethod method : {SsmMethod::Zoh, SsmMethod::Bilinear})
    for (int64_t T : kAwkwardLengths)
      for (int64_t extra : {0, 3}) {
        const int64_t N = 3;
        const Modes m = sampleModes(N, 921 + T);
        const Array u = randomArray({2, T, N}, 924 + T);
        Array kernel = must(ssmKernel(m.lambdaRe, m.lambdaIm, m.logDt, T + extra,
                                      kernelOptions(method, true)));
        ASSERT_EQ(kernel.shape(), (Shape{N, 2 * (T + extra)}));
        Array y = must(longConv(u, kernel, convOptions(true)));
        SCOPED_TRACE("method=" + std::to_string(static_cast<int>(method)) +
                     " T=" + std::to_string(T));
        expectClose(y, recurrence(m, u, method, true), 1e-12);
      }
}

TEST(SsmKernelTest, BidirectionalKernelIsForwardThenMirror) {
  const Modes m = sampleModes(5, 931);
  for (SsmMethod method : {SsmMethod::Zoh, SsmMethod::Bilinear})
    for (int64_t L : {0, 1, 2, 7}) {
      Array forward = must(ssmKernel(m.lambdaRe, m.lambdaIm, m.logDt, L,
                                     kernelOptions(method, false)));
      Array bi = must(ssmKernel(m.lambdaRe, m.lambdaIm, m.logDt, L,
                                kernelOptions(method, true)));
      ASSERT_EQ(bi.shape(), (Shape{5, 2 * L}));
      for (int64_t n = 0; n < 5; ++n)
        for (int64_t j = 0; j < L; ++j) {
          EXPECT_EQ(bi.at({n, j}), forward.at({n, j}));
          EXPECT_EQ(bi.at({n, L + j}), forward.at({n, L - 1 - j}));
        }
    }
}

TEST(SsmKernelTest, RealPartIsClampedToMinus1e4) {
  Array re = Array::fromData({3}, {0.7, -1e-4, -0.3}).value();
  Array clamped = Array::fromData({3}, {-1e-4, -1e-4, -0.3}).value();
  const Array im = randomArray({3}, 941), logDt = randomArray({3}, 942, -3, -1);
  for (SsmMethod method : {SsmMethod::Zoh, SsmMethod::Bilinear}) {
    Array a = must(ssmKernel(re, im, logDt, 16, kernelOptions(method, false)));
    Array b = must(ssmKernel(clamped, im, logDt, 16, kernelOptions(method, false)));
    expectClose(a, b, 0.0);
    for (double value : a.data())
      EXPECT_TRUE(std::isfinite(value));
  }
}

TEST(SsmKernelTest, BilinearPoleAtZeroGivesAnImpulse) {
  // λ = -2/Δ makes λ̄ = 0: κ = [Re(c), 0, 0, ...] with c = Δ/2, never NaN.
  const double dt = 0.5;
  Array re = Array::fromData({1}, {-2.0 / dt}).value();
  Array kernel = must(ssmKernel(re, Array(Shape{1}), Array(Shape{1}, std::log(dt)),
                                4, kernelOptions(SsmMethod::Bilinear, false)));
  expectClose(kernel, Array::fromData({1, 4}, {dt / 2, 0, 0, 0}).value(), 1e-15);
}

TEST(LongConvTest, ImpulseResponsesShowTheKernelTaps) {
  const int64_t T = 12, C = 2;
  for (bool bidirectional : {false, true})
    for (int64_t Lk : {4, 6, 30}) {
      const Array kernel = randomArray({C, Lk}, 951 + Lk);
      const int64_t s0 = 5; // impulse position
      Array u(Shape{1, T, C});
      for (int64_t c = 0; c < C; ++c)
        u.at({0, s0, c}) = 1.0;
      Array y = must(longConv(u, kernel, convOptions(bidirectional)));
      Array want(u.shape());
      for (int64_t c = 0; c < C; ++c)
        for (int64_t t = 0; t < T; ++t) {
          const int64_t lag = t - s0;
          if (!bidirectional) {
            if (lag >= 0 && lag < Lk)
              want.at({0, t, c}) = kernel.at({c, lag});
          } else {
            const int64_t L = Lk / 2;
            if (lag >= 0 && lag < L)
              want.at({0, t, c}) = kernel.at({c, lag}); // forward tap κ[lag]
            if (lag < 0 && -lag <= L)                   // mirror: κ[-lag - 1]
              want.at({0, t, c}) = kernel.at({c, L + (L - 1 - (-lag - 1))});
          }
        }
      SCOPED_TRACE("bidirectional=" + std::to_string(bidirectional) +
                   " Lk=" + std::to_string(Lk));
      expectClose(y, want, 0.0);
    }
}

TEST(LongConvTest, StrategyDoesNotChangeTheResult) {
  const Array u = randomArray({2, 17, 3}, 961), kernel = randomArray({3, 8}, 962);
  for (bool bidirectional : {false, true}) {
    LongConvOptions o = convOptions(bidirectional);
    Array byDefault = must(longConv(u, kernel, o));
    for (LongConvStrategy s : {LongConvStrategy::Direct, LongConvStrategy::FFT}) {
      o.strategy = s;
      expectClose(must(longConv(u, kernel, o)), byDefault, 0.0);
    }
  }
}

TEST(SsmKernelTest, RejectsMismatchedShapes) {
  const Array n4(Shape{4});
  const SsmKernelOptions zoh = kernelOptions(SsmMethod::Zoh, false);
  expectError(ssmKernel(n4, Array(Shape{3}), n4, 8, zoh),
              {"'lambda_im'", "dimension 0 is 3"});
  expectError(ssmKernel(n4, n4, Array(Shape{5}), 8, zoh), {"'log_dt'"});
  expectError(ssmKernel(Array(Shape{4, 1}), n4, n4, 8, zoh), {"'lambda_re'"});
  expectError(ssmKernel(n4, n4, n4, -1, zoh), {"'length'"});
}

TEST(LongConvTest, RejectsMismatchedShapes) {
  const Array v(Shape{2, 10, 3});
  expectError(longConv(v, Array(Shape{4, 8}), convOptions(false)),
              {"'kernel'", "dimension 0 is 4", "must be 3"});
  expectError(longConv(v, Array(Shape{3, 7}), convOptions(true)),
              {"'kernel'", "even"});
  expectError(longConv(Array(Shape{10, 3}), Array(Shape{3, 8}), convOptions(false)),
              {"'v'"});
  expectError(longConv(v, Array(Shape{3}), convOptions(false)), {"'kernel'"});
}

TEST(SsmConvTest, SmallCaseByHand) {
  // One head: v = u0 + 2 u1, causal taps [1, 0.5], y = [3 x, -x].
  const Array u = must(Array::fromData({1, 2, 2}, {1, 1, 2, 0}));
  const Array inProj = must(Array::fromData({1, 2, 1}, {1, 2}));
  const Array kernel = must(Array::fromData({1, 2}, {1, 0.5}));
  const Array outProj = must(Array::fromData({1, 1, 2}, {3, -1}));
  // v = [3, 2]; x = [3, 2 + 0.5 * 3].
  const Array want = must(Array::fromData({1, 2, 2}, {9, -3, 10.5, -3.5}));
  expectClose(must(ssmConv(u, inProj, kernel, outProj, convOptions(false))),
              want, 1e-15);
}

TEST(SsmConvTest, PerHeadIdentityProjectionsLeaveTheConvolution) {
  // G = 3 heads of one channel each, identity weights: y = longConv(u).
  for (bool bidirectional : {false, true})
    for (int64_t T : kAwkwardLengths) {
      const Array u = randomArray({2, T, 3}, 11 + T);
      const Array kernel = randomArray({3, 8}, 12 + T);
      const Array identity = must(Array::fromData({3, 1, 1}, {1, 1, 1}));
      expectClose(must(ssmConv(u, identity, kernel, identity,
                               convOptions(bidirectional))),
                  must(longConv(u, kernel, convOptions(bidirectional))),
                  1e-15);
    }
}

TEST(SsmConvTest, RejectsMismatchedShapes) {
  const Array u(Shape{2, 10, 4});
  const Array kernel(Shape{6, 8});
  // 2 heads of 2 inputs and 3 states; 2 heads of 3 states and 5 outputs.
  const Array inProj(Shape{2, 2, 3}), outProj(Shape{2, 3, 5});
  expectError(ssmConv(Array(Shape{2, 10, 5}), inProj, kernel, outProj,
                      convOptions(false)),
              {"'u'", "G·Hg"});
  expectError(ssmConv(u, inProj, kernel, Array(Shape{3, 3, 5}),
                      convOptions(false)),
              {"'out_proj'", "G, dim 0"});
  expectError(ssmConv(u, inProj, kernel, Array(Shape{2, 2, 5}),
                      convOptions(false)),
              {"'out_proj'", "Ng, dim 2"});
  expectError(ssmConv(u, inProj, Array(Shape{5, 8}), outProj,
                      convOptions(false)),
              {"'kernel'", "dimension 0 is 5"});
  expectError(ssmConv(u, Array(Shape{2, 2}), kernel, outProj,
                      convOptions(false)),
              {"'in_proj'"});
}

} // namespace
} // namespace ldn::reference
