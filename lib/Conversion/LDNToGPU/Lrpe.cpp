//===- Lrpe.cpp - ldn.lrpe as an elementwise GPU kernel -------------------===//
//
// The kernel (Kernels/lrpe.mlir) takes the grid as index scalars, four axes
// per call: grid axis a owns the channels [a e, a e + e) of both halves of y,
// so a call for axes [a0, a0 + 4) covers the channel window
// [a0 e, min(d, (a0 + 4) e)) for all tokens (its prefix tokens included).
// Grids of up to four axes take one call; longer ones one call per four axes,
// each over a disjoint window, so x is still read once and y written once.
//
// T is not a free size: after the run-time check T == P + Π grid (the
// verifier's when T is static) the views use that constant, so the kernel's
// token division is by a constant too.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
/// Grid axes per kernel call (the kernel's (stride, size) argument slots).
constexpr int64_t kAxesPerCall = 4;

struct LrpeToKernel : OpRewritePattern<LrpeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LrpeOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getX(), theta = op.getTheta();
    ArrayRef<int64_t> grid = op.getGrid();
    auto prefix = static_cast<int64_t>(op.getPrefix());
    auto axes = static_cast<int64_t>(grid.size());
    // An epilogue where one kernel call writes every element (several
    // calls, one per window of axes, would each store their own window
    // and must not map the others'); the kernel runs where it is (see
    // fusableEpilogue).
    ElementwiseOp epilogue =
        axes <= kAxesPerCall ? fusableEpilogue(op, op.getY()) : nullptr;
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    int64_t cells = 1;
    for (int64_t g : grid)
      cells *= g;
    int64_t tokens = prefix + cells;
    lowering::assertLrpeSequenceLength(rewriter, loc, x, tokens);
    lowering::assertLrpeCoverage(rewriter, loc, x, theta, axes);

    // [B, T, H, d] with T the checked constant; H from whichever operand
    // has it statically.
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, x);
    sizes[1] = rewriter.getIndexAttr(tokens);
    OpFoldResult heads = tensor::getMixedSize(rewriter, loc, theta, 0);
    if (getConstantIntValue(heads))
      sizes[2] = heads;
    OpFoldResult d = sizes[3];
    OpFoldResult e = tensor::getMixedSize(rewriter, loc, theta, 1);
    MLIRContext *context = rewriter.getContext();
    AffineExpr s0 = getAffineSymbolExpr(0, context);
    AffineExpr s1 = getAffineSymbolExpr(1, context);
    SmallVector<OpFoldResult> ySizes(sizes);
    ySizes[3] = affine::makeComposedFoldedAffineApply(
        rewriter, loc, AffineMap::get(0, 1, s0 * 2), {d});

    Value xView = inputView(rewriter, loc, x, sizes);
    Value thetaView = inputView(rewriter, loc, theta, {sizes[2], e});
    Value y = allocOutputBuffer(rewriter, loc, ySizes);
    Value yView = rowMajorView(rewriter, loc, y, ySizes);

    // p_a(i) = (i / stride_a) mod g_a, stride_a = g_{a+1} ... g_m.
    SmallVector<int64_t> strides(axes, 1);
    for (int64_t a = axes - 2; a >= 0; --a)
      strides[a] = strides[a + 1] * grid[a + 1];
    Value one = indexConstant(rewriter, loc, 1);
    bool fused = false;
    for (int64_t a0 = 0; a0 < axes; a0 += kAxesPerCall) {
      int64_t count = std::min(kAxesPerCall, axes - a0);
      // The window [a0 e, a0 e + width), width = clamp(d - a0 e, 0, count e).
      OpFoldResult first = affine::makeComposedFoldedAffineApply(
          rewriter, loc, AffineMap::get(0, 1, s0 * a0), {e});
      OpFoldResult available = affine::makeComposedFoldedAffineMin(
          rewriter, loc,
          AffineMap::get(0, 2, {s0 - s1 * a0, s1 * count}, context), {d, e});
      OpFoldResult width = affine::makeComposedFoldedAffineMax(
          rewriter, loc,
          AffineMap::get(0, 1, {s0, getAffineConstantExpr(0, context)},
                         context),
          {available});
      if (isZeroInteger(width))
        break; // d ends before this window: so do the later ones.
      SmallVector<Value> args = {
          xView,
          thetaView,
          yView,
          indexConstant(rewriter, loc, prefix),
          getValueOrCreateConstantIndexOp(rewriter, loc, first),
          getValueOrCreateConstantIndexOp(rewriter, loc, width)};
      for (int64_t k = 0; k < kAxesPerCall; ++k) {
        if (k < count) {
          args.push_back(indexConstant(rewriter, loc, strides[a0 + k]));
          args.push_back(indexConstant(rewriter, loc, grid[a0 + k]));
        } else {
          args.append({one, one}); // p = 0, never selected
        }
      }
      FailureOr<bool> called = callKernelWithEpilogue(
          rewriter, op, "lrpe", "ldn_gpu_lrpe", args, epilogue,
          /*output=*/2);
      if (failed(called))
        return failure();
      fused = *called;
    }
    replaceByBuffers(rewriter, op, {y}, fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateLrpeKernel(RewritePatternSet &patterns) {
  patterns.add<LrpeToKernel>(patterns.getContext());
}
