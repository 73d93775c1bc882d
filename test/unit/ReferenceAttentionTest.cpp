//===- ReferenceAttentionTest.cpp - the pattern and ldn.attention_diffuse -===//

#include "ReferenceTestUtil.h"

#include <functional>

namespace ldn::reference {
namespace {

using namespace testutil;

//===----------------------------------------------------------------------===//
// Pattern
//===----------------------------------------------------------------------===//

/// Independent statement of the local rule: enumerate the blocks
/// [start, start + window) for start = 0, stride, 2*stride, ... and ask
/// whether one of them holds both t and s.
bool shareABlock(int64_t window, int64_t stride, int64_t t, int64_t s) {
  for (int64_t start = 0; start <= std::max(t, s); start += stride)
    if (start <= std::min(t, s) && std::max(t, s) < start + window)
      return true;
  return false;
}

Pattern localPattern(int64_t window, int64_t stride) {
  Pattern p;
  p.window = window;
  p.stride = stride;
  return p;
}

/// A spread of patterns exercising every rule and their combinations.
std::vector<Pattern> samplePatterns() {
  std::vector<Pattern> patterns;
  for (bool causal : {false, true}) {
    Pattern local = localPattern(8, 4);
    Pattern odd = localPattern(5, 3);
    odd.globals = {0, 6, 200}; // 200 is >= every T used: ignored.
    Pattern randomOnly;
    randomOnly.random = 3;
    randomOnly.seed = 7;
    Pattern everything = localPattern(4, 2);
    everything.globals = {1, 40};
    everything.random = 5;
    everything.seed = 0xDEADBEEF;
    Pattern selfOnly;
    Pattern dense;
    dense.dense = true;
    for (Pattern p : {local, odd, randomOnly, everything, selfOnly, dense}) {
      p.causal = causal;
      patterns.push_back(p);
    }
  }
  return patterns;
}

TEST(PatternTest, LocalRuleMatchesBlockEnumeration) {
  const int64_t T = 23;
  for (int64_t window = 1; window <= 9; ++window)
    for (int64_t stride = 1; stride <= window; ++stride) {
      const Pattern p = localPattern(window, stride);
      for (int64_t t = 0; t < T; ++t)
        for (int64_t s = 0; s < T; ++s)
          EXPECT_EQ(patternHasEdge(p, t, s, T),
                    t == s || shareABlock(window, stride, t, s))
              << "window=" << window << " stride=" << stride << " t=" << t
              << " s=" << s;
    }
}

TEST(PatternTest, NeighborsAreExactlyTheEdgeSet) {
  for (const Pattern &p : samplePatterns())
    for (int64_t T : kAwkwardLengths)
      for (int64_t t = 0; t < T; ++t) {
        std::vector<int64_t> expected;
        for (int64_t s = 0; s < T; ++s)
          if (patternHasEdge(p, t, s, T))
            expected.push_back(s);
        EXPECT_EQ(patternNeighbors(p, t, T), expected)
            << "T=" << T << " t=" << t << " window=" << p.window
            << " random=" << p.random << " causal=" << p.causal;
      }
}

TEST(PatternTest, RulesOfTheContractHold) {
  const int64_t T = 65;
  for (const Pattern &p : samplePatterns())
    for (int64_t t = 0; t < T; ++t) {
      EXPECT_TRUE(patternHasEdge(p, t, t, T)) << "self edge t=" << t;
      for (int64_t s = 0; s < T; ++s) {
        if (p.causal && s > t) {
          EXPECT_FALSE(patternHasEdge(p, t, s, T));
        }
        if (p.dense && !(p.causal && s > t)) {
          EXPECT_TRUE(patternHasEdge(p, t, s, T));
        }
        // A global index in range gets its full row and column.
        for (int64_t g : p.globals) {
          if (g < T && (t == g || s == g) && !(p.causal && s > t)) {
            EXPECT_TRUE(patternHasEdge(p, t, s, T))
                << "global " << g << " t=" << t << " s=" << s;
          }
        }
      }
      for (int64_t j = 0; j < p.random; ++j) {
        const int64_t key = patternRandomKey(p.seed, t, j, T);
        EXPECT_EQ(patternHasEdge(p, t, key, T), !(p.causal && key > t));
      }
    }
  // Out-of-range queries or keys are never edges.
  Pattern dense;
  dense.dense = true;
  EXPECT_FALSE(patternHasEdge(dense, -1, 0, 4));
  EXPECT_FALSE(patternHasEdge(dense, 0, 4, 4));
  EXPECT_TRUE(patternNeighbors(dense, 4, 4).empty());
}

TEST(PatternTest, GlobalsBeyondTAreIgnored) {
  const int64_t T = 20;
  Pattern with = localPattern(4, 4);
  with.globals = {T, T + 3, 1000};
  const Pattern without = localPattern(4, 4);
  for (int64_t t = 0; t < T; ++t)
    EXPECT_EQ(patternNeighbors(with, t, T), patternNeighbors(without, t, T));
}

TEST(PatternTest, InvalidPatternsAreRejected) {
  EXPECT_FALSE(validatePattern(localPattern(4, 0)).empty());
  EXPECT_FALSE(validatePattern(localPattern(4, 5)).empty());
  EXPECT_TRUE(validatePattern(localPattern(0, 0)).empty()); // disabled
  Pattern negativeRandom;
  negativeRandom.random = -1;
  EXPECT_FALSE(validatePattern(negativeRandom).empty());
  Pattern negativeGlobal;
  negativeGlobal.globals = {-2};
  EXPECT_FALSE(validatePattern(negativeGlobal).empty());

  const Array q(Shape{1, 4, 1, 2});
  AttentionDiffuseOptions options;
  options.pattern = localPattern(4, 5);
  expectError(attentionDiffuse(q, q, q, options), {"'pattern'", "stride"});
}

//===----------------------------------------------------------------------===//
// attention_diffuse
//===----------------------------------------------------------------------===//

using EdgeMask = std::function<bool(int64_t b, int64_t t, int64_t s)>;

/// Independent dense evaluation: for each (b, h) build the T x T matrix
/// A_ts = exp(score_ts) / Σ_{s' in mask} exp(score_ts') explicitly, then
///  ppr:       closed form Σ_{k<K} α(1-α)^k A^k V + (1-α)^K A^K V,
///  laplacian: A V - V,
///  coeffs:    Horner, Z = θ_K V; Z = A Z + θ_k V for k = K-1..0.
/// Rows t with no edge at all (padded queries) are reported as 0.
Array denseAttentionDiffuse(const Array &q, const Array &k, const Array &v,
                            const EdgeMask &mask, double scale,
                            const AttentionDiffuseOptions &o) {
  const int64_t B = q.dim(0), T = q.dim(1), H = q.dim(2), d = q.dim(3),
                e = v.dim(3);
  using Matrix = std::vector<std::vector<double>>;
  auto matmul = [&](const Matrix &a, const Matrix &m) {
    Matrix r(T, std::vector<double>(e, 0.0));
    for (int64_t t = 0; t < T; ++t)
      for (int64_t s = 0; s < T; ++s)
        for (int64_t c = 0; c < e; ++c)
          r[t][c] += a[t][s] * m[s][c];
    return r;
  };
  Array out(Shape{B, T, H, e});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      Matrix A(T, std::vector<double>(T, 0.0)), V(T, std::vector<double>(e));
      std::vector<bool> hasEdges(T, false);
      for (int64_t t = 0; t < T; ++t) {
        double total = 0.0;
        for (int64_t s = 0; s < T; ++s) {
          if (!mask(b, t, s))
            continue;
          double score = 0.0;
          for (int64_t c = 0; c < d; ++c)
            score += q.at({b, t, h, c}) * k.at({b, s, h, c});
          A[t][s] = std::exp(score * scale);
          total += A[t][s];
          hasEdges[t] = true;
        }
        for (int64_t s = 0; s < T; ++s)
          A[t][s] = hasEdges[t] ? A[t][s] / total : 0.0;
        for (int64_t c = 0; c < e; ++c)
          V[t][c] = v.at({b, t, h, c});
      }
      Matrix Z(T, std::vector<double>(e, 0.0));
      const int64_t K = o.hops;
      if (o.mode == DiffusionMode::PPR) {
        Matrix power = V; // A^k V
        for (int64_t hop = 0; hop <= K; ++hop) {
          const double theta = hop < K ? o.alpha * std::pow(1 - o.alpha, hop)
                                       : std::pow(1 - o.alpha, K);
          for (int64_t t = 0; t < T; ++t)
            for (int64_t c = 0; c < e; ++c)
              Z[t][c] += theta * power[t][c];
          power = matmul(A, power);
        }
      } else if (o.mode == DiffusionMode::Laplacian) {
        Z = matmul(A, V);
        for (int64_t t = 0; t < T; ++t)
          for (int64_t c = 0; c < e; ++c)
            Z[t][c] -= V[t][c];
      } else {
        for (int64_t t = 0; t < T; ++t)
          for (int64_t c = 0; c < e; ++c)
            Z[t][c] = o.coeffs[K] * V[t][c];
        for (int64_t hop = K - 1; hop >= 0; --hop) {
          Z = matmul(A, Z);
          for (int64_t t = 0; t < T; ++t)
            for (int64_t c = 0; c < e; ++c)
              Z[t][c] += o.coeffs[hop] * V[t][c];
        }
      }
      for (int64_t t = 0; t < T; ++t)
        for (int64_t c = 0; c < e; ++c)
          out.at({b, t, h, c}) = hasEdges[t] ? Z[t][c] : 0.0;
    }
  return out;
}

AttentionDiffuseOptions modeOptions(DiffusionMode mode, const Pattern &p) {
  AttentionDiffuseOptions o;
  o.pattern = p;
  o.mode = mode;
  o.hops = mode == DiffusionMode::Laplacian ? 1 : 3;
  o.alpha = 0.15;
  if (mode == DiffusionMode::Coeffs)
    o.coeffs = {0.5, -0.25, 1.5, 0.125};
  return o;
}

const DiffusionMode kModes[] = {DiffusionMode::PPR, DiffusionMode::Laplacian,
                                DiffusionMode::Coeffs};

TEST(AttentionDiffuseTest, RowsOfASumToOne) {
  // With V = 1 every A^k V is 1, so ppr returns 1, laplacian 0 and coeffs
  // Σθ; this holds for every pattern and with lengths (on valid rows).
  for (const Pattern &p : samplePatterns())
    for (int64_t T : {1, 7, 64}) {
      const Array q = randomArray({2, T, 2, 4}, 101, -2, 2);
      const Array k = randomArray({2, T, 2, 4}, 102, -2, 2);
      const Array ones(Shape{2, T, 2, 3}, 1.0);
      for (DiffusionMode mode : kModes) {
        AttentionDiffuseOptions o = modeOptions(mode, p);
        o.lengths = Array::fromData({2}, {static_cast<double>(T),
                                          static_cast<double>(T / 2)})
                        .value();
        Array z = must(attentionDiffuse(q, k, ones, o));
        const double expected = mode == DiffusionMode::PPR         ? 1.0
                                : mode == DiffusionMode::Laplacian ? 0.0
                                                                   : 1.875;
        Array want(z.shape());
        for (int64_t i = 0; i < want.numElements(); ++i) {
          std::vector<int64_t> idx = unravel(i, want.shape());
          want[i] = idx[1] < (idx[0] == 0 ? T : T / 2) ? expected : 0.0;
        }
        SCOPED_TRACE("T=" + std::to_string(T));
        expectClose(z, want, 1e-12);
      }
    }
}

TEST(AttentionDiffuseTest, PprOfConstantValuesIsThatConstant) {
  // The ppr coefficients α(1-α)^k (k < K) and (1-α)^K sum to 1, so a value
  // constant along the sequence (different per head and channel) comes back
  // unchanged.
  Pattern p = localPattern(6, 3);
  p.random = 2;
  p.globals = {3};
  const int64_t T = 63;
  const Array q = randomArray({1, T, 3, 4}, 111, -2, 2);
  const Array k = randomArray({1, T, 3, 4}, 112, -2, 2);
  const Array perChannel = randomArray({3, 5}, 113);
  Array v(Shape{1, T, 3, 5});
  for (int64_t t = 0; t < T; ++t)
    for (int64_t h = 0; h < 3; ++h)
      for (int64_t c = 0; c < 5; ++c)
        v.at({0, t, h, c}) = perChannel.at({h, c});
  for (int64_t hops : {1, 5, 10}) {
    AttentionDiffuseOptions o = modeOptions(DiffusionMode::PPR, p);
    o.hops = hops;
    expectClose(must(attentionDiffuse(q, k, v, o)), v, 1e-12);
  }
}

TEST(AttentionDiffuseTest, DensePatternMatchesExplicitDenseMatrix) {
  Pattern dense;
  dense.dense = true;
  for (bool causal : {false, true})
    for (int64_t T : {1, 2, 7, 33})
      for (DiffusionMode mode : kModes) {
        dense.causal = causal;
        const Array q = randomArray({2, T, 2, 3}, 121 + T);
        const Array k = randomArray({2, T, 2, 3}, 122 + T);
        const Array v = randomArray({2, T, 2, 4}, 123 + T);
        AttentionDiffuseOptions o = modeOptions(mode, dense);
        const EdgeMask mask = [&](int64_t, int64_t t, int64_t s) {
          return !causal || s <= t;
        };
        SCOPED_TRACE("causal=" + std::to_string(causal) +
                     " T=" + std::to_string(T) +
                     " mode=" + std::to_string(static_cast<int>(mode)));
        expectClose(must(attentionDiffuse(q, k, v, o)),
                    denseAttentionDiffuse(q, k, v, mask, 1.0 / std::sqrt(3.0), o),
                    1e-12);
        o.scale = 0.7;
        expectClose(must(attentionDiffuse(q, k, v, o)),
                    denseAttentionDiffuse(q, k, v, mask, 0.7, o), 1e-12);
      }
}

TEST(AttentionDiffuseTest, SparsePatternMatchesMaskedDenseMatrix) {
  for (const Pattern &p : samplePatterns())
    for (int64_t T : {2, 7, 65})
      for (DiffusionMode mode : kModes) {
        const Array q = randomArray({1, T, 2, 3}, 131 + T);
        const Array k = randomArray({1, T, 2, 3}, 132 + T);
        const Array v = randomArray({1, T, 2, 2}, 133 + T);
        const EdgeMask mask = [&](int64_t, int64_t t, int64_t s) {
          return patternHasEdge(p, t, s, T);
        };
        AttentionDiffuseOptions o = modeOptions(mode, p);
        expectClose(must(attentionDiffuse(q, k, v, o)),
                    denseAttentionDiffuse(q, k, v, mask, 1.0 / std::sqrt(3.0), o),
                    1e-12);
      }
}

TEST(AttentionDiffuseTest, CausalNeverLooksAhead) {
  Pattern p = localPattern(8, 4);
  p.globals = {2, 50};
  p.random = 4;
  p.seed = 99;
  p.causal = true;
  const int64_t T = 65, cut = 30;
  const Array q = randomArray({2, T, 2, 4}, 141);
  const Array k = randomArray({2, T, 2, 4}, 142);
  const Array v = randomArray({2, T, 2, 3}, 143);
  Array qP = q, kP = k, vP = v;
  for (int64_t i = 0; i < q.numElements(); ++i)
    if (unravel(i, q.shape())[1] >= cut) {
      qP[i] += 3.0;
      kP[i] -= 2.0;
    }
  for (int64_t i = 0; i < v.numElements(); ++i)
    if (unravel(i, v.shape())[1] >= cut)
      vP[i] += 10.0;
  for (DiffusionMode mode : kModes) {
    AttentionDiffuseOptions o = modeOptions(mode, p);
    o.hops = mode == DiffusionMode::Laplacian ? 1 : 4;
    o.coeffs = {1, 2, 3, 4, 5};
    Array z = must(attentionDiffuse(q, k, v, o));
    Array zP = must(attentionDiffuse(qP, kP, vP, o));
    for (int64_t i = 0; i < z.numElements(); ++i)
      if (unravel(i, z.shape())[1] < cut) {
        EXPECT_EQ(z[i], zP[i]) << "flat index " << i;
      }
  }
}

TEST(AttentionDiffuseTest, LengthsZeroPaddedOutputsAndIgnorePaddedTokens) {
  Pattern p = localPattern(4, 2);
  p.globals = {1, 9};
  p.random = 3;
  const int64_t T = 12;
  const std::vector<int64_t> lengths = {5, 12, 0};
  const Array q = randomArray({3, T, 2, 3}, 151);
  const Array k = randomArray({3, T, 2, 3}, 152);
  const Array v = randomArray({3, T, 2, 2}, 153);
  // Perturb every padded token: valid outputs must not move.
  Array qP = q, kP = k, vP = v;
  for (int64_t i = 0; i < q.numElements(); ++i) {
    std::vector<int64_t> idx = unravel(i, q.shape());
    if (idx[1] >= lengths[idx[0]]) {
      qP[i] += 4.0;
      kP[i] += 7.0;
    }
  }
  for (int64_t i = 0; i < v.numElements(); ++i) {
    std::vector<int64_t> idx = unravel(i, v.shape());
    if (idx[1] >= lengths[idx[0]])
      vP[i] -= 9.0;
  }
  for (DiffusionMode mode : kModes) {
    AttentionDiffuseOptions o = modeOptions(mode, p);
    o.lengths = Array::fromData({3}, {5, 12, 0}).value();
    Array z = must(attentionDiffuse(q, k, v, o));
    expectClose(must(attentionDiffuse(qP, kP, vP, o)), z, 0.0);
    for (int64_t i = 0; i < z.numElements(); ++i) {
      std::vector<int64_t> idx = unravel(i, z.shape());
      if (idx[1] >= lengths[idx[0]]) {
        EXPECT_EQ(z[i], 0.0) << "padded output b=" << idx[0] << " t=" << idx[1];
      }
    }
    // Padded keys have no edges: the pattern restricted to s < length.
    const EdgeMask mask = [&](int64_t b, int64_t t, int64_t s) {
      return t < lengths[b] && s < lengths[b] && patternHasEdge(p, t, s, T);
    };
    expectClose(z, denseAttentionDiffuse(q, k, v, mask, 1 / std::sqrt(3.0), o),
                1e-12);
  }
}

TEST(AttentionDiffuseTest, LengthsEqualTheTruncatedSequenceWithoutRandomKeys) {
  // Without random keys (which are taken mod T, not mod length) a padded row
  // of length L behaves exactly like a sequence of length L, including the
  // global index 9 >= L that the truncated run ignores.
  Pattern p = localPattern(4, 3);
  p.globals = {2, 9};
  const int64_t T = 12, L = 7;
  const Array q = randomArray({1, T, 2, 3}, 161);
  const Array k = randomArray({1, T, 2, 3}, 162);
  const Array v = randomArray({1, T, 2, 2}, 163);
  auto prefix = [&](const Array &a) {
    Array out(Shape{1, L, a.dim(2), a.dim(3)});
    for (int64_t i = 0; i < out.numElements(); ++i)
      out[i] = a.at(unravel(i, out.shape()));
    return out;
  };
  for (DiffusionMode mode : kModes) {
    AttentionDiffuseOptions o = modeOptions(mode, p);
    AttentionDiffuseOptions padded = o;
    padded.lengths = Array(Shape{1}, static_cast<double>(L));
    Array full = must(attentionDiffuse(q, k, v, padded));
    Array truncated =
        must(attentionDiffuse(prefix(q), prefix(k), prefix(v), o));
    expectClose(prefix(full), truncated, 1e-14);
  }
}

TEST(AttentionDiffuseTest, DefaultScaleIsInverseSqrtD) {
  const Pattern p = localPattern(4, 2);
  const Array q = randomArray({1, 9, 1, 5}, 171, -2, 2);
  const Array k = randomArray({1, 9, 1, 5}, 172, -2, 2);
  const Array v = randomArray({1, 9, 1, 2}, 173);
  AttentionDiffuseOptions o = modeOptions(DiffusionMode::PPR, p);
  Array byDefault = must(attentionDiffuse(q, k, v, o));
  o.scale = 1.0 / std::sqrt(5.0);
  expectClose(must(attentionDiffuse(q, k, v, o)), byDefault, 1e-15);
  o.scale = 2.0;
  EXPECT_FALSE(arraysClose(must(attentionDiffuse(q, k, v, o)), byDefault, 1e-6));
}

TEST(AttentionDiffuseTest, RejectsMismatchedShapesAndAttributes) {
  const Array q(Shape{2, 6, 2, 4}), v(Shape{2, 6, 2, 3});
  const AttentionDiffuseOptions ok = modeOptions(DiffusionMode::PPR, localPattern(2, 1));
  expectError(attentionDiffuse(Array(Shape{2, 6, 8}), q, v, ok), {"'q'", "rank 4"});
  expectError(attentionDiffuse(q, Array(Shape{2, 6, 2, 5}), v, ok),
              {"'k'", "dimension 3 is 5"});
  expectError(attentionDiffuse(q, q, Array(Shape{2, 7, 2, 3}), ok),
              {"'v'", "dimension 1 is 7"});
  expectError(attentionDiffuse(q, q, Array(Shape{2, 6, 3, 3}), ok),
              {"'v'", "dimension 2 is 3"});

  AttentionDiffuseOptions badLengths = ok;
  badLengths.lengths = Array(Shape{3}, 1.0);
  expectError(attentionDiffuse(q, q, v, badLengths), {"'lengths'"});
  badLengths.lengths = Array::fromData({2}, {3, 7}).value();
  expectError(attentionDiffuse(q, q, v, badLengths), {"'lengths'", "[0, T = 6]"});
  badLengths.lengths = Array::fromData({2}, {2.5, 1}).value();
  expectError(attentionDiffuse(q, q, v, badLengths), {"'lengths'", "integer"});

  AttentionDiffuseOptions laplacian = modeOptions(DiffusionMode::Laplacian, localPattern(2, 1));
  laplacian.hops = 2;
  expectError(attentionDiffuse(q, q, v, laplacian), {"laplacian", "hops"});
  AttentionDiffuseOptions coeffs = modeOptions(DiffusionMode::Coeffs, localPattern(2, 1));
  coeffs.coeffs = {1.0, 2.0};
  expectError(attentionDiffuse(q, q, v, coeffs), {"'coeffs'", "hops + 1 = 4"});
  AttentionDiffuseOptions noHops = ok;
  noHops.hops = 0;
  expectError(attentionDiffuse(q, q, v, noHops), {"'hops'"});
}

} // namespace
} // namespace ldn::reference
