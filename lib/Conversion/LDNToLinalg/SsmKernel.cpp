//===- SsmKernel.cpp - ldn.ssm_kernel to a closed-form elementwise generic ===//
//
// κ_n[j] = Re(c_n λ̄_n^j) is evaluated independently for every (n, j) from the
// closed form λ̄^j = exp(j log|λ̄|) (cos(j arg λ̄) + i sin(j arg λ̄)), so the
// [N, L] kernel is one parallel generic with the lag dimension innermost (no
// recurrence over j, nothing carried). Two generics:
//
//   1. per mode, in f64: log|λ̄|, arg λ̄ and c for zoh or bilinear
//      (N elements: the transcendental set-up and the cancellation-prone
//      λ̄ - 1 are done once per mode and in double);
//   2. per (n, j): the kernel value in f32, except that the phase j·arg λ̄ is
//      formed and reduced to [-π, π] in f64. The phase does not decay, so an
//      f32 product would carry an absolute angle error of about j·|arg λ̄|·2^-24
//      (1e-3 rad at j = 8192), far above f32 round-off of the result; in f64
//      it is exact to f32 precision for any practical L. The magnitude
//      exp(j log|λ̄|) needs no such care: its relative error is bounded by the
//      exponent's, which is only large where the value has decayed.
//
// Bidirectional kernels are [N, 2L] with column L + m the mirror of column
// L - 1 - m; the same generic covers both halves by evaluating lag
// j < L ? j : 2L - 1 - j (recomputing is cheaper than a second pass reading
// the first half backwards).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// A complex number as two scalars.
struct Complex {
  Value re, im;
};

/// Per-mode quantities of the discretized SSM, all f64 scalars:
/// λ̄ = exp(logMagnitude + i phase) and the input coefficient c.
struct ModeParameters {
  Value logMagnitude, phase;
  Complex c;
};

/// Scalar arithmetic helpers for the f64 set-up; `b` and `loc` fixed.
struct ScalarBuilder {
  OpBuilder &b;
  Location loc;

  Value constant(double value) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(value));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value neg(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value normSquared(Complex z) { return add(mul(z.re, z.re), mul(z.im, z.im)); }
  /// z / w for w != 0.
  Complex divide(Complex z, Complex w) {
    Value scale = normSquared(w);
    return {div(add(mul(z.re, w.re), mul(z.im, w.im)), scale),
            div(sub(mul(z.im, w.re), mul(z.re, w.im)), scale)};
  }
};

/// zoh: λ̄ = exp(λΔ), c = (λ̄ - 1) / λ.
ModeParameters discretizeZoh(ScalarBuilder &s, Complex lambda, Value dt) {
  Value logMagnitude = s.mul(lambda.re, dt);
  Value phase = s.mul(lambda.im, dt);
  Value magnitude = math::ExpOp::create(s.b, s.loc, logMagnitude);
  Complex lambdaBarMinusOne = {
      s.sub(s.mul(magnitude, math::CosOp::create(s.b, s.loc, phase)),
            s.constant(1.0)),
      s.mul(magnitude, math::SinOp::create(s.b, s.loc, phase))};
  return {logMagnitude, phase, s.divide(lambdaBarMinusOne, lambda)};
}

/// bilinear: λ̄ = (1 + Δλ/2) / (1 - Δλ/2), c = Δ / (1 - Δλ/2).
ModeParameters discretizeBilinear(ScalarBuilder &s, Complex lambda, Value dt) {
  Value halfDt = s.mul(dt, s.constant(0.5));
  Complex half = {s.mul(halfDt, lambda.re), s.mul(halfDt, lambda.im)};
  Value one = s.constant(1.0);
  Complex numerator = {s.add(one, half.re), half.im};
  Complex denominator = {s.sub(one, half.re), s.neg(half.im)};
  // log|λ̄| = (log|num|² - log|den|²) / 2; |num| = 0 gives -inf, which the
  // kernel generic handles at j = 0.
  Value logMagnitude =
      s.mul(s.constant(0.5),
            s.sub(math::LogOp::create(s.b, s.loc, s.normSquared(numerator)),
                  math::LogOp::create(s.b, s.loc, s.normSquared(denominator))));
  Value phase =
      s.sub(math::Atan2Op::create(s.b, s.loc, numerator.im, numerator.re),
            math::Atan2Op::create(s.b, s.loc, denominator.im, denominator.re));
  // c = Δ / den = Δ conj(den) / |den|².
  Value scale = s.div(dt, s.normSquared(denominator));
  Complex c = {s.mul(scale, denominator.re),
               s.neg(s.mul(scale, denominator.im))};
  return {logMagnitude, phase, c};
}

/// Generic 1: the per-mode parameters as four [N] f64 tensors
/// (log|λ̄|, arg λ̄, Re c, Im c).
SmallVector<Value> computeModeParameters(OpBuilder &b, Location loc,
                                         SsmKernelOp op, OpFoldResult modes) {
  Type f64 = b.getF64Type();
  Discretization method = op.getMethod();
  // One destination per result: shared ones would alias after bufferization.
  SmallVector<Value> inits;
  for (int i = 0; i < 4; ++i)
    inits.push_back(createEmpty(b, loc, {modes}, f64));
  SmallVector<Type> types(4, inits[0].getType());
  AffineMap id = b.getMultiDimIdentityMap(1);
  auto generic = linalg::GenericOp::create(
      b, loc, types,
      ValueRange{op.getLambdaRe(), op.getLambdaIm(), op.getLogDt()}, inits,
      SmallVector<AffineMap>(7, id), parallelIterators(1),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        ScalarBuilder s{nb, nloc};
        // Stability clamp Re λ <= -1e-4 (in f64, as the reference does).
        Value re = arith::MinimumFOp::create(
            nb, nloc, castFloat(nb, nloc, args[0], f64), s.constant(-1e-4));
        Complex lambda = {re, castFloat(nb, nloc, args[1], f64)};
        Value dt =
            math::ExpOp::create(nb, nloc, castFloat(nb, nloc, args[2], f64));
        ModeParameters p = method == Discretization::zoh
                               ? discretizeZoh(s, lambda, dt)
                               : discretizeBilinear(s, lambda, dt);
        linalg::YieldOp::create(
            nb, nloc, ValueRange{p.logMagnitude, p.phase, p.c.re, p.c.im});
      });
  return SmallVector<Value>(generic.getResults());
}

/// Generic 2: κ[n, j] = |λ̄|^lag (Re c cos(lag arg λ̄) - Im c sin(lag arg λ̄))
/// with lag = j, or the mirrored lag for the second half of a bidirectional
/// kernel.
Value evaluateKernel(OpBuilder &b, Location loc, ValueRange parameters,
                     ArrayRef<OpFoldResult> sizes, Value length,
                     bool bidirectional) {
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
  Value init = createEmpty(b, loc, sizes, f32);
  AffineMap perMode =
      AffineMap::get(2, 0, b.getAffineDimExpr(0), b.getContext());
  SmallVector<AffineMap> maps(4, perMode);
  maps.push_back(b.getMultiDimIdentityMap(2));
  // Column L + m of a bidirectional kernel holds lag L - 1 - m = lastColumn -
  // j.
  Value lastColumn;
  if (bidirectional)
    lastColumn = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, length, length),
        arith::ConstantIndexOp::create(b, loc, 1));
  return linalg::GenericOp::create(
             b, loc, init.getType(), parameters, ValueRange{init}, maps,
             parallelIterators(2),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               ScalarBuilder s{nb, nloc};
               Value lag = linalg::IndexOp::create(nb, nloc, 1);
               if (bidirectional) {
                 Value mirrored =
                     arith::SubIOp::create(nb, nloc, lastColumn, lag);
                 Value forward = arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::ult, lag, length);
                 lag =
                     arith::SelectOp::create(nb, nloc, forward, lag, mirrored);
               }
               Value lagInt = arith::IndexCastUIOp::create(nb, nloc, i64, lag);
               Value lagF = arith::UIToFPOp::create(nb, nloc, f64, lagInt);

               // |λ̄|^0 = 1 even when log|λ̄| = -inf (bilinear λ̄ = 0).
               Value isZero = arith::CmpIOp::create(
                   nb, nloc, arith::CmpIPredicate::eq, lagInt,
                   arith::ConstantIntOp::create(nb, nloc, i64, 0));
               Value logPower = arith::SelectOp::create(
                   nb, nloc, isZero, s.constant(0.0), s.mul(lagF, args[0]));
               Value magnitude = math::ExpOp::create(
                   nb, nloc, castFloat(nb, nloc, logPower, f32));

               // The phase reduced to [-π, π] in f64, then f32 cos/sin.
               constexpr double twoPi = 2.0 * llvm::numbers::pi;
               Value angle = s.mul(lagF, args[1]);
               Value turns = math::RoundEvenOp::create(
                   nb, nloc, s.mul(angle, s.constant(1.0 / twoPi)));
               Value reduced = castFloat(
                   nb, nloc, s.sub(angle, s.mul(turns, s.constant(twoPi))),
                   f32);
               Value cRe = castFloat(nb, nloc, args[2], f32);
               Value cIm = castFloat(nb, nloc, args[3], f32);
               Value real = arith::SubFOp::create(
                   nb, nloc,
                   arith::MulFOp::create(
                       nb, nloc, cRe, math::CosOp::create(nb, nloc, reduced)),
                   arith::MulFOp::create(
                       nb, nloc, cIm, math::SinOp::create(nb, nloc, reduced)));
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::MulFOp::create(nb, nloc, magnitude, real)
                       .getResult());
             })
      .getResult(0);
}

/// The run-time checks the generic operand checks of the pass
/// (getRuntimeDimConstraints, operand against operand) leave: `length` >= 0
/// when it is not a constant (the verifier checked constants), and a static
/// mode count `modes` of the result against a dynamic `lambda_re`.
void assertRuntimeSizes(OpBuilder &b, Location loc, SsmKernelOp op,
                        OpFoldResult modes) {
  if (!matchPattern(op.getLength(), m_Constant())) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value nonNegative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                              op.getLength(), zero);
    cf::AssertOp::create(b, loc, nonNegative,
                         "ldn.ssm_kernel: 'length' must be >= 0");
  }
  Value re = op.getLambdaRe();
  std::optional<int64_t> staticModes = getConstantIntValue(modes);
  if (staticModes && cast<RankedTensorType>(re.getType()).isDynamicDim(0)) {
    Value equal = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq, getDim(b, loc, re, 0),
        arith::ConstantIndexOp::create(b, loc, *staticModes));
    cf::AssertOp::create(b, loc, equal,
                         "ldn.ssm_kernel: the result must have as many modes "
                         "N as 'lambda_re'");
  }
}

struct LowerSsmKernel : OpRewritePattern<SsmKernelOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SsmKernelOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // [N, L] or [N, 2L]
    SmallVector<OpFoldResult> sizes =
        reifyResultSizes(rewriter, op.getKernel());

    // First: the result sizes are only valid for a non-negative `length`.
    assertRuntimeSizes(rewriter, loc, op, sizes[0]);

    SmallVector<Value> parameters =
        computeModeParameters(rewriter, loc, op, sizes[0]);
    Value kernel = evaluateKernel(rewriter, loc, parameters, sizes,
                                  op.getLength(), op.getBidirectional());
    rewriter.replaceOp(op, castToType(rewriter, loc, kernel, op.getType()));
    return success();
  }
};
} // namespace

void mlir::ldn::lowering::populateSsmKernelLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerSsmKernel>(patterns.getContext());
}
