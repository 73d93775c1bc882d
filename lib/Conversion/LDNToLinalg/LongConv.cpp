//===- LongConv.cpp - ldn.long_conv: shifted slices or a radix-2 FFT -----===//
//
// Per-channel convolution of v [B,T,C] with kernel [C,Lk], two strategies
// that compute the same sum (ops.md: the strategy is a lowering choice only).
//
// direct, O(B·T·C·min(Lk,T)): one scf.for over the lags; lag j adds
//   acc[:, j:T, :] += kernel[:, j] * v[:, 0:T-j, :]
// as one elementwise generic over contiguous [B, T-j, C] slices with C
// innermost (vectorizes along C, no per-element bounds tests). The
// bidirectional kernel adds a second loop over the look-ahead offsets
// d = s - t in 1..L:  acc[:, 0:T-d, :] += kernel[:, 2L-d] * v[:, d:T, :].
// The kernel is transposed to [Lk, C] once so each lag's weights are a
// contiguous row.
//
// fft, O(B·C·n log n): both halves of a bidirectional kernel become one
// circular kernel h of length n (a power of two) and y = IFFT(FFT(v)·FFT(h))
// restricted to t < T:
//   * lags beyond T - 1 never meet the sequence, so only Le = min(Lk, T)
//     (causal) or Le = min(L, T) (bidirectional) lags per side are used;
//   * causal: h[m] = kernel[m] for m < Le;
//   * bidirectional: y_t = Σ_m h[m] v_{t-m} for m = t - s in [-L, L-1] with
//     h[m] = kernel[m] (m >= 0, the past, m = t - s) and
//     h[m] = kernel[2L + m] (m = -(s - t) < 0, the future: kernel[2L-(s-t)]).
//     Negative lags wrap to n + m, so kernel[2L-Le .. 2L-1] lands at
//     positions n-Le .. n-1;
//   * n = nextPow2(T + Le) leaves no wrap-around: a product v_s h[p] with
//     p = (t - s) mod n only reaches a nonzero h position when t - s really
//     is a lag of h (t - s >= 0 gives p <= T-1 < n-Le; t - s < 0 gives
//     p >= n-T+1 > Le-1).
// Layout: complex data is one f32 tensor of planes [2, B, n, C] (real,
// imaginary; the kernel has B = 1), channels innermost. The transforms are
// radix-2 with the constant-geometry (Pease) ordering: every stage reads the
// pairs (x[j], x[j + n/2]) or (x[2j], x[2j + 1]) and writes the other
// arrangement, so a stage is one parallel generic over (part, b, j, e, c)
// with plain affine maps on two reshaped views of the sequence axis: no
// index arithmetic, no gathers, contiguous along C. (The textbook in-place
// stage needs a [.., n/2h, 2, h, ..] view, two dynamic sizes in one reshape
// group, which LLVM 22's expand-strided-metadata crashes on:
// llvm-project #186830.) The forward transforms are decimation in frequency
// (Gentleman-Sande: natural order in, bit-reversed out) and the inverse is
// decimation in time (Cooley-Tukey: bit-reversed in, natural out), so the
// spectra are multiplied pointwise in bit-reversed order and no bit-reversal
// permutation is ever performed. The 1/n of the inverse is folded into the
// product. The twiddles W^k, k < n/2, are one table computed in f64 and
// rounded to f32, which keeps the transform at f32 round-off (relative RMS
// ~2e-7 against the fp64 direct sum at T = 8192).
//
// auto: fft when T >= fftThreshold; decided at compile time for a static T,
// otherwise by an scf.if on the runtime T with both strategies emitted.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// The operands and the sizes both strategies use.
struct Convolution {
  Value v;      ///< [B, T, C]
  Value kernel; ///< [C, Lk]
  bool bidirectional;
  Value length;                    ///< T
  Value lags;                      ///< Lk
  Value halfLags;                  ///< L = Lk / 2 (bidirectional only)
  SmallVector<OpFoldResult> sizes; ///< [B, T, C]
};

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// kernel[:, first : first + count] transposed to [count, C] in f32, written
/// into rows `row ..` of the 2-D `dest` [*, C].
Value insertTransposedLags(OpBuilder &b, Location loc, Value kernel,
                           OpFoldResult first, OpFoldResult count, Value dest,
                           OpFoldResult row) {
  Type f32 = b.getF32Type();
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  OpFoldResult channels = getSizes(b, loc, kernel)[0];
  Value lags = tensor::ExtractSliceOp::create(
      b, loc, kernel, ArrayRef<OpFoldResult>{zero, first},
      ArrayRef<OpFoldResult>{channels, count},
      ArrayRef<OpFoldResult>{one, one});
  SmallVector<OpFoldResult> destOffsets = {row, zero};
  SmallVector<OpFoldResult> destSizes = {count, getSizes(b, loc, dest)[1]};
  SmallVector<OpFoldResult> strides = {one, one};
  Value slot = tensor::ExtractSliceOp::create(b, loc, dest, destOffsets,
                                              destSizes, strides);
  AffineMap transposed =
      AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, b.getContext());
  Value rows = linalg::GenericOp::create(
                   b, loc, slot.getType(), ValueRange{lags}, ValueRange{slot},
                   ArrayRef<AffineMap>{transposed, b.getMultiDimIdentityMap(2)},
                   parallelIterators(2),
                   [&](OpBuilder &nb, Location nloc, ValueRange args) {
                     linalg::YieldOp::create(nb, nloc,
                                             castFloat(nb, nloc, args[0], f32));
                   })
                   .getResult(0);
  return tensor::InsertSliceOp::create(b, loc, rows, dest, destOffsets,
                                       destSizes, strides);
}

//===----------------------------------------------------------------------===//
// direct
//===----------------------------------------------------------------------===//

/// Where one shift of the direct sum reads and writes: acc[:, to : to + T -
/// shift] += kernelT[row] * v[:, from : from + T - shift].
struct ShiftPlacement {
  Value to, from, row;
};

/// Adds the contributions of shifts in [first, end) to `acc`.
Value accumulateShifts(
    OpBuilder &b, Location loc, Value acc, Value v, Value kernelT, Value length,
    Value first, Value end,
    function_ref<ShiftPlacement(OpBuilder &, Location, Value)> place) {
  Type f32 = b.getF32Type();
  auto loop = scf::ForOp::create(
      b, loc, first, end, indexConstant(b, loc, 1), ValueRange{acc},
      [&](OpBuilder &lb, Location lloc, Value shift, ValueRange carried) {
        ShiftPlacement at = place(lb, lloc, shift);
        Value weights = extractSliceAt(lb, lloc, kernelT, 0, at.row);
        Value count = arith::SubIOp::create(lb, lloc, length, shift);
        Value next = updateWindow(
            lb, lloc, carried[0], /*dim=*/1, at.to, count, {{v, at.from}},
            ValueRange{weights},
            [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
              Value term = arith::MulFOp::create(
                  nb, nloc, castFloat(nb, nloc, args[0], f32), args[1]);
              return arith::AddFOp::create(nb, nloc, args[2], term);
            });
        scf::YieldOp::create(lb, lloc, next);
      });
  return loop.getResult(0);
}

/// The direct sum of one batch row `conv.v` [1, T, C], in f32.
Value convolveDirectRow(OpBuilder &b, Location loc, const Convolution &conv,
                        Value kernelT) {
  Type f32 = b.getF32Type();
  Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
  Value acc = createFilled(b, loc, conv.sizes, f32, 0.0);

  // Past (and present): lag j = t - s in [0, min(K, T)), K = Lk or L.
  Value pastLags = conv.bidirectional ? conv.halfLags : conv.lags;
  Value pastEnd = arith::MinSIOp::create(b, loc, pastLags, conv.length);
  acc = accumulateShifts(b, loc, acc, conv.v, kernelT, conv.length, zero,
                         pastEnd, [&](OpBuilder &, Location, Value lag) {
                           return ShiftPlacement{lag, zero, lag};
                         });
  if (!conv.bidirectional)
    return acc;

  // Future: offset d = s - t in [1, min(L, T - 1)] weighted by kernel[2L-d].
  Value futureEnd = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, conv.halfLags, one), conv.length);
  Value twiceHalf = arith::AddIOp::create(b, loc, conv.halfLags, conv.halfLags);
  return accumulateShifts(
      b, loc, acc, conv.v, kernelT, conv.length, one, futureEnd,
      [&](OpBuilder &lb, Location lloc, Value offset) {
        Value row = arith::SubIOp::create(lb, lloc, twiceHalf, offset);
        return ShiftPlacement{zero, offset, row};
      });
}

/// The direct sum in f32, [B, T, C], one batch row at a time: a row's sum
/// is accumulated while it is in cache and then inserted, so an epilogue
/// applies to each row as it is inserted (Elementwise.cpp).
Value convolveDirect(OpBuilder &b, Location loc, const Convolution &conv) {
  Type f32 = b.getF32Type();
  OpFoldResult channels = conv.sizes[2];
  OpFoldResult lags = getSizes(b, loc, conv.kernel)[1];
  Value kernelT = insertTransposedLags(
      b, loc, conv.kernel, b.getIndexAttr(0), lags,
      createEmpty(b, loc, {lags, channels}, f32), b.getIndexAttr(0));
  Value result = createEmpty(b, loc, conv.sizes, f32);
  Value batch = getValueOrCreateConstantIndexOp(b, loc, conv.sizes[0]);
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), batch, indexConstant(b, loc, 1),
      ValueRange{result},
      [&](OpBuilder &lb, Location lloc, Value index, ValueRange carried) {
        SmallVector<OpFoldResult> offsets = {index, lb.getIndexAttr(0),
                                             lb.getIndexAttr(0)};
        SmallVector<OpFoldResult> rowSizes = {lb.getIndexAttr(1),
                                              conv.sizes[1], channels};
        SmallVector<OpFoldResult> strides(3, lb.getIndexAttr(1));
        Convolution row = conv;
        row.sizes = rowSizes;
        row.v = tensor::ExtractSliceOp::create(lb, lloc, conv.v, offsets,
                                               rowSizes, strides);
        Value sum = convolveDirectRow(lb, lloc, row, kernelT);
        scf::YieldOp::create(
            lb, lloc,
            ValueRange{tensor::InsertSliceOp::create(
                lb, lloc, sum, carried[0], offsets, rowSizes, strides)});
      });
  return loop.getResult(0);
}

//===----------------------------------------------------------------------===//
// fft
//===----------------------------------------------------------------------===//

// Complex data is one f32 tensor of planes [2, batch, n, C]: plane 0 the
// real parts, plane 1 the imaginary parts. One tensor rather than two gives
// every FFT generic a single output: two outputs initialized from identical
// tensor.empty ops get merged by CSE, which defeats empty-tensor elimination
// and costs a copy per stage.

/// The type of a tensor with the given (mixed static/dynamic) sizes.
RankedTensorType tensorTypeOf(ArrayRef<OpFoldResult> sizes, Type elementType) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes)
    shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  return RankedTensorType::get(shape, elementType);
}

/// Planes [2, n/2] of W[k] = exp(-2πi k / n), the twiddles of every stage of
/// a length-n transform (the inverse uses their conjugates), computed in f64
/// and rounded to f32.
Value twiddleTable(OpBuilder &b, Location loc, Value n) {
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
  Value half = arith::ShRUIOp::create(b, loc, n, indexConstant(b, loc, 1));
  Value init = createEmpty(b, loc, {b.getIndexAttr(2), half}, f32);
  Value nF = arith::UIToFPOp::create(
      b, loc, f64, arith::IndexCastUIOp::create(b, loc, i64, n));
  Value step = arith::DivFOp::create(
      b, loc,
      arith::ConstantOp::create(b, loc,
                                b.getF64FloatAttr(-2.0 * llvm::numbers::pi)),
      nF);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{}, ValueRange{init},
             ArrayRef<AffineMap>{b.getMultiDimIdentityMap(2)},
             parallelIterators(2),
             [&](OpBuilder &nb, Location nloc, ValueRange) {
               Value imaginary =
                   arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::ne,
                                         linalg::IndexOp::create(nb, nloc, 0),
                                         indexConstant(nb, nloc, 0));
               Value k = arith::UIToFPOp::create(
                   nb, nloc, f64,
                   arith::IndexCastUIOp::create(
                       nb, nloc, i64, linalg::IndexOp::create(nb, nloc, 1)));
               Value angle = arith::MulFOp::create(nb, nloc, k, step);
               Value value = arith::SelectOp::create(
                   nb, nloc, imaginary, math::SinOp::create(nb, nloc, angle),
                   math::CosOp::create(nb, nloc, angle));
               linalg::YieldOp::create(nb, nloc,
                                       castFloat(nb, nloc, value, f32));
             })
      .getResult(0);
}

enum class Decimation { Frequency, Time };

/// Part `imaginary` of the output `second` of the butterfly of the pair
/// (a, b) with twiddle w:
///   frequency (forward): (a + b, (a - b) w);
///   time (inverse):      (a + bw, a - bw).
Value butterfly(OpBuilder &b, Location loc, Decimation decimation, Value second,
                Value imaginary, Value aRe, Value aIm, Value bRe, Value bIm,
                Value wRe, Value wIm) {
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  auto sub = [&](Value l, Value r) -> Value {
    return arith::SubFOp::create(b, loc, l, r);
  };
  auto mul = [&](Value l, Value r) -> Value {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto select = [&](Value condition, Value ifTrue, Value ifFalse) -> Value {
    return arith::SelectOp::create(b, loc, condition, ifTrue, ifFalse);
  };
  // (re + i im) * w.
  auto rotate = [&](Value re, Value im) -> std::pair<Value, Value> {
    return {sub(mul(re, wRe), mul(im, wIm)), add(mul(re, wIm), mul(im, wRe))};
  };
  Value re, im;
  if (decimation == Decimation::Frequency) {
    auto [dRe, dIm] = rotate(sub(aRe, bRe), sub(aIm, bIm));
    re = select(second, dRe, add(aRe, bRe));
    im = select(second, dIm, add(aIm, bIm));
  } else {
    auto [rRe, rIm] = rotate(bRe, bIm);
    re = select(second, sub(aRe, rRe), add(aRe, rRe));
    im = select(second, sub(aIm, rIm), add(aIm, rIm));
  }
  return select(imaginary, im, re);
}

/// What every stage of one transform shares. The sequence axis of planes
/// [2, B, n, C] is viewed as halves [2, B, 2, h, C] (x[e·h + j]) or pairs
/// [2, B, h, 2, C] (x[2j + e]), h = n/2: each view has one dynamic size per
/// reshaped group, which LLVM 22's expand-strided-metadata supports (two
/// dynamic sizes in one group, as in the [.., n/2h, 2, h, ..] view of a
/// textbook in-place stage, crash it: llvm-project #186830).
struct TransformPlan {
  Decimation decimation;
  Value logN;
  Value twiddles;                     ///< [2, n/2]
  RankedTensorType flatType;          ///< [2, B, n, C] f32
  SmallVector<OpFoldResult> inSizes;  ///< view a stage reads
  SmallVector<OpFoldResult> outSizes; ///< view a stage writes
  SmallVector<ReassociationIndices> split = {{0}, {1}, {2, 3}, {4}};

  TransformPlan(OpBuilder &b, Location loc, Decimation decimation, Value n,
                Value logN, Value twiddles, Value like)
      : decimation(decimation), logN(logN), twiddles(twiddles),
        flatType(cast<RankedTensorType>(like.getType())) {
    SmallVector<OpFoldResult> sizes = getSizes(b, loc, like);
    OpFoldResult half =
        arith::ShRUIOp::create(b, loc, n, indexConstant(b, loc, 1)).getResult();
    OpFoldResult two = b.getIndexAttr(2);
    SmallVector<OpFoldResult> halves = {two, sizes[1], two, half, sizes[3]};
    SmallVector<OpFoldResult> pairs = {two, sizes[1], half, two, sizes[3]};
    inSizes = forward() ? halves : pairs;
    outSizes = forward() ? pairs : halves;
  }
  bool forward() const { return decimation == Decimation::Frequency; }
  RankedTensorType viewType(ArrayRef<OpFoldResult> sizes) const {
    return tensorTypeOf(sizes, flatType.getElementType());
  }
};

/// One constant-geometry (Pease) radix-2 stage, out of place, from flat
/// planes to the plan's output view. Pair j < h is
///   frequency: read (x[j], x[j + h]),  write (y[2j], y[2j + 1]),
///              twiddle W[j & mask];
///   time:      read (x[2j], x[2j + 1]), write (y[j], y[j + h]),
///              twiddle conj(W[j & mask]);
/// i.e. the in-place Gentleman-Sande / Cooley-Tukey stage followed by a
/// perfect (un)shuffle of the storage, so after all log2(n) stages the
/// storage order is the in-place algorithm's again, and every stage has the
/// same access pattern with no index arithmetic. One generic over
/// (part, b, j, e, c), C innermost and contiguous on every operand.
Value butterflyStage(OpBuilder &b, Location loc, const TransformPlan &plan,
                     Value x, Value twiddleMask) {
  MLIRContext *ctx = b.getContext();
  bool forward = plan.forward();
  Value in = tensor::ExpandShapeOp::create(b, loc, plan.viewType(plan.inSizes),
                                           x, plan.split, plan.inSizes);

  // Loop dimensions (part, b, j, e, c).
  AffineExpr part = getAffineDimExpr(0, ctx), bi = getAffineDimExpr(1, ctx),
             j = getAffineDimExpr(2, ctx), e = getAffineDimExpr(3, ctx),
             c = getAffineDimExpr(4, ctx);
  auto constant = [&](int64_t v) { return getAffineConstantExpr(v, ctx); };
  // The real/imaginary part of the first/second point of pair j.
  auto pointMap = [&](int64_t partIndex, int64_t point) {
    return forward ? AffineMap::get(
                         5, 0, {constant(partIndex), bi, constant(point), j, c},
                         ctx)
                   : AffineMap::get(
                         5, 0, {constant(partIndex), bi, j, constant(point), c},
                         ctx);
  };
  AffineMap outMap = forward ? AffineMap::get(5, 0, {part, bi, j, e, c}, ctx)
                             : AffineMap::get(5, 0, {part, bi, e, j, c}, ctx);
  Value out =
      createEmpty(b, loc, plan.outSizes, plan.flatType.getElementType());
  return linalg::GenericOp::create(
             b, loc, out.getType(), ValueRange{in, in, in, in}, ValueRange{out},
             ArrayRef<AffineMap>{pointMap(0, 0), pointMap(1, 0), pointMap(0, 1),
                                 pointMap(1, 1), outMap},
             parallelIterators(5),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value zero = indexConstant(nb, nloc, 0);
               auto isNonZero = [&](int64_t dim) -> Value {
                 return arith::CmpIOp::create(
                     nb, nloc, arith::CmpIPredicate::ne,
                     linalg::IndexOp::create(nb, nloc, dim), zero);
               };
               Value k = arith::AndIOp::create(
                   nb, nloc, linalg::IndexOp::create(nb, nloc, 2), twiddleMask);
               Value wRe = tensor::ExtractOp::create(nb, nloc, plan.twiddles,
                                                     ValueRange{zero, k});
               Value wIm = tensor::ExtractOp::create(
                   nb, nloc, plan.twiddles,
                   ValueRange{indexConstant(nb, nloc, 1), k});
               if (!forward)
                 wIm = arith::NegFOp::create(nb, nloc, wIm);
               linalg::YieldOp::create(nb, nloc,
                                       butterfly(nb, nloc, plan.decimation,
                                                 isNonZero(3), isNonZero(0),
                                                 args[0], args[1], args[2],
                                                 args[3], wRe, wIm));
             })
      .getResult(0);
}

/// Offsets/sizes/strides of the whole of a [1, <view>] buffer.
struct BufferRange {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};
BufferRange bufferRange(OpBuilder &b, ArrayRef<OpFoldResult> viewSizes) {
  BufferRange range;
  range.offsets.assign(viewSizes.size() + 1, b.getIndexAttr(0));
  range.sizes.push_back(b.getIndexAttr(1));
  llvm::append_range(range.sizes, viewSizes);
  range.strides.assign(viewSizes.size() + 1, b.getIndexAttr(1));
  return range;
}

/// The content of a [1, <output view>] buffer as flat planes [2, B, n, C].
Value loadBuffer(OpBuilder &b, Location loc, const TransformPlan &plan,
                 Value buffer) {
  BufferRange range = bufferRange(b, plan.outSizes);
  Value viewed = tensor::ExtractSliceOp::create(
      b, loc, plan.viewType(plan.outSizes), buffer, range.offsets, range.sizes,
      range.strides);
  return tensor::CollapseShapeOp::create(b, loc, plan.flatType, viewed,
                                         plan.split);
}

/// `value` (in the output view) stored into a [1, <output view>] buffer.
Value storeBuffer(OpBuilder &b, Location loc, const TransformPlan &plan,
                  Value value, Value buffer) {
  BufferRange range = bufferRange(b, plan.outSizes);
  return tensor::InsertSliceOp::create(b, loc, value, buffer, range.offsets,
                                       range.sizes, range.strides);
}

/// The radix-2 transform of length n = 2^logN along the sequence axis of
/// planes x. Frequency: forward DFT (e^{-2πi jk/n}), natural order in,
/// bit-reversed out. Time: unscaled inverse DFT (e^{+2πi jk/n}),
/// bit-reversed in, natural out.
///
/// The stages are out of place. An scf.for over pairs of stages carries
/// the data in one buffer x: the first stage of a pair writes a temporary,
/// the second writes back into x through a rank-expanding insert_slice
/// ([view] into [1, view]). That keeps the carried buffer equivalent to
/// itself for one-shot bufferization (a generic's own destination would not
/// survive the fusion pass, which replaces unread outs by tensor.empty, and
/// a full-size insert_slice folds away), and empty-tensor elimination lets
/// the second stage write straight into x. (Storing the first stage into a
/// second carried buffer costs a copy: the second stage reads the first's
/// result directly, which the bufferization analysis counts as a read after
/// the store.) An odd last stage runs under an scf.if.
Value transform(OpBuilder &b, Location loc, const TransformPlan &plan,
                Value x) {
  Value zero = indexConstant(b, loc, 0), one = indexConstant(b, loc, 1);
  Value allOnes = indexConstant(b, loc, -1);
  Value logN = plan.logN;
  auto stageAt = [&](OpBuilder &sb, Location sloc, Value input, Value stage) {
    // Stage s of the frequency transform uses twiddle exponents j with its
    // low s bits cleared; stage s of the time transform clears the low
    // logN - 1 - s bits.
    Value clearedBits =
        plan.forward()
            ? stage
            : arith::SubIOp::create(
                  sb, sloc, arith::SubIOp::create(sb, sloc, logN, one), stage)
                  .getResult();
    Value lowBits = arith::SubIOp::create(
        sb, sloc, arith::ShLIOp::create(sb, sloc, one, clearedBits), one);
    Value mask = arith::XOrIOp::create(sb, sloc, lowBits, allOnes);
    return butterflyStage(sb, sloc, plan, input, mask);
  };
  auto flatten = [&](OpBuilder &fb, Location floc, Value viewed) -> Value {
    return tensor::CollapseShapeOp::create(fb, floc, plan.flatType, viewed,
                                           plan.split);
  };

  BufferRange range = bufferRange(b, plan.outSizes);
  Value viewed = tensor::ExpandShapeOp::create(
      b, loc, plan.viewType(plan.outSizes), x, plan.split, plan.outSizes);
  Value buffer = storeBuffer(
      b, loc, plan, viewed,
      createEmpty(b, loc, range.sizes, plan.flatType.getElementType()));

  Value pairs = arith::ShRUIOp::create(b, loc, logN, one);
  buffer =
      scf::ForOp::create(
          b, loc, zero, pairs, one, ValueRange{buffer},
          [&](OpBuilder &lb, Location lloc, Value pair, ValueRange carried) {
            Value even = arith::AddIOp::create(lb, lloc, pair, pair);
            Value odd = arith::AddIOp::create(lb, lloc, even, one);
            Value half =
                stageAt(lb, lloc, loadBuffer(lb, lloc, plan, carried[0]), even);
            Value full = stageAt(lb, lloc, flatten(lb, lloc, half), odd);
            scf::YieldOp::create(lb, lloc,
                                 storeBuffer(lb, lloc, plan, full, carried[0]));
          })
          .getResult(0);

  Value isOdd =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                            arith::AndIOp::create(b, loc, logN, one), zero);
  return scf::IfOp::create(
             b, loc, isOdd,
             [&](OpBuilder &ib, Location iloc) {
               Value last = arith::SubIOp::create(ib, iloc, logN, one);
               Value done =
                   stageAt(ib, iloc, loadBuffer(ib, iloc, plan, buffer), last);
               scf::YieldOp::create(ib, iloc, flatten(ib, iloc, done));
             },
             [&](OpBuilder &ib, Location iloc) {
               scf::YieldOp::create(ib, iloc,
                                    loadBuffer(ib, iloc, plan, buffer));
             })
      .getResult(0);
}

/// ceil(log2(max(m, 1))) for an index m, via count-leading-zeros.
Value ceilLog2(OpBuilder &b, Location loc, Value m) {
  Type i64 = b.getI64Type();
  Value one = indexConstant(b, loc, 1);
  Value atLeastOne = arith::MaxSIOp::create(b, loc, m, one);
  Value below = arith::IndexCastUIOp::create(
      b, loc, i64, arith::SubIOp::create(b, loc, atLeastOne, one));
  Value leadingZeros = math::CountLeadingZerosOp::create(b, loc, below);
  Value bits = arith::SubIOp::create(
      b, loc, arith::ConstantIntOp::create(b, loc, i64, 64), leadingZeros);
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), bits);
}

/// Zero planes [2, batch, n, C] with `real` [batch, count, C] (any float
/// type) written into the real plane at rows 0..count-1.
Value embedReal(OpBuilder &b, Location loc, Value real,
                ArrayRef<OpFoldResult> planeSizes) {
  Type f32 = b.getF32Type();
  Value planes = createFilled(b, loc, planeSizes, f32, 0.0);
  SmallVector<OpFoldResult> realSizes = getSizes(b, loc, real);
  SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), realSizes[0],
                                     realSizes[1], realSizes[2]};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  auto slotType = RankedTensorType::get(
      cast<RankedTensorType>(real.getType()).getShape(), f32);
  Value slot = tensor::ExtractSliceOp::create(b, loc, slotType, planes, offsets,
                                              sizes, strides);
  AffineMap id = b.getMultiDimIdentityMap(3);
  Value widened =
      linalg::GenericOp::create(
          b, loc, slot.getType(), ValueRange{real}, ValueRange{slot},
          ArrayRef<AffineMap>{id, id}, parallelIterators(3),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            linalg::YieldOp::create(nb, nloc,
                                    castFloat(nb, nloc, args[0], f32));
          })
          .getResult(0);
  return tensor::InsertSliceOp::create(b, loc, widened, planes, offsets, sizes,
                                       strides);
}

/// The circular kernel h as [1, n, C] (see the file header): kernel lags
/// 0..sideLags-1 at rows 0.., and for a bidirectional kernel
/// kernel[2L - d] at row n - d, d = 1..sideLags.
Value circularKernel(OpBuilder &b, Location loc, const Convolution &conv,
                     Value n, Value sideLags) {
  Type f32 = b.getF32Type();
  OpFoldResult zero = b.getIndexAttr(0);
  Value circular = createFilled(b, loc, {n, conv.sizes[2]}, f32, 0.0);
  circular =
      insertTransposedLags(b, loc, conv.kernel, zero, sideLags, circular, zero);
  if (conv.bidirectional) {
    Value twiceHalf =
        arith::AddIOp::create(b, loc, conv.halfLags, conv.halfLags);
    Value first = arith::SubIOp::create(b, loc, twiceHalf, sideLags);
    Value row = arith::SubIOp::create(b, loc, n, sideLags);
    circular = insertTransposedLags(b, loc, conv.kernel, first, sideLags,
                                    circular, row);
  }
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), n, conv.sizes[2]};
  return tensor::ExpandShapeOp::create(
      b, loc, tensorTypeOf(sizes, f32), circular,
      SmallVector<ReassociationIndices>{{0, 1}, {2}}, sizes);
}

/// The pointwise product of two spectra (planes, the kernel's with batch 1)
/// times `scale`, into fresh planes.
Value multiplySpectra(OpBuilder &b, Location loc, Value signal, Value kernel,
                      Value scale) {
  MLIRContext *ctx = b.getContext();
  AffineExpr part = getAffineDimExpr(0, ctx), bi = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx), c = getAffineDimExpr(3, ctx);
  auto planeMap = [&](int64_t plane, AffineExpr batch) {
    return AffineMap::get(
        4, 0, {getAffineConstantExpr(plane, ctx), batch, k, c}, ctx);
  };
  AffineExpr unitBatch = getAffineConstantExpr(0, ctx);
  Value out = createEmpty(b, loc, getSizes(b, loc, signal), b.getF32Type());
  return linalg::GenericOp::create(
             b, loc, out.getType(), ValueRange{signal, signal, kernel, kernel},
             ValueRange{out},
             ArrayRef<AffineMap>{planeMap(0, bi), planeMap(1, bi),
                                 planeMap(0, unitBatch), planeMap(1, unitBatch),
                                 AffineMap::get(4, 0, {part, bi, k, c}, ctx)},
             parallelIterators(4),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value sRe = args[0], sIm = args[1];
               Value kRe = arith::MulFOp::create(nb, nloc, args[2], scale);
               Value kIm = arith::MulFOp::create(nb, nloc, args[3], scale);
               Value re = arith::SubFOp::create(
                   nb, nloc, arith::MulFOp::create(nb, nloc, sRe, kRe),
                   arith::MulFOp::create(nb, nloc, sIm, kIm));
               Value im = arith::AddFOp::create(
                   nb, nloc, arith::MulFOp::create(nb, nloc, sRe, kIm),
                   arith::MulFOp::create(nb, nloc, sIm, kRe));
               Value imaginary =
                   arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::ne,
                                         linalg::IndexOp::create(nb, nloc, 0),
                                         indexConstant(nb, nloc, 0));
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::SelectOp::create(nb, nloc, imaginary, im, re)
                       .getResult());
             })
      .getResult(0);
}

/// The FFT convolution in f32, [B, T, C].
Value convolveFft(OpBuilder &b, Location loc, const Convolution &conv) {
  Type f32 = b.getF32Type();
  OpFoldResult batch = conv.sizes[0], channels = conv.sizes[2];
  OpFoldResult two = b.getIndexAttr(2);

  // Lags per side that can meet the sequence, and the transform length.
  Value sideLags = arith::MinSIOp::create(
      b, loc, conv.bidirectional ? conv.halfLags : conv.lags, conv.length);
  Value logN =
      ceilLog2(b, loc, arith::AddIOp::create(b, loc, conv.length, sideLags));
  Value n = arith::ShLIOp::create(b, loc, indexConstant(b, loc, 1), logN);

  Value signal = embedReal(b, loc, conv.v, {two, batch, n, channels});
  Value kernel = embedReal(b, loc, circularKernel(b, loc, conv, n, sideLags),
                           {two, b.getIndexAttr(1), n, channels});

  Value twiddles = twiddleTable(b, loc, n);
  auto transformWith = [&](Decimation decimation, Value planes) {
    TransformPlan plan(b, loc, decimation, n, logN, twiddles, planes);
    return transform(b, loc, plan, planes);
  };
  signal = transformWith(Decimation::Frequency, signal);
  kernel = transformWith(Decimation::Frequency, kernel);
  // Both spectra are in the same (bit-reversed) order; the 1/n of the
  // inverse transform is folded into the product.
  Value inverseN = arith::DivFOp::create(
      b, loc, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(1.0f)),
      arith::UIToFPOp::create(
          b, loc, f32,
          arith::IndexCastUIOp::create(b, loc, b.getI64Type(), n)));
  Value spectrum = multiplySpectra(b, loc, signal, kernel, inverseN);
  Value result = transformWith(Decimation::Time, spectrum);

  // The real plane at t < T; the imaginary one is round-off.
  SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), conv.sizes[0],
                                     conv.sizes[1], conv.sizes[2]};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  auto vType = cast<RankedTensorType>(conv.v.getType());
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(vType.getShape(), f32), result, offsets,
      sizes, strides);
}

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

struct LowerLongConv : OpRewritePattern<LongConvOp> {
  LowerLongConv(MLIRContext *context, int64_t fftThreshold)
      : OpRewritePattern(context), fftThreshold(fftThreshold) {}

  LogicalResult matchAndRewrite(LongConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    assertEvenLags(rewriter, loc, op.getKernel(), op.getBidirectional(),
                   "ldn.long_conv");

    Convolution conv;
    conv.v = op.getV();
    conv.kernel = op.getKernel();
    conv.bidirectional = op.getBidirectional();
    conv.length = getDim(rewriter, loc, conv.v, 1);
    conv.lags = getDim(rewriter, loc, conv.kernel, 1);
    if (conv.bidirectional)
      conv.halfLags = arith::DivUIOp::create(rewriter, loc, conv.lags,
                                             indexConstant(rewriter, loc, 2));
    conv.sizes = getSizes(rewriter, loc, conv.v);

    auto vType = cast<RankedTensorType>(conv.v.getType());
    Type outType = op.getType().getElementType();
    RankedTensorType resultType =
        RankedTensorType::get(vType.getShape(), outType);
    auto emit = [&](OpBuilder &b, Location l, bool fft) -> Value {
      Value y = fft ? convolveFft(b, l, conv) : convolveDirect(b, l, conv);
      return castToType(b, l, convertElementType(b, l, y, outType), resultType);
    };

    Value y;
    switch (op.getStrategy()) {
    case ConvStrategy::direct:
      y = emit(rewriter, loc, /*fft=*/false);
      break;
    case ConvStrategy::fft:
      y = emit(rewriter, loc, /*fft=*/true);
      break;
    case ConvStrategy::automatic:
      if (!vType.isDynamicDim(1)) {
        y = emit(rewriter, loc, vType.getDimSize(1) >= fftThreshold);
        break;
      }
      Value useFft = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::sge, conv.length,
          indexConstant(rewriter, loc, fftThreshold));
      y = scf::IfOp::create(
              rewriter, loc, useFft,
              [&](OpBuilder &b, Location l) {
                scf::YieldOp::create(b, l, emit(b, l, /*fft=*/true));
              },
              [&](OpBuilder &b, Location l) {
                scf::YieldOp::create(b, l, emit(b, l, /*fft=*/false));
              })
              .getResult(0);
      break;
    }
    rewriter.replaceOp(op, castToType(rewriter, loc, y, op.getType()));
    return success();
  }

private:
  int64_t fftThreshold;
};
} // namespace

void mlir::ldn::lowering::populateLongConvLowering(RewritePatternSet &patterns,
                                                   int64_t fftThreshold) {
  patterns.add<LowerLongConv>(patterns.getContext(), fftThreshold);
}
