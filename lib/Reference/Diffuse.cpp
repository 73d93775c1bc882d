//===- Diffuse.cpp - ldn.diffuse (ops.md section 1) -----------------------===//
//
// Explicit Euler steps of x <- x + dt * alpha ⊙ (K x) with the row-sum-zero
// path-graph Laplacian
//   (K x)_t = Σ_{r=1..R} w_r ( [t-r >= 0](x_{t-r} - x_t)
//                             + [!causal][t+r < T](x_{t+r} - x_t) ).
//
//===----------------------------------------------------------------------===//

#include "Reference/Reference.h"

#include "Checks.h"

namespace ldn::reference {

Result<Array> diffuse(const Array &x, const Array &w, const Array &alpha,
                      const DiffuseOptions &options) {
  detail::Checker check("ldn.diffuse");
  check.wellFormed("x", x)
      .wellFormed("w", w)
      .wellFormed("alpha", alpha)
      .rank("x", x, 3, "[B,T,D]")
      .rank("w", w, 1, "[R]")
      .require(alpha.rank() == 1 || alpha.rank() == 3,
               "argument 'alpha' must be [D] or [B,T,D] but has shape " +
                   alpha.shapeString())
      .require(options.steps >= 1, "attribute 'steps' must be >= 1, got " +
                                       std::to_string(options.steps));
  if (options.dtOperand)
    check.wellFormed("dt", *options.dtOperand)
        .rank("dt", *options.dtOperand, 0, "[] (0-d tensor)");
  if (check.failed())
    return check.error();

  const int64_t B = x.dim(0), T = x.dim(1), D = x.dim(2), R = w.dim(0);
  check.require(R >= 1, "argument 'w' must hold R >= 1 offset weights, got "
                        "shape " + w.shapeString());
  if (alpha.rank() == 1) {
    check.dim("alpha", alpha, 0, D, "D, dim 2 of 'x'");
  } else {
    check.dim("alpha", alpha, 0, B, "B, dim 0 of 'x'")
        .dim("alpha", alpha, 1, T, "T, dim 1 of 'x'")
        .dim("alpha", alpha, 2, D, "D, dim 2 of 'x'");
  }
  if (check.failed())
    return check.error();

  // The 0-d operand takes precedence over the attribute.
  const double dt = options.dtOperand ? (*options.dtOperand)[0] : options.dt;
  auto index = [&](int64_t b, int64_t t, int64_t d) {
    return (b * T + t) * D + d;
  };
  // alpha is either per channel or per (b, t, channel).
  auto alphaAt = [&](int64_t b, int64_t t, int64_t d) {
    return alpha.rank() == 1 ? alpha[d] : alpha[index(b, t, d)];
  };

  Array current = x;
  for (int64_t step = 0; step < options.steps; ++step) {
    // Every row of K is applied to the state before this step (explicit
    // Euler), so the update writes into a fresh array.
    Array next = current;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < T; ++t)
        for (int64_t d = 0; d < D; ++d) {
          const double xt = current[index(b, t, d)];
          double kx = 0.0;
          for (int64_t r = 1; r <= R; ++r) {
            const double wr = w[r - 1];
            if (t - r >= 0)
              kx += wr * (current[index(b, t - r, d)] - xt);
            if (!options.causal && t + r < T)
              kx += wr * (current[index(b, t + r, d)] - xt);
          }
          next[index(b, t, d)] = xt + dt * alphaAt(b, t, d) * kx;
        }
    current = std::move(next);
  }
  return current;
}

} // namespace ldn::reference
