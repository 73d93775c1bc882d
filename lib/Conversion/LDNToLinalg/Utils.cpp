//===- Utils.cpp - helpers shared by the ldn-to-linalg lowerings ----------===//

#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace mlir::ldn::lowering {

SmallVector<OpFoldResult> getSizes(OpBuilder &b, Location loc, Value tensor) {
  return tensor::getMixedSizes(b, loc, tensor);
}

Value getDim(OpBuilder &b, Location loc, Value tensor, int64_t dim) {
  return getValueOrCreateConstantIndexOp(
      b, loc, tensor::getMixedSize(b, loc, tensor, dim));
}

SmallVector<OpFoldResult> dropDim(ArrayRef<OpFoldResult> sizes, int64_t dim) {
  SmallVector<OpFoldResult> result(sizes);
  result.erase(result.begin() + dim);
  return result;
}

Value createEmpty(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value) {
  Value empty = createEmpty(b, loc, sizes, elementType);
  Value scalar = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(elementType, value));
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

SmallVector<utils::IteratorType> parallelIterators(int64_t rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

Value castFloat(OpBuilder &b, Location loc, Value scalar, Type type) {
  Type from = scalar.getType();
  if (from == type)
    return scalar;
  if (from.getIntOrFloatBitWidth() < type.getIntOrFloatBitWidth())
    return arith::ExtFOp::create(b, loc, type, scalar);
  return arith::TruncFOp::create(b, loc, type, scalar);
}

Value convertElementType(OpBuilder &b, Location loc, Value tensor,
                         Type elementType) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (type.getElementType() == elementType)
    return tensor;
  int64_t rank = type.getRank();
  Value empty = createEmpty(b, loc, getSizes(b, loc, tensor), elementType);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{tensor}, ValueRange{empty},
             ArrayRef<AffineMap>{id, id}, parallelIterators(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, castFloat(nb, nloc, args[0], elementType));
             })
      .getResult(0);
}

/// Offsets/sizes/strides selecting index `pos` of `dim` and all of the rest.
static void sliceAt(OpBuilder &b, Location loc, Value full, int64_t dim,
                    OpFoldResult pos, SmallVectorImpl<OpFoldResult> &offsets,
                    SmallVectorImpl<OpFoldResult> &sizes,
                    SmallVectorImpl<OpFoldResult> &strides) {
  int64_t rank = cast<RankedTensorType>(full.getType()).getRank();
  offsets.assign(rank, b.getIndexAttr(0));
  offsets[dim] = pos;
  sizes.assign(getSizes(b, loc, full));
  sizes[dim] = b.getIndexAttr(1);
  strides.assign(rank, b.getIndexAttr(1));
}

/// The type of `full` with dimension `dim` dropped.
static RankedTensorType droppedType(Value full, int64_t dim) {
  auto type = cast<RankedTensorType>(full.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + dim);
  return RankedTensorType::get(shape, type.getElementType());
}

Value extractSliceAt(OpBuilder &b, Location loc, Value source, int64_t dim,
                     OpFoldResult pos) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAt(b, loc, source, dim, pos, offsets, sizes, strides);
  return tensor::ExtractSliceOp::create(b, loc, droppedType(source, dim),
                                        source, offsets, sizes, strides);
}

Value insertSliceAt(OpBuilder &b, Location loc, Value slice, Value dest,
                    int64_t dim, OpFoldResult pos) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  sliceAt(b, loc, dest, dim, pos, offsets, sizes, strides);
  return tensor::InsertSliceOp::create(b, loc, slice, dest, offsets, sizes,
                                       strides);
}

Value createSoftplus(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
  Value positive = arith::MaximumFOp::create(b, loc, x, zero);
  Value negAbs = arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
  Value tail = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
  return arith::AddFOp::create(b, loc, positive, tail);
}

Value createSilu(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value one = arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
  Value expNeg = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  Value sigmoid = arith::DivFOp::create(
      b, loc, one, arith::AddFOp::create(b, loc, one, expNeg));
  return arith::MulFOp::create(b, loc, x, sigmoid);
}

Value castToType(OpBuilder &b, Location loc, Value tensor, Type type) {
  if (tensor.getType() == type)
    return tensor;
  return tensor::CastOp::create(b, loc, type, tensor);
}

/// Offsets/sizes/strides of the window [offset, offset + length) of
/// dimension `dim` of `tensor` (all of every other dimension).
static void windowAt(OpBuilder &b, Location loc, Value tensor, int64_t dim,
                     OpFoldResult offset, OpFoldResult length,
                     SmallVectorImpl<OpFoldResult> &offsets,
                     SmallVectorImpl<OpFoldResult> &sizes,
                     SmallVectorImpl<OpFoldResult> &strides) {
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  offsets.assign(rank, b.getIndexAttr(0));
  offsets[dim] = offset;
  sizes.assign(getSizes(b, loc, tensor));
  sizes[dim] = length;
  strides.assign(rank, b.getIndexAttr(1));
}

Value updateWindow(
    OpBuilder &b, Location loc, Value dest, int64_t dim,
    OpFoldResult destOffset, OpFoldResult length,
    ArrayRef<WindowOperand> windows, ValueRange channelOperands,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = cast<RankedTensorType>(dest.getType()).getRank();
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<Value> inputs;
  for (const WindowOperand &window : windows) {
    windowAt(b, loc, window.tensor, dim, window.offset, length, offsets, sizes,
             strides);
    inputs.push_back(tensor::ExtractSliceOp::create(
        b, loc, window.tensor, offsets, sizes, strides));
  }
  llvm::append_range(inputs, channelOperands);
  windowAt(b, loc, dest, dim, destOffset, length, offsets, sizes, strides);
  Value destWindow =
      tensor::ExtractSliceOp::create(b, loc, dest, offsets, sizes, strides);

  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap channel = AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1),
                                     b.getContext());
  SmallVector<AffineMap> maps(windows.size(), id);
  maps.append(channelOperands.size(), channel);
  maps.push_back(id);
  Value updated =
      linalg::GenericOp::create(
          b, loc, destWindow.getType(), inputs, ValueRange{destWindow}, maps,
          parallelIterators(rank),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
          })
          .getResult(0);
  return tensor::InsertSliceOp::create(b, loc, updated, dest, offsets, sizes,
                                       strides);
}


//===----------------------------------------------------------------------===//
// Helpers of linear_attention, additive_decay, lrpe and attention_diffuse.
//===----------------------------------------------------------------------===//

SmallVector<OpFoldResult> reifyResultSizes(OpBuilder &b, Value result) {
  auto opResult = cast<OpResult>(result);
  ReifiedRankedShapedTypeDims shapes;
  [[maybe_unused]] LogicalResult reified =
      reifyResultShapes(b, opResult.getOwner(), shapes);
  assert(succeeded(reified) && "every ldn op reifies its result shapes");
  return shapes[opResult.getResultNumber()];
}

AffineMap dimsMap(MLIRContext *context, unsigned numDims,
                  ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned dim : dims)
    exprs.push_back(getAffineDimExpr(dim, context));
  return AffineMap::get(numDims, 0, exprs, context);
}

SmallVector<utils::IteratorType>
iteratorsWithReductions(int64_t rank, ArrayRef<int64_t> reductionDims) {
  SmallVector<utils::IteratorType> iterators = parallelIterators(rank);
  for (int64_t dim : reductionDims)
    iterators[dim] = utils::IteratorType::reduction;
  return iterators;
}

/// Offsets/sizes/strides covering `ranges` and all of the other dimensions
/// of `full`.
static void rangesOf(OpBuilder &b, Location loc, Value full,
                     ArrayRef<DimRange> ranges,
                     SmallVectorImpl<OpFoldResult> &offsets,
                     SmallVectorImpl<OpFoldResult> &sizes,
                     SmallVectorImpl<OpFoldResult> &strides) {
  int64_t rank = cast<RankedTensorType>(full.getType()).getRank();
  offsets.assign(rank, b.getIndexAttr(0));
  sizes.assign(getSizes(b, loc, full));
  strides.assign(rank, b.getIndexAttr(1));
  for (const DimRange &range : ranges) {
    offsets[range.dim] = range.offset;
    sizes[range.dim] = range.size;
  }
}

Value extractRanges(OpBuilder &b, Location loc, Value source,
                    ArrayRef<DimRange> ranges) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  rangesOf(b, loc, source, ranges, offsets, sizes, strides);
  return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                        strides);
}

Value insertRanges(OpBuilder &b, Location loc, Value slice, Value dest,
                   ArrayRef<DimRange> ranges) {
  SmallVector<OpFoldResult> offsets, sizes, strides;
  rangesOf(b, loc, dest, ranges, offsets, sizes, strides);
  return tensor::InsertSliceOp::create(b, loc, slice, dest, offsets, sizes,
                                       strides);
}

Value convertInto(OpBuilder &b, Location loc, Value source, Value dest) {
  auto destType = cast<RankedTensorType>(dest.getType());
  Type elementType = destType.getElementType();
  AffineMap id = b.getMultiDimIdentityMap(destType.getRank());
  return linalg::GenericOp::create(
             b, loc, destType, ValueRange{source}, ValueRange{dest},
             ArrayRef<AffineMap>{id, id}, parallelIterators(destType.getRank()),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, castFloat(nb, nloc, args[0], elementType));
             })
      .getResult(0);
}

Value createSoftmax(OpBuilder &b, Location loc, Value input, int64_t dim,
                    Value dest) {
  Type f32 = b.getF32Type();
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  SmallVector<unsigned> reducedDims;
  for (int64_t i = 0; i < rank; ++i)
    if (i != dim)
      reducedDims.push_back(i);
  MLIRContext *context = b.getContext();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap reduced = dimsMap(context, rank, reducedDims);
  SmallVector<OpFoldResult> reducedSizes = dropDim(getSizes(b, loc, input), dim);
  Value negInf = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(f32, -std::numeric_limits<double>::infinity()));
  Value zero = arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, 0.0));

  // exp(x - max), or 0 when max is -inf: the whole slice is masked, and
  // exp(-inf - -inf) would be NaN.
  auto shiftedExp = [&](OpBuilder &nb, Location nloc, Value x, Value max) {
    Value empty = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ,
                                        max, negInf);
    Value e = math::ExpOp::create(nb, nloc,
                                  arith::SubFOp::create(nb, nloc, x, max));
    return arith::SelectOp::create(nb, nloc, empty, zero, e).getResult();
  };

  Value maxInit = createFilled(b, loc, reducedSizes, f32,
                               -std::numeric_limits<double>::infinity());
  Value max =
      linalg::GenericOp::create(
          b, loc, maxInit.getType(), ValueRange{input}, ValueRange{maxInit},
          ArrayRef<AffineMap>{id, reduced},
          iteratorsWithReductions(rank, {dim}),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value x = castFloat(nb, nloc, args[0], f32);
            linalg::YieldOp::create(
                nb, nloc,
                arith::MaximumFOp::create(nb, nloc, args[1], x).getResult());
          })
          .getResult(0);
  Value sumInit = createFilled(b, loc, reducedSizes, f32, 0.0);
  Value sum =
      linalg::GenericOp::create(
          b, loc, sumInit.getType(), ValueRange{input, max},
          ValueRange{sumInit}, ArrayRef<AffineMap>{id, reduced, reduced},
          iteratorsWithReductions(rank, {dim}),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value x = castFloat(nb, nloc, args[0], f32);
            Value e = shiftedExp(nb, nloc, x, args[1]);
            linalg::YieldOp::create(
                nb, nloc, arith::AddFOp::create(nb, nloc, args[2], e)
                              .getResult());
          })
          .getResult(0);
  return linalg::GenericOp::create(
             b, loc, dest.getType(), ValueRange{input, max, sum},
             ValueRange{dest}, ArrayRef<AffineMap>{id, reduced, reduced, id},
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value x = castFloat(nb, nloc, args[0], f32);
               Value e = shiftedExp(nb, nloc, x, args[1]);
               // The maximum contributes exp(0) = 1, so sum >= 1 unless the
               // slice is fully masked; there e = 0 and max(sum, 1) keeps
               // the 0 / 0 away.
               Value one =
                   arith::ConstantOp::create(nb, nloc, nb.getFloatAttr(f32, 1.0));
               Value w = arith::DivFOp::create(
                   nb, nloc, e, arith::MaximumFOp::create(nb, nloc, args[2], one));
               linalg::YieldOp::create(nb, nloc, w);
             })
      .getResult(0);
}

} // namespace mlir::ldn::lowering

namespace mlir::ldn::lowering {

Value attentionScoreScale(OpBuilder &b, Location loc, AttentionDiffuseOp op) {
  Type f32 = b.getF32Type();
  auto constant = [&](double value) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
  };
  if (std::optional<APFloat> scale = op.getScale())
    return constant(scale->convertToDouble());
  OpFoldResult keyDim = tensor::getMixedSize(b, loc, op.getQ(), 3);
  if (std::optional<int64_t> d = getConstantIntValue(keyDim))
    return constant(1.0 / std::sqrt(static_cast<double>(*d)));
  Value d = arith::UIToFPOp::create(
      b, loc, f32,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(),
                                   cast<Value>(keyDim)));
  return arith::DivFOp::create(b, loc, constant(1.0),
                               math::SqrtOp::create(b, loc, d));
}

void assertLrpeSequenceLength(OpBuilder &b, Location loc, Value x,
                              int64_t tokens) {
  if (!cast<RankedTensorType>(x.getType()).isDynamicDim(1))
    return; // The verifier checked it.
  Value equal = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, getDim(b, loc, x, 1),
      arith::ConstantIndexOp::create(b, loc, tokens));
  cf::AssertOp::create(b, loc, equal,
                       "ldn.lrpe: sequence length T must equal prefix + "
                       "product of grid = " +
                           std::to_string(tokens));
}

void assertLrpeCoverage(OpBuilder &b, Location loc, Value x, Value theta,
                        int64_t axes) {
  if (!cast<RankedTensorType>(x.getType()).isDynamicDim(3) &&
      !cast<RankedTensorType>(theta.getType()).isDynamicDim(1))
    return;
  Value covered =
      arith::MulIOp::create(b, loc, getDim(b, loc, theta, 1),
                            arith::ConstantIndexOp::create(b, loc, axes));
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, covered,
                                   getDim(b, loc, x, 3));
  cf::AssertOp::create(b, loc, ok,
                       "ldn.lrpe: the grid axes times dimension 1 of "
                       "'theta' must cover the d features of 'x'");
}

} // namespace mlir::ldn::lowering

void mlir::ldn::lowering::assertTrailingSizes(OpBuilder &b, Location loc,
                                   ArrayRef<OpFoldResult> sourceSizes,
                                   ValueRange inputs) {
  int64_t sourceRank = sourceSizes.size();
  for (auto [index, input] : llvm::enumerate(inputs)) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    for (int64_t dim = 0; type && dim < type.getRank(); ++dim) {
      OpFoldResult want = sourceSizes[sourceRank - type.getRank() + dim];
      if (!type.isDynamicDim(dim) && getConstantIntValue(want))
        continue;
      Value equal = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq, ldn::lowering::getDim(b, loc, input, dim),
          getValueOrCreateConstantIndexOp(b, loc, want));
      cf::AssertOp::create(
          b, loc, equal,
          llvm::formatv("ldn.elementwise: input #{0} dimension {1} must "
                        "match source dimension {2}",
                        index + 1, dim, sourceRank - type.getRank() + dim)
              .str());
    }
  }
}

void ldn::lowering::assertEvenLags(OpBuilder &b, Location loc, Value kernel,
                                   bool bidirectional, StringRef opName) {
  if (!bidirectional || !cast<RankedTensorType>(kernel.getType()).isDynamicDim(1))
    return;
  Value lags = ldn::lowering::getDim(b, loc, kernel, 1);
  Value parity = arith::RemUIOp::create(
      b, loc, lags, arith::ConstantIndexOp::create(b, loc, 2));
  Value even =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, parity,
                            arith::ConstantIndexOp::create(b, loc, 0));
  cf::AssertOp::create(b, loc, even,
                       (opName + ": a bidirectional 'kernel' must hold an "
                                 "even number 2L of lags")
                           .str());
}
