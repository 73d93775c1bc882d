//===- Attention.cpp - ldn.attention_diffuse (ops.md section 2) -----------===//
//
// The sparsity pattern is defined edge by edge in `patternHasEdge`, straight
// from the rules of ops.md. `patternNeighbors` only enumerates a superset of
// candidate keys and filters it through `patternHasEdge`, so the two can never
// disagree. The op recomputes each attention row when it is needed (once per
// hop), keeping memory at O(T·H·(d+e) + edges-per-row) as the contract asks.
//
//===----------------------------------------------------------------------===//

#include "Reference/Reference.h"

#include "Checks.h"

#include <algorithm>
#include <cmath>

namespace ldn::reference {

uint64_t splitMix64(uint64_t x) {
  uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int64_t patternRandomKey(uint64_t seed, int64_t t, int64_t j, int64_t T) {
  if (T < 1)
    return 0; // No keys exist; callers never ask (documented precondition).
  const uint64_t hash = splitMix64(seed ^ (static_cast<uint64_t>(t) << 20) ^
                                   static_cast<uint64_t>(j));
  return static_cast<int64_t>(hash % static_cast<uint64_t>(T));
}

std::string validatePattern(const Pattern &pattern) {
  if (pattern.dense)
    return "";
  if (pattern.window < 0)
    return "pattern window must be >= 0, got " +
           std::to_string(pattern.window);
  if (pattern.window > 0 &&
      (pattern.stride <= 0 || pattern.stride > pattern.window))
    return "pattern stride must satisfy 0 < stride <= window (" +
           std::to_string(pattern.window) + "), got " +
           std::to_string(pattern.stride);
  if (pattern.random < 0)
    return "pattern random must be >= 0, got " +
           std::to_string(pattern.random);
  for (int64_t g : pattern.globals)
    if (g < 0)
      return "pattern globals must be >= 0, got " + std::to_string(g);
  return "";
}

namespace {

/// Local rule: t and s share one of the blocks [j*stride, j*stride + window).
/// With lo = min(t,s), hi = max(t,s), the first block start that still
/// reaches hi is max(0, ceil((hi - window + 1) / stride)) * stride; the pair
/// shares a block iff that start is <= lo.
bool isLocalEdge(const Pattern &pattern, int64_t t, int64_t s) {
  if (pattern.window == 0)
    return false;
  const int64_t lo = std::min(t, s), hi = std::max(t, s);
  const int64_t numerator = hi - pattern.window + 1;
  // Integer ceil for a positive numerator; non-positive means block 0.
  const int64_t firstBlock =
      numerator <= 0 ? 0 : (numerator + pattern.stride - 1) / pattern.stride;
  return firstBlock * pattern.stride <= lo;
}

bool isGlobal(const Pattern &pattern, int64_t index) {
  return std::find(pattern.globals.begin(), pattern.globals.end(), index) !=
         pattern.globals.end();
}

} // namespace

bool patternHasEdge(const Pattern &pattern, int64_t t, int64_t s, int64_t T) {
  if (t < 0 || t >= T || s < 0 || s >= T)
    return false;
  if (pattern.causal && s > t)
    return false;
  if (pattern.dense || s == t)
    return true;
  if (isLocalEdge(pattern, t, s))
    return true;
  // t, s < T here, so globals >= T can never match: they are ignored.
  if (isGlobal(pattern, t) || isGlobal(pattern, s))
    return true;
  for (int64_t j = 0; j < pattern.random; ++j)
    if (patternRandomKey(pattern.seed, t, j, T) == s)
      return true;
  return false;
}

std::vector<int64_t> patternNeighbors(const Pattern &pattern, int64_t t,
                                      int64_t T) {
  std::vector<int64_t> candidates;
  if (t < 0 || t >= T)
    return candidates;
  if (pattern.dense || isGlobal(pattern, t)) {
    for (int64_t s = 0; s < T; ++s)
      candidates.push_back(s);
  } else {
    // Local edges need |t - s| < window; then every global and random key.
    const int64_t reach = std::max<int64_t>(pattern.window - 1, 0);
    for (int64_t s = std::max<int64_t>(0, t - reach);
         s <= std::min(T - 1, t + reach); ++s)
      candidates.push_back(s);
    for (int64_t g : pattern.globals)
      candidates.push_back(g);
    for (int64_t j = 0; j < pattern.random; ++j)
      candidates.push_back(patternRandomKey(pattern.seed, t, j, T));
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()),
                   candidates.end());
  std::vector<int64_t> keys;
  for (int64_t s : candidates)
    if (patternHasEdge(pattern, t, s, T))
      keys.push_back(s);
  return keys;
}

namespace {

/// One (batch row, head) slice of the problem: Z matrices are [T, e] vectors.
struct HeadProblem {
  const Array &q;
  const Array &k;
  const Pattern &pattern;
  int64_t b, h;
  int64_t T, H, d, e;
  int64_t validLength; // Keys and queries >= validLength are padding.
  double scale;

  double qk(int64_t t, int64_t s) const {
    double dot = 0.0;
    for (int64_t c = 0; c < d; ++c)
      dot += q[((b * T + t) * H + h) * d + c] * k[((b * T + s) * H + h) * d + c];
    return dot;
  }
};

/// out = A Z for one head, where row t of A is the softmax over the pattern
/// neighbours s of t (s < validLength) of (q_t · k_s) * scale. Rows of padded
/// queries are left 0.
std::vector<double> applyAttention(const HeadProblem &p,
                                   const std::vector<double> &Z) {
  std::vector<double> out(Z.size(), 0.0);
  for (int64_t t = 0; t < p.validLength; ++t) {
    std::vector<int64_t> keys;
    for (int64_t s : patternNeighbors(p.pattern, t, p.T))
      if (s < p.validLength)
        keys.push_back(s);
    // The self edge (t, t) always survives, so `keys` is never empty.
    std::vector<double> weights(keys.size());
    double maxScore = -INFINITY;
    for (size_t i = 0; i < keys.size(); ++i) {
      weights[i] = p.qk(t, keys[i]) * p.scale;
      maxScore = std::max(maxScore, weights[i]);
    }
    double total = 0.0;
    for (double &wi : weights) {
      wi = std::exp(wi - maxScore); // Max-subtracted for range only.
      total += wi;
    }
    for (size_t i = 0; i < keys.size(); ++i)
      for (int64_t c = 0; c < p.e; ++c)
        out[t * p.e + c] += weights[i] / total * Z[keys[i] * p.e + c];
  }
  return out;
}

} // namespace

Result<Array> attentionDiffuse(const Array &q, const Array &k, const Array &v,
                               const AttentionDiffuseOptions &options) {
  detail::Checker check("ldn.attention_diffuse");
  check.wellFormed("q", q)
      .wellFormed("k", k)
      .wellFormed("v", v)
      .rank("q", q, 4, "[B,T,H,d]")
      .rank("k", k, 4, "[B,T,H,d]")
      .rank("v", v, 4, "[B,T,H,e]");
  if (options.lengths)
    check.wellFormed("lengths", *options.lengths)
        .rank("lengths", *options.lengths, 1, "[B]");
  const std::string patternError = validatePattern(options.pattern);
  check.require(patternError.empty(), "attribute 'pattern': " + patternError)
      .require(options.hops >= 1, "attribute 'hops' must be >= 1, got " +
                                      std::to_string(options.hops));
  if (options.mode == DiffusionMode::Laplacian)
    check.require(options.hops == 1,
                  "mode 'laplacian' requires hops = 1, got " +
                      std::to_string(options.hops));
  if (options.mode == DiffusionMode::Coeffs)
    check.require(static_cast<int64_t>(options.coeffs.size()) ==
                      options.hops + 1,
                  "mode 'coeffs' requires hops + 1 = " +
                      std::to_string(options.hops + 1) +
                      " coefficients, got " +
                      std::to_string(options.coeffs.size()));
  if (check.failed())
    return check.error();

  const int64_t B = q.dim(0), T = q.dim(1), H = q.dim(2), d = q.dim(3);
  const int64_t e = v.dim(3);
  check.dim("k", k, 0, B, "B, dim 0 of 'q'")
      .dim("k", k, 1, T, "T, dim 1 of 'q'")
      .dim("k", k, 2, H, "H, dim 2 of 'q'")
      .dim("k", k, 3, d, "d, dim 3 of 'q'")
      .dim("v", v, 0, B, "B, dim 0 of 'q'")
      .dim("v", v, 1, T, "T, dim 1 of 'q'")
      .dim("v", v, 2, H, "H, dim 2 of 'q'")
      .require(options.scale.has_value() || d >= 1,
               "the default scale 1/sqrt(d) needs d >= 1; argument 'q' has "
               "shape " + q.shapeString());
  if (options.lengths) {
    const Array &lengths = *options.lengths;
    check.dim("lengths", lengths, 0, B, "B, dim 0 of 'q'");
    for (int64_t b = 0; b < B && !check.failed(); ++b) {
      const double len = lengths[b];
      check.require(len >= 0 && len <= static_cast<double>(T) &&
                        std::floor(len) == len,
                    "argument 'lengths' element " + std::to_string(b) +
                        " must be an integer in [0, T = " + std::to_string(T) +
                        "], got " + std::to_string(len));
    }
  }
  if (check.failed())
    return check.error();

  const double scale =
      options.scale ? *options.scale : 1.0 / std::sqrt(static_cast<double>(d));
  Array result(Shape{B, T, H, e});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t validLength =
          options.lengths ? static_cast<int64_t>((*options.lengths)[b]) : T;
      const HeadProblem problem{q, k, options.pattern, b, h, T, H, d, e,
                                validLength, scale};
      // V of this head as a [T, e] matrix.
      std::vector<double> V(T * e);
      for (int64_t t = 0; t < T; ++t)
        for (int64_t c = 0; c < e; ++c)
          V[t * e + c] = v[((b * T + t) * H + h) * e + c];

      std::vector<double> Z;
      switch (options.mode) {
      case DiffusionMode::PPR: {
        // Z0 = V; Z_{k+1} = (1 - alpha) A Z_k + alpha V; result Z_K.
        Z = V;
        for (int64_t hop = 0; hop < options.hops; ++hop) {
          std::vector<double> AZ = applyAttention(problem, Z);
          for (size_t i = 0; i < Z.size(); ++i)
            Z[i] = (1.0 - options.alpha) * AZ[i] + options.alpha * V[i];
        }
        break;
      }
      case DiffusionMode::Laplacian: {
        // (A - I) V.
        Z = applyAttention(problem, V);
        for (size_t i = 0; i < Z.size(); ++i)
          Z[i] -= V[i];
        break;
      }
      case DiffusionMode::Coeffs: {
        // Σ_k θ_k A^k V, with power = A^k V built one hop at a time.
        std::vector<double> power = V;
        Z.assign(V.size(), 0.0);
        for (int64_t hop = 0; hop <= options.hops; ++hop) {
          if (hop > 0)
            power = applyAttention(problem, power);
          for (size_t i = 0; i < Z.size(); ++i)
            Z[i] += options.coeffs[hop] * power[i];
        }
        break;
      }
      }

      // Padded outputs are 0 (the intermediate padded rows were never read:
      // padded keys have no edges).
      for (int64_t t = 0; t < T; ++t)
        for (int64_t c = 0; c < e; ++c)
          result[((b * T + t) * H + h) * e + c] =
              t < validLength ? Z[t * e + c] : 0.0;
    }
  return result;
}

} // namespace ldn::reference
