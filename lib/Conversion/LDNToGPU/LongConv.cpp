//===- LongConv.cpp - ldn.long_conv as a tiled or shared-memory FFT kernel ===//
//
// v and the result are [B, T, C] views, the kernel its [C, Lk] buffer. The
// strategy attribute goes to the kernel as an index (0 auto, 1 direct,
// 2 fft): which algorithm runs is decided on the host from the run-time
// sizes (Kernels/long_conv.mlir), since the FFT kernel only exists for
// transforms that fit in shared memory.
//
//===----------------------------------------------------------------------===//

#include "KernelLibrary.h"
#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {
/// The kernel's encoding of ConvStrategy.
int64_t strategyCode(ConvStrategy strategy) {
  switch (strategy) {
  case ConvStrategy::automatic:
    return 0;
  case ConvStrategy::direct:
    return 1;
  case ConvStrategy::fft:
    return 2;
  }
  llvm_unreachable("unknown ldn.long_conv strategy");
}

struct LongConvToKernel : OpRewritePattern<LongConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LongConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A fusable epilogue: the kernel runs where it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getY());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    lowering::assertEvenLags(rewriter, loc, op.getKernel(),
                             op.getBidirectional(), "ldn.long_conv");

    Value v = op.getV();
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, v);
    SmallVector<OpFoldResult> strides = rowMajorStrides(rewriter, loc, sizes);
    Value vView = kernelView(rewriter, loc, toInputBuffer(rewriter, loc, v),
                             sizes, strides);
    Value kView = inputView(rewriter, loc, op.getKernel());
    Value y = allocOutputBuffer(rewriter, loc, sizes);
    Value yView = kernelView(rewriter, loc, y, sizes, strides);
    FailureOr<bool> fused =
        callLongConvKernel(rewriter, op, vView, kView, yView,
                           op.getBidirectional(), op.getStrategy(), epilogue);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {y}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

/// The long_conv kernel's arguments.
static SmallVector<Value> longConvArgs(OpBuilder &b, Location loc, Value vView,
                                       Value kView, Value yView,
                                       bool bidirectional,
                                       ConvStrategy strategy) {
  return {vView, kView, yView, boolConstant(b, loc, bidirectional),
          indexConstant(b, loc, strategyCode(strategy))};
}

FailureOr<bool> gpu_lowering::callLongConvKernel(
    RewriterBase &rewriter, Operation *op, Value vView, Value kView,
    Value yView, bool bidirectional, ConvStrategy strategy,
    ElementwiseOp epilogue) {
  return callKernelWithEpilogue(
      rewriter, op, "long_conv", "ldn_gpu_long_conv",
      longConvArgs(rewriter, op->getLoc(), vView, kView, yView, bidirectional,
                   strategy),
      epilogue, /*output=*/2);
}

FailureOr<bool> gpu_lowering::callLongConvKernelWithPrologue(
    RewriterBase &rewriter, Operation *op, StringRef prologueFile,
    StringRef prologue, ValueRange prologueArgs, Value kView, Value yView,
    bool bidirectional, ConvStrategy strategy) {
  // v is never loaded: the output's view gives the kernel v's sizes.
  SmallVector<Value> args = longConvArgs(rewriter, op->getLoc(), yView, kView,
                                         yView, bidirectional, strategy);
  ArrayAttr constants = constantArguments(rewriter, args);
  auto module = op->getParentOfType<ModuleOp>();
  FailureOr<SmallVector<ArgumentAccess>> accesses = analyzeKernelArguments(
      module, "long_conv", "ldn_gpu_long_conv", constants);
  if (failed(accesses))
    return failure();
  if (!(*accesses)[0].onlyOwnLoads)
    return false;
  FailureOr<func::FuncOp> kernel = declareKernelWithPrologue(
      module, "long_conv", "ldn_gpu_long_conv", prologueFile, prologue,
      /*operand=*/0, ValueRange(prologueArgs).getTypes(), constants);
  if (failed(kernel))
    return failure();
  llvm::append_range(args, prologueArgs);
  func::CallOp::create(rewriter, op->getLoc(), *kernel, args);
  return true;
}

void gpu_lowering::populateLongConvKernel(RewritePatternSet &patterns) {
  patterns.add<LongConvToKernel>(patterns.getContext());
}
