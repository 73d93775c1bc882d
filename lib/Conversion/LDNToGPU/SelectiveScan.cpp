//===- SelectiveScan.cpp - ldn.selective_scan as one GPU kernel -----------===//
//
// Every operand is a flat view of its row-major buffer and the kernel
// (Kernels/selective_scan.mlir) gets the sizes B, T, D, N, so that the
// operands of one shape share their index arithmetic. The optional operands
// become flags; the kernel never reads the stand-in view passed in place of
// an absent one. After specialization to the call site the flags fold away,
// and with them every access to an absent operand.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
/// `buffer` (row-major, of the given sizes) as the kernel's flat view.
Value flatView(OpBuilder &b, Location loc, Value buffer,
               ArrayRef<OpFoldResult> sizes) {
  return kernelView(b, loc, buffer, {product(b, loc, sizes)},
                    {b.getIndexAttr(1)});
}

/// The kernel's flat view of `tensor` as an f32 buffer.
Value inputView(OpBuilder &b, Location loc, Value tensor) {
  return flatView(b, loc, toInputBuffer(b, loc, tensor),
                  lowering::getSizes(b, loc, tensor));
}

struct SelectiveScanToKernel : OpRewritePattern<SelectiveScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SelectiveScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A fusable epilogue: the kernel runs where it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getY());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    SmallVector<OpFoldResult> ySizes =
        lowering::reifyResultSizes(rewriter, op.getY()); // [B, T, D]
    SmallVector<OpFoldResult> hSizes =
        lowering::reifyResultSizes(rewriter, op.getFinalState()); // [B, D, N]

    Value x = inputView(rewriter, loc, op.getX());
    Value delta = inputView(rewriter, loc, op.getDelta());
    Value a = inputView(rewriter, loc, op.getA());
    Value b = inputView(rewriter, loc, op.getB());
    Value c = inputView(rewriter, loc, op.getC());
    Value y = allocOutputBuffer(rewriter, loc, ySizes);
    Value last = allocOutputBuffer(rewriter, loc, hSizes);
    Value yView = flatView(rewriter, loc, y, ySizes);
    Value lastView = flatView(rewriter, loc, last, hSizes);

    // Stand-ins for absent operands (never read: their flag is false).
    auto optionalView = [&](Value operand) {
      return operand ? inputView(rewriter, loc, operand) : lastView;
    };
    SmallVector<Value> args = {x,
                               delta,
                               a,
                               b,
                               c,
                               optionalView(op.getD()),
                               optionalView(op.getZ()),
                               optionalView(op.getDbias()),
                               optionalView(op.getInit()),
                               yView,
                               lastView};
    // B, T, D, N.
    for (OpFoldResult size : {ySizes[0], ySizes[1], ySizes[2], hSizes[2]})
      args.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
    for (bool flag :
         {op.getD() != nullptr, op.getZ() != nullptr, op.getDbias() != nullptr,
          op.getInit() != nullptr, op.getDeltaSoftplus()})
      args.push_back(boolConstant(rewriter, loc, flag));
    FailureOr<bool> fused =
        callKernelWithEpilogue(rewriter, op, "selective_scan",
                               "ldn_gpu_selective_scan", args, epilogue,
                               /*output=*/9);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {y, last}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateSelectiveScanKernel(RewritePatternSet &patterns) {
  patterns.add<SelectiveScanToKernel>(patterns.getContext());
}
