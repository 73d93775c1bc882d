//===- SsmConv.cpp - ldn.ssm_conv as projection, long_conv, projection ----===//
//
// Two kernel calls per chunk of batch rows: the long_conv kernel into x
// [rows, T, N], computing the in-projection v of u at each of its loads of
// v (a prologue), and the out-projection into the chunk's rows of the
// result, which applies a fused epilogue as it stores (Kernels/ssm_conv.mlir).
// v is never stored, and a chunk's x is small enough (kChunkBytes) to be
// read back from the L2 cache: the GPU counterpart of the CPU lowering's
// row-at-a-time loop. Against the unfused model this also drops the zero
// fills and the partial sums of the projections' reductions and the
// epilogue's separate pass over [B, T, M]. Should the convolution kernel
// ever read v other than by plain loads, v is projected into a buffer
// first, by the projection kernel.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
/// Batch rows run in chunks whose x ([rows, T, N] f32) is at most this many
/// bytes, so that the projection reads x back from the L2 cache (a tenth of
/// an A100's 40 MB, leaving room for u, y and the weights) rather than from
/// memory; a chunk has at least one row.
constexpr int64_t kChunkBytes = 4 << 20;

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

    // [B, T, H] in, [B, T, N] between, [B, T, M] out; M = G·Mg, static
    // even where the declared result type says `?`.
    SmallVector<OpFoldResult> uSizes =
        lowering::getSizes(rewriter, loc, op.getU());
    int64_t channels = op.getKernel().getType().getDimSize(0);
    RankedTensorType outProj = op.getOutProj().getType();
    int64_t outputs = outProj.getDimSize(0) * outProj.getDimSize(2);
    OpFoldResult batch = uSizes[0], length = uSizes[1];
    auto rowsOf = [&](OpFoldResult rows, OpFoldResult width) {
      return SmallVector<OpFoldResult>{rows, length, width};
    };
    Value batchValue = getValueOrCreateConstantIndexOp(rewriter, loc, batch);
    Value lengthValue = getValueOrCreateConstantIndexOp(rewriter, loc, length);

    // Rows per chunk: kChunkBytes / (T·N·4), at least 1 (T = 0 included).
    Value one = indexConstant(rewriter, loc, 1);
    Value rowBytes = arith::MaxUIOp::create(
        rewriter, loc, one,
        arith::MulIOp::create(rewriter, loc, lengthValue,
                              indexConstant(rewriter, loc, channels * 4)));
    Value perChunk = arith::MaxUIOp::create(
        rewriter, loc, one,
        arith::DivUIOp::create(rewriter, loc,
                               indexConstant(rewriter, loc, kChunkBytes),
                               rowBytes));
    Value scratchRows =
        arith::MinUIOp::create(rewriter, loc, perChunk, batchValue);
    Value x = allocOutputBuffer(
        rewriter, loc, rowsOf(scratchRows, rewriter.getIndexAttr(channels)));
    Value y = allocOutputBuffer(
        rewriter, loc, rowsOf(batch, rewriter.getIndexAttr(outputs)));
    Value uBuffer = toInputBuffer(rewriter, loc, op.getU());
    Value inView = inputView(rewriter, loc, op.getInProj());
    Value kView = inputView(rewriter, loc, op.getKernel());
    Value outView = inputView(rewriter, loc, op.getOutProj());

    auto loop = scf::ForOp::create(rewriter, loc,
                                   indexConstant(rewriter, loc, 0),
                                   batchValue, perChunk);
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
    Value first = loop.getInductionVar();
    Value rows = arith::MinUIOp::create(
        rewriter, loc, perChunk,
        arith::SubIOp::create(rewriter, loc, batchValue, first));
    // Rows [first, first + rows) of a [B, T, width] buffer.
    auto chunkView = [&](Value buffer, OpFoldResult width, Value start) {
      SmallVector<OpFoldResult> sizes = rowsOf(rows, width);
      SmallVector<OpFoldResult> strides = rowMajorStrides(rewriter, loc, sizes);
      Value offset = arith::MulIOp::create(
          rewriter, loc, start,
          getValueOrCreateConstantIndexOp(rewriter, loc, strides[0]));
      return kernelView(rewriter, loc, buffer, sizes, strides, offset);
    };
    Value zero = indexConstant(rewriter, loc, 0);
    Value uView = chunkView(uBuffer, uSizes[2], first);
    Value xView = chunkView(x, rewriter.getIndexAttr(channels), zero);
    Value yView = chunkView(y, rewriter.getIndexAttr(outputs), first);

    // The convolution computes v = in_proj(u) as it loads it, where its
    // kernel reads v only by loads; otherwise v is projected first.
    FailureOr<bool> projected = callLongConvKernelWithPrologue(
        rewriter, op, "ssm_conv", "ldn_gpu_ssm_conv_input", {uView, inView},
        kView, xView, op.getBidirectional(), op.getStrategy());
    if (failed(projected))
      return failure();
    if (!*projected) {
      Value v = allocOutputBuffer(
          rewriter, loc, rowsOf(rows, rewriter.getIndexAttr(channels)));
      Value vView = chunkView(v, rewriter.getIndexAttr(channels), zero);
      if (failed(callKernel(rewriter, op, "ssm_conv",
                            "ldn_gpu_ssm_conv_project",
                            {uView, inView, vView})) ||
          failed(callLongConvKernel(rewriter, op, vView, kView, xView,
                                    op.getBidirectional(), op.getStrategy(),
                                    /*epilogue=*/nullptr)))
        return failure();
    }
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "ssm_conv", "ldn_gpu_ssm_conv_project",
        {xView, outView, yView}, epilogue, /*output=*/2);
    if (failed(fused))
      return failure();
    rewriter.setInsertionPointAfter(loop);
    replaceByBuffers(rewriter, op, {y}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateSsmConvKernel(RewritePatternSet &patterns) {
  patterns.add<SsmConvToKernels>(patterns.getContext());
}
