//===- Scan.cpp - ldn.scan as a chunked GPU scan --------------------------===//
//
// The scanned dimension becomes the middle one of an [O, T, C] view (O: the
// dimensions before it, C: those after it), with no data movement: the views
// are strided reinterpretations of the row-major buffers. A 1-D `a` is the
// same view with strides (0, 0, 1). The kernel is Kernels/scan.mlir.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
struct ScanToKernel : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A fusable epilogue: the kernel runs where it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getResult(0));
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    Value b = op.getB();
    auto dim = static_cast<int64_t>(op.getDim());
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, b);
    auto rank = static_cast<int64_t>(sizes.size());
    OpFoldResult outer = product(rewriter, loc, ArrayRef(sizes).take_front(dim));
    OpFoldResult length = sizes[dim];
    OpFoldResult inner =
        product(rewriter, loc, ArrayRef(sizes).drop_front(dim + 1));
    SmallVector<OpFoldResult> view3 = {outer, length, inner};
    SmallVector<OpFoldResult> strides3 =
        rowMajorStrides(rewriter, loc, view3);
    SmallVector<OpFoldResult> view2 = {outer, inner};
    SmallVector<OpFoldResult> strides2 = {inner, rewriter.getIndexAttr(1)};
    OpFoldResult zero = rewriter.getIndexAttr(0);

    // A per-channel decay (b's last dimension) is a stride-0 view when the
    // channels are all of the inner dimension; otherwise it is broadcast to
    // b's shape first.
    Value a = op.getA();
    bool perChannel = cast<RankedTensorType>(a.getType()).getRank() == 1;
    if (perChannel && dim != rank - 2) {
      SmallVector<int64_t> broadcastDims;
      for (int64_t i = 0; i < rank - 1; ++i)
        broadcastDims.push_back(i);
      Value init = lowering::createEmpty(
          rewriter, loc, sizes,
          cast<RankedTensorType>(a.getType()).getElementType());
      a = linalg::BroadcastOp::create(rewriter, loc, a, init, broadcastDims)
              ->getResult(0);
      perChannel = false;
    }
    Value aBuffer = toInputBuffer(rewriter, loc, a);
    Value aView =
        perChannel ? kernelView(rewriter, loc, aBuffer, view3,
                                {zero, zero, rewriter.getIndexAttr(1)})
                   : kernelView(rewriter, loc, aBuffer, view3, strides3);
    Value bView = kernelView(rewriter, loc, toInputBuffer(rewriter, loc, b),
                             view3, strides3);
    Value hasInit = boolConstant(rewriter, loc, op.getInit() != nullptr);
    Value initView;
    if (op.getInit())
      initView = kernelView(rewriter, loc,
                            toInputBuffer(rewriter, loc, op.getInit()), view2,
                            strides2);

    Value all = allocOutputBuffer(rewriter, loc, sizes);
    Value last = allocOutputBuffer(rewriter, loc,
                                   lowering::dropDim(sizes, dim));
    Value allView = kernelView(rewriter, loc, all, view3, strides3);
    Value lastView = kernelView(rewriter, loc, last, view2, strides2);
    if (!initView)
      initView = lastView; // not read: has_init is false
    FailureOr<bool> fused = callKernelWithEpilogue(
        rewriter, op, "scan", "ldn_gpu_scan",
        {aView, bView, initView, allView, lastView,
         boolConstant(rewriter, loc, op.getReverse()), hasInit},
        epilogue, /*output=*/3);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {all, last}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateScanKernel(RewritePatternSet &patterns) {
  patterns.add<ScanToKernel>(patterns.getContext());
}
