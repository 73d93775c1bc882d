//===- AdditiveDecay.cpp - ldn.additive_decay as GPU scans/reductions -----===//
//
// k [B,T,H,d] is viewed as [B,T,C] with C = H*d (the channels of a row are
// contiguous in the row-major buffer, so this is a strided reinterpretation,
// no copy); both results are fresh [B,T,H,d] f32 buffers with the same view.
// The sink becomes the scan's initial log-sum-exp z_{-1} (-inf without one).
// The kernel is Kernels/additive_decay.mlir.
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
struct AdditiveDecayToKernel : OpRewritePattern<AdditiveDecayOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AdditiveDecayOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // An epilogue of either result (one per kernel); the kernel runs where
    // it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getKNorm());
    unsigned output = 1;
    if (!epilogue) {
      epilogue = fusableEpilogue(op, op.getDecay());
      output = 2;
    }
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    Value k = op.getK();
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, k);
    SmallVector<OpFoldResult> view = {
        sizes[0], sizes[1],
        product(rewriter, loc, ArrayRef(sizes).drop_front(2))};
    SmallVector<OpFoldResult> strides = rowMajorStrides(rewriter, loc, view);

    Value keys =
        kernelView(rewriter, loc, toInputBuffer(rewriter, loc, k), view,
                   strides);
    Value kNorm = allocOutputBuffer(rewriter, loc, sizes);
    Value decay = allocOutputBuffer(rewriter, loc, sizes);
    std::optional<APFloat> sink = op.getSink();
    float zInit = sink ? sink->convertToFloat()
                       : -std::numeric_limits<float>::infinity();
    Value zInitValue = arith::ConstantOp::create(
        rewriter, loc, rewriter.getF32FloatAttr(zInit));
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "additive_decay", "ldn_gpu_additive_decay",
        {keys, kernelView(rewriter, loc, kNorm, view, strides),
         kernelView(rewriter, loc, decay, view, strides),
         boolConstant(rewriter, loc, op.getCausal()), zInitValue},
        epilogue, output);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {kNorm, decay},
                     *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateAdditiveDecayKernel(RewritePatternSet &patterns) {
  patterns.add<AdditiveDecayToKernel>(patterns.getContext());
}
