//===- AdditiveDecay.cpp - ldn.additive_decay to linalg -------------------===//
//
// Causal: an scf.for over T carries one f32 state z [B,H,d], the running
// log-sum-exp z_t = log(exp(sink) + Σ_{j<=t} exp(k_j)), starting at the sink
// (or -inf, the empty sum, without one). Each step is one elementwise generic
// over (b, h, c), channels innermost, with three outputs written in place:
// the new z and the step's slices of k_norm and decay. With
// δ = z_{t-1} - k_t and L = log1p(exp(-|δ|)):
//   z_t      = max(z_{t-1}, k_t) + L            (log-add-exp, never overflows)
//   decay_t  = z_{t-1} - z_t = min(δ, 0) - L
//   k_norm_t = exp(k_t - z_t) = exp(min(-δ, 0) - L)
// Taking decay and k_norm from δ and L instead of subtracting two large
// running sums keeps them accurate for long sequences, and it costs three
// transcendentals per element and step with a single carried value (a
// running max/sum pair would carry two and need a log per step anyway).
// Without a sink, z_{-1} = -inf gives δ = -inf, L = 0: z_0 = k_0,
// decay_0 = -inf and k_norm_0 = 1, as ops.md allows.
//
// Non-causal: k_norm is a softmax over T per channel (createSoftmax: max,
// sum of exp, divide, as generics reducing over t) and decay is all zeros.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {

/// The step of the causal recurrence for one element: (z_t, k_norm_t,
/// decay_t) from z_{t-1} and k_t (f32), as derived in the header.
SmallVector<Value> logAddExpStep(OpBuilder &b, Location loc, Value zPrev,
                                 Value key) {
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value delta = arith::SubFOp::create(b, loc, zPrev, key);
  Value negAbs =
      arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, delta));
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  Value z = arith::AddFOp::create(
      b, loc, arith::MaximumFOp::create(b, loc, zPrev, key), tail);
  Value decay = arith::SubFOp::create(
      b, loc, arith::MinimumFOp::create(b, loc, delta, zero), tail);
  Value negDelta = arith::NegFOp::create(b, loc, delta);
  Value kNorm = math::ExpOp::create(
      b, loc,
      arith::SubFOp::create(
          b, loc, arith::MinimumFOp::create(b, loc, negDelta, zero), tail));
  return {z, kNorm, decay};
}

struct LowerAdditiveDecay : OpRewritePattern<AdditiveDecayOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AdditiveDecayOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value k = op.getK();
    SmallVector<OpFoldResult> sizes = reifyResultSizes(rewriter, op.getKNorm());
    Value kNorm = createEmpty(rewriter, loc, sizes, f32);

    if (!op.getCausal()) {
      Value softmax = createSoftmax(rewriter, loc, k, /*dim=*/1, kNorm);
      Value decay = createFilled(rewriter, loc, sizes, f32, 0.0);
      rewriter.replaceOp(op, {softmax, decay});
      return success();
    }

    std::optional<APFloat> sink = op.getSink();
    double zInit = sink ? sink->convertToDouble()
                        : -std::numeric_limits<double>::infinity();
    Value z = createFilled(rewriter, loc, dropDim(sizes, 1), f32, zInit);
    Value decay = createEmpty(rewriter, loc, sizes, f32);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value length = getDim(rewriter, loc, k, 1);
    AffineMap id = rewriter.getMultiDimIdentityMap(3);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{z, kNorm, decay},
        [&](OpBuilder &lb, Location lloc, Value t, ValueRange carried) {
          Value kNormStep = extractSliceAt(lb, lloc, carried[1], 1, t);
          Value decayStep = extractSliceAt(lb, lloc, carried[2], 1, t);
          auto step = linalg::GenericOp::create(
              lb, lloc,
              TypeRange{carried[0].getType(), kNormStep.getType(),
                        decayStep.getType()},
              ValueRange{extractSliceAt(lb, lloc, k, 1, t)},
              ValueRange{carried[0], kNormStep, decayStep},
              ArrayRef<AffineMap>{id, id, id, id}, parallelIterators(3),
              [&](OpBuilder &nb, Location nloc, ValueRange args) {
                Value key = castFloat(nb, nloc, args[0], f32);
                linalg::YieldOp::create(nb, nloc,
                                        logAddExpStep(nb, nloc, args[1], key));
              });
          scf::YieldOp::create(
              lb, lloc,
              ValueRange{
                  step.getResult(0),
                  insertSliceAt(lb, lloc, step.getResult(1), carried[1], 1, t),
                  insertSliceAt(lb, lloc, step.getResult(2), carried[2], 1,
                                t)});
        });
    rewriter.replaceOp(op, {loop.getResult(1), loop.getResult(2)});
    return success();
  }
};

} // namespace

void mlir::ldn::lowering::populateAdditiveDecayLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerAdditiveDecay>(patterns.getContext());
}
