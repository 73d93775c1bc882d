//===- Diffuse.cpp - ldn.diffuse to shifted-slice stencils ----------------===//
//
// One explicit Euler step is x <- x + dt * alpha ⊙ (K x) with the banded
// path-graph Laplacian
//   (K x)_t = Σ_{r=1..R} w_r ([t-r >= 0](x_{t-r} - x_t)
//                             + [!causal][t+r < T](x_{t+r} - x_t)).
//
// The band is applied offset by offset: for each r an elementwise generic over
// the window of t where the edge exists,
//   acc[:, r:T]   += w_r * (x[:, 0:T-r] - x[:, r:T])       (edge to t - r)
//   acc[:, 0:T-r] += w_r * (x[:, r:T]   - x[:, 0:T-r])     (edge to t + r)
// so the boundary indicator of the formula becomes the window bounds: there
// is no per-element branch, every generic reads and writes contiguous
// [B, T-r, D] slices with D innermost (it vectorizes along D), and the work is
// O(B·T·D·R) per step. The difference form keeps every row sum exactly zero
// in floating point too: a constant sequence is left unchanged bit for bit.
// r only runs to min(R, T-1): longer edges leave the sequence.
//
// An scf.for over the steps carries x (f32) and the accumulator, both updated
// in place; a final generic per step forms x + dt * alpha * acc. f16/bf16
// inputs are widened once and the result narrowed once.
//
// That general form makes 2R passes over the data per step. When R is static
// and the steps are few (the usual case: a fixed band of learned weights and
// one to a few steps), each step is instead one stencil generic over
// (b, t, d): it reads the 2R neighbours x[b, t±r, d] with tensor.extract at
// indices clamped to t itself where the edge leaves the sequence (so the
// difference, and the edge, vanish without a branch) and writes y once. The
// neighbours' rows are in cache, d is innermost, and the step moves one read
// and one write of x: the memory-bound minimum.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// The operands of one diffusion step; dt is already an f32 scalar.
struct DiffusionStencil {
  Value weights; ///< w: [R], any float type.
  Value alpha;   ///< [D] or [B,T,D], any float type.
  Value dt;      ///< f32 scalar.
  bool causal;
};

/// R >= 1 when `w` has a dynamic size (the verifier checked the static
/// case). The size equalities between operands are asserted by the pass for
/// every op (getRuntimeDimConstraints).
void assertHasWeights(OpBuilder &b, Location loc, DiffuseOp op) {
  Value w = op.getW();
  if (!cast<RankedTensorType>(w.getType()).isDynamicDim(0))
    return;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value hasWeights = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                           getDim(b, loc, w, 0), zero);
  cf::AssertOp::create(
      b, loc, hasWeights,
      "ldn.diffuse: 'w' must hold at least one offset weight (R >= 1)");
}

/// acc + w_r * (x_from - x_to) over `length` positions of t, accumulated at
/// positions starting at `to` and read from `from` and `to`.
Value accumulateEdges(OpBuilder &b, Location loc, Value acc, Value x,
                      Value weight, OpFoldResult from, OpFoldResult to,
                      OpFoldResult length) {
  return updateWindow(
      b, loc, acc, /*dim=*/1, to, length, {{x, from}, {x, to}}, {},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value diff = arith::SubFOp::create(nb, nloc, args[0], args[1]);
        Value flux = arith::MulFOp::create(nb, nloc, weight, diff);
        return arith::AddFOp::create(nb, nloc, args[2], flux);
      });
}

/// K x into `acc` (overwritten): the sum over offsets r = 1..min(R, T-1).
Value applyLaplacian(OpBuilder &b, Location loc, Value x, Value acc,
                     const DiffusionStencil &stencil) {
  Type f32 = b.getF32Type();
  Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  acc = linalg::FillOp::create(b, loc, zeroF, acc).getResult(0);

  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value length = getDim(b, loc, x, 1);
  Value numWeights = getDim(b, loc, stencil.weights, 0);
  // Offsets r >= T have no edge inside the sequence: skip them rather than
  // generate empty windows.
  Value end = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, numWeights, one), length);
  auto loop = scf::ForOp::create(
      b, loc, one, end, one, ValueRange{acc},
      [&](OpBuilder &lb, Location lloc, Value r, ValueRange carried) {
        Value rMinusOne = arith::SubIOp::create(lb, lloc, r, one);
        Value weight =
            castFloat(lb, lloc,
                      tensor::ExtractOp::create(lb, lloc, stencil.weights,
                                                ValueRange{rMinusOne}),
                      f32);
        Value windowLength = arith::SubIOp::create(lb, lloc, length, r);
        OpFoldResult start = lb.getIndexAttr(0);
        // Edge (t, t-r) for t in [r, T).
        Value next = accumulateEdges(lb, lloc, carried[0], x, weight, start, r,
                                     windowLength);
        // Edge (t, t+r) for t in [0, T-r).
        if (!stencil.causal)
          next = accumulateEdges(lb, lloc, next, x, weight, r, start,
                                 windowLength);
        scf::YieldOp::create(lb, lloc, next);
      });
  return loop.getResult(0);
}

/// x + dt * alpha * kx, written into x.
Value eulerUpdate(OpBuilder &b, Location loc, Value x, Value kx,
                  const DiffusionStencil &stencil) {
  Type f32 = b.getF32Type();
  AffineMap id = b.getMultiDimIdentityMap(3);
  bool perChannel =
      cast<RankedTensorType>(stencil.alpha.getType()).getRank() == 1;
  AffineMap alphaMap =
      perChannel ? AffineMap::get(3, 0, b.getAffineDimExpr(2), b.getContext())
                 : id;
  return linalg::GenericOp::create(
             b, loc, x.getType(), ValueRange{kx, stencil.alpha}, ValueRange{x},
             ArrayRef<AffineMap>{id, alphaMap, id}, parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value alpha = castFloat(nb, nloc, args[1], f32);
               Value rate = arith::MulFOp::create(nb, nloc, stencil.dt, alpha);
               Value delta = arith::MulFOp::create(nb, nloc, rate, args[0]);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[2], delta).getResult());
             })
      .getResult(0);
}

/// Above this many static steps the loop form is used (unrolled stencil steps
/// would only grow the code).
constexpr int64_t kMaxUnrolledSteps = 8;

/// One explicit Euler step as a single stencil generic over (b, t, d); see
/// the file header. `weights` are the R static offset weights as f32 scalars.
Value stencilStep(OpBuilder &b, Location loc, Value x, ArrayRef<Value> weights,
                  const DiffusionStencil &stencil) {
  Type f32 = b.getF32Type();
  MLIRContext *ctx = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(3);
  bool perChannel =
      cast<RankedTensorType>(stencil.alpha.getType()).getRank() == 1;
  AffineMap alphaMap =
      perChannel ? AffineMap::get(3, 0, b.getAffineDimExpr(2), ctx) : id;
  Value length = getDim(b, loc, x, 1);
  Value init = createEmpty(b, loc, getSizes(b, loc, x), f32);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{x, stencil.alpha},
             ValueRange{init}, ArrayRef<AffineMap>{id, alphaMap, id},
             parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value batch = linalg::IndexOp::create(nb, nloc, 0);
               Value t = linalg::IndexOp::create(nb, nloc, 1);
               Value channel = linalg::IndexOp::create(nb, nloc, 2);
               Value center = args[0];
               // w_r * (x[t'] - x[t]) with t' = t when the edge leaves.
               auto flux = [&](Value acc, Value weight, Value inside,
                               Value neighbour) {
                 Value row =
                     arith::SelectOp::create(nb, nloc, inside, neighbour, t);
                 Value value = tensor::ExtractOp::create(
                     nb, nloc, x, ValueRange{batch, row, channel});
                 Value diff = arith::SubFOp::create(nb, nloc, value, center);
                 return arith::AddFOp::create(
                     nb, nloc, acc,
                     arith::MulFOp::create(nb, nloc, weight, diff));
               };
               Value acc = arith::ConstantOp::create(
                   nb, nloc, nb.getF32FloatAttr(0.0f));
               for (auto [i, weight] : llvm::enumerate(weights)) {
                 Value r = arith::ConstantIndexOp::create(nb, nloc, i + 1);
                 Value hasLeft = arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::sge, t, r);
                 acc = flux(acc, weight, hasLeft,
                            arith::SubIOp::create(nb, nloc, t, r));
                 if (stencil.causal)
                   continue;
                 Value right = arith::AddIOp::create(nb, nloc, t, r);
                 Value hasRight = arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::slt, right, length);
                 acc = flux(acc, weight, hasRight, right);
               }
               Value alpha = castFloat(nb, nloc, args[1], f32);
               Value rate = arith::MulFOp::create(nb, nloc, stencil.dt, alpha);
               Value delta = arith::MulFOp::create(nb, nloc, rate, acc);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, center, delta).getResult());
             })
      .getResult(0);
}

struct LowerDiffuse : OpRewritePattern<DiffuseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DiffuseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    assertHasWeights(rewriter, loc, op);

    // The 0-d operand takes precedence over the attribute.
    Value dt =
        op.getDtValue()
            ? castFloat(rewriter, loc,
                        tensor::ExtractOp::create(
                            rewriter, loc, op.getDtValue(), ValueRange{}),
                        f32)
            : arith::ConstantOp::create(rewriter, loc, op.getDtAttr())
                  .getResult();
    DiffusionStencil stencil{op.getW(), op.getAlpha(), dt, op.getCausal()};

    Value x = convertElementType(rewriter, loc, op.getX(), f32);
    Type outType = op.getType().getElementType();
    auto numSteps = static_cast<int64_t>(op.getSteps());
    auto weightsType = cast<RankedTensorType>(op.getW().getType());
    if (!weightsType.isDynamicDim(0) && numSteps <= kMaxUnrolledSteps) {
      SmallVector<Value> weights;
      for (int64_t r = 0; r < weightsType.getDimSize(0); ++r) {
        Value index = arith::ConstantIndexOp::create(rewriter, loc, r);
        weights.push_back(castFloat(
            rewriter, loc,
            tensor::ExtractOp::create(rewriter, loc, op.getW(),
                                      ValueRange{index}),
            f32));
      }
      for (int64_t step = 0; step < numSteps; ++step)
        x = stencilStep(rewriter, loc, x, weights, stencil);
      Value y = convertElementType(rewriter, loc, x, outType);
      rewriter.replaceOp(op, castToType(rewriter, loc, y, op.getType()));
      return success();
    }

    Value acc = createEmpty(rewriter, loc, getSizes(rewriter, loc, x), f32);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value steps = arith::ConstantIndexOp::create(
        rewriter, loc, static_cast<int64_t>(op.getSteps()));
    // Each step reads the state before it (explicit Euler): K x is gathered
    // into `acc` before x is updated in place.
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, steps, one, ValueRange{x, acc},
        [&](OpBuilder &lb, Location lloc, Value, ValueRange carried) {
          Value kx = applyLaplacian(lb, lloc, carried[0], carried[1], stencil);
          Value next = eulerUpdate(lb, lloc, carried[0], kx, stencil);
          scf::YieldOp::create(lb, lloc, ValueRange{next, kx});
        });

    Value y = convertElementType(rewriter, loc, loop.getResult(0), outType);
    rewriter.replaceOp(op, castToType(rewriter, loc, y, op.getType()));
    return success();
  }
};
} // namespace

void mlir::ldn::lowering::populateDiffuseLowering(RewritePatternSet &patterns) {
  patterns.add<LowerDiffuse>(patterns.getContext());
}
