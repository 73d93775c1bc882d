//===- LinearAttention.cpp - ldn.linear_attention, ldn.additive_decay,
//          ldn.lrpe, ldn.lightnet_attention (ops.md sections 5-7, 12) ---===//

#include "Reference/Reference.h"

#include "Checks.h"

#include <algorithm>
#include <cmath>

namespace ldn::reference {

//===----------------------------------------------------------------------===//
// ldn.linear_attention
//===----------------------------------------------------------------------===//

Result<LinearAttentionResult>
linearAttention(const Array &q, const Array &k, const Array &v,
                const LinearAttentionOptions &options) {
  detail::Checker check("ldn.linear_attention");
  check.wellFormed("q", q)
      .wellFormed("k", k)
      .wellFormed("v", v)
      .rank("q", q, 4, "[B,T,H,dk]")
      .rank("k", k, 4, "[B,T,H,dk]")
      .rank("v", v, 4, "[B,T,H,dv]")
      .require(options.causal || !options.decay,
               "argument 'decay' is only allowed with causal = true");
  if (options.decay)
    check.wellFormed("decay", *options.decay)
        .require(options.decay->rank() == 3 || options.decay->rank() == 4,
                 "argument 'decay' must be [B,T,H] or [B,T,H,dk] but has "
                 "shape " + options.decay->shapeString());
  if (options.initialState)
    check.wellFormed("S0", *options.initialState)
        .rank("S0", *options.initialState, 4, "[B,H,dk,dv]");
  if (check.failed())
    return check.error();

  const int64_t batch = q.dim(0), T = q.dim(1), H = q.dim(2), dk = q.dim(3);
  const int64_t dv = v.dim(3);
  check.dim("k", k, 0, batch, "B, dim 0 of 'q'")
      .dim("k", k, 1, T, "T, dim 1 of 'q'")
      .dim("k", k, 2, H, "H, dim 2 of 'q'")
      .dim("k", k, 3, dk, "dk, dim 3 of 'q'")
      .dim("v", v, 0, batch, "B, dim 0 of 'q'")
      .dim("v", v, 1, T, "T, dim 1 of 'q'")
      .dim("v", v, 2, H, "H, dim 2 of 'q'");
  if (options.decay) {
    const Array &decay = *options.decay;
    check.dim("decay", decay, 0, batch, "B, dim 0 of 'q'")
        .dim("decay", decay, 1, T, "T, dim 1 of 'q'")
        .dim("decay", decay, 2, H, "H, dim 2 of 'q'");
    if (decay.rank() == 4)
      check.dim("decay", decay, 3, dk, "dk, dim 3 of 'q'");
  }
  if (options.initialState) {
    const Array &s0 = *options.initialState;
    check.dim("S0", s0, 0, batch, "B, dim 0 of 'q'")
        .dim("S0", s0, 1, H, "H, dim 2 of 'q'")
        .dim("S0", s0, 2, dk, "dk, dim 3 of 'q'")
        .dim("S0", s0, 3, dv, "dv, dim 3 of 'v'");
  }
  if (check.failed())
    return check.error();

  auto qkIndex = [&](int64_t b, int64_t t, int64_t h, int64_t i) {
    return ((b * T + t) * H + h) * dk + i;
  };
  auto vIndex = [&](int64_t b, int64_t t, int64_t h, int64_t j) {
    return ((b * T + t) * H + h) * dv + j;
  };
  auto stateIndex = [&](int64_t b, int64_t h, int64_t i, int64_t j) {
    return ((b * H + h) * dk + i) * dv + j;
  };
  // Log-decay of key channel i at (b, t, h), scalar or per channel.
  auto logDecay = [&](int64_t b, int64_t t, int64_t h, int64_t i) {
    const Array &decay = *options.decay;
    return decay.rank() == 3 ? decay[(b * T + t) * H + h]
                             : decay[qkIndex(b, t, h, i)];
  };

  LinearAttentionResult result{Array(Shape{batch, T, H, dv}),
                               Array(Shape{batch, H, dk, dv})};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < H; ++h) {
      // S: the [dk, dv] state of this (batch row, head).
      std::vector<double> S(dk * dv, 0.0);
      if (options.initialState)
        for (int64_t i = 0; i < dk; ++i)
          for (int64_t j = 0; j < dv; ++j)
            S[i * dv + j] = (*options.initialState)[stateIndex(b, h, i, j)];

      // o_t = scale * S^T q_t for the current S.
      auto writeOutput = [&](int64_t t) {
        for (int64_t j = 0; j < dv; ++j) {
          double o = 0.0;
          for (int64_t i = 0; i < dk; ++i)
            o += S[i * dv + j] * q[qkIndex(b, t, h, i)];
          result.o[vIndex(b, t, h, j)] = options.scale * o;
        }
      };

      if (options.causal) {
        // S_t = diag(exp(decay_t)) S_{t-1} + k_t v_t^T, then o_t.
        for (int64_t t = 0; t < T; ++t) {
          for (int64_t i = 0; i < dk; ++i) {
            const double gate =
                options.decay ? std::exp(logDecay(b, t, h, i)) : 1.0;
            for (int64_t j = 0; j < dv; ++j)
              S[i * dv + j] = gate * S[i * dv + j] +
                              k[qkIndex(b, t, h, i)] * v[vIndex(b, t, h, j)];
          }
          writeOutput(t);
        }
      } else {
        // One order-free reduction S = S0 + Σ_s k_s v_s^T, shared by every t.
        for (int64_t s = 0; s < T; ++s)
          for (int64_t i = 0; i < dk; ++i)
            for (int64_t j = 0; j < dv; ++j)
              S[i * dv + j] += k[qkIndex(b, s, h, i)] * v[vIndex(b, s, h, j)];
        for (int64_t t = 0; t < T; ++t)
          writeOutput(t);
      }

      for (int64_t i = 0; i < dk; ++i)
        for (int64_t j = 0; j < dv; ++j)
          result.finalState[stateIndex(b, h, i, j)] = S[i * dv + j];
    }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.additive_decay
//===----------------------------------------------------------------------===//

namespace {

/// log(exp(a) + exp(b)) without overflow; -inf is the empty sum.
double logAddExp(double a, double b) {
  if (a == -INFINITY)
    return b;
  if (b == -INFINITY)
    return a;
  return std::max(a, b) + std::log1p(std::exp(-std::abs(a - b)));
}

} // namespace

Result<AdditiveDecayResult> additiveDecay(const Array &k,
                                          const AdditiveDecayOptions &options) {
  detail::Checker check("ldn.additive_decay");
  check.wellFormed("k", k)
      .rank("k", k, 4, "[B,T,H,d]")
      .require(options.causal || !options.sink,
               "attribute 'sink' is only allowed with causal = true");
  if (check.failed())
    return check.error();

  const int64_t batch = k.dim(0), T = k.dim(1), H = k.dim(2), d = k.dim(3);
  auto index = [&](int64_t b, int64_t t, int64_t h, int64_t c) {
    return ((b * T + t) * H + h) * d + c;
  };

  AdditiveDecayResult result{Array(k.shape()), Array(k.shape())};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < H; ++h)
      for (int64_t c = 0; c < d; ++c) {
        if (options.causal) {
          // z_t = log(exp(sink) + Σ_{j<=t} exp(k_j)) built one term at a
          // time; z_{-1} = sink, or -inf (the empty sum) without a sink.
          double zPrev = options.sink ? *options.sink : -INFINITY;
          for (int64_t t = 0; t < T; ++t) {
            const double kt = k[index(b, t, h, c)];
            const double z = logAddExp(zPrev, kt);
            result.decay[index(b, t, h, c)] = zPrev - z;
            result.kNorm[index(b, t, h, c)] = std::exp(kt - z);
            zPrev = z;
          }
        } else {
          // Softmax over t (max-subtracted for range); decay stays 0.
          double maxK = -INFINITY;
          for (int64_t t = 0; t < T; ++t)
            maxK = std::max(maxK, k[index(b, t, h, c)]);
          double total = 0.0;
          for (int64_t t = 0; t < T; ++t)
            total += std::exp(k[index(b, t, h, c)] - maxK);
          for (int64_t t = 0; t < T; ++t)
            result.kNorm[index(b, t, h, c)] =
                std::exp(k[index(b, t, h, c)] - maxK) / total;
        }
      }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.lrpe
//===----------------------------------------------------------------------===//

Result<Array> lrpe(const Array &x, const Array &theta,
                   const LrpeOptions &options) {
  detail::Checker check("ldn.lrpe");
  check.wellFormed("x", x)
      .wellFormed("theta", theta)
      .rank("x", x, 4, "[B,T,H,d]")
      .rank("theta", theta, 2, "[H,e]")
      .require(options.prefix >= 0, "attribute 'prefix' must be >= 0, got " +
                                        std::to_string(options.prefix));
  int64_t gridPositions = 1; // Π g, saturated at INT64_MAX on overflow.
  for (int64_t g : options.grid) {
    check.require(g >= 1, "attribute 'grid' entries must be >= 1, got " +
                              std::to_string(g));
    if (g >= 1 && __builtin_mul_overflow(gridPositions, g, &gridPositions))
      gridPositions = INT64_MAX;
  }
  if (check.failed())
    return check.error();

  const int64_t batch = x.dim(0), T = x.dim(1), H = x.dim(2), d = x.dim(3);
  const int64_t e = theta.dim(1), m = static_cast<int64_t>(options.grid.size());
  check.dim("theta", theta, 0, H, "H, dim 2 of 'x'")
      .require(m * e >= d, "the grid axes cover m * e = " +
                               std::to_string(m * e) +
                               " channels (m = |grid|, e = dim 1 of 'theta') "
                               "but argument 'x' has d = " +
                               std::to_string(d));
  // The only run-time check: T must be exactly P + Π g.
  check.require(gridPositions != INT64_MAX &&
                    T - options.prefix == gridPositions,
                "argument 'x' dimension 1 (T) is " + std::to_string(T) +
                    " but must be prefix + prod(grid) = " +
                    std::to_string(options.prefix) + " + " +
                    std::to_string(gridPositions));
  if (check.failed())
    return check.error();

  Array result(Shape{batch, T, H, 2 * d});
  std::vector<int64_t> coordinate(m);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t t = 0; t < T; ++t) {
      const bool isPrefix = t < options.prefix;
      if (!isPrefix) {
        // Row-major unravel of i = t - P: the last axis varies fastest.
        int64_t i = t - options.prefix;
        for (int64_t axis = m - 1; axis >= 0; --axis) {
          coordinate[axis] = i % options.grid[axis];
          i /= options.grid[axis];
        }
      }
      for (int64_t h = 0; h < H; ++h)
        for (int64_t c = 0; c < d; ++c) {
          const double xc = x[((b * T + t) * H + h) * d + c];
          const int64_t out = ((b * T + t) * H + h) * (2 * d);
          if (isPrefix) {
            result[out + c] = xc; // [x, 0]
            result[out + d + c] = 0.0;
            continue;
          }
          // Θ = concat(p_1 θ[h], ..., p_m θ[h])[:d]: channel c belongs to
          // axis c / e and uses frequency θ[h, c mod e].
          const double angle = static_cast<double>(coordinate[c / e]) *
                               theta[h * e + c % e];
          result[out + c] = xc * std::cos(angle);
          result[out + d + c] = xc * std::sin(angle);
        }
    }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.lightnet_attention
//===----------------------------------------------------------------------===//

Result<LinearAttentionResult>
lightNetAttention(const Array &q, const Array &k, const Array &v,
                  const Array &theta, const LightNetAttentionOptions &options) {
  // The op is defined as this composition (ops.md section 12); each step
  // checks its own operands.
  AdditiveDecayOptions normalization{options.causal, options.sink};
  Result<AdditiveDecayResult> keys = additiveDecay(k, normalization);
  if (!keys.ok())
    return Error{keys.error()};
  Result<Array> rotatedQ = lrpe(q, theta, options.positions);
  if (!rotatedQ.ok())
    return Error{rotatedQ.error()};
  Result<Array> rotatedK = lrpe(keys->kNorm, theta, options.positions);
  if (!rotatedK.ok())
    return Error{rotatedK.error()};

  LinearAttentionOptions attention;
  attention.causal = options.causal;
  attention.scale = options.scale;
  if (options.causal) {
    // The rotated keys are [cos | sin] halves of the d channels, so each
    // channel's decay applies to both: decay ⊕ decay on the last axis.
    const Array &decay = keys->decay;
    const int64_t rows = decay.numElements() / std::max<int64_t>(decay.dim(3), 1);
    const int64_t d = decay.dim(3);
    Array doubled(Shape{decay.dim(0), decay.dim(1), decay.dim(2), 2 * d});
    for (int64_t row = 0; row < rows; ++row)
      for (int64_t c = 0; c < d; ++c) {
        doubled[row * 2 * d + c] = decay[row * d + c];
        doubled[row * 2 * d + d + c] = decay[row * d + c];
      }
    attention.decay = std::move(doubled);
  }
  return linearAttention(*rotatedQ, *rotatedK, v, attention);
}

} // namespace ldn::reference
