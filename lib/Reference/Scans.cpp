//===- Scans.cpp - ldn.scan and ldn.selective_scan (ops.md 3, 4) ----------===//

#include "Reference/Reference.h"

#include "Checks.h"

#include <algorithm>
#include <cmath>

namespace ldn::reference {

//===----------------------------------------------------------------------===//
// ldn.scan
//===----------------------------------------------------------------------===//

Result<ScanResult> scan(const Array &a, const Array &b,
                        const ScanOptions &options) {
  detail::Checker check("ldn.scan");
  check.wellFormed("a", a)
      .wellFormed("b", b)
      .require(b.rank() >= 2, "argument 'b' must have rank >= 2 but has shape " +
                                  b.shapeString())
      .require(options.dim >= 0 && options.dim < b.rank(),
               "attribute 'dim' = " + std::to_string(options.dim) +
                   " is out of range for argument 'b' of shape " +
                   b.shapeString());
  if (check.failed())
    return check.error();

  const int64_t rank = b.rank(), dim = options.dim;
  const int64_t channels = b.dim(rank - 1);
  // `a` is either elementwise (shape of b) or a per-channel decay [C].
  const bool perChannel = a.shape() != b.shape();
  if (perChannel) {
    check.require(a.rank() == 1,
                  "argument 'a' must have the shape of 'b' " + b.shapeString() +
                      " or be 1-D [C] (per-channel), but has shape " +
                      a.shapeString())
        .dim("a", a, 0, channels, "C, the last dim of 'b'")
        .require(dim != rank - 1,
                 "a 1-D (per-channel) argument 'a' requires 'dim' != the last "
                 "dimension of 'b'");
  }
  Shape reducedShape = b.shape(); // b without `dim`
  reducedShape.erase(reducedShape.begin() + dim);
  if (options.init) {
    const Array &init = *options.init;
    check.wellFormed("init", init)
        .rank("init", init, rank - 1, shapeToString(reducedShape));
    for (int64_t i = 0; i < rank - 1; ++i)
      check.dim("init", init, i, reducedShape[i],
                "the shape of 'b' without dim " + std::to_string(dim));
  }
  if (check.failed())
    return check.error();

  // View b as [outer, length, inner] around the scanned axis.
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < dim; ++i)
    outer *= b.dim(i);
  for (int64_t i = dim + 1; i < rank; ++i)
    inner *= b.dim(i);
  const int64_t length = b.dim(dim);

  ScanResult result{Array(b.shape()), Array(reducedShape)};
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double h = options.init ? (*options.init)[o * inner + i] : 0.0;
      for (int64_t step = 0; step < length; ++step) {
        const int64_t t = options.reverse ? length - 1 - step : step;
        const int64_t flat = (o * length + t) * inner + i;
        // The last dimension lies inside `inner` (dim != last), so the
        // channel of a per-channel `a` is i mod C.
        const double decay = perChannel ? a[i % channels] : a[flat];
        h = decay * h + b[flat];
        result.states[flat] = h;
      }
      result.last[o * inner + i] = h;
    }
  return result;
}

//===----------------------------------------------------------------------===//
// ldn.selective_scan
//===----------------------------------------------------------------------===//

namespace {

/// softplus(x) = log(1 + exp(x)), written as max(x,0) + log1p(exp(-|x|)) (the
/// same value) so that large x does not overflow exp.
double softplus(double x) {
  return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x)));
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }

} // namespace

Result<SelectiveScanResult> selectiveScan(const Array &x, const Array &delta,
                                          const Array &A, const Array &B,
                                          const Array &C,
                                          const SelectiveScanOptions &options) {
  detail::Checker check("ldn.selective_scan");
  check.wellFormed("x", x)
      .wellFormed("delta", delta)
      .wellFormed("A", A)
      .wellFormed("B", B)
      .wellFormed("C", C)
      .rank("x", x, 3, "[B,T,D]")
      .rank("delta", delta, 3, "[B,T,D]")
      .rank("A", A, 2, "[D,N]")
      .rank("B", B, 3, "[B,T,N]")
      .rank("C", C, 3, "[B,T,N]");
  if (options.D)
    check.wellFormed("D", *options.D).rank("D", *options.D, 1, "[D]");
  if (options.z)
    check.wellFormed("z", *options.z).rank("z", *options.z, 3, "[B,T,D]");
  if (options.dbias)
    check.wellFormed("dbias", *options.dbias)
        .rank("dbias", *options.dbias, 1, "[D]");
  if (options.h0)
    check.wellFormed("h0", *options.h0).rank("h0", *options.h0, 3, "[B,D,N]");
  if (check.failed())
    return check.error();

  const int64_t batch = x.dim(0), T = x.dim(1), D = x.dim(2), N = A.dim(1);
  const std::string fromB = "B, dim 0 of 'x'", fromT = "T, dim 1 of 'x'",
                    fromD = "D, dim 2 of 'x'", fromN = "N, dim 1 of 'A'";
  check.dim("delta", delta, 0, batch, fromB)
      .dim("delta", delta, 1, T, fromT)
      .dim("delta", delta, 2, D, fromD)
      .dim("A", A, 0, D, fromD)
      .dim("B", B, 0, batch, fromB)
      .dim("B", B, 1, T, fromT)
      .dim("B", B, 2, N, fromN)
      .dim("C", C, 0, batch, fromB)
      .dim("C", C, 1, T, fromT)
      .dim("C", C, 2, N, fromN);
  if (options.D)
    check.dim("D", *options.D, 0, D, fromD);
  if (options.z)
    check.dim("z", *options.z, 0, batch, fromB)
        .dim("z", *options.z, 1, T, fromT)
        .dim("z", *options.z, 2, D, fromD);
  if (options.dbias)
    check.dim("dbias", *options.dbias, 0, D, fromD);
  if (options.h0)
    check.dim("h0", *options.h0, 0, batch, fromB)
        .dim("h0", *options.h0, 1, D, fromD)
        .dim("h0", *options.h0, 2, N, fromN);
  if (check.failed())
    return check.error();

  auto btd = [&](int64_t b, int64_t t, int64_t d) { return (b * T + t) * D + d; };
  auto btn = [&](int64_t b, int64_t t, int64_t n) { return (b * T + t) * N + n; };

  SelectiveScanResult result{Array(Shape{batch, T, D}),
                             Array(Shape{batch, D, N})};
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t d = 0; d < D; ++d) {
      // The state h[d, :] of this (batch row, channel).
      std::vector<double> h(N, 0.0);
      if (options.h0)
        for (int64_t n = 0; n < N; ++n)
          h[n] = (*options.h0)[(b * D + d) * N + n];
      for (int64_t t = 0; t < T; ++t) {
        double dt = delta[btd(b, t, d)];
        if (options.dbias)
          dt += (*options.dbias)[d];
        if (options.deltaSoftplus)
          dt = softplus(dt);
        const double xt = x[btd(b, t, d)];
        double y = 0.0;
        for (int64_t n = 0; n < N; ++n) {
          h[n] = std::exp(dt * A[d * N + n]) * h[n] + dt * B[btn(b, t, n)] * xt;
          y += h[n] * C[btn(b, t, n)];
        }
        if (options.D)
          y += (*options.D)[d] * xt;
        if (options.z)
          y *= silu((*options.z)[btd(b, t, d)]);
        result.y[btd(b, t, d)] = y;
      }
      for (int64_t n = 0; n < N; ++n)
        result.finalState[(b * D + d) * N + n] = h[n];
    }
  return result;
}

} // namespace ldn::reference
