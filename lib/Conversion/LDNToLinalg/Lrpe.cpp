//===- Lrpe.cpp - ldn.lrpe to linalg --------------------------------------===//
//
// y = [x ⊙ cos Θ, x ⊙ sin Θ] : [B,T,H,2d], with Θ[t,h,c] = p_{c/e}(t) θ[h, c%e]
// for the grid tokens t = P + i (p = unravel(i, grid), row-major) and
// [x, 0] for the P prefix tokens.
//
// Rather than one generic that divides c by e and gathers θ[h, c % e] per
// element, the lowering splits the feature axis at compile time: grid axis a
// owns the channel block [a*e, a*e + len_a), len_a = clamp(d - a*e, 0, e), in
// which θ is read contiguously as θ[h, 0:len_a] and the coordinate
// p_a(i) = (i / (g_{a+1}...g_m)) mod g_a depends only on the token index, an
// outer loop (the divisors are compile-time constants). So the output is
// written by one generic per grid axis over (b, i, h, c), channels innermost,
// each with two outputs (the cos and the sin block of y), plus one copy
// generic for the prefix tokens: every operand access is contiguous along c
// and vectorizes, and x is read once.
//
// T is not an input of the math: after checking T == P + Π grid (statically
// in the verifier, or with cf.assert when T is dynamic) the token ranges
// [0, P) and [P, T) have static sizes.
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
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {

/// clamp(channels - blockIndex * blockSize, 0, blockSize): the length of
/// channel block `blockIndex`.
/// Folded to a constant when every input is static.
OpFoldResult blockLength(OpBuilder &b, Location loc, OpFoldResult channels,
                         OpFoldResult blockSize, int64_t blockIndex) {
  std::optional<int64_t> d = getConstantIntValue(channels);
  std::optional<int64_t> e = getConstantIntValue(blockSize);
  if (d && e)
    return b.getIndexAttr(std::clamp<int64_t>(*d - blockIndex * *e, 0, *e));
  Value dv = getValueOrCreateConstantIndexOp(b, loc, channels);
  Value ev = getValueOrCreateConstantIndexOp(b, loc, blockSize);
  Value start = arith::MulIOp::create(
      b, loc, ev, arith::ConstantIndexOp::create(b, loc, blockIndex));
  Value rest = arith::SubIOp::create(b, loc, dv, start);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  return arith::MaxSIOp::create(b, loc, zero,
                                arith::MinSIOp::create(b, loc, rest, ev))
      .getResult();
}

/// `value * factor` as an OpFoldResult (folded when static).
OpFoldResult multiply(OpBuilder &b, Location loc, OpFoldResult value,
                      int64_t factor) {
  if (std::optional<int64_t> constant = getConstantIntValue(value))
    return b.getIndexAttr(*constant * factor);
  return arith::MulIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, value),
                               arith::ConstantIndexOp::create(b, loc, factor))
      .getResult();
}

/// `lhs + rhs` as an OpFoldResult (folded when static).
OpFoldResult add(OpBuilder &b, Location loc, OpFoldResult lhs,
                 OpFoldResult rhs) {
  std::optional<int64_t> l = getConstantIntValue(lhs);
  std::optional<int64_t> r = getConstantIntValue(rhs);
  if (l && r)
    return b.getIndexAttr(*l + *r);
  return arith::AddIOp::create(b, loc,
                               getValueOrCreateConstantIndexOp(b, loc, lhs),
                               getValueOrCreateConstantIndexOp(b, loc, rhs))
      .getResult();
}

struct LowerLrpe : OpRewritePattern<LrpeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LrpeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getX(), theta = op.getTheta();
    ArrayRef<int64_t> grid = op.getGrid();
    auto prefix = static_cast<int64_t>(op.getPrefix());
    int64_t cells = 1;
    for (int64_t g : grid)
      cells *= g;
    assertLrpeSequenceLength(rewriter, loc, x, prefix + cells);
    assertLrpeCoverage(rewriter, loc, x, theta,
                       static_cast<int64_t>(grid.size()));

    Value y = createEmpty(rewriter, loc, reifyResultSizes(rewriter, op.getY()),
                          op.getY().getType().getElementType());
    OpFoldResult d = tensor::getMixedSize(rewriter, loc, x, 3);
    OpFoldResult e = tensor::getMixedSize(rewriter, loc, theta, 1);

    if (prefix > 0)
      y = writePrefix(rewriter, loc, x, y, prefix, d);

    // Grid axis a: channels [a*e, a*e + len_a) of both halves.
    int64_t axisStride = cells; // g_{a+1} * ... * g_m, built back to front.
    for (auto [axis, size] : llvm::enumerate(grid)) {
      axisStride /= size;
      OpFoldResult length =
          blockLength(rewriter, loc, d, e, static_cast<int64_t>(axis));
      if (isZeroInteger(length))
        continue; // The features end before this axis's block.
      y = writeAxisBlock(rewriter, loc, x, theta, y,
                         {prefix, cells, axisStride, size},
                         multiply(rewriter, loc, e, axis), length, d);
    }
    rewriter.replaceOp(op, y);
    return success();
  }

private:
  /// Where grid axis a's tokens sit and how its coordinate is computed.
  struct AxisTokens {
    int64_t prefix, cells; // Tokens [prefix, prefix + cells) are on the grid.
    int64_t stride, size;  // p_a(i) = (i / stride) mod size.
  };

  /// Prefix tokens [0, P): y = [x, 0], one generic with two outputs.
  static Value writePrefix(OpBuilder &b, Location loc, Value x, Value y,
                           int64_t prefix, OpFoldResult d) {
    Type outType = cast<RankedTensorType>(y.getType()).getElementType();
    DimRange tokens{1, b.getIndexAttr(0), b.getIndexAttr(prefix)};
    SmallVector<DimRange> cosBlock{tokens, {3, b.getIndexAttr(0), d}};
    SmallVector<DimRange> sinBlock{tokens, {3, d, d}};
    Value cosOut = extractRanges(b, loc, y, cosBlock);
    Value sinOut = extractRanges(b, loc, y, sinBlock);
    AffineMap id = b.getMultiDimIdentityMap(4);
    auto copy = linalg::GenericOp::create(
        b, loc, TypeRange{cosOut.getType(), sinOut.getType()},
        ValueRange{extractRanges(b, loc, x, {tokens})},
        ValueRange{cosOut, sinOut}, ArrayRef<AffineMap>{id, id, id},
        parallelIterators(4),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value zero =
              arith::ConstantOp::create(nb, nloc, nb.getFloatAttr(outType, 0));
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{castFloat(nb, nloc, args[0], outType), zero});
        });
    y = insertRanges(b, loc, copy.getResult(0), y, cosBlock);
    return insertRanges(b, loc, copy.getResult(1), y, sinBlock);
  }

  /// Grid tokens, channel block [offset, offset + length) of one axis:
  /// y[.., c] = x cos(p θ), y[.., d + c] = x sin(p θ), over (b, i, h, c).
  static Value writeAxisBlock(OpBuilder &b, Location loc, Value x, Value theta,
                              Value y, AxisTokens axis, OpFoldResult offset,
                              OpFoldResult length, OpFoldResult d) {
    Type f32 = b.getF32Type();
    Type outType = cast<RankedTensorType>(y.getType()).getElementType();
    DimRange tokens{1, b.getIndexAttr(axis.prefix), b.getIndexAttr(axis.cells)};
    SmallVector<DimRange> xBlock{tokens, {3, offset, length}};
    SmallVector<DimRange> cosBlock{tokens, {3, offset, length}};
    SmallVector<DimRange> sinBlock{tokens, {3, add(b, loc, d, offset), length}};
    Value cosOut = extractRanges(b, loc, y, cosBlock);
    Value sinOut = extractRanges(b, loc, y, sinBlock);
    Value frequencies =
        extractRanges(b, loc, theta, {{1, b.getIndexAttr(0), length}});
    MLIRContext *context = b.getContext();
    AffineMap id = b.getMultiDimIdentityMap(4);
    auto rotate = linalg::GenericOp::create(
        b, loc, TypeRange{cosOut.getType(), sinOut.getType()},
        ValueRange{extractRanges(b, loc, x, xBlock), frequencies},
        ValueRange{cosOut, sinOut},
        ArrayRef<AffineMap>{id, dimsMap(context, 4, {2, 3}), id, id},
        parallelIterators(4),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          // p_a(i) = (i / stride) mod size, i the index within the grid.
          Value i = linalg::IndexOp::create(nb, nloc, 1);
          Value row = arith::DivUIOp::create(
              nb, nloc, i,
              arith::ConstantIndexOp::create(nb, nloc, axis.stride));
          Value coordinate = arith::RemUIOp::create(
              nb, nloc, row,
              arith::ConstantIndexOp::create(nb, nloc, axis.size));
          Value position = arith::UIToFPOp::create(
              nb, nloc, f32,
              arith::IndexCastUIOp::create(nb, nloc, nb.getI64Type(),
                                           coordinate));
          Value angle = arith::MulFOp::create(
              nb, nloc, position, castFloat(nb, nloc, args[1], f32));
          Value xv = castFloat(nb, nloc, args[0], f32);
          Value cosine = arith::MulFOp::create(
              nb, nloc, xv, math::CosOp::create(nb, nloc, angle));
          Value sine = arith::MulFOp::create(
              nb, nloc, xv, math::SinOp::create(nb, nloc, angle));
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{castFloat(nb, nloc, cosine, outType),
                         castFloat(nb, nloc, sine, outType)});
        });
    y = insertRanges(b, loc, rotate.getResult(0), y, cosBlock);
    return insertRanges(b, loc, rotate.getResult(1), y, sinBlock);
  }
};

} // namespace

void mlir::ldn::lowering::populateLrpeLowering(RewritePatternSet &patterns) {
  patterns.add<LowerLrpe>(patterns.getContext());
}
