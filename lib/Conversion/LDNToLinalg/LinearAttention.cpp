//===- LinearAttention.cpp - ldn.linear_attention to linalg ---------------===//
//
// Causal: an scf.for over T carries only the f32 state S [B,H,dk,dv]. Each
// step is two generics over the state's iteration space (b, h, i, j) with the
// value channel j innermost (contiguous in S, v_t and o_t, so both vectorize
// along dv):
//   1. S = g_t ⊙ S + k_t v_tᵀ, in place, with the gate g_t = exp(decay_t)
//      broadcast over j (and over i for a scalar per-head decay);
//   2. o_t[b,h,j] = Σ_i S[b,h,i,j] (scale q_t[b,h,i]), i a reduction,
//      accumulated in f32 straight into the output slice (or a scratch that
//      is converted into it for f16/bf16).
// The gates exp(decay) are computed once for all t before the loop, so the
// state update, which touches dk*dv values per (b,h,t), has no
// transcendentals. The [B,T,H,dk,dv] history of states is never formed.
//
// Non-causal: the state is one order-free reduction over T,
// S = S0 + Σ_t k_t v_tᵀ (a generic whose t dimension is a reduction), and
// o = scale Sᵀ q is one more generic reducing over dk, for all t at once.
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

/// exp(decay) in f32 for every (b, t, h[, i]): the multiplicative gates.
Value computeGates(OpBuilder &b, Location loc, Value decay) {
  auto type = cast<RankedTensorType>(decay.getType());
  Type f32 = b.getF32Type();
  Value empty = createEmpty(b, loc, getSizes(b, loc, decay), f32);
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{decay}, ValueRange{empty},
             ArrayRef<AffineMap>{id, id}, parallelIterators(type.getRank()),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value logGate = castFloat(nb, nloc, args[0], f32);
               linalg::YieldOp::create(
                   nb, nloc,
                   math::ExpOp::create(nb, nloc, logGate).getResult());
             })
      .getResult(0);
}

/// One causal state update over (b, h, i, j), in place on `state`:
/// S = gate ⊙ S + k vᵀ. `keys` is [B,H,dk], `values` [B,H,dv], and `gate`
/// (null without decay) [B,H] or [B,H,dk].
Value updateState(OpBuilder &b, Location loc, Value state, Value keys,
                  Value values, Value gate) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<Value> inputs{keys, values};
  SmallVector<AffineMap> maps{dimsMap(context, 4, {0, 1, 2}),
                              dimsMap(context, 4, {0, 1, 3})};
  if (gate) {
    bool perChannel = cast<RankedTensorType>(gate.getType()).getRank() == 3;
    inputs.push_back(gate);
    maps.push_back(perChannel ? dimsMap(context, 4, {0, 1, 2})
                              : dimsMap(context, 4, {0, 1}));
  }
  maps.push_back(b.getMultiDimIdentityMap(4));
  return linalg::GenericOp::create(
             b, loc, state.getType(), inputs, ValueRange{state}, maps,
             parallelIterators(4),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value k = castFloat(nb, nloc, args[0], f32);
               Value v = castFloat(nb, nloc, args[1], f32);
               Value s = args.back();
               if (gate)
                 s = arith::MulFOp::create(nb, nloc, args[2], s);
               Value kv = arith::MulFOp::create(nb, nloc, k, v);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, s, kv).getResult());
             })
      .getResult(0);
}

/// The non-causal state S0 + Σ_t k_t v_tᵀ: one generic over
/// (b, h, t, i, j), t a reduction, accumulating into `state` (S0 or zeros).
Value reduceState(OpBuilder &b, Location loc, Value state, Value keys,
                  Value values) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<AffineMap> maps{dimsMap(context, 5, {0, 2, 1, 3}),  // k[b,t,h,i]
                              dimsMap(context, 5, {0, 2, 1, 4}),  // v[b,t,h,j]
                              dimsMap(context, 5, {0, 1, 3, 4})}; // S[b,h,i,j]
  return linalg::GenericOp::create(
             b, loc, state.getType(), ValueRange{keys, values},
             ValueRange{state}, maps, iteratorsWithReductions(5, {2}),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value k = castFloat(nb, nloc, args[0], f32);
               Value v = castFloat(nb, nloc, args[1], f32);
               Value kv = arith::MulFOp::create(nb, nloc, k, v);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[2], kv).getResult());
             })
      .getResult(0);
}

/// o = scale Sᵀ q into the f32 accumulator `acc` (filled with 0 here).
/// `queries` is [B,H,dk] (one causal step: loops (b, h, i, j)) or
/// [B,T,H,dk] (non-causal: loops (b, t, h, i, j)); `acc` is the same
/// with dv for dk. The key channel i is the reduction, j stays innermost.
Value readOut(OpBuilder &b, Location loc, Value state, Value queries, Value acc,
              double scale) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  auto rank = static_cast<unsigned>(
      cast<RankedTensorType>(queries.getType()).getRank());
  unsigned numLoops = rank + 1;
  unsigned i = numLoops - 2, j = numLoops - 1, head = numLoops - 3;
  SmallVector<unsigned> queryDims, accDims;
  for (unsigned dim = 0; dim < numLoops; ++dim) {
    if (dim != j)
      queryDims.push_back(dim);
    if (dim != i)
      accDims.push_back(dim);
  }
  SmallVector<AffineMap> maps{dimsMap(context, numLoops, {0, head, i, j}),
                              dimsMap(context, numLoops, queryDims),
                              dimsMap(context, numLoops, accDims)};
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, 0.0));
  Value zeroed = linalg::FillOp::create(b, loc, zero, acc).getResult(0);
  return linalg::GenericOp::create(
             b, loc, acc.getType(), ValueRange{state, queries},
             ValueRange{zeroed}, maps,
             iteratorsWithReductions(numLoops, {static_cast<int64_t>(i)}),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value q = castFloat(nb, nloc, args[1], f32);
               if (scale != 1.0)
                 q = arith::MulFOp::create(
                     nb, nloc, q,
                     arith::ConstantOp::create(nb, nloc,
                                               nb.getFloatAttr(f32, scale)));
               Value sq = arith::MulFOp::create(nb, nloc, args[0], q);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[2], sq).getResult());
             })
      .getResult(0);
}

/// readOut into `out` (any float type): directly when it is f32, else into
/// an f32 scratch that is then converted into `out`.
Value readOutInto(OpBuilder &b, Location loc, Value state, Value queries,
                  Value out, double scale) {
  Type f32 = b.getF32Type();
  if (cast<RankedTensorType>(out.getType()).getElementType() == f32)
    return readOut(b, loc, state, queries, out, scale);
  Value acc = createEmpty(b, loc, getSizes(b, loc, out), f32);
  return convertInto(b, loc, readOut(b, loc, state, queries, acc, scale), out);
}

struct LowerLinearAttention : OpRewritePattern<LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value q = op.getQ(), k = op.getK(), v = op.getV();
    double scale = op.getScale().convertToDouble();

    // o [B,T,H,dv] and S [B,H,dk,dv] with exactly the declared types.
    Value out =
        createEmpty(rewriter, loc, reifyResultSizes(rewriter, op.getO()),
                    op.getO().getType().getElementType());
    Value state =
        op.getInit()
            ? op.getInit()
            : createFilled(rewriter, loc,
                           reifyResultSizes(rewriter, op.getFinalState()), f32,
                           0.0);

    Value finalState;
    if (op.getCausal()) {
      Value gates =
          op.getDecay() ? computeGates(rewriter, loc, op.getDecay()) : Value();
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      Value length = getDim(rewriter, loc, q, 1);
      auto loop = scf::ForOp::create(
          rewriter, loc, zero, length, one, ValueRange{state, out},
          [&](OpBuilder &lb, Location lloc, Value t, ValueRange carried) {
            Value gate =
                gates ? extractSliceAt(lb, lloc, gates, 1, t) : Value();
            Value next = updateState(lb, lloc, carried[0],
                                     extractSliceAt(lb, lloc, k, 1, t),
                                     extractSliceAt(lb, lloc, v, 1, t), gate);
            Value outStep =
                readOutInto(lb, lloc, next, extractSliceAt(lb, lloc, q, 1, t),
                            extractSliceAt(lb, lloc, carried[1], 1, t), scale);
            Value updated = insertSliceAt(lb, lloc, outStep, carried[1], 1, t);
            scf::YieldOp::create(lb, lloc, ValueRange{next, updated});
          });
      finalState = loop.getResult(0);
      out = loop.getResult(1);
    } else {
      finalState = reduceState(rewriter, loc, state, k, v);
      out = readOutInto(rewriter, loc, finalState, q, out, scale);
    }

    rewriter.replaceOp(op, {out, castToType(rewriter, loc, finalState,
                                            op.getFinalState().getType())});
    return success();
  }
};

} // namespace

void mlir::ldn::lowering::populateLinearAttentionLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerLinearAttention>(patterns.getContext());
}
