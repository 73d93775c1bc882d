//===- LinearAttention.cpp - ldn.linear_attention as a GPU recurrence -----===//
//
// The operands keep their [B,T,H,*] / [B,H,dk,dv] layouts (row-major views
// of the buffers, no copies). A per-head decay [B,T,H] is viewed as
// [B,T,H,1], so the kernel reads every decay through one 4-D view; whether
// it is per head or per channel is a flag, so that the per-head form loads
// (and exponentiates) one gate per step, not dk.
// Absent optional operands are replaced by another view of the same rank
// that the kernel never reads (its flag is false). The kernel is
// Kernels/linear_attention.mlir.
//
// ldn.lightnet_attention runs the same kernel from its own entry, which
// rotates q and k and normalizes k as the kernel stages them (see there).
// The rotation factors are lrpe of ones [1,T,H,d]: a batch-free table made
// by the lrpe kernel, so the rotation is lrpe's own arithmetic.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

#include <limits>

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
struct LinearAttentionToKernel : OpRewritePattern<LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A fusable epilogue: the kernel runs where it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getO());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    // [B,T,H,dk] from q, dv from v: the run-time checks made the other
    // operands agree.
    SmallVector<OpFoldResult> qSizes =
        lowering::getSizes(rewriter, loc, op.getQ());
    OpFoldResult dv = lowering::getSizes(rewriter, loc, op.getV())[3];
    SmallVector<OpFoldResult> vSizes = {qSizes[0], qSizes[1], qSizes[2], dv};
    SmallVector<OpFoldResult> stateSizes = {qSizes[0], qSizes[2], qSizes[3],
                                            dv};
    Value q = inputView(rewriter, loc, op.getQ(), qSizes);
    Value k = inputView(rewriter, loc, op.getK(), qSizes);
    Value v = inputView(rewriter, loc, op.getV(), vSizes);

    bool perChannel = false;
    Value decay = q; // not read without a decay
    if (Value logDecay = op.getDecay()) {
      perChannel = cast<RankedTensorType>(logDecay.getType()).getRank() == 4;
      SmallVector<OpFoldResult> decaySizes(qSizes);
      if (!perChannel)
        decaySizes[3] = rewriter.getIndexAttr(1);
      decay = inputView(rewriter, loc, logDecay, decaySizes);
    }

    Value o = allocOutputBuffer(rewriter, loc, vSizes);
    Value state = allocOutputBuffer(rewriter, loc, stateSizes);
    Value oView = rowMajorView(rewriter, loc, o, vSizes);
    Value stateView = rowMajorView(rewriter, loc, state, stateSizes);
    Value init = op.getInit()
                     ? inputView(rewriter, loc, op.getInit(), stateSizes)
                     : stateView; // not read without init
    Value scale = arith::ConstantOp::create(
        rewriter, loc, rewriter.getF32FloatAttr(op.getScale().convertToFloat()));
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "linear_attention", "ldn_gpu_linear_attention",
        {q, k, v, decay, init, oView, stateView,
         boolConstant(rewriter, loc, op.getCausal()),
         boolConstant(rewriter, loc, op.getDecay() != nullptr),
         boolConstant(rewriter, loc, perChannel),
         boolConstant(rewriter, loc, op.getInit() != nullptr), scale},
        epilogue, /*output=*/5);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {o, state}, *fused ? epilogue : nullptr);
    return success();
  }
};

struct LightNetAttentionToKernel : OpRewritePattern<LightNetAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LightNetAttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ElementwiseOp epilogue = fusableEpilogue(op, op.getO());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    // [B,T,H,d] from q, dv from v, 2d rotated channels.
    SmallVector<OpFoldResult> qSizes =
        lowering::getSizes(rewriter, loc, op.getQ());
    OpFoldResult dv = lowering::getSizes(rewriter, loc, op.getV())[3];
    SmallVector<OpFoldResult> vSizes = {qSizes[0], qSizes[1], qSizes[2], dv};
    SmallVector<OpFoldResult> stateSizes =
        lowering::reifyResultSizes(rewriter, op.getFinalState());

    // lrpe of ones: [cos Θ | sin Θ] per token and head (its lowering checks
    // T against the grid).
    SmallVector<OpFoldResult> onesSizes(qSizes);
    onesSizes[0] = rewriter.getIndexAttr(1);
    Value ones = lowering::createFilled(rewriter, loc, onesSizes,
                                        rewriter.getF32Type(), 1.0);
    Value table = LrpeOp::create(rewriter, loc, ones, op.getTheta(),
                                 op.getGridAttr(), op.getPrefixAttr())
                      .getY();
    SmallVector<OpFoldResult> tableSizes(onesSizes);
    tableSizes[3] = stateSizes[2];

    Value o = allocOutputBuffer(rewriter, loc, vSizes);
    Value state = allocOutputBuffer(rewriter, loc, stateSizes);
    Value oView = rowMajorView(rewriter, loc, o, vSizes);
    Value stateView = rowMajorView(rewriter, loc, state, stateSizes);
    float sink = op.getSink() ? op.getSink()->convertToFloat()
                              : -std::numeric_limits<float>::infinity();
    auto f32Constant = [&](float value) {
      return arith::ConstantOp::create(rewriter, loc,
                                       rewriter.getF32FloatAttr(value));
    };
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "linear_attention", "ldn_gpu_lightnet_attention",
        {inputView(rewriter, loc, op.getQ(), qSizes),
         inputView(rewriter, loc, op.getK(), qSizes),
         inputView(rewriter, loc, op.getV(), vSizes),
         inputView(rewriter, loc, table, tableSizes), oView, stateView,
         boolConstant(rewriter, loc, op.getCausal()), f32Constant(sink),
         f32Constant(op.getScale().convertToFloat())},
        epilogue, /*output=*/4);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {o, state}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateLinearAttentionKernel(RewritePatternSet &patterns) {
  patterns.add<LinearAttentionToKernel, LightNetAttentionToKernel>(
      patterns.getContext());
}
