//===- Diffuse.cpp - ldn.diffuse as a temporally blocked stencil ----------===//
//
// x, alpha and the result are [B, T, D] views of row-major buffers; a
// per-channel alpha is the same view with strides (0, 0, 1), which the
// kernel tells apart by a flag (it keeps a per-channel rate in a register
// instead of staging rates per row). dt is passed as an f32 scalar: the 0-d
// operand, read on the host, takes precedence over the attribute. The kernel
// is Kernels/diffuse.mlir.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
struct DiffuseToKernel : OpRewritePattern<DiffuseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DiffuseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    insertRuntimeDimChecks(rewriter, op);
    Type f32 = rewriter.getF32Type();

    // R >= 1 (ops.md): the verifier checks a static band, a dynamic one is
    // checked at run time as in the CPU lowering.
    Value w = op.getW();
    if (cast<RankedTensorType>(w.getType()).isDynamicDim(0)) {
      Value hasWeights =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt,
                                lowering::getDim(rewriter, loc, w, 0),
                                indexConstant(rewriter, loc, 0));
      cf::AssertOp::create(
          rewriter, loc, hasWeights,
          "ldn.diffuse: 'w' must hold at least one offset weight (R >= 1)");
    }

    Value dt = op.getDtValue()
                   ? lowering::castFloat(
                         rewriter, loc,
                         tensor::ExtractOp::create(
                             rewriter, loc, op.getDtValue(), ValueRange{}),
                         f32)
                   : arith::ConstantOp::create(rewriter, loc, op.getDtAttr())
                         .getResult();

    Value x = op.getX();
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, x);
    SmallVector<OpFoldResult> strides = rowMajorStrides(rewriter, loc, sizes);
    OpFoldResult zero = rewriter.getIndexAttr(0);
    OpFoldResult one = rewriter.getIndexAttr(1);
    Value xView = kernelView(rewriter, loc, toInputBuffer(rewriter, loc, x),
                             sizes, strides);
    Value wView = kernelView(rewriter, loc, toInputBuffer(rewriter, loc, w),
                             {lowering::getSizes(rewriter, loc, w)[0]}, {one});
    Value alpha = op.getAlpha();
    bool perChannel = cast<RankedTensorType>(alpha.getType()).getRank() == 1;
    Value alphaView = kernelView(
        rewriter, loc, toInputBuffer(rewriter, loc, alpha), sizes,
        perChannel ? SmallVector<OpFoldResult>{zero, zero, one} : strides);

    Value y = allocOutputBuffer(rewriter, loc, sizes);
    Value yView = kernelView(rewriter, loc, y, sizes, strides);
    Value steps =
        indexConstant(rewriter, loc, static_cast<int64_t>(op.getSteps()));
    if (failed(callKernel(rewriter, op, "diffuse", "ldn_gpu_diffuse",
                          {xView, wView, alphaView, yView, dt, steps,
                           boolConstant(rewriter, loc, op.getCausal()),
                           boolConstant(rewriter, loc, perChannel)})))
      return failure();
    rewriter.replaceOp(op, toResultTensor(rewriter, loc, y, op.getType()));
    return success();
  }
};
} // namespace

void gpu_lowering::populateDiffuseKernel(RewritePatternSet &patterns) {
  patterns.add<DiffuseToKernel>(patterns.getContext());
}
