//===- SelectiveScan.cpp - ldn.selective_scan to an scf.for over T --------===//
//
// Mamba's S6 recurrence
//   h_t[d,n] = exp(Δ_t[d] A[d,n]) h_{t-1}[d,n] + Δ_t[d] B_t[n] x_t[d]
//   y_t[d]   = Σ_n h_t[d,n] C_t[n] (+ D[d] x_t[d]) (* silu(z_t[d]))
// with Δ = softplus?(delta + dbias).
//
// Δ is computed once for all (b, t, d) by one elementwise generic (it is as
// large as x). Then an scf.for over t carries only the f32 state h and the
// output y; each step is
//   1. one parallel generic updating h in place,
//   2. one generic reducing over n into a [B, D] f32 accumulator (y's own
//      slot when y is f32),
//   3. (with D, z or a narrow output type) one elementwise epilogue writing
//      y's slot,
//   4. an insert_slice of y_t into y.
// The [B, T, D, N] states are never materialized.
//
// Layout: the carried state is [B, N, D], not the [B, D, N] of the op's
// init/final state, so that D (large, contiguous in x, Δ, z and y) is the
// innermost dimension of both per-step generics: the update reads Δ_t, x_t
// and the transposed A contiguously along d, and the reduction over n becomes
// N vectorizable axpy passes acc[b, :] += h[b, n, :] * C_t[b, n] instead of a
// horizontal sum over a short, strict-order n loop. The init state and the
// final state are transposed once, outside the loop.
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

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// Δ = softplus?(delta + dbias) for all (b, t, d), in f32.
Value computeStepSizes(OpBuilder &b, Location loc, SelectiveScanOp op) {
  Type f32 = b.getF32Type();
  Value delta = op.getDelta(), dbias = op.getDbias();
  bool softplus = op.getDeltaSoftplus();
  AffineMap id = b.getMultiDimIdentityMap(3);
  SmallVector<Value> inputs = {delta};
  SmallVector<AffineMap> maps = {id};
  if (dbias) {
    inputs.push_back(dbias);
    maps.push_back(AffineMap::get(3, 0, b.getAffineDimExpr(2), b.getContext()));
  }
  maps.push_back(id);
  Value init = createEmpty(b, loc, getSizes(b, loc, delta), f32);
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, ValueRange{init}, maps,
             parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value step = castFloat(nb, nloc, args[0], f32);
               if (dbias)
                 step = arith::AddFOp::create(
                     nb, nloc, step, castFloat(nb, nloc, args[1], f32));
               if (softplus)
                 step = createSoftplus(nb, nloc, step);
               linalg::YieldOp::create(nb, nloc, step);
             })
      .getResult(0);
}

/// `source` with its last two dimensions swapped, converted to f32; `sizes`
/// are the result sizes.
Value transposeLastTwo(OpBuilder &b, Location loc, Value source,
                       ArrayRef<OpFoldResult> sizes) {
  Type f32 = b.getF32Type();
  int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
  SmallVector<unsigned> permutation;
  for (int64_t i = 0; i < rank; ++i)
    permutation.push_back(i);
  std::swap(permutation[rank - 1], permutation[rank - 2]);
  AffineMap swapped = AffineMap::getPermutationMap(permutation, b.getContext());
  Value init = createEmpty(b, loc, sizes, f32);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{source}, ValueRange{init},
             ArrayRef<AffineMap>{swapped, b.getMultiDimIdentityMap(rank)},
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       castFloat(nb, nloc, args[0], f32));
             })
      .getResult(0);
}

/// The per-step slices, each [B, D] or [B, N].
struct StepInputs {
  Value x, stepSize, b, c, gate;
};

/// h <- exp(Δ A) h + Δ B x over (b, n, d), in place. `aT` is A as [N, D].
Value updateState(OpBuilder &b, Location loc, Value state, Value aT,
                  const StepInputs &in) {
  Type f32 = b.getF32Type();
  MLIRContext *ctx = b.getContext();
  AffineExpr bi = b.getAffineDimExpr(0), ni = b.getAffineDimExpr(1),
             di = b.getAffineDimExpr(2);
  AffineMap perChannel = AffineMap::get(3, 0, {bi, di}, ctx);
  AffineMap perState = AffineMap::get(3, 0, {bi, ni}, ctx);
  AffineMap decay = AffineMap::get(3, 0, {ni, di}, ctx);
  AffineMap id = b.getMultiDimIdentityMap(3);
  return linalg::GenericOp::create(
             b, loc, state.getType(), ValueRange{in.stepSize, aT, in.b, in.x},
             ValueRange{state},
             ArrayRef<AffineMap>{perChannel, decay, perState, perChannel, id},
             parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value step = args[0];
               Value bn = castFloat(nb, nloc, args[2], f32);
               Value xd = castFloat(nb, nloc, args[3], f32);
               Value decayed = arith::MulFOp::create(
                   nb, nloc,
                   math::ExpOp::create(
                       nb, nloc,
                       arith::MulFOp::create(nb, nloc, step, args[1])),
                   args[4]);
               Value input = arith::MulFOp::create(
                   nb, nloc, arith::MulFOp::create(nb, nloc, step, xd), bn);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, decayed, input).getResult());
             })
      .getResult(0);
}

/// Σ_n h[b, n, d] C_t[b, n] into `dest` ([B, D] f32, overwritten); the
/// reduction dimension n is the middle loop so the innermost loop runs
/// along d.
Value readOut(OpBuilder &b, Location loc, Value state, Value c, Value dest) {
  Type f32 = b.getF32Type();
  MLIRContext *ctx = b.getContext();
  AffineExpr bi = b.getAffineDimExpr(0), ni = b.getAffineDimExpr(1),
             di = b.getAffineDimExpr(2);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value acc = linalg::FillOp::create(b, loc, zero, dest).getResult(0);
  return linalg::GenericOp::create(
             b, loc, acc.getType(), ValueRange{state, c}, ValueRange{acc},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(3),
                                 AffineMap::get(3, 0, {bi, ni}, ctx),
                                 AffineMap::get(3, 0, {bi, di}, ctx)},
             {utils::IteratorType::parallel, utils::IteratorType::reduction,
              utils::IteratorType::parallel},
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value cn = castFloat(nb, nloc, args[1], f32);
               Value term = arith::MulFOp::create(nb, nloc, args[0], cn);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[2], term).getResult());
             })
      .getResult(0);
}

/// (y + D x) * silu(z), only the parts present, written into `dest` in its
/// element type. Returns `sum` itself when there is nothing to do and the
/// types agree.
Value applySkipAndGate(OpBuilder &b, Location loc, Value sum, Value skip,
                       const StepInputs &in, Value dest) {
  Type f32 = b.getF32Type();
  Type outType = cast<RankedTensorType>(dest.getType()).getElementType();
  if (!skip && !in.gate)
    return outType == f32 ? sum : convertInto(b, loc, sum, dest);
  AffineMap id = b.getMultiDimIdentityMap(2);
  SmallVector<Value> inputs = {sum};
  SmallVector<AffineMap> maps = {id};
  if (skip) {
    inputs.append({skip, in.x});
    maps.append(
        {AffineMap::get(2, 0, b.getAffineDimExpr(1), b.getContext()), id});
  }
  if (in.gate) {
    inputs.push_back(in.gate);
    maps.push_back(id);
  }
  maps.push_back(id);
  return linalg::GenericOp::create(
             b, loc, dest.getType(), inputs, ValueRange{dest}, maps,
             parallelIterators(2),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value y = args[0];
               unsigned next = 1;
               if (skip) {
                 Value weight = castFloat(nb, nloc, args[next++], f32);
                 Value xd = castFloat(nb, nloc, args[next++], f32);
                 y = arith::AddFOp::create(
                     nb, nloc, y, arith::MulFOp::create(nb, nloc, weight, xd));
               }
               if (in.gate) {
                 Value z = castFloat(nb, nloc, args[next++], f32);
                 y = arith::MulFOp::create(nb, nloc, y,
                                           createSilu(nb, nloc, z));
               }
               linalg::YieldOp::create(nb, nloc,
                                       castFloat(nb, nloc, y, outType));
             })
      .getResult(0);
}

struct LowerSelectiveScan : OpRewritePattern<SelectiveScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SelectiveScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    SmallVector<OpFoldResult> ySizes =
        reifyResultSizes(rewriter, op.getY()); // [B, T, D]
    SmallVector<OpFoldResult> hSizes =
        reifyResultSizes(rewriter, op.getFinalState()); // [B, D, N]
    SmallVector<OpFoldResult> carriedSizes = {hSizes[0], hSizes[2],
                                              hSizes[1]};         // [B, N, D]
    SmallVector<OpFoldResult> stepSizes = {ySizes[0], ySizes[2]}; // [B, D]

    Value stepSize = computeStepSizes(rewriter, loc, op);
    Value aT =
        transposeLastTwo(rewriter, loc, op.getA(), {hSizes[2], hSizes[1]});
    Value state =
        op.getInit()
            ? transposeLastTwo(rewriter, loc, op.getInit(), carriedSizes)
            : createFilled(rewriter, loc, carriedSizes, f32, 0.0);
    Type outType = op.getY().getType().getElementType();
    Value y = createEmpty(rewriter, loc, ySizes, outType);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value length = getDim(rewriter, loc, op.getX(), 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{state, y},
        [&](OpBuilder &lb, Location lloc, Value t, ValueRange carried) {
          auto at = [&](Value full) {
            return full ? extractSliceAt(lb, lloc, full, 1, t) : Value();
          };
          StepInputs in{at(op.getX()), at(stepSize), at(op.getB()),
                        at(op.getC()), at(op.getZ())};
          Value next = updateState(lb, lloc, carried[0], aT, in);
          // An f32 y_t is accumulated straight in its slot of y.
          Value slot = extractSliceAt(lb, lloc, carried[1], 1, t);
          Value accumulator =
              outType == f32 ? slot : createEmpty(lb, lloc, stepSizes, f32);
          Value sum = readOut(lb, lloc, next, in.c, accumulator);
          Value yt = applySkipAndGate(lb, lloc, sum, op.getD(), in, slot);
          Value updated = insertSliceAt(lb, lloc, yt, carried[1], 1, t);
          scf::YieldOp::create(lb, lloc, ValueRange{next, updated});
        });

    Value finalState =
        transposeLastTwo(rewriter, loc, loop.getResult(0), hSizes);
    rewriter.replaceOp(
        op,
        {castToType(rewriter, loc, loop.getResult(1), op.getY().getType()),
         castToType(rewriter, loc, finalState, op.getFinalState().getType())});
    return success();
  }
};
} // namespace

void mlir::ldn::lowering::populateSelectiveScanLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerSelectiveScan>(patterns.getContext());
}
