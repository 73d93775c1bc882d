//===- AdditiveDecay.cpp - ldn.additive_decay to linalg -------------------===//
//
// Both forms view k [B,T,H,d] as [B,T,C], the C = H*d channels of a row
// contiguous in one dimension (ChannelLayout), walk it with scf.for over b
// and then t (or chunks of t), and keep per-channel state in [C] tensors
// that stay in L1. Every generic's innermost loop runs over C, which LLVM
// vectorizes, and writes its outputs in place: after bufferization there are
// no copies or allocations in the loops.
//
// Causal: for each b and t, one elementwise generic over the row's channels
// with three outputs: the running log-sum-exp
// z_t = log(exp(sink) + Σ_{j<=t} exp(k_j)) (the carried state, starting at
// the sink, or -inf, the empty sum) and the row of k_norm and of decay. With
// δ = z_{t-1} - k_t, e = exp(-|δ|) and L = log1p(e):
//   z_t      = max(z_{t-1}, k_t) + L            (log-add-exp, never overflows)
//   decay_t  = z_{t-1} - z_t = min(δ, 0) - L
//   k_norm_t = exp(k_t - z_t) = (δ > 0 ? e : 1) / (1 + e)
// Taking decay and k_norm from δ and e instead of subtracting two large
// running sums keeps them accurate for long sequences, and k_norm's last
// form replaces a third transcendental by a division. Without a sink,
// z_{-1} = -inf gives δ = -inf and e = L = 0 exactly: z_0 = k_0,
// decay_0 = -inf and k_norm_0 = 1, as ops.md allows. While every key so far
// is -inf as well, δ is NaN (as are that step's decay and k_norm, like
// -inf - -inf in ops.md's formulas) but z stays -inf, the empty sum, so the
// first finite key starts the sum afresh.
//
// exp and log1p are inline polynomials (expNonPositive, log1pUnit), not
// math.exp / math.log1p: their arguments are in (-inf, 0] and [0, 1], so the
// log needs no range reduction and neither needs the overflow and special
// value fix-ups of the general versions; min/max are compare-and-select,
// one vminps/vmaxps each where arith.minimumf/maximumf take several
// instructions. The step is about 45 instructions per 8 channels (it was
// about 90, and compute-bound); the op now runs at about copy bandwidth.
//
// Non-causal: k_norm is a softmax over t per channel, and decay is all zeros
// (one fill: a memset). Per batch, the maximum m of the keys and the sum s of
// exp(k - m) are gathered over chunks of about 1 MiB of keys (at most 1024
// rows): a chunk's maximum first updates m, rescaling s by exp(m_old - m),
// then the chunk's exp(k - m) are summed, one exp per key. Reading a chunk
// for its maximum brings it into L2 for the sum; the sum over chunk j
// (compute-bound, from L2) shares its loop with the maximum of chunk j + 1
// (memory-bound), so that the two overlap; and each chunk's sum is a partial
// added to s, which keeps the f32 rounding of long sums small. Then one
// generic writes k_norm = exp(k - m) * (1 / s). The keys are read twice, for
// (m, s) and for k_norm. A channel whose keys are all -inf gets k_norm 0
// (exp(k - shift) with shift = +inf), not NaN.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
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

/// Builds scalar f32 arithmetic with constants inline.
struct ScalarBuilder {
  OpBuilder &b;
  Location loc;

  Value f(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(float(v)));
  }
  Value i(int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
  Value gt(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value eq(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
  }
  Value isNegInf(Value x) {
    return eq(x, f(-std::numeric_limits<double>::infinity()));
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  /// x > y ? x : y and x < y ? x : y: a single vmaxps/vminps on x86, which
  /// arith.maximumf/minimumf (NaN- and signed-zero-exact) are not.
  Value max(Value x, Value y) { return select(gt(x, y), x, y); }
  Value min(Value x, Value y) { return select(gt(y, x), x, y); }
  /// Horner evaluation of c[0] + c[1] x + ... + c[n] x^n.
  Value poly(Value x, ArrayRef<double> c) {
    Value acc = f(c.back());
    for (double coefficient : llvm::reverse(c.drop_back()))
      acc = fma(acc, x, f(coefficient));
    return acc;
  }
};

/// exp(x) for x <= 0 (or NaN, which propagates): exact 0 at -inf.
Value expNonPositive(ScalarBuilder &s, Value x) {
  // Clamped to -88, x*log2(e) rounds to n = -127, whose 2^n below (biased
  // exponent 0) is +0: exp underflows to exactly 0 there, and -inf too.
  // (select(-88 > x, -88, x) keeps NaN.)
  Value lowest = s.f(-88.0);
  x = s.select(s.gt(lowest, x), lowest, x);
  // n = round(x*log2(e)) by adding 1.5*2^23: the sum's low mantissa bits
  // are n (two's complement) and its float value is n + 1.5*2^23.
  Value magic = s.f(12582912.0);
  Value shifted = s.fma(x, s.f(1.4426950408889634), magic);
  Value n = s.sub(shifted, magic);
  // r = x - n*ln2 in [-ln2/2, ln2/2], with ln2 split hi+lo (Cody-Waite).
  Value r = s.fma(n, s.f(-0.693359375), x);
  r = s.fma(n, s.f(2.12194440e-4), r);
  // exp(r): degree-6 minimax (relative error 1.9e-9 on [-ln2/2, ln2/2]).
  Value p = s.poly(r, {1.0000000005541663, 1.0000000363231765,
                       0.4999999207982802, 0.16666420169946367,
                       0.04166822556692284, 0.008374815798301793,
                       0.0013836846134577057});
  // 2^n from the bits of `shifted`: ((n + 127) << 23); the high bits of the
  // magic constant shift out. n in [-127, 0], so this is 2^n or +0.
  Type i32 = s.b.getI32Type();
  Value bits = arith::BitcastOp::create(s.b, s.loc, i32, shifted);
  Value biased = arith::AddIOp::create(s.b, s.loc, bits, s.i(127));
  Value scale = arith::BitcastOp::create(
      s.b, s.loc, s.b.getF32Type(),
      arith::ShLIOp::create(s.b, s.loc, biased, s.i(23)));
  return s.mul(p, scale);
}

/// log1p(e) for e in [0, 1]: e * P(e), P a degree-8 minimax fit of
/// log1p(e)/e (relative error 3.0e-8); exact 0 at e = 0.
Value log1pUnit(ScalarBuilder &s, Value e) {
  Value p = s.poly(e, {0.9999999698796846, -0.4999949313968335,
                       0.33319096791560926, -0.2484298210970902,
                       0.19106006444399673, -0.13663245295851173,
                       0.0782259478173932, -0.02950523727631827,
                       0.00523269410982686});
  return s.mul(e, p);
}

/// The step of the causal recurrence for one element: (z_t, k_norm_t,
/// decay_t) from z_{t-1} and k_t (f32), as derived in the header.
SmallVector<Value> logAddExpStep(OpBuilder &b, Location loc, Value zPrev,
                                 Value key) {
  ScalarBuilder s{b, loc};
  Value zero = s.f(0.0), one = s.f(1.0);
  Value delta = s.sub(zPrev, key);
  Value e = expNonPositive(
      s, arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, delta)));
  Value tail = log1pUnit(s, e);
  // Both -inf (no sink, only -inf keys so far): δ and tail are NaN but the
  // sum is still empty, z_t = -inf, so a later finite key starts afresh.
  Value larger = s.max(zPrev, key);
  Value empty = s.isNegInf(larger);
  Value z = s.select(empty, larger, s.add(larger, tail));
  Value decay = s.sub(s.min(delta, zero), tail);
  Value numerator = s.select(s.gt(delta, zero), e, one);
  Value kNorm = arith::DivFOp::create(b, loc, numerator, s.add(one, e));
  return {z, kNorm, decay};
}

/// How the lowering walks k [B,T,H,d]: as [B,T,C] with the C = H*d
/// contiguous channels in one dimension, so every elementwise step is one
/// vectorizable loop over C (over (h, c), LLVM vectorizes only the loop over
/// c: 4x slower at d = 8); or, when H and d are both dynamic, as is, with a
/// loop over (h, c): expand-strided-metadata cannot expand a group of two
/// dynamic sizes back to [H,d] (it crashes).
struct ChannelLayout {
  bool flat;
  SmallVector<OpFoldResult> sizes;     // of the op's results, [B,T,H,d]
  SmallVector<OpFoldResult> loopSizes; // [B,T,C] or [B,T,H,d]
  Value keys;                          // k viewed with loopSizes

  /// [B,T,H,d] -> [B,T,C].
  static SmallVector<ReassociationIndices> flattening() {
    return {{0}, {1}, {2, 3}};
  }

  ChannelLayout(OpBuilder &b, Location loc, AdditiveDecayOp op)
      : sizes(reifyResultSizes(b, op.getKNorm())), loopSizes(sizes),
        keys(op.getK()) {
    auto type = cast<RankedTensorType>(keys.getType());
    flat = !(type.isDynamicDim(2) && type.isDynamicDim(3));
    if (flat) {
      keys = tensor::CollapseShapeOp::create(b, loc, keys, flattening());
      loopSizes = {sizes[0], sizes[1], tensor::getMixedSize(b, loc, keys, 2)};
    }
  }

  int64_t rank() const { return loopSizes.size(); }
  int64_t channelRank() const { return rank() - 2; }
  ArrayRef<OpFoldResult> channelSizes() const {
    return ArrayRef(loopSizes).drop_front(2);
  }

  /// The slice of a [B,T,channels...] tensor at b (and t, if given), all
  /// channels (and all of T), rank-reduced to [channels...] ([T,channels...]).
  void range(OpBuilder &b, Value bi, Value t,
             SmallVectorImpl<OpFoldResult> &offsets,
             SmallVectorImpl<OpFoldResult> &rangeSizes,
             SmallVectorImpl<OpFoldResult> &strides) const {
    offsets.assign(rank(), b.getIndexAttr(0));
    offsets[0] = bi;
    rangeSizes.assign(loopSizes.begin(), loopSizes.end());
    rangeSizes[0] = b.getIndexAttr(1);
    if (t) {
      offsets[1] = t;
      rangeSizes[1] = b.getIndexAttr(1);
    }
    strides.assign(rank(), b.getIndexAttr(1));
  }
  Value extract(OpBuilder &b, Location loc, Value full, Value bi,
                Value t = nullptr) const {
    auto type = cast<RankedTensorType>(full.getType());
    auto sliceType = RankedTensorType::get(
        type.getShape().drop_front(t ? 2 : 1), type.getElementType());
    SmallVector<OpFoldResult> offsets, rangeSizes, strides;
    range(b, bi, t, offsets, rangeSizes, strides);
    return tensor::ExtractSliceOp::create(b, loc, sliceType, full, offsets,
                                          rangeSizes, strides);
  }
  /// The rows [start, start + rows) at b of a [B,T,channels...] tensor, as
  /// [rows, channels...].
  Value extractRows(OpBuilder &b, Location loc, Value full, Value bi,
                    Value start, Value rows) const {
    SmallVector<OpFoldResult> offsets, rangeSizes, strides;
    range(b, bi, nullptr, offsets, rangeSizes, strides);
    offsets[1] = start;
    rangeSizes[1] = rows;
    auto type = cast<RankedTensorType>(full.getType());
    SmallVector<int64_t> shape(type.getShape().drop_front());
    shape[0] = ShapedType::kDynamic;
    return tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get(shape, type.getElementType()), full,
        offsets, rangeSizes, strides);
  }
  Value insert(OpBuilder &b, Location loc, Value slice, Value full, Value bi,
               Value t = nullptr) const {
    SmallVector<OpFoldResult> offsets, rangeSizes, strides;
    range(b, bi, t, offsets, rangeSizes, strides);
    return tensor::InsertSliceOp::create(b, loc, slice, full, offsets,
                                         rangeSizes, strides);
  }
  /// A result computed with loopSizes as the op's result of type `type`.
  Value result(OpBuilder &b, Location loc, Value computed, Type type) const {
    if (!flat)
      return computed;
    return tensor::ExpandShapeOp::create(b, loc, type, computed, flattening(),
                                         sizes);
  }
};

/// scf.for over [0, upper) with `inits` as iter_args; `body` returns the
/// yielded values.
scf::ForOp
createLoop(OpBuilder &b, Location loc, Value upper, ValueRange inits,
           function_ref<SmallVector<Value>(OpBuilder &, Location, Value,
                                           ValueRange)>
               body) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  return scf::ForOp::create(
      b, loc, zero, upper, one, inits,
      [&](OpBuilder &lb, Location lloc, Value iv, ValueRange carried) {
        scf::YieldOp::create(lb, lloc, body(lb, lloc, iv, carried));
      });
}

/// An elementwise generic over the channels of one row: `ins`, then `outs`
/// (all [channels...]) to the values `body` yields, one per out.
linalg::GenericOp
createRowStep(OpBuilder &b, Location loc, const ChannelLayout &layout,
              ValueRange ins, ValueRange outs,
              function_ref<SmallVector<Value>(OpBuilder &, Location,
                                              ValueRange)>
                  body) {
  AffineMap id = b.getMultiDimIdentityMap(layout.channelRank());
  SmallVector<AffineMap> maps(ins.size() + outs.size(), id);
  return linalg::GenericOp::create(
      b, loc, TypeRange(outs), ins, outs, maps,
      parallelIterators(layout.channelRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
}

/// `state` filled with `value`, in place. The loops here reset their carried
/// state at the end of an iteration, for the next one, rather than filling it
/// at the start: one-shot bufferization may let an iter_arg whose initial
/// value is never read share the buffer of another (CSE merges identical
/// tensor.empty and fill initializers), so every state's initial value is
/// read.
Value refill(OpBuilder &b, Location loc, Value state, double value) {
  Value scalar = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(value)));
  return linalg::FillOp::create(b, loc, scalar, state).getResult(0);
}

/// Causal: for b, for t, one step generic per row (header).
SmallVector<Value> lowerCausal(OpBuilder &b, Location loc, AdditiveDecayOp op,
                               const ChannelLayout &layout) {
  Type f32 = b.getF32Type();
  Value kNorm = createEmpty(b, loc, layout.loopSizes, f32);
  Value decay = createEmpty(b, loc, layout.loopSizes, f32);
  std::optional<APFloat> sink = op.getSink();
  double zInit = sink ? sink->convertToDouble()
                      : -std::numeric_limits<double>::infinity();
  Value z = createFilled(b, loc, layout.channelSizes(), f32, zInit);
  Value batch = getDim(b, loc, layout.keys, 0);
  Value length = getDim(b, loc, layout.keys, 1);
  auto batchLoop = createLoop(
      b, loc, batch, {z, kNorm, decay},
      [&](OpBuilder &bb, Location bloc, Value bi, ValueRange outer) {
        auto timeLoop = createLoop(
            bb, bloc, length, outer,
            [&](OpBuilder &lb, Location lloc, Value t, ValueRange carried) {
              Value keyRow = layout.extract(lb, lloc, layout.keys, bi, t);
              Value kNormRow = layout.extract(lb, lloc, carried[1], bi, t);
              Value decayRow = layout.extract(lb, lloc, carried[2], bi, t);
              auto step = createRowStep(
                  lb, lloc, layout, {keyRow},
                  {carried[0], kNormRow, decayRow},
                  [&](OpBuilder &nb, Location nloc, ValueRange args) {
                    return logAddExpStep(nb, nloc, args[1],
                                         castFloat(nb, nloc, args[0], f32));
                  });
              return SmallVector<Value>{
                  step.getResult(0),
                  layout.insert(lb, lloc, step.getResult(1), carried[1], bi,
                                t),
                  layout.insert(lb, lloc, step.getResult(2), carried[2], bi,
                                t)};
            });
        // z back to its initial value for the next batch.
        return SmallVector<Value>{
            refill(bb, bloc, timeLoop.getResult(0), zInit),
            timeLoop.getResult(1), timeLoop.getResult(2)};
      });
  return {batchLoop.getResult(1), batchLoop.getResult(2)};
}

/// exp(k - shift) for the softmax: the maximum m, or +inf for m = -inf (so
/// far, every key -inf), which makes it 0 rather than exp(-inf + inf) = NaN.
Value shiftFor(ScalarBuilder &s, Value max) {
  Value empty = s.isNegInf(max);
  return s.select(empty, s.f(std::numeric_limits<double>::infinity()), max);
}

/// Non-causal, per batch: the per-channel maximum m and sum s of
/// exp(k - m) over t, gathered chunk by chunk (header), then one generic over
/// [T, channels...] writing k_norm = exp(k - m) / s; decay is one fill.
SmallVector<Value> lowerNonCausal(OpBuilder &b, Location loc,
                                  const ChannelLayout &layout) {
  Type f32 = b.getF32Type();
  MLIRContext *context = b.getContext();
  ArrayRef<OpFoldResult> channelSizes = layout.channelSizes();
  Value kNorm = createEmpty(b, loc, layout.loopSizes, f32);
  Value decay = createFilled(b, loc, layout.loopSizes, f32, 0.0);
  // Per-channel state, carried by the loops: the shift and the sum (below)
  // and the maximum of a chunk, as -inf: the reduction's initial value.
  const double inf = std::numeric_limits<double>::infinity();
  Value shiftState = createFilled(b, loc, channelSizes, f32, inf);
  Value sumState = createFilled(b, loc, channelSizes, f32, 0.0);
  Value maxState = createFilled(b, loc, channelSizes, f32, -inf);
  Value partialState = createFilled(b, loc, channelSizes, f32, 0.0);

  Value batch = getDim(b, loc, layout.keys, 0);
  Value length = getDim(b, loc, layout.keys, 1);
  // Chunks of about 1 MiB of keys (2^18 f32, at least one row).
  Value channels = arith::ConstantIndexOp::create(b, loc, 1);
  for (OpFoldResult size : channelSizes)
    channels = arith::MulIOp::create(
        b, loc, channels, getValueOrCreateConstantIndexOp(b, loc, size));
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value maxRows = arith::ConstantIndexOp::create(b, loc, 1024);
  Value chunkFloats = arith::ConstantIndexOp::create(b, loc, int64_t(1) << 18);
  Value chunk = arith::MinUIOp::create(
      b, loc, maxRows,
      arith::MaxUIOp::create(
          b, loc, one, arith::DivUIOp::create(b, loc, chunkFloats, channels)));
  // The rows of chunk `start` (at most `chunk`, none past T): clamped so
  // that start >= T gives an empty range at T.
  auto chunkRows = [&](OpBuilder &cb, Location cloc, Value start) {
    Value clamped = arith::MinUIOp::create(cb, cloc, start, length);
    Value rows = arith::MinUIOp::create(
        cb, cloc, chunk, arith::SubIOp::create(cb, cloc, length, clamped));
    return std::make_pair(clamped, rows);
  };

  int64_t rowRank = layout.rank() - 1; // (t, channels...)
  AffineMap rowId = b.getMultiDimIdentityMap(rowRank);
  SmallVector<unsigned> channelDims;
  for (int64_t i = 1; i < rowRank; ++i)
    channelDims.push_back(i);
  AffineMap perChannel = dimsMap(context, rowRank, channelDims);
  // A generic over (t, channels...) of the `rowIns` ([len, channels...]
  // keys) and the per-channel `channelIns`, into `outs`: per channel,
  // reducing over t if `reduce`, else [len, channels...]. `body` gets the
  // keys (as f32), then the scalars of channelIns and outs.
  auto overRows = [&](OpBuilder &ob, Location oloc, ValueRange rowIns,
                      ValueRange channelIns, ValueRange outs, bool reduce,
                      function_ref<SmallVector<Value>(
                          ScalarBuilder &, ValueRange, ValueRange)>
                          body) {
    SmallVector<Value> ins(rowIns);
    ins.append(channelIns.begin(), channelIns.end());
    SmallVector<AffineMap> maps(rowIns.size(), rowId);
    maps.append(channelIns.size(), perChannel);
    maps.append(outs.size(), reduce ? perChannel : rowId);
    return linalg::GenericOp::create(
        ob, oloc, TypeRange(outs), ins, outs, maps,
        reduce ? iteratorsWithReductions(rowRank, {0})
               : parallelIterators(rowRank),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          ScalarBuilder s{nb, nloc};
          SmallVector<Value> keys;
          for (Value key : args.take_front(rowIns.size()))
            keys.push_back(castFloat(nb, nloc, key, f32));
          linalg::YieldOp::create(nb, nloc,
                                  body(s, keys, args.drop_front(rowIns.size())));
        });
  };
  auto maxOf = [](ScalarBuilder &s, Value key, Value max) {
    return s.max(key, max);
  };
  auto addExp = [](ScalarBuilder &s, Value key, Value shift, Value sum) {
    return s.add(sum, expNonPositive(s, s.sub(key, shift)));
  };

  // In place over (shift, s), with the maximum of a further chunk: the new
  // shift, m' = max(m, chunk maximum) (or +inf while every key has been
  // -inf), and s rescaled to it, s * exp(m - m'); m is the old shift, or
  // -inf for +inf.
  auto merge = [&](OpBuilder &mb, Location mloc, Value chunkMax,
                   Value partial, Value shift, Value sum) {
    return createRowStep(
        mb, mloc, layout, {chunkMax, partial}, {shift, sum},
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          ScalarBuilder s{nb, nloc};
          Value empty = s.eq(args[2], s.f(inf));
          Value max = s.select(empty, s.f(-inf), args[2]);
          Value newShift = shiftFor(s, s.max(args[0], max));
          Value sum = s.add(args[3], args[1]);
          Value newSum =
              s.mul(sum, expNonPositive(s, s.sub(max, newShift)));
          return SmallVector<Value>{newShift, newSum};
        });
  };

  auto batchLoop = createLoop(
      b, loc, batch, {shiftState, sumState, maxState, partialState, kNorm},
      [&](OpBuilder &bb, Location bloc, Value bi, ValueRange outer) {
        Value zero = arith::ConstantIndexOp::create(bb, bloc, 0);
        // The first chunk's maximum, merged.
        auto [firstStart, firstRows] = chunkRows(bb, bloc, zero);
        Value firstMax =
            overRows(bb, bloc,
                     {layout.extractRows(bb, bloc, layout.keys, bi, firstStart,
                                         firstRows)},
                     {}, {outer[2]}, /*reduce=*/true,
                     [&](ScalarBuilder &s, ValueRange keys, ValueRange args) {
                       return SmallVector<Value>{maxOf(s, keys[0], args[0])};
                     })
                .getResult(0);
        auto first = merge(bb, bloc, firstMax, outer[3], outer[0], outer[1]);
        auto chunkLoop = scf::ForOp::create(
            bb, bloc, zero, length, chunk,
            ValueRange{first.getResult(0), first.getResult(1),
                       refill(bb, bloc, firstMax, -inf), outer[3]},
            [&](OpBuilder &cb, Location cloc, Value start, ValueRange state) {
              auto [thisStart, rows] = chunkRows(cb, cloc, start);
              auto [nextStart, nextRows] = chunkRows(
                  cb, cloc, arith::AddIOp::create(cb, cloc, start, chunk));
              // This chunk's exp(k - shift), added to the sum, and the next
              // chunk's maximum, in one loop over the first `nextRows` rows
              // of both; then the rest of this chunk.
              auto paired = overRows(
                  cb, cloc,
                  {layout.extractRows(cb, cloc, layout.keys, bi, thisStart,
                                      nextRows),
                   layout.extractRows(cb, cloc, layout.keys, bi, nextStart,
                                      nextRows)},
                  {state[0]}, {state[3], state[2]}, /*reduce=*/true,
                  [&](ScalarBuilder &s, ValueRange keys, ValueRange args) {
                    return SmallVector<Value>{
                        addExp(s, keys[0], args[0], args[1]),
                        maxOf(s, keys[1], args[2])};
                  });
              Value restStart =
                  arith::AddIOp::create(cb, cloc, thisStart, nextRows);
              Value restRows = arith::SubIOp::create(cb, cloc, rows, nextRows);
              Value partial =
                  overRows(cb, cloc,
                           {layout.extractRows(cb, cloc, layout.keys, bi,
                                               restStart, restRows)},
                           {state[0]}, {paired.getResult(0)}, /*reduce=*/true,
                           [&](ScalarBuilder &s, ValueRange keys,
                               ValueRange args) {
                             return SmallVector<Value>{
                                 addExp(s, keys[0], args[0], args[1])};
                           })
                      .getResult(0);
              auto merged = merge(cb, cloc, paired.getResult(1), partial,
                                  state[0], state[1]);
              scf::YieldOp::create(
                  cb, cloc,
                  ValueRange{merged.getResult(0), merged.getResult(1),
                             refill(cb, cloc, paired.getResult(1), -inf),
                             refill(cb, cloc, partial, 0.0)});
            });
        // 1 / s, in place. s >= 1 (the maximum contributes exp(0)) unless
        // every key is -inf, where max(s, 1) keeps 0 / 0 away.
        Value scale =
            createRowStep(bb, bloc, layout, {}, {chunkLoop.getResult(1)},
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            ScalarBuilder s{nb, nloc};
                            Value one = s.f(1.0);
                            return SmallVector<Value>{arith::DivFOp::create(
                                nb, nloc, one, s.max(args[0], one))};
                          })
                .getResult(0);
        // k_norm = exp(k - shift) * (1 / s).
        Value keysBatch = layout.extract(bb, bloc, layout.keys, bi);
        Value kNormBatch = layout.extract(bb, bloc, outer[4], bi);
        Value normalized =
            overRows(bb, bloc, {keysBatch}, {chunkLoop.getResult(0), scale},
                     {kNormBatch}, /*reduce=*/false,
                     [](ScalarBuilder &s, ValueRange keys, ValueRange args) {
                       return SmallVector<Value>{s.mul(
                           expNonPositive(s, s.sub(keys[0], args[0])),
                           args[1])};
                     })
                .getResult(0);
        // The state back to its initial values for the next batch.
        return SmallVector<Value>{
            refill(bb, bloc, chunkLoop.getResult(0), inf),
            refill(bb, bloc, scale, 0.0), chunkLoop.getResult(2),
            chunkLoop.getResult(3),
            layout.insert(bb, bloc, normalized, outer[4], bi)};
      });
  return {batchLoop.getResult(4), decay};
}

struct LowerAdditiveDecay : OpRewritePattern<AdditiveDecayOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AdditiveDecayOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ChannelLayout layout(rewriter, loc, op);
    SmallVector<Value> results = op.getCausal()
                                     ? lowerCausal(rewriter, loc, op, layout)
                                     : lowerNonCausal(rewriter, loc, layout);
    rewriter.replaceOp(
        op, {layout.result(rewriter, loc, results[0], op.getKNorm().getType()),
             layout.result(rewriter, loc, results[1],
                           op.getDecay().getType())});
    return success();
  }
};

} // namespace

void mlir::ldn::lowering::populateAdditiveDecayLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerAdditiveDecay>(patterns.getContext());
}
