//===- Utils.cpp - helpers shared by the ldn-to-gpu lowerings -------------===//

#include "Utils.h"
#include "KernelLibrary.h"

#include "../LDNToLinalg/Utils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::ldn;

Value gpu_lowering::boolConstant(OpBuilder &b, Location loc, bool value) {
  return arith::ConstantIntOp::create(b, loc, value ? 1 : 0, 1);
}

Value gpu_lowering::indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value gpu_lowering::toInputBuffer(OpBuilder &b, Location loc, Value tensor) {
  Value f32Tensor =
      lowering::convertElementType(b, loc, tensor, b.getF32Type());
  auto type = cast<RankedTensorType>(f32Tensor.getType());
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  auto toBuffer =
      bufferization::ToBufferOp::create(b, loc, memrefType, f32Tensor);
  toBuffer.setReadOnly(true);
  return toBuffer;
}

Value gpu_lowering::allocOutputBuffer(OpBuilder &b, Location loc,
                                      ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamic;
  dispatchIndexOpFoldResults(sizes, dynamic, shape);
  return memref::AllocOp::create(
      b, loc, MemRefType::get(shape, b.getF32Type()), dynamic);
}

SmallVector<OpFoldResult>
gpu_lowering::rowMajorStrides(OpBuilder &b, Location loc,
                              ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(sizes.size(), b.getIndexAttr(1));
  for (int64_t i = static_cast<int64_t>(sizes.size()) - 2; i >= 0; --i)
    strides[i] = product(b, loc, {strides[i + 1], sizes[i + 1]});
  return strides;
}

OpFoldResult gpu_lowering::product(OpBuilder &b, Location loc,
                                   ArrayRef<OpFoldResult> sizes) {
  AffineExpr result = getAffineConstantExpr(1, b.getContext());
  for (unsigned i = 0; i < sizes.size(); ++i)
    result = result * getAffineSymbolExpr(i, b.getContext());
  return affine::makeComposedFoldedAffineApply(
      b, loc, AffineMap::get(0, sizes.size(), result), sizes);
}

Value gpu_lowering::kernelView(OpBuilder &b, Location loc, Value buffer,
                               ArrayRef<OpFoldResult> sizes,
                               ArrayRef<OpFoldResult> strides) {
  int64_t rank = sizes.size();
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(b.getContext(), ShapedType::kDynamic,
                                       dynamic);
  auto viewType = MemRefType::get(dynamic, b.getF32Type(), layout);
  // Values, not attributes, for every size and stride: the result type is
  // the kernels' fully dynamic one. After inlining, canonicalization folds
  // the constants back in and specializes the kernel body.
  SmallVector<Value> sizeValues =
      getValueOrCreateConstantIndexOp(b, loc, sizes);
  SmallVector<Value> strideValues =
      getValueOrCreateConstantIndexOp(b, loc, strides);
  Value zero = indexConstant(b, loc, 0);
  Value view = memref::ReinterpretCastOp::create(
      b, loc, viewType, buffer, zero, sizeValues, strideValues);
  return view;
}

Value gpu_lowering::toResultTensor(OpBuilder &b, Location loc, Value buffer,
                                   Type resultType) {
  auto memrefType = cast<MemRefType>(buffer.getType());
  auto tensorType = RankedTensorType::get(memrefType.getShape(),
                                          memrefType.getElementType());
  auto tensor = bufferization::ToTensorOp::create(
      b, loc, tensorType, buffer, /*restrict=*/true, /*writable=*/true);
  auto type = cast<RankedTensorType>(resultType);
  Value converted =
      lowering::convertElementType(b, loc, tensor, type.getElementType());
  return lowering::castToType(b, loc, converted, type);
}

LogicalResult gpu_lowering::callKernel(RewriterBase &rewriter, Operation *op,
                                       StringRef file, StringRef name,
                                       ValueRange args) {
  auto module = op->getParentOfType<ModuleOp>();
  FailureOr<func::FuncOp> kernel = lookupOrDeclareKernel(module, file, name);
  if (failed(kernel))
    return failure();
  func::CallOp::create(rewriter, op->getLoc(), *kernel, args);
  return success();
}
