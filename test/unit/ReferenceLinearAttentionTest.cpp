//===- ReferenceLinearAttentionTest.cpp - ldn.linear_attention,
//      ldn.additive_decay, ldn.lrpe and ldn.lightnet_attention ------------===//

#include "ReferenceTestUtil.h"

namespace ldn::reference {
namespace {

using namespace testutil;

//===----------------------------------------------------------------------===//
// linear_attention
//===----------------------------------------------------------------------===//

enum class DecayKind { None, Scalar, Vector };

LinearAttentionOptions laOptions(bool causal, double scale,
                                 std::optional<Array> decay = std::nullopt,
                                 std::optional<Array> s0 = std::nullopt) {
  LinearAttentionOptions o;
  o.causal = causal;
  o.scale = scale;
  o.decay = std::move(decay);
  o.initialState = std::move(s0);
  return o;
}

/// Log-decay of key channel i at (b, t, h), or 0 without decay.
double logDecayAt(const std::optional<Array> &decay, int64_t b, int64_t t,
                  int64_t h, int64_t i) {
  if (!decay)
    return 0.0;
  return decay->rank() == 3 ? decay->at({b, t, h}) : decay->at({b, t, h, i});
}

/// The quadratic (parallel) form of causal gated linear attention:
///   o_t = scale * [ (Q K^T ⊙ M) V ]_t + scale * (diag(exp(G_t)) S0)^T q_t,
/// with the decay mask M_ts[i] = exp(Σ_{r=s+1..t} g_r[i]) for s <= t (0
/// otherwise) and G_t = Σ_{r<=t} g_r. Also returns the final state
///   S = Σ_s diag(exp(Σ_{r>s} g_r)) k_s v_s^T + diag(exp(Σ_r g_r)) S0.
LinearAttentionResult quadraticForm(const Array &q, const Array &k,
                                    const Array &v,
                                    const LinearAttentionOptions &o) {
  const int64_t B = q.dim(0), T = q.dim(1), H = q.dim(2), dk = q.dim(3),
                dv = v.dim(3);
  auto decaySum = [&](int64_t b, int64_t h, int64_t i, int64_t from,
                      int64_t to) { // Σ_{r=from..to} g_r[i]
    double sum = 0.0;
    for (int64_t r = from; r <= to; ++r)
      sum += logDecayAt(o.decay, b, r, h, i);
    return sum;
  };
  LinearAttentionResult result{Array(Shape{B, T, H, dv}),
                               Array(Shape{B, H, dk, dv})};
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      for (int64_t t = 0; t < T; ++t)
        for (int64_t j = 0; j < dv; ++j) {
          double o_tj = 0.0;
          for (int64_t s = 0; s <= t; ++s) {
            double score = 0.0; // (Q K^T ⊙ M)_ts
            for (int64_t i = 0; i < dk; ++i)
              score += q.at({b, t, h, i}) * k.at({b, s, h, i}) *
                       std::exp(decaySum(b, h, i, s + 1, t));
            o_tj += score * v.at({b, s, h, j});
          }
          if (o.initialState)
            for (int64_t i = 0; i < dk; ++i)
              o_tj += q.at({b, t, h, i}) * std::exp(decaySum(b, h, i, 0, t)) *
                      o.initialState->at({b, h, i, j});
          result.o.at({b, t, h, j}) = o.scale * o_tj;
        }
      for (int64_t i = 0; i < dk; ++i)
        for (int64_t j = 0; j < dv; ++j) {
          double s_ij = 0.0;
          for (int64_t s = 0; s < T; ++s)
            s_ij += std::exp(decaySum(b, h, i, s + 1, T - 1)) *
                    k.at({b, s, h, i}) * v.at({b, s, h, j});
          if (o.initialState)
            s_ij += std::exp(decaySum(b, h, i, 0, T - 1)) *
                    o.initialState->at({b, h, i, j});
          result.finalState.at({b, h, i, j}) = s_ij;
        }
    }
  return result;
}

TEST(LinearAttentionTest, CausalEqualsQuadraticMaskedForm) {
  for (int64_t T : kAwkwardLengths)
    for (DecayKind kind : {DecayKind::None, DecayKind::Scalar, DecayKind::Vector})
      for (bool withS0 : {false, true}) {
        const int64_t B = 2, H = 2, dk = 3, dv = 2;
        const Array q = randomArray({B, T, H, dk}, 601 + T);
        const Array k = randomArray({B, T, H, dk}, 602 + T);
        const Array v = randomArray({B, T, H, dv}, 603 + T);
        std::optional<Array> decay;
        if (kind == DecayKind::Scalar)
          decay = randomArray({B, T, H}, 604, -0.5, 0.0);
        if (kind == DecayKind::Vector)
          decay = randomArray({B, T, H, dk}, 605, -0.5, 0.0);
        std::optional<Array> s0;
        if (withS0)
          s0 = randomArray({B, H, dk, dv}, 606);
        const LinearAttentionOptions o = laOptions(true, 0.75, decay, s0);
        LinearAttentionResult got = must(linearAttention(q, k, v, o));
        LinearAttentionResult want = quadraticForm(q, k, v, o);
        SCOPED_TRACE("T=" + std::to_string(T) +
                     " decay=" + std::to_string(static_cast<int>(kind)) +
                     " S0=" + std::to_string(withS0));
        expectClose(got.o, want.o, 1e-12);
        expectClose(got.finalState, want.finalState, 1e-12);
      }
}

TEST(LinearAttentionTest, MinusInfinityDecayForgetsThePast) {
  // exp(-inf) = 0 clears the state: from that step on the outputs are those of
  // a fresh run on the suffix.
  const int64_t T = 20, cut = 8;
  const Array q = randomArray({1, T, 2, 3}, 611);
  const Array k = randomArray({1, T, 2, 3}, 612);
  const Array v = randomArray({1, T, 2, 4}, 613);
  Array decay = randomArray({1, T, 2, 3}, 614, -1, 0);
  for (int64_t h = 0; h < 2; ++h)
    for (int64_t i = 0; i < 3; ++i)
      decay.at({0, cut, h, i}) = -INFINITY;
  auto suffix = [&](const Array &a) {
    Shape shape = a.shape();
    shape[1] = T - cut;
    Array out(shape);
    for (int64_t j = 0; j < out.numElements(); ++j) {
      std::vector<int64_t> idx = unravel(j, shape);
      idx[1] += cut;
      out[j] = a.at(idx);
    }
    return out;
  };
  LinearAttentionResult full = must(linearAttention(
      q, k, v, laOptions(true, 1.0, decay, randomArray({1, 2, 3, 4}, 615))));
  LinearAttentionResult fresh = must(linearAttention(
      suffix(q), suffix(k), suffix(v), laOptions(true, 1.0, suffix(decay))));
  expectClose(suffix(full.o), fresh.o, 1e-14);
  expectClose(full.finalState, fresh.finalState, 1e-14);
}

TEST(LinearAttentionTest, NonCausalEqualsSumFormAndIgnoresTokenOrder) {
  for (int64_t T : kAwkwardLengths)
    for (bool withS0 : {false, true}) {
      const Array q = randomArray({2, T, 2, 3}, 621 + T);
      const Array k = randomArray({2, T, 2, 3}, 622 + T);
      const Array v = randomArray({2, T, 2, 4}, 623 + T);
      std::optional<Array> s0;
      if (withS0)
        s0 = randomArray({2, 2, 3, 4}, 624);
      const LinearAttentionOptions o = laOptions(false, 0.5, std::nullopt, s0);
      LinearAttentionResult got = must(linearAttention(q, k, v, o));
      // o_t = scale * (Σ_s (q_t · k_s) v_s + S0^T q_t), S = S0 + Σ_s k_s v_s^T.
      Array wantO(Shape{2, T, 2, 4}), wantS(Shape{2, 2, 3, 4});
      for (int64_t b = 0; b < 2; ++b)
        for (int64_t h = 0; h < 2; ++h) {
          for (int64_t t = 0; t < T; ++t)
            for (int64_t j = 0; j < 4; ++j) {
              double sum = 0.0;
              for (int64_t s = 0; s < T; ++s) {
                double qk = 0.0;
                for (int64_t i = 0; i < 3; ++i)
                  qk += q.at({b, t, h, i}) * k.at({b, s, h, i});
                sum += qk * v.at({b, s, h, j});
              }
              if (s0)
                for (int64_t i = 0; i < 3; ++i)
                  sum += s0->at({b, h, i, j}) * q.at({b, t, h, i});
              wantO.at({b, t, h, j}) = 0.5 * sum;
            }
          for (int64_t i = 0; i < 3; ++i)
            for (int64_t j = 0; j < 4; ++j) {
              double sum = s0 ? s0->at({b, h, i, j}) : 0.0;
              for (int64_t s = 0; s < T; ++s)
                sum += k.at({b, s, h, i}) * v.at({b, s, h, j});
              wantS.at({b, h, i, j}) = sum;
            }
        }
      expectClose(got.o, wantO, 1e-12);
      expectClose(got.finalState, wantS, 1e-12);
      // Reordering keys together with their values changes nothing.
      LinearAttentionResult flipped =
          must(linearAttention(q, flip(k, 1), flip(v, 1), o));
      expectClose(flipped.o, got.o, 1e-12);
    }
}

TEST(LinearAttentionTest, EmptySequenceReturnsInitialState) {
  const Array s0 = randomArray({1, 2, 3, 4}, 631);
  const Array qk(Shape{1, 0, 2, 3}), v(Shape{1, 0, 2, 4});
  for (bool causal : {true, false}) {
    LinearAttentionResult r =
        must(linearAttention(qk, qk, v, laOptions(causal, 1.0, std::nullopt, s0)));
    EXPECT_EQ(r.o.shape(), (Shape{1, 0, 2, 4}));
    expectClose(r.finalState, s0, 0.0);
  }
}

TEST(LinearAttentionTest, RejectsMismatchedShapes) {
  const Array q(Shape{2, 5, 3, 4}), v(Shape{2, 5, 3, 6});
  const LinearAttentionOptions causal = laOptions(true, 1.0);
  expectError(linearAttention(q, Array(Shape{2, 5, 3, 5}), v, causal),
              {"'k'", "dimension 3 is 5"});
  expectError(linearAttention(q, q, Array(Shape{2, 4, 3, 6}), causal),
              {"'v'", "dimension 1 is 4"});
  expectError(linearAttention(Array(Shape{2, 5, 12}), q, v, causal), {"'q'"});
  expectError(linearAttention(q, q, v, laOptions(true, 1.0, Array(Shape{2, 5, 2}))),
              {"'decay'", "dimension 2 is 2"});
  expectError(linearAttention(q, q, v, laOptions(true, 1.0, Array(Shape{2, 5, 3, 6}))),
              {"'decay'", "dimension 3 is 6"});
  expectError(linearAttention(q, q, v, laOptions(true, 1.0, Array(Shape{2, 5}))),
              {"'decay'"});
  expectError(linearAttention(q, q, v, laOptions(false, 1.0, Array(Shape{2, 5, 3}))),
              {"'decay'", "causal"});
  expectError(linearAttention(q, q, v,
                              laOptions(true, 1.0, std::nullopt, Array(Shape{2, 3, 4, 4}))),
              {"'S0'", "dimension 3 is 4"});
}

//===----------------------------------------------------------------------===//
// additive_decay
//===----------------------------------------------------------------------===//

AdditiveDecayOptions adOptions(bool causal, std::optional<double> sink) {
  AdditiveDecayOptions o;
  o.causal = causal;
  o.sink = sink;
  return o;
}

TEST(AdditiveDecayTest, CausalFeedsLinearAttentionAsCumulativeSoftmax) {
  // o_t = Σ_c q_t[c] Σ_{j<=t} w_{t,j,c} v_j with
  // w_{t,j,c} = exp(k_j[c]) / (exp(sink) + Σ_{i<=t} exp(k_i[c])), the
  // exp(sink) term absent without a sink.
  for (int64_t T : kAwkwardLengths)
    for (std::optional<double> sink :
         {std::optional<double>(), std::optional<double>(0.0),
          std::optional<double>(1.5)}) {
      const int64_t B = 1, H = 2, d = 3, dv = 2;
      const Array q = randomArray({B, T, H, d}, 701 + T);
      const Array k = randomArray({B, T, H, d}, 702 + T, -3, 3);
      const Array v = randomArray({B, T, H, dv}, 703 + T);
      AdditiveDecayResult ad = must(additiveDecay(k, adOptions(true, sink)));
      LinearAttentionResult la = must(
          linearAttention(q, ad.kNorm, v, laOptions(true, 1.0, ad.decay)));
      Array want(Shape{B, T, H, dv});
      for (int64_t h = 0; h < H; ++h)
        for (int64_t t = 0; t < T; ++t)
          for (int64_t c = 0; c < d; ++c) {
            double denominator = sink ? std::exp(*sink) : 0.0;
            for (int64_t i = 0; i <= t; ++i)
              denominator += std::exp(k.at({0, i, h, c}));
            for (int64_t j = 0; j <= t; ++j) {
              const double w = std::exp(k.at({0, j, h, c})) / denominator;
              for (int64_t e = 0; e < dv; ++e)
                want.at({0, t, h, e}) += q.at({0, t, h, c}) * w * v.at({0, j, h, e});
            }
          }
      SCOPED_TRACE("T=" + std::to_string(T) +
                   " sink=" + (sink ? std::to_string(*sink) : "none"));
      expectClose(la.o, want, 1e-12);
    }
}

TEST(AdditiveDecayTest, CausalDecayAndKNormAreComplementary) {
  // decay_t = log(Δ_{t-1}/Δ_t) and kNorm_t = δ_t/Δ_t, so exp(decay) + kNorm = 1;
  // without a sink decay_0 = -inf and kNorm_0 = 1. Keys near 800 must not
  // overflow.
  for (double offset : {0.0, 800.0})
    for (std::optional<double> sink : {std::optional<double>(), std::optional<double>(0.5)}) {
      const Array k = randomArray({2, 9, 2, 3}, 711, offset - 4, offset + 4);
      AdditiveDecayResult r = must(additiveDecay(k, adOptions(true, sink)));
      for (int64_t i = 0; i < k.numElements(); ++i) {
        const int64_t t = unravel(i, k.shape())[1];
        EXPECT_LE(r.decay[i], 0.0);
        EXPECT_TRUE(std::isfinite(r.kNorm[i]));
        // k - z loses ~|k| * eps absolute accuracy, hence 1e-12 at |k| ~ 800.
        EXPECT_NEAR(std::exp(r.decay[i]) + r.kNorm[i], 1.0, 1e-12);
        if (t == 0 && !sink) {
          EXPECT_EQ(r.decay[i], -INFINITY);
          EXPECT_EQ(r.kNorm[i], 1.0);
        } else {
          EXPECT_TRUE(std::isfinite(r.decay[i]));
        }
      }
    }
}

TEST(AdditiveDecayTest, NonCausalIsSoftmaxOverTime) {
  for (int64_t T : kAwkwardLengths)
    for (double offset : {0.0, 800.0}) {
      const Array k = randomArray({2, T, 2, 3}, 721 + T, offset - 3, offset + 3);
      AdditiveDecayResult r = must(additiveDecay(k, adOptions(false, std::nullopt)));
      expectClose(r.decay, Array(k.shape(), 0.0), 0.0);
      Array columnSums(Shape{2, 2, 3}), softmax(k.shape());
      for (int64_t b = 0; b < 2; ++b)
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t c = 0; c < 3; ++c) {
            double total = 0.0;
            for (int64_t t = 0; t < T; ++t)
              total += std::exp(k.at({b, t, h, c}) - offset);
            for (int64_t t = 0; t < T; ++t) {
              columnSums.at({b, h, c}) += r.kNorm.at({b, t, h, c});
              softmax.at({b, t, h, c}) = std::exp(k.at({b, t, h, c}) - offset) / total;
            }
          }
      expectClose(columnSums, Array(Shape{2, 2, 3}, 1.0), 1e-14);
      expectClose(r.kNorm, softmax, 1e-14);
    }
}

TEST(AdditiveDecayTest, RejectsBadArguments) {
  expectError(additiveDecay(Array(Shape{2, 5, 6}), adOptions(true, std::nullopt)),
              {"'k'", "rank 4"});
  expectError(additiveDecay(Array(Shape{2, 5, 2, 3}), adOptions(false, 0.0)),
              {"'sink'", "causal"});
}

//===----------------------------------------------------------------------===//
// lrpe
//===----------------------------------------------------------------------===//

LrpeOptions lrpeOptions(std::vector<int64_t> grid, int64_t prefix) {
  LrpeOptions o;
  o.grid = std::move(grid);
  o.prefix = prefix;
  return o;
}

TEST(LrpeTest, MatchesAnglesOfNestedGridLoops) {
  // Grid 2x3x2 walked with nested loops (last axis fastest); d = 5 and e = 2
  // so Θ = [p1 θ0, p1 θ1, p2 θ0, p2 θ1, p3 θ0] (the 6th angle is cut).
  const int64_t P = 2, H = 2, d = 5, e = 2;
  const int64_t T = P + 12;
  const Array x = randomArray({2, T, H, d}, 801);
  const Array theta = randomArray({H, e}, 802, 0.1, 2.0);
  Array y = must(lrpe(x, theta, lrpeOptions({2, 3, 2}, P)));
  ASSERT_EQ(y.shape(), (Shape{2, T, H, 2 * d}));
  Array want(y.shape());
  for (int64_t b = 0; b < 2; ++b) {
    int64_t token = P;
    for (int64_t p1 = 0; p1 < 2; ++p1)
      for (int64_t p2 = 0; p2 < 3; ++p2)
        for (int64_t p3 = 0; p3 < 2; ++p3, ++token)
          for (int64_t h = 0; h < H; ++h) {
            const double angles[6] = {p1 * theta.at({h, 0}), p1 * theta.at({h, 1}),
                                      p2 * theta.at({h, 0}), p2 * theta.at({h, 1}),
                                      p3 * theta.at({h, 0}), p3 * theta.at({h, 1})};
            for (int64_t c = 0; c < d; ++c) {
              want.at({b, token, h, c}) = x.at({b, token, h, c}) * std::cos(angles[c]);
              want.at({b, token, h, d + c}) = x.at({b, token, h, c}) * std::sin(angles[c]);
            }
          }
    for (int64_t t = 0; t < P; ++t)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t c = 0; c < d; ++c)
          want.at({b, t, h, c}) = x.at({b, t, h, c}); // prefix: [x, 0]
  }
  expectClose(y, want, 1e-15);
}

TEST(LrpeTest, DotProductsDependOnlyOnRelativeOffsets) {
  // Every token carries the same q (resp. k) vector per head, so the dot
  // product of encoded tokens at grid positions p, p' is a function of p, p'
  // alone; it must equal Σ_c q_c k_c cos(θ_c (p_a(c) - p'_a(c))) and be
  // unchanged when both positions move by the same offset.
  const std::vector<int64_t> grid = {3, 4};
  const int64_t P = 1, H = 2, d = 5, e = 3, T = P + 12;
  const Array qVec = randomArray({H, d}, 811), kVec = randomArray({H, d}, 812);
  const Array theta = randomArray({H, e}, 813, 0.1, 3.0);
  Array xq(Shape{1, T, H, d}), xk(Shape{1, T, H, d});
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t c = 0; c < d; ++c) {
        xq.at({0, t, h, c}) = qVec.at({h, c});
        xk.at({0, t, h, c}) = kVec.at({h, c});
      }
  const Array eq = must(lrpe(xq, theta, lrpeOptions(grid, P)));
  const Array ek = must(lrpe(xk, theta, lrpeOptions(grid, P)));
  auto token = [&](int64_t r, int64_t c) { return P + r * 4 + c; };
  auto dot = [&](int64_t h, int64_t tq, int64_t tk) {
    double s = 0.0;
    for (int64_t c = 0; c < 2 * d; ++c)
      s += eq.at({0, tq, h, c}) * ek.at({0, tk, h, c});
    return s;
  };
  for (int64_t h = 0; h < H; ++h)
    for (int64_t r1 = 0; r1 < 3; ++r1)
      for (int64_t c1 = 0; c1 < 4; ++c1)
        for (int64_t r2 = 0; r2 < 3; ++r2)
          for (int64_t c2 = 0; c2 < 4; ++c2) {
            const double base = dot(h, token(r1, c1), token(r2, c2));
            // Channels 0..2 belong to axis 0 (rows), 3..4 to axis 1 (cols).
            double formula = 0.0;
            for (int64_t c = 0; c < d; ++c) {
              const int64_t offset = c < e ? r1 - r2 : c1 - c2;
              formula += qVec.at({h, c}) * kVec.at({h, c}) *
                         std::cos(theta.at({h, c % e}) * offset);
            }
            EXPECT_NEAR(base, formula, 1e-13);
            for (int64_t dr = -2; dr <= 2; ++dr)
              for (int64_t dc = -3; dc <= 3; ++dc) {
                const int64_t a1 = r1 + dr, b1 = c1 + dc, a2 = r2 + dr, b2 = c2 + dc;
                if (a1 < 0 || a1 >= 3 || a2 < 0 || a2 >= 3 || b1 < 0 ||
                    b1 >= 4 || b2 < 0 || b2 >= 4)
                  continue;
                EXPECT_NEAR(dot(h, token(a1, b1), token(a2, b2)), base, 1e-13);
              }
          }
}

TEST(LrpeTest, PrefixTokensPassThrough) {
  const Array x = randomArray({2, 4 + 6, 3, 4}, 821);
  const Array theta = randomArray({3, 4}, 822);
  Array y = must(lrpe(x, theta, lrpeOptions({6}, 4)));
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t t = 0; t < 4; ++t)
      for (int64_t h = 0; h < 3; ++h)
        for (int64_t c = 0; c < 4; ++c) {
          EXPECT_EQ(y.at({b, t, h, c}), x.at({b, t, h, c}));
          EXPECT_EQ(y.at({b, t, h, 4 + c}), 0.0);
        }
  // Grid coordinate 0 has angle 0: the first grid token is also [x, 0].
  for (int64_t c = 0; c < 4; ++c)
    EXPECT_EQ(y.at({0, 4, 0, c}), x.at({0, 4, 0, c}));
}

TEST(LrpeTest, RejectsMismatchedShapesAndRuntimeLength) {
  const Array x(Shape{1, 13, 2, 5}), theta(Shape{2, 3});
  expectError(lrpe(Array(Shape{1, 14, 2, 5}), theta, lrpeOptions({3, 4}, 1)),
              {"'x'", "T", "1 + 12"});
  expectError(lrpe(x, theta, lrpeOptions({3, 4}, 0)), {"'x'", "T"});
  expectError(lrpe(x, Array(Shape{3, 3}), lrpeOptions({3, 4}, 1)),
              {"'theta'", "dimension 0 is 3"});
  expectError(lrpe(x, Array(Shape{2, 2}), lrpeOptions({3, 4}, 1)),
              {"m * e = 4", "d = 5"});
  expectError(lrpe(x, theta, lrpeOptions({0, 4}, 1)), {"'grid'"});
  expectError(lrpe(x, theta, lrpeOptions({12}, -1)), {"'prefix'"});
  expectError(lrpe(x, theta, lrpeOptions({1LL << 40, 1LL << 40}, 1)), {"'x'", "T"});
  expectError(lrpe(Array(Shape{13, 2, 5}), theta, lrpeOptions({3, 4}, 1)), {"'x'"});
}

//===----------------------------------------------------------------------===//
// lightnet_attention
//===----------------------------------------------------------------------===//

/// LightNet's mixer written out: on a 1-D grid (no prefix) channel c of
/// token t has the angle t θ[h, c], the rotated dot product of q_t and k_j
/// is Σ_c q_t[c] k_j[c] cos((t - j) θ[h, c]), and each key channel is
/// weighted by the (cumulative, if causal) softmax of k over the tokens:
///   o_t = scale Σ_c q_t[c] Σ_{j in J(t)} cos((t - j) θ[h, c]) w_{t,j,c} v_j,
/// w_{t,j,c} = exp(k_j[c]) / (exp(sink) + Σ_{i in J(t)} exp(k_i[c])), with
/// J(t) = [0, t] causal and all tokens otherwise.
Array lightNetByFormula(const Array &q, const Array &k, const Array &v,
                        const Array &theta, bool causal,
                        std::optional<double> sink, double scale) {
  const int64_t B = q.dim(0), T = q.dim(1), H = q.dim(2), d = q.dim(3),
                dv = v.dim(3);
  Array want(Shape{B, T, H, dv});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t t = 0; t < T; ++t)
        for (int64_t c = 0; c < d; ++c) {
          const int64_t last = causal ? t : T - 1;
          double denominator = sink ? std::exp(*sink) : 0.0;
          for (int64_t i = 0; i <= last; ++i)
            denominator += std::exp(k.at({b, i, h, c}));
          for (int64_t j = 0; j <= last; ++j) {
            const double w = std::exp(k.at({b, j, h, c})) / denominator;
            const double rotation =
                std::cos(static_cast<double>(t - j) * theta.at({h, c}));
            for (int64_t e = 0; e < dv; ++e)
              want.at({b, t, h, e}) += scale * q.at({b, t, h, c}) * rotation *
                                       w * v.at({b, j, h, e});
          }
        }
  return want;
}

TEST(LightNetAttentionTest, MatchesTheWrittenOutMixer) {
  for (int64_t T : kAwkwardLengths)
    for (bool causal : {true, false})
      for (std::optional<double> sink :
           {std::optional<double>(), std::optional<double>(0.5)}) {
        if (!causal && sink)
          continue;
        const int64_t B = 2, H = 2, d = 3, dv = 2;
        const Array q = randomArray({B, T, H, d}, 801 + T);
        const Array k = randomArray({B, T, H, d}, 802 + T, -3, 3);
        const Array v = randomArray({B, T, H, dv}, 803 + T);
        const Array theta = randomArray({H, d}, 804 + T, 0, 2);
        LightNetAttentionOptions options;
        options.causal = causal;
        options.sink = sink;
        options.positions.grid = {T};
        options.scale = 0.5;
        LinearAttentionResult got =
            must(lightNetAttention(q, k, v, theta, options));
        SCOPED_TRACE("T=" + std::to_string(T) + " causal=" +
                     std::to_string(causal) +
                     " sink=" + (sink ? std::to_string(*sink) : "none"));
        expectClose(got.o, lightNetByFormula(q, k, v, theta, causal, sink, 0.5),
                    1e-12);
        EXPECT_EQ(got.finalState.shape(), (Shape{B, H, 2 * d, dv}));
      }
}

TEST(LightNetAttentionTest, ReportsTheComposedOpsErrors) {
  const Array q = randomArray({1, 4, 2, 3}, 1);
  const Array v = randomArray({1, 4, 2, 2}, 2);
  LightNetAttentionOptions options;
  options.positions.grid = {5}; // T must be 5
  expectError(lightNetAttention(q, q, v, randomArray({2, 3}, 3), options),
              {"prefix + prod(grid)"});
  options.positions.grid = {4};
  options.causal = false;
  options.sink = 0.0;
  expectError(lightNetAttention(q, q, v, randomArray({2, 3}, 3), options),
              {"sink"});
}

} // namespace
} // namespace ldn::reference
