//===- Utils.h - helpers shared by the ldn-to-gpu lowerings -----*- C++ -*-===//
//
// Every GPU lowering has the same shape: operands become f32 buffers, viewed
// by the kernel through fully dynamic strided memrefs (so one kernel serves
// every rank, layout and broadcast), results are fresh buffers, and a call
// to the kernel's host function fills them.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_LIB_CONVERSION_LDNTOGPU_UTILS_H
#define LDN_LIB_CONVERSION_LDNTOGPU_UTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ldn {
class ElementwiseOp;
} // namespace mlir::ldn

namespace mlir::ldn::gpu_lowering {

/// `tensor` as an f32 buffer with the identity layout, for reading only
/// (converted to f32 first when it is f16/bf16).
Value toInputBuffer(OpBuilder &b, Location loc, Value tensor);

/// A new f32 buffer of the given sizes, for a kernel to write.
Value allocOutputBuffer(OpBuilder &b, Location loc,
                        ArrayRef<OpFoldResult> sizes);

/// The kernel's view of `buffer` (identity layout): `sizes` and `strides` in
/// elements from `offset` (default: the start of the buffer), as a memref
/// with fully dynamic sizes, strides and offset (the type every kernel
/// argument has). A stride 0 broadcasts.
Value kernelView(OpBuilder &b, Location loc, Value buffer,
                 ArrayRef<OpFoldResult> sizes, ArrayRef<OpFoldResult> strides,
                 Value offset = nullptr);

/// kernelView of all of `buffer` at `sizes`, row-major.
Value rowMajorView(OpBuilder &b, Location loc, Value buffer,
                   ArrayRef<OpFoldResult> sizes);

/// The kernel's row-major view of input `tensor` (toInputBuffer, then
/// rowMajorView at the tensor's sizes).
Value inputView(OpBuilder &b, Location loc, Value tensor);
/// The same at `sizes`: the operand's own, taken from another operand that
/// the run-time checks made it agree with (or with a unit dimension added).
Value inputView(OpBuilder &b, Location loc, Value tensor,
                ArrayRef<OpFoldResult> sizes);

/// Row-major strides for `sizes`.
SmallVector<OpFoldResult> rowMajorStrides(OpBuilder &b, Location loc,
                                          ArrayRef<OpFoldResult> sizes);

/// The product of `sizes` (1 for none).
OpFoldResult product(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes);

/// The op result held by `buffer` once the kernel has run: its tensor,
/// converted to `resultType`'s element type and cast to its (possibly more
/// static) shape.
Value toResultTensor(OpBuilder &b, Location loc, Value buffer,
                     Type resultType);

/// Calls the kernel host function `name` of Kernels/`file`.mlir with `args`,
/// declaring the function in the enclosing module the first time (its body
/// comes with ldn-define-gpu-kernels).
LogicalResult callKernel(RewriterBase &rewriter, Operation *op,
                         StringRef file, StringRef name, ValueRange args);

/// `result`'s only user if it is an ldn.elementwise that the kernel
/// computing `result` for `anchor` may apply as it stores (docs/fusion.md):
/// f32 in and out (the kernels store f32), and no use of `anchor`'s other
/// results before it, since the fused kernel runs where the epilogue is
/// (its inputs may be computed after `anchor`). Null otherwise. A lowering
/// that gets one builds its kernel call at the epilogue.
ElementwiseOp fusableEpilogue(Operation *anchor, Value result);

/// The call site's constant arguments, one entry per argument: its value
/// where it is a constant, a UnitAttr otherwise. A fused copy of a kernel
/// is specialized to them, which removes the code paths other flags take.
ArrayAttr constantArguments(Builder &b, ValueRange args);

/// callKernel, with `epilogue` (from fusableEpilogue, or null) applied by
/// the kernel to everything it stores to argument `output` when the kernel
/// allows it (analyzeKernelArguments). Returns whether it was: then `output`
/// holds the epilogue's result, and the caller replaces the epilogue by it.
FailureOr<bool> callKernelWithEpilogue(RewriterBase &rewriter, Operation *op,
                                       StringRef file, StringRef name,
                                       ValueRange args, ElementwiseOp epilogue,
                                       unsigned output);

/// Replaces `op` by the tensors of `buffers`, one per result (see
/// toResultTensor). `fused`, if not null, is an epilogue of one of the
/// results that the kernel applied: its buffer holds the epilogue's result,
/// which replaces `fused` as well.
void replaceByBuffers(RewriterBase &rewriter, Operation *op,
                      ArrayRef<Value> buffers, ElementwiseOp fused);

/// An i1 / index constant.
Value boolConstant(OpBuilder &b, Location loc, bool value);
Value indexConstant(OpBuilder &b, Location loc, int64_t value);

} // namespace mlir::ldn::gpu_lowering

#endif // LDN_LIB_CONVERSION_LDNTOGPU_UTILS_H
