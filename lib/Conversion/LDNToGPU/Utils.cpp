//===- Utils.cpp - helpers shared by the ldn-to-gpu lowerings -------------===//

#include "Utils.h"
#include "KernelLibrary.h"

#include "../LDNToLinalg/Utils.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"

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

Value gpu_lowering::inputView(OpBuilder &b, Location loc, Value tensor) {
  return inputView(b, loc, tensor, lowering::getSizes(b, loc, tensor));
}

Value gpu_lowering::inputView(OpBuilder &b, Location loc, Value tensor,
                              ArrayRef<OpFoldResult> sizes) {
  return kernelView(b, loc, toInputBuffer(b, loc, tensor), sizes,
                    rowMajorStrides(b, loc, sizes));
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

ElementwiseOp gpu_lowering::fusableEpilogue(Operation *anchor, Value result) {
  if (!result.hasOneUse())
    return nullptr;
  auto epilogue = dyn_cast<ElementwiseOp>(*result.getUsers().begin());
  if (!epilogue || epilogue.getSource() != result ||
      epilogue.getResult().getType() != result.getType())
    return nullptr;
  Type f32 = Float32Type::get(anchor->getContext());
  for (Value value : epilogue->getOperands())
    if (getElementTypeOrSelf(value.getType()) != f32)
      return nullptr;
  // An input made by the same kernel (another result of the op) would be
  // read while it is written.
  for (Value input : epilogue.getInputs())
    if (input.getDefiningOp() == anchor)
      return nullptr;
  // The fused kernel runs where the epilogue is (its inputs may be computed
  // after the op), so nothing before it may use the op's other results.
  if (epilogue->getBlock() != anchor->getBlock())
    return nullptr;
  for (Value other : anchor->getResults())
    for (Operation *user : other.getUsers())
      if (user != epilogue.getOperation() &&
          (user->getBlock() != epilogue->getBlock() ||
           user->isBeforeInBlock(epilogue)))
        return nullptr;
  return epilogue;
}

/// `epilogue`'s body as a private scalar function of the module, for
/// ldn-define-gpu-kernels to apply at the stores (func.func, since the
/// kernel bodies only arrive after bufferization).
static func::FuncOp outlineEpilogue(RewriterBase &rewriter,
                                    ElementwiseOp epilogue) {
  auto module = epilogue->getParentOfType<ModuleOp>();
  Block &body = epilogue.getBody().front();
  auto yield = cast<YieldOp>(body.getTerminator());
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(
      rewriter, epilogue.getLoc(), "ldn_epilogue",
      rewriter.getFunctionType(body.getArgumentTypes(),
                               yield.getValue().getType()));
  func.setPrivate();
  SymbolTable(module).insert(func); // renames it if taken
  IRMapping mapping;
  epilogue.getBody().cloneInto(&func.getBody(), mapping);
  Block &entry = func.getBody().front();
  auto clonedYield = cast<YieldOp>(entry.getTerminator());
  rewriter.setInsertionPoint(clonedYield);
  func::ReturnOp::create(rewriter, clonedYield.getLoc(),
                         clonedYield.getValue());
  rewriter.eraseOp(clonedYield);
  return func;
}

ArrayAttr gpu_lowering::constantArguments(Builder &b, ValueRange args) {
  SmallVector<Attribute> constants;
  for (Value arg : args) {
    Attribute value;
    if (!matchPattern(arg, m_Constant(&value)) || !isa<TypedAttr>(value))
      value = b.getUnitAttr();
    constants.push_back(value);
  }
  return b.getArrayAttr(constants);
}

FailureOr<bool> gpu_lowering::callKernelWithEpilogue(
    RewriterBase &rewriter, Operation *op, StringRef file, StringRef name,
    ValueRange args, ElementwiseOp epilogue, unsigned output) {
  auto unfused = [&]() -> FailureOr<bool> {
    if (failed(callKernel(rewriter, op, file, name, args)))
      return failure();
    return false;
  };
  if (!epilogue)
    return unfused();
  auto module = op->getParentOfType<ModuleOp>();
  ArrayAttr constants = constantArguments(rewriter, args);
  FailureOr<bool> onlyStores =
      kernelOnlyStoresTo(module, file, name, output, constants);
  if (failed(onlyStores))
    return failure();
  if (!*onlyStores)
    return unfused();
  Location loc = op->getLoc();
  // Before the kernel indexes the inputs.
  lowering::assertTrailingSizes(
      rewriter, loc, lowering::reifyResultSizes(rewriter, epilogue.getSource()),
      epilogue.getInputs());
  SmallVector<Value> allArgs(args);
  SmallVector<Type> extraTypes;
  for (Value input : epilogue.getInputs()) {
    if (!isa<RankedTensorType>(input.getType())) { // a scalar, passed as is
      allArgs.push_back(input);
      extraTypes.push_back(input.getType());
      continue;
    }
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, input);
    Value view = kernelView(rewriter, loc, toInputBuffer(rewriter, loc, input),
                            {product(rewriter, loc, sizes)},
                            {rewriter.getIndexAttr(1)});
    allArgs.push_back(view);
    extraTypes.push_back(view.getType());
  }
  func::FuncOp scalar = outlineEpilogue(rewriter, epilogue);
  FailureOr<func::FuncOp> kernel = declareKernelWithEpilogue(
      module, file, name, scalar, output, extraTypes, constants);
  if (failed(kernel))
    return failure();
  func::CallOp::create(rewriter, loc, *kernel, allArgs);
  return true;
}

void gpu_lowering::replaceByBuffers(RewriterBase &rewriter, Operation *op,
                                    ArrayRef<Value> buffers,
                                    ElementwiseOp fused) {
  SmallVector<Value> results;
  for (auto [buffer, result] : llvm::zip_equal(buffers, op->getResults()))
    results.push_back(
        toResultTensor(rewriter, op->getLoc(), buffer, result.getType()));
  if (fused)
    rewriter.replaceOp(
        fused, results[cast<OpResult>(fused.getSource()).getResultNumber()]);
  rewriter.replaceOp(op, results);
}
