//===- SSM.cpp - ldn.ssm_kernel and ldn.long_conv (ops.md sections 8, 9) --===//

#include "Reference/Reference.h"

#include "Checks.h"

#include <algorithm>
#include <cmath>
#include <complex>

namespace ldn::reference {

using Complex = std::complex<double>;

//===----------------------------------------------------------------------===//
// ldn.ssm_kernel
//===----------------------------------------------------------------------===//

Result<Array> ssmKernel(const Array &lambdaRe, const Array &lambdaIm,
                        const Array &logDt, int64_t length,
                        const SsmKernelOptions &options) {
  detail::Checker check("ldn.ssm_kernel");
  check.wellFormed("lambda_re", lambdaRe)
      .wellFormed("lambda_im", lambdaIm)
      .wellFormed("log_dt", logDt)
      .rank("lambda_re", lambdaRe, 1, "[N]")
      .rank("lambda_im", lambdaIm, 1, "[N]")
      .rank("log_dt", logDt, 1, "[N]")
      .require(length >= 0, "operand 'length' must be >= 0, got " +
                                std::to_string(length));
  if (check.failed())
    return check.error();
  const int64_t N = lambdaRe.dim(0), L = length;
  check.dim("lambda_im", lambdaIm, 0, N, "N, dim 0 of 'lambda_re'")
      .dim("log_dt", logDt, 0, N, "N, dim 0 of 'lambda_re'");
  if (check.failed())
    return check.error();

  const int64_t width = options.bidirectional ? 2 * L : L;
  Array result(Shape{N, width});
  for (int64_t n = 0; n < N; ++n) {
    // Stability clamp: Re(λ) <= -1e-4.
    const Complex lambda(std::min(lambdaRe[n], -1e-4), lambdaIm[n]);
    const double dt = std::exp(logDt[n]);
    Complex lambdaBar, c;
    switch (options.method) {
    case SsmMethod::Zoh:
      lambdaBar = std::exp(lambda * dt);
      c = (lambdaBar - 1.0) / lambda;
      break;
    case SsmMethod::Bilinear:
      lambdaBar = (1.0 + dt * lambda / 2.0) / (1.0 - dt * lambda / 2.0);
      c = dt / (1.0 - dt * lambda / 2.0);
      break;
    }
    // κ[j] = Re(c λ̄^j); the power is built by repeated multiplication so
    // that λ̄ = 0 (possible for bilinear) gives λ̄^0 = 1 rather than NaN.
    std::vector<double> kappa(L);
    Complex power(1.0, 0.0);
    for (int64_t j = 0; j < L; ++j) {
      kappa[j] = (c * power).real();
      power *= lambdaBar;
    }
    for (int64_t j = 0; j < L; ++j)
      result[n * width + j] = kappa[j];
    // Bidirectional: κ^bi[L + m] = κ[L - 1 - m], the mirror.
    if (options.bidirectional)
      for (int64_t m = 0; m < L; ++m)
        result[n * width + L + m] = kappa[L - 1 - m];
  }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.long_conv
//===----------------------------------------------------------------------===//

Result<Array> longConv(const Array &v, const Array &kernel,
                       const LongConvOptions &options) {
  detail::Checker check("ldn.long_conv");
  check.wellFormed("v", v)
      .wellFormed("kernel", kernel)
      .rank("v", v, 3, "[B,T,C]")
      .rank("kernel", kernel, 2, "[C,Lk]");
  if (check.failed())
    return check.error();
  const int64_t B = v.dim(0), T = v.dim(1), C = v.dim(2), Lk = kernel.dim(1);
  check.dim("kernel", kernel, 0, C, "C, dim 2 of 'v'");
  if (options.bidirectional)
    check.require(Lk % 2 == 0,
                  "bidirectional = true needs an even kernel length Lk = 2L "
                  "but argument 'kernel' has shape " + kernel.shapeString());
  if (check.failed())
    return check.error();

  // options.strategy is a lowering choice only: the reference is the direct sum.
  auto vAt = [&](int64_t b, int64_t t, int64_t c) {
    return v[(b * T + t) * C + c];
  };
  auto kAt = [&](int64_t c, int64_t j) { return kernel[c * Lk + j]; };

  Array result(v.shape());
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t c = 0; c < C; ++c) {
        double y = 0.0;
        if (!options.bidirectional) {
          // y_t = Σ_{j=0..min(t, Lk-1)} kernel[j] v_{t-j}.
          for (int64_t j = 0; j <= std::min(t, Lk - 1); ++j)
            y += kAt(c, j) * vAt(b, t - j, c);
        } else {
          const int64_t L = Lk / 2;
          // Σ_{s<=t, t-s<L} kernel[t-s] v_s: the causal half.
          for (int64_t s = 0; s <= t; ++s)
            if (t - s < L)
              y += kAt(c, t - s) * vAt(b, s, c);
          // Σ_{s>t, s-t<=L} kernel[2L-(s-t)] v_s: the mirrored half.
          for (int64_t s = t + 1; s < T; ++s)
            if (s - t <= L)
              y += kAt(c, 2 * L - (s - t)) * vAt(b, s, c);
        }
        result[(b * T + t) * C + c] = y;
      }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.ssm_conv
//===----------------------------------------------------------------------===//

namespace {
/// out[b, t, g·No + o] = Σ_i in[b, t, g·Ni + i] · weight[g, i, o] for a
/// weight [G, Ni, No]: a block-diagonal projection of the channels.
Array projectHeads(const Array &in, const Array &weight) {
  const int64_t B = in.dim(0), T = in.dim(1), G = weight.dim(0),
                Ni = weight.dim(1), No = weight.dim(2);
  Array out({B, T, G * No});
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t g = 0; g < G; ++g)
        for (int64_t o = 0; o < No; ++o) {
          double sum = 0.0;
          for (int64_t i = 0; i < Ni; ++i)
            sum += in.at({b, t, g * Ni + i}) * weight.at({g, i, o});
          out.at({b, t, g * No + o}) = sum;
        }
  return out;
}
} // namespace

Result<Array> ssmConv(const Array &u, const Array &inProj,
                      const Array &kernel, const Array &outProj,
                      const LongConvOptions &options) {
  detail::Checker check("ldn.ssm_conv");
  check.wellFormed("u", u)
      .wellFormed("in_proj", inProj)
      .wellFormed("kernel", kernel)
      .wellFormed("out_proj", outProj)
      .rank("u", u, 3, "[B,T,H]")
      .rank("in_proj", inProj, 3, "[G,Hg,Ng]")
      .rank("kernel", kernel, 2, "[N,Lk]")
      .rank("out_proj", outProj, 3, "[G,Ng,Mg]");
  if (check.failed())
    return check.error();
  const int64_t G = inProj.dim(0);
  check.dim("u", u, 2, G * inProj.dim(1), "G·Hg of 'in_proj'")
      .dim("out_proj", outProj, 0, G, "G, dim 0 of 'in_proj'")
      .dim("out_proj", outProj, 1, inProj.dim(2), "Ng, dim 2 of 'in_proj'");
  if (check.failed())
    return check.error();
  // longConv checks the kernel against the G·Ng projected channels.
  Result<Array> x = longConv(projectHeads(u, inProj), kernel, options);
  if (!x.ok())
    return x;
  return projectHeads(*x, outProj);
}

} // namespace ldn::reference
