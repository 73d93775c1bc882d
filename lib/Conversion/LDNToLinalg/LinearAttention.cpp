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
// ldn.lightnet_attention (additive_decay, lrpe, linear_attention) reuses
// both forms; what the three ops would store for the whole sequence is
// computed per step instead. The rotation factors [cos Θ | sin Θ] are one
// batch-free table [T,H,2,d] (lrpe of ones, lowered as lrpe). Each step
// then makes, for the B·H rows only, the normalized keys exp(k_t - z_t),
// the gates exp(z_{t-1} - z_t) and the rotated q_t and k_t. Causal: the
// running log-normalizer z_t = logaddexp(z_{t-1}, k_t) is carried by the
// loop next to S. Non-causal: z is the logsumexp over all of T, computed
// first; the same loop then accumulates S without gates, and o is one
// generic that rotates q in its body.
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
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

/// acc + s (scale q): one term of the readout o = scale Sᵀ q.
Value accumulateReadOut(OpBuilder &b, Location loc, Value acc, Value s,
                        Value q, double scale) {
  if (scale != 1.0)
    q = arith::MulFOp::create(
        b, loc, q,
        arith::ConstantOp::create(b, loc, b.getFloatAttr(b.getF32Type(), scale)));
  Value sq = arith::MulFOp::create(b, loc, s, q);
  return arith::AddFOp::create(b, loc, acc, sq);
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
               linalg::YieldOp::create(
                   nb, nloc,
                   accumulateReadOut(nb, nloc, args[2], args[0], q, scale));
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

//===----------------------------------------------------------------------===//
// ldn.lightnet_attention
//===----------------------------------------------------------------------===//

/// `tensor` [..., 2d] as [..., 2, d] (the cos and sin halves).
Value splitHalves(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, tensor);
  OpFoldResult twoD = sizes.back();
  sizes.back() = b.getIndexAttr(2);
  if (std::optional<int64_t> n = getConstantIntValue(twoD))
    sizes.push_back(b.getIndexAttr(*n / 2));
  else
    sizes.push_back(arith::DivUIOp::create(
                        b, loc, cast<Value>(twoD),
                        arith::ConstantIndexOp::create(b, loc, 2))
                        .getResult());
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  dispatchIndexOpFoldResults(sizes, dynamic, shape);
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i + 1 < rank; ++i)
    groups.push_back({i});
  groups.push_back({rank - 1, rank});
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), tensor,
      groups, sizes);
}

/// `tensor` [..., 2, d] as [..., 2d].
Value mergeHalves(OpBuilder &b, Location loc, Value tensor) {
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i + 2 < rank; ++i)
    groups.push_back({i});
  groups.push_back({rank - 2, rank - 1});
  return tensor::CollapseShapeOp::create(b, loc, tensor, groups);
}

/// lrpe's factors for every token, [T,H,2,d]: lrpe of ones is [cos Θ | sin Θ]
/// ([1 | 0] for the prefix tokens). It has no batch dimension, so it is
/// the one table of the sequence this lowering writes.
Value rotationTable(OpBuilder &b, Location loc, LightNetAttentionOp op) {
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, op.getQ());
  sizes[0] = b.getIndexAttr(1);
  Value ones = createFilled(b, loc, sizes, b.getF32Type(), 1.0);
  Value table = LrpeOp::create(b, loc, ones, op.getTheta(), op.getGridAttr(),
                               op.getPrefixAttr())
                    .getY();
  Value unbatched =
      tensor::CollapseShapeOp::create(
          b, loc, table, ArrayRef<ReassociationIndices>{{0, 1}, {2}, {3}})
          .getResult();
  return splitHalves(b, loc, unbatched);
}

/// z = logsumexp over t of k [B,T,H,d], per (b, h, i): the non-causal
/// normalizer, as a max and a sum of exp(k - max) over (b, h, i, t).
Value logSumExpOverTime(OpBuilder &b, Location loc, Value k) {
  MLIRContext *context = b.getContext();
  SmallVector<OpFoldResult> sizes = dropDim(getSizes(b, loc, k), 1);
  Type f32 = b.getF32Type();
  AffineMap keys = dimsMap(context, 4, {0, 3, 1, 2}); // k[b,t,h,i]
  AffineMap row = dimsMap(context, 4, {0, 1, 2});     // [b,h,i]
  auto reduce = [&](ValueRange inputs, double init,
                    function_ref<Value(OpBuilder &, Location, ValueRange)>
                        body) {
    SmallVector<AffineMap> maps(inputs.size(), row);
    maps.front() = keys;
    maps.push_back(row);
    Value acc = createFilled(b, loc, sizes, f32, init);
    return linalg::GenericOp::create(
               b, loc, acc.getType(), inputs, ValueRange{acc}, maps,
               iteratorsWithReductions(4, {3}),
               [&](OpBuilder &nb, Location nloc, ValueRange args) {
                 linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
               })
        .getResult(0);
  };
  Value maximum = reduce(ValueRange{k}, -INFINITY,
                         [](OpBuilder &nb, Location nloc, ValueRange args) {
                           return arith::MaximumFOp::create(nb, nloc, args[0],
                                                            args[1])
                               .getResult();
                         });
  Value sum = reduce(ValueRange{k, maximum}, 0.0,
                     [](OpBuilder &nb, Location nloc, ValueRange args) {
                       Value shifted =
                           arith::SubFOp::create(nb, nloc, args[0], args[1]);
                       Value e = math::ExpOp::create(nb, nloc, shifted);
                       return arith::AddFOp::create(nb, nloc, args[2], e)
                           .getResult();
                     });
  AffineMap id = b.getMultiDimIdentityMap(3);
  return linalg::GenericOp::create(
             b, loc, maximum.getType(), ValueRange{maximum, sum},
             ValueRange{createEmpty(b, loc, sizes, f32)},
             ArrayRef<AffineMap>{id, id, id}, parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value log = math::LogOp::create(nb, nloc, args[1]);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, args[0], log).getResult());
             })
      .getResult(0);
}

/// log(exp(a) + exp(b)) as max + log1p(exp(min - max)), exactly as
/// additive_decay computes it; -inf is the empty sum (min - max = -inf).
Value logAddExp(OpBuilder &b, Location loc, Value x, Value y) {
  Value high = arith::MaximumFOp::create(b, loc, x, y);
  Value low = arith::MinimumFOp::create(b, loc, x, y);
  Value gap = arith::SubFOp::create(b, loc, low, high);
  Value tail =
      math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, gap));
  return arith::AddFOp::create(b, loc, high, tail);
}

/// One causal step of the additive recurrence over (b, h, i), in place on
/// the carried z: z_t = logaddexp(z_{t-1}, k_t).
Value advanceNormalizer(OpBuilder &b, Location loc, Value z, Value keys) {
  AffineMap id = b.getMultiDimIdentityMap(3);
  return linalg::GenericOp::create(
             b, loc, z.getType(), ValueRange{keys}, ValueRange{z},
             ArrayRef<AffineMap>{id, id}, parallelIterators(3),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       logAddExp(nb, nloc, args[1], args[0]));
             })
      .getResult(0);
}

/// One step's operands of the recurrence, over (b, h, a, i) with a the
/// rotated half, each [B,H,2d]: k' = exp(k_t - z_t) R_t, q' = q_t R_t and,
/// if `causal`, the gate exp(z_{t-1} - z_t) for both halves, where `z` is
/// z_{t-1} and z_t = logaddexp(z_{t-1}, k_t) is recomputed here (a few
/// flops per key, against dv per key for the state update). Non-causal:
/// `z` is the total over T, and there are no gates.
struct StepOperands {
  Value keys, queries, gates;
};
StepOperands rotateStep(OpBuilder &b, Location loc, Value keys, Value queries,
                        Value z, bool causal, Value rotation) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, keys); // [B,H,d]
  sizes.insert(sizes.begin() + 2, b.getIndexAttr(2));
  AffineMap row = dimsMap(context, 4, {0, 1, 3});
  AffineMap id = b.getMultiDimIdentityMap(4);
  SmallVector<AffineMap> maps{row, row, row, dimsMap(context, 4, {1, 2, 3})};
  unsigned outputs = causal ? 3 : 2;
  SmallVector<Value> inits;
  for (unsigned i = 0; i < outputs; ++i) {
    inits.push_back(createEmpty(b, loc, sizes, f32));
    maps.push_back(id);
  }
  auto step = linalg::GenericOp::create(
      b, loc, ValueRange(inits).getTypes(),
      ValueRange{keys, queries, z, rotation}, inits, maps,
      parallelIterators(4),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value k = args[0], r = args[3];
        Value total = causal ? logAddExp(nb, nloc, args[2], k) : args[2];
        Value normalized = math::ExpOp::create(
            nb, nloc, arith::SubFOp::create(nb, nloc, k, total));
        SmallVector<Value> results{
            arith::MulFOp::create(nb, nloc, normalized, r),
            arith::MulFOp::create(nb, nloc, args[1], r)};
        if (causal)
          results.push_back(math::ExpOp::create(
              nb, nloc, arith::SubFOp::create(nb, nloc, args[2], total)));
        linalg::YieldOp::create(nb, nloc, results);
      });
  StepOperands result;
  result.keys = mergeHalves(b, loc, step.getResult(0));
  result.queries = mergeHalves(b, loc, step.getResult(1));
  if (causal)
    result.gates = mergeHalves(b, loc, step.getResult(2));
  return result;
}

/// Non-causal o[b,t,h,j] = scale Σ_{a,i} S[b,h,a,i,j] q[b,t,h,i] R[t,h,a,i]
/// over (b, t, h, j, a, i): q is rotated as it is read.
Value readOutRotated(OpBuilder &b, Location loc, Value state, Value q,
                     Value rotation, Value out, double scale) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, 0.0));
  Value zeroed = linalg::FillOp::create(b, loc, zero, out).getResult(0);
  // S [B,H,2d,dv] as [B,H,2,d,dv].
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, state);
  OpFoldResult dv = sizes[3];
  SmallVector<OpFoldResult> split{sizes[0], sizes[1], b.getIndexAttr(2),
                                  getSizes(b, loc, q)[3], dv};
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  dispatchIndexOpFoldResults(split, dynamic, shape);
  Value state5 = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, f32), state,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}, {4}}, split);
  SmallVector<AffineMap> maps{dimsMap(context, 6, {0, 2, 4, 5, 3}),
                              dimsMap(context, 6, {0, 1, 2, 5}),
                              dimsMap(context, 6, {1, 2, 4, 5}),
                              dimsMap(context, 6, {0, 1, 2, 3})};
  return linalg::GenericOp::create(
             b, loc, out.getType(), ValueRange{state5, q, rotation},
             ValueRange{zeroed}, maps, iteratorsWithReductions(6, {4, 5}),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value rq = arith::MulFOp::create(nb, nloc, args[1], args[2]);
               linalg::YieldOp::create(
                   nb, nloc,
                   accumulateReadOut(nb, nloc, args[3], args[0], rq, scale));
             })
      .getResult(0);
}

struct LowerLightNetAttention : OpRewritePattern<LightNetAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LightNetAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value q = op.getQ(), k = op.getK(), v = op.getV();
    double scale = op.getScale().convertToDouble();
    bool causal = op.getCausal();

    Value rotation = rotationTable(rewriter, loc, op);
    Value out = createEmpty(rewriter, loc,
                            reifyResultSizes(rewriter, op.getO()), f32);
    Value state = createFilled(
        rewriter, loc, reifyResultSizes(rewriter, op.getFinalState()), f32,
        0.0);
    // Causal: z_{-1} = sink, or -inf (the empty sum) without one; else the
    // total over T.
    SmallVector<OpFoldResult> rowSizes =
        dropDim(getSizes(rewriter, loc, k), 1);
    Value z = causal ? createFilled(rewriter, loc, rowSizes, f32,
                                    op.getSink() ? op.getSink()->convertToDouble()
                                                 : -INFINITY)
                     : logSumExpOverTime(rewriter, loc, k);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value length = getDim(rewriter, loc, q, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{state, out, z},
        [&](OpBuilder &lb, Location lloc, Value t, ValueRange carried) {
          Value keys = extractSliceAt(lb, lloc, k, 1, t);
          StepOperands step = rotateStep(
              lb, lloc, keys, extractSliceAt(lb, lloc, q, 1, t), carried[2],
              causal, extractSliceAt(lb, lloc, rotation, 0, t));
          Value current = causal
                              ? advanceNormalizer(lb, lloc, carried[2], keys)
                              : carried[2];
          Value next = updateState(lb, lloc, carried[0], step.keys,
                                   extractSliceAt(lb, lloc, v, 1, t),
                                   step.gates);
          Value updated = carried[1];
          if (causal) {
            Value outStep =
                readOut(lb, lloc, next, step.queries,
                        extractSliceAt(lb, lloc, carried[1], 1, t), scale);
            updated = insertSliceAt(lb, lloc, outStep, carried[1], 1, t);
          }
          scf::YieldOp::create(lb, lloc, ValueRange{next, updated, current});
        });
    Value finalState = loop.getResult(0);
    out = causal ? loop.getResult(1)
                 : readOutRotated(rewriter, loc, finalState, q, rotation, out,
                                  scale);
    rewriter.replaceOp(
        op, {castToType(rewriter, loc, out, op.getO().getType()),
             castToType(rewriter, loc, finalState,
                        op.getFinalState().getType())});
    return success();
  }
};

} // namespace

void mlir::ldn::lowering::populateLinearAttentionLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerLinearAttention, LowerLightNetAttention>(
      patterns.getContext());
}
