//===- SsmKernel.cpp - ldn.ssm_kernel as a closed-form GPU kernel ---------===//
//
// The three [N] parameter vectors are 1-D views, the result an [N, L] or
// [N, 2L] row-major buffer; `length` and the attributes are kernel scalars.
// The kernel is Kernels/ssm_kernel.mlir.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
struct SsmKernelToKernel : OpRewritePattern<SsmKernelOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SsmKernelOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    insertRuntimeDimChecks(rewriter, op);
    // [N, L] or [N, 2L]: constants where the declared type is static.
    SmallVector<OpFoldResult> sizes =
        lowering::reifyResultSizes(rewriter, op.getKernel());
    // First: the result sizes are only valid for a non-negative `length`.
    assertRuntimeSizes(rewriter, loc, op, sizes[0]);

    SmallVector<OpFoldResult> modes = {sizes[0]};
    SmallVector<OpFoldResult> unit = {rewriter.getIndexAttr(1)};
    SmallVector<Value> args;
    for (Value parameter : {op.getLambdaRe(), op.getLambdaIm(), op.getLogDt()})
      args.push_back(kernelView(
          rewriter, loc, toInputBuffer(rewriter, loc, parameter), modes, unit));
    Value kernel = allocOutputBuffer(rewriter, loc, sizes);
    args.push_back(rowMajorView(rewriter, loc, kernel, sizes));
    args.append({op.getLength(),
                 boolConstant(rewriter, loc,
                              op.getMethod() == Discretization::bilinear),
                 boolConstant(rewriter, loc, op.getBidirectional())});
    if (failed(
            callKernel(rewriter, op, "ssm_kernel", "ldn_gpu_ssm_kernel", args)))
      return failure();
    rewriter.replaceOp(op, toResultTensor(rewriter, loc, kernel, op.getType()));
    return success();
  }

private:
  /// The run-time checks that insertRuntimeDimChecks (operand against
  /// operand) leaves: `length` >= 0 when it is not a constant (the verifier
  /// checked constants), and a static mode count `modes` of the result
  /// against a dynamic `lambda_re`.
  static void assertRuntimeSizes(OpBuilder &b, Location loc, SsmKernelOp op,
                                 OpFoldResult modes) {
    if (!matchPattern(op.getLength(), m_Constant())) {
      Value nonNegative =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                op.getLength(), indexConstant(b, loc, 0));
      cf::AssertOp::create(b, loc, nonNegative,
                           "ldn.ssm_kernel: 'length' must be >= 0");
    }
    Value re = op.getLambdaRe();
    std::optional<int64_t> staticModes = getConstantIntValue(modes);
    if (staticModes && cast<RankedTensorType>(re.getType()).isDynamicDim(0)) {
      Value equal = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          lowering::getDim(b, loc, re, 0),
                                          indexConstant(b, loc, *staticModes));
      cf::AssertOp::create(b, loc, equal,
                           "ldn.ssm_kernel: the result must have as many "
                           "modes N as 'lambda_re'");
    }
  }
};
} // namespace

void gpu_lowering::populateSsmKernelKernel(RewritePatternSet &patterns) {
  patterns.add<SsmKernelToKernel>(patterns.getContext());
}
