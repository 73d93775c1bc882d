//===- Utils.h - helpers shared by the ldn-to-linalg lowerings --*- C++ -*-===//

#ifndef LDN_LIB_CONVERSION_LDNTOLINALG_UTILS_H
#define LDN_LIB_CONVERSION_LDNTOLINALG_UTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::ldn {
class AttentionDiffuseOp;
} // namespace mlir::ldn

namespace mlir::ldn::lowering {

/// The sizes of a ranked tensor: constants where static, tensor.dim otherwise.
SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value tensor);

/// Dimension `dim` of a ranked tensor as an index value.
Value getDim(OpBuilder &b, Location loc, Value tensor, int64_t dim);

/// `sizes` with entry `dim` removed.
SmallVector<OpFoldResult> dropDim(ArrayRef<OpFoldResult> sizes, int64_t dim);

/// A tensor.empty of the given sizes and element type.
Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType);

/// A tensor of the given sizes filled with `value` (linalg.fill).
Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value);

/// Converts a tensor to another float element type (extf/truncf in a
/// linalg.generic); returns it unchanged when the type already matches.
Value convertElementType(OpBuilder &b, Location loc, Value tensor,
                         Type elementType);

/// Scalar float conversions inside region bodies: extend to f32 / convert an
/// f32 (or any float) back to `type`. No-ops when the types already match.
Value castFloat(OpBuilder &b, Location loc, Value scalar, Type type);

/// The rank-reduced slice of `source` at index `pos` of dimension `dim`
/// (all of every other dimension).
Value extractSliceAt(OpBuilder &b, Location loc, Value source, int64_t dim,
                     OpFoldResult pos);

/// Inserts the rank-reduced `slice` into `dest` at index `pos` of `dim`.
Value insertSliceAt(OpBuilder &b, Location loc, Value slice, Value dest,
                    int64_t dim, OpFoldResult pos);

/// Overflow-safe softplus: max(x, 0) + log1p(exp(-|x|)).
Value createSoftplus(OpBuilder &b, Location loc, Value x);

/// x * sigmoid(x).
Value createSilu(OpBuilder &b, Location loc, Value x);

/// `parallel` iterator types for a rank-`rank` elementwise generic.
SmallVector<utils::IteratorType> parallelIterators(int64_t rank);

/// `tensor` with type `type` (a tensor.cast when they differ), for results
/// whose declared type is more static than the computed one.
Value castToType(OpBuilder &b, Location loc, Value tensor, Type type);

/// An operand of `updateWindow`: `tensor` read over the window that starts at
/// `offset` along the windowed dimension (all of every other dimension).
struct WindowOperand {
  Value tensor;
  OpFoldResult offset;
};

/// Elementwise update of a window of `dest`: the `length` entries of
/// dimension `dim` starting at `destOffset`, all of the other dimensions.
/// Each of `windows` is read over a window of the same length at its own
/// offset; `channelOperands` are 1-D tensors broadcast along every dimension
/// but the last (per-channel values). `body` gets the window scalars, then the
/// channel scalars, then the current `dest` scalar, and returns the new one.
/// Emitted as extract_slice / parallel linalg.generic / insert_slice, so it
/// updates `dest` in place after bufferization. The shifted-slice stencils
/// (ldn.diffuse, the direct ldn.long_conv) are sums of such updates.
Value updateWindow(
    OpBuilder &b, Location loc, Value dest, int64_t dim,
    OpFoldResult destOffset, OpFoldResult length,
    ArrayRef<WindowOperand> windows, ValueRange channelOperands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body);


//===----------------------------------------------------------------------===//
// Helpers of linear_attention, additive_decay, lrpe and attention_diffuse.
//===----------------------------------------------------------------------===//

/// The sizes of `result` from its op's ReifyRankedShapedTypeOpInterface:
/// constants wherever the declared result type is static, so a tensor.empty
/// of these sizes has exactly the declared type.
SmallVector<OpFoldResult> reifyResultSizes(OpBuilder &b, Value result);

/// An affine map from `numDims` loop dimensions to the listed ones, e.g.
/// dimsMap(ctx, 5, {0, 2, 3}) = (d0, d1, d2, d3, d4) -> (d0, d2, d3).
AffineMap dimsMap(MLIRContext *context, unsigned numDims,
                  ArrayRef<unsigned> dims);

/// `parallel` iterators except `reduction` at the listed dimensions.
SmallVector<utils::IteratorType>
iteratorsWithReductions(int64_t rank, ArrayRef<int64_t> reductionDims);

/// The range [offset, offset + size) of dimension `dim`.
struct DimRange {
  int64_t dim;
  OpFoldResult offset;
  OpFoldResult size;
};

/// The (not rank-reduced) slice of `source` restricted to `ranges`, all of
/// every other dimension.
Value extractRanges(OpBuilder &b, Location loc, Value source,
                    ArrayRef<DimRange> ranges);

/// Inserts `slice` into `dest` over `ranges` (all of every other dimension
/// of `dest`); the inverse of extractRanges.
Value insertRanges(OpBuilder &b, Location loc, Value slice, Value dest,
                   ArrayRef<DimRange> ranges);

/// Writes `source` converted to `dest`'s float element type into `dest`
/// (destination-passing form of convertElementType; same shape).
Value convertInto(OpBuilder &b, Location loc, Value source, Value dest);

/// softmax of `input` along `dim`, computed in f32 and written into `dest`
/// (same shape, f32; may be `input` itself): max, then the sum of
/// exp(x - max), then exp(x - max) / sum, as three generics whose reduction
/// is over `dim`. Entries of -inf get weight 0, and a slice that is -inf
/// everywhere (no valid entry: a fully masked attention row) gives all 0s
/// rather than NaN.
Value createSoftmax(OpBuilder &b, Location loc, Value input, int64_t dim,
                    Value dest);

//===----------------------------------------------------------------------===//
// Op semantics that ldn-to-gpu shares with these lowerings.
//===----------------------------------------------------------------------===//

/// ldn.attention_diffuse's score scale: the `scale` attribute, or 1/sqrt(d)
/// (computed at run time for a dynamic d).
Value attentionScoreScale(OpBuilder &b, Location loc, AttentionDiffuseOp op);

/// ldn.lrpe: T (dimension 1 of x) must be P + prod(grid) = `tokens`; a
/// cf.assert when T is dynamic (the verifier checked a static T).
void assertLrpeSequenceLength(OpBuilder &b, Location loc, Value x,
                              int64_t tokens);

/// ldn.lrpe: m * e >= d (otherwise some feature would have no angle); a
/// cf.assert when d or e is dynamic (the verifier checked them otherwise).
void assertLrpeCoverage(OpBuilder &b, Location loc, Value x, Value theta,
                        int64_t axes);

/// A run-time check that a bidirectional convolution `kernel` with a
/// dynamic length holds an even number 2L of lags (a static one is
/// verified); `opName` starts the message.
void assertEvenLags(OpBuilder &b, Location loc, Value kernel,
                    bool bidirectional, StringRef opName);

/// Run-time checks that each tensor input of an ldn.elementwise has the
/// trailing part of `sourceSizes` (ops.md: mismatches only visible at run
/// time are errors). Scalars are skipped.
void assertTrailingSizes(OpBuilder &b, Location loc,
                         ArrayRef<OpFoldResult> sourceSizes,
                         ValueRange inputs);

} // namespace mlir::ldn::lowering

#endif // LDN_LIB_CONVERSION_LDNTOLINALG_UTILS_H
