//===- SsmConv.cpp - ldn.ssm_conv as projection, long_conv, projection ----===//
//
// Two kernel calls: the long_conv kernel into x [B, T, N], computing the
// in-projection v of u at each of its loads of v (a prologue), and the
// out-projection into the result, which applies a fused epilogue as it
// stores (Kernels/ssm_conv.mlir). v is never stored; against the unfused
// model this also drops the zero fills and the partial sums of the
// projections' reductions and the epilogue's separate pass over [B, T, M].
// Should the convolution kernel ever read v other than by plain loads, v is
// projected into a buffer first, by the projection kernel.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
/// A new [B, T, channels] buffer and the kernel's view of it.
std::pair<Value, Value> allocRows(OpBuilder &b, Location loc,
                                  ArrayRef<OpFoldResult> rows,
                                  int64_t channels) {
  SmallVector<OpFoldResult> sizes(rows);
  sizes.push_back(b.getIndexAttr(channels));
  Value buffer = allocOutputBuffer(b, loc, sizes);
  return {buffer,
          kernelView(b, loc, buffer, sizes, rowMajorStrides(b, loc, sizes))};
}

struct SsmConvToKernels : OpRewritePattern<SsmConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SsmConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ElementwiseOp epilogue = fusableEpilogue(op, op.getY());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    lowering::assertEvenLags(rewriter, loc, op.getKernel(),
                             op.getBidirectional(), "ldn.ssm_conv");

    SmallVector<OpFoldResult> rows =
        lowering::getSizes(rewriter, loc, op.getU());
    rows.pop_back();
    int64_t channels = op.getKernel().getType().getDimSize(0);
    Value uView = inputView(rewriter, loc, op.getU());
    Value inView = inputView(rewriter, loc, op.getInProj());
    Value kView = inputView(rewriter, loc, op.getKernel());
    auto [x, xView] = allocRows(rewriter, loc, rows, channels);
    // The convolution computes v = in_proj(u) as it loads it, where its
    // kernel reads v only by loads; otherwise v is projected first.
    FailureOr<bool> projected = callLongConvKernelWithPrologue(
        rewriter, op, "ssm_conv", "ldn_gpu_ssm_conv_input", {uView, inView},
        kView, xView, op.getBidirectional(), op.getStrategy());
    if (failed(projected))
      return failure();
    if (!*projected) {
      auto [v, vView] = allocRows(rewriter, loc, rows, channels);
      if (failed(callKernel(rewriter, op, "ssm_conv",
                            "ldn_gpu_ssm_conv_project",
                            {uView, inView, vView})) ||
          failed(callLongConvKernel(rewriter, op, vView, kView, xView,
                                    op.getBidirectional(), op.getStrategy(),
                                    /*epilogue=*/nullptr)))
        return failure();
    }
    // M = G·Mg, static even where the declared result type says `?`.
    RankedTensorType outProj = op.getOutProj().getType();
    auto [y, yView] = allocRows(rewriter, loc, rows,
                                outProj.getDimSize(0) * outProj.getDimSize(2));
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "ssm_conv", "ldn_gpu_ssm_conv_project",
        {xView, inputView(rewriter, loc, op.getOutProj()), yView}, epilogue,
        /*output=*/2);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {y}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateSsmConvKernel(RewritePatternSet &patterns) {
  patterns.add<SsmConvToKernels>(patterns.getContext());
}
