//===- AttentionDiffuse.cpp - ldn.attention_diffuse as GPU kernels --------===//
//
// q, k, v and the result are [B, T, H, d|e] views of row-major f32 buffers.
// The pattern's rules become kernel scalars, except the globals: sorted and
// made unique here (the pattern is a set), they are an i64 constant that the
// host function copies where the kernels can read it. `lengths` stays i32;
// its values are checked on the host first (ops.md: a length outside [0, T]
// is a run-time error). The kernels are Kernels/attention_diffuse.mlir.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::gpu_lowering;

namespace {

/// Asserts on the host that every lengths[b] is in [0, T].
void checkLengths(OpBuilder &b, Location loc, Value lengths, Value length) {
  Value zero = indexConstant(b, loc, 0);
  Value rows = lowering::getDim(b, loc, lengths, 0);
  scf::ForOp::create(
      b, loc, zero, rows, indexConstant(b, loc, 1), ValueRange{},
      [&](OpBuilder &lb, Location lloc, Value row, ValueRange) {
        Value value = arith::IndexCastOp::create(
            lb, lloc, lb.getIndexType(),
            tensor::ExtractOp::create(lb, lloc, lengths, ValueRange{row}));
        Value inRange = arith::AndIOp::create(
            lb, lloc,
            arith::CmpIOp::create(lb, lloc, arith::CmpIPredicate::sge, value,
                                  zero),
            arith::CmpIOp::create(lb, lloc, arith::CmpIPredicate::sle, value,
                                  length));
        cf::AssertOp::create(lb, lloc, inRange,
                             "'ldn.attention_diffuse' op every 'lengths' "
                             "value must be in [0, T]");
        scf::YieldOp::create(lb, lloc);
      });
}

/// A 1-D tensor as a read-only buffer of dynamic size, its element type
/// unchanged.
Value toDynamicBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto toBuffer = bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor);
  toBuffer.setReadOnly(true);
  auto dynamicType =
      MemRefType::get({ShapedType::kDynamic}, type.getElementType());
  if (toBuffer.getType() == dynamicType)
    return toBuffer;
  return memref::CastOp::create(b, loc, dynamicType, toBuffer);
}

/// A constant 1-D buffer (read by host code only: a constant becomes a host
/// global).
Value constantBuffer(OpBuilder &b, Location loc, DenseElementsAttr values) {
  return toDynamicBuffer(b, loc, arith::ConstantOp::create(b, loc, values));
}


struct AttentionDiffuseToKernel : OpRewritePattern<AttentionDiffuseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionDiffuseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A fusable epilogue: the kernel runs where it is (see fusableEpilogue).
    ElementwiseOp epilogue = fusableEpilogue(op, op.getZ());
    OpBuilder::InsertionGuard guard(rewriter);
    if (epilogue)
      rewriter.setInsertionPoint(epilogue);
    insertRuntimeDimChecks(rewriter, op);
    Value q = op.getQ();
    Value lengthValue = lowering::getDim(rewriter, loc, q, 1);
    Value lengths = op.getLengths();
    if (lengths)
      checkLengths(rewriter, loc, lengths, lengthValue);

    SmallVector<OpFoldResult> qSizes = lowering::getSizes(rewriter, loc, q);
    SmallVector<OpFoldResult> vSizes =
        lowering::getSizes(rewriter, loc, op.getV());
    // The result's sizes: B, T, H of q (verified equal to v's), e of v.
    SmallVector<OpFoldResult> zSizes = {qSizes[0], qSizes[1], qSizes[2],
                                        vSizes[3]};
    Value qView = inputView(rewriter, loc, q, qSizes);
    Value kView = inputView(rewriter, loc, op.getK(), qSizes);
    Value vView = inputView(rewriter, loc, op.getV(), zSizes);

    // lengths as i32; without them a 1-element buffer that is never read.
    Type i32 = rewriter.getI32Type();
    auto lengthsType = MemRefType::get({ShapedType::kDynamic}, i32);
    Value lengthsBuffer =
        lengths ? toDynamicBuffer(rewriter, loc, lengths)
                : memref::CastOp::create(
                      rewriter, loc, lengthsType,
                      memref::AllocaOp::create(rewriter, loc,
                                               MemRefType::get({1}, i32)));

    PatternAttr pattern = op.getPattern();
    SmallVector<int64_t> globals(pattern.getGlobals());
    llvm::sort(globals);
    globals.erase(llvm::unique(globals), globals.end());
    Type i64 = rewriter.getI64Type();
    Value globalsBuffer = constantBuffer(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(globals.size())}, i64),
            ArrayRef(globals)));
    // θ_0..θ_hops for mode coeffs; other modes never read it.
    SmallVector<float> theta = {0.0f};
    if (std::optional<ArrayRef<float>> coeffs = op.getCoeffs())
      theta.assign(coeffs->begin(), coeffs->end());
    Value coeffsBuffer = constantBuffer(
        rewriter, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(theta.size())},
                                  rewriter.getF32Type()),
            ArrayRef(theta)));

    Value out = allocOutputBuffer(rewriter, loc, zSizes);
    Value outView = rowMajorView(rewriter, loc, out, zSizes);
    int64_t window = pattern.getDense() ? 0 : pattern.getWindow();
    // Without blocks the stride is unused; 1 keeps the kernel's divisions
    // defined.
    int64_t stride = window > 0 ? pattern.getStride() : 1;
    SmallVector<Value> args = {
        qView,
        kView,
        vView,
        lengthsBuffer,
        globalsBuffer,
        coeffsBuffer,
        outView,
        boolConstant(rewriter, loc, lengths != nullptr),
        boolConstant(rewriter, loc, pattern.getDense()),
        boolConstant(rewriter, loc, pattern.getCausal()),
        indexConstant(rewriter, loc, window),
        indexConstant(rewriter, loc, stride),
        indexConstant(rewriter, loc, pattern.getDense() ? 0
                                                        : pattern.getRandom()),
        arith::ConstantIntOp::create(rewriter, loc, i64,
                                     static_cast<int64_t>(pattern.getSeed())),
        lowering::attentionScoreScale(rewriter, loc, op),
        indexConstant(rewriter, loc, static_cast<int64_t>(op.getMode())),
        indexConstant(rewriter, loc, static_cast<int64_t>(op.getHops())),
        arith::ConstantOp::create(
            rewriter, loc,
            rewriter.getF32FloatAttr(op.getAlpha().convertToFloat()))};
    FailureOr<bool> fused =
        callKernelWithEpilogue(rewriter, op, "attention_diffuse",
                               "ldn_gpu_attention_diffuse", args, epilogue,
                               /*output=*/6);
    if (failed(fused))
      return failure();
    replaceByBuffers(rewriter, op, {out}, *fused ? epilogue : nullptr);
    return success();
  }
};
} // namespace

void gpu_lowering::populateAttentionDiffuseKernel(
    RewritePatternSet &patterns) {
  patterns.add<AttentionDiffuseToKernel>(patterns.getContext());
}
