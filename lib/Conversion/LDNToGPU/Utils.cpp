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
                               ArrayRef<OpFoldResult> strides, Value offset) {
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
  if (!offset)
    offset = indexConstant(b, loc, 0);
  Value view = memref::ReinterpretCastOp::create(
      b, loc, viewType, buffer, offset, sizeValues, strideValues);
  return view;
}

Value gpu_lowering::rowMajorView(OpBuilder &b, Location loc, Value buffer,
                                 ArrayRef<OpFoldResult> sizes) {
  return kernelView(b, loc, buffer, sizes, rowMajorStrides(b, loc, sizes));
}

Value gpu_lowering::inputView(OpBuilder &b, Location loc, Value tensor) {
  return inputView(b, loc, tensor, lowering::getSizes(b, loc, tensor));
}

Value gpu_lowering::inputView(OpBuilder &b, Location loc, Value tensor,
                              ArrayRef<OpFoldResult> sizes) {
  return rowMajorView(b, loc, toInputBuffer(b, loc, tensor), sizes);
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
  return success(succeeded(callKernelWithEpilogue(rewriter, op, file, name,
                                                  args, /*epilogue=*/nullptr,
                                                  /*output=*/0)));
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

/// `map`'s body as a private scalar function `name` of the module, for
/// ldn-define-gpu-kernels to apply at the stores or loads (func.func, since
/// the kernel bodies only arrive after bufferization).
static func::FuncOp outlineMap(RewriterBase &rewriter, ElementwiseOp map,
                               StringRef name) {
  auto module = map->getParentOfType<ModuleOp>();
  Block &body = map.getBody().front();
  auto yield = cast<YieldOp>(body.getTerminator());
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(
      rewriter, map.getLoc(), name,
      rewriter.getFunctionType(body.getArgumentTypes(),
                               yield.getValue().getType()));
  func.setPrivate();
  SymbolTable(module).insert(func); // renames it if taken
  IRMapping mapping;
  map.getBody().cloneInto(&func.getBody(), mapping);
  Block &entry = func.getBody().front();
  auto clonedYield = cast<YieldOp>(entry.getTerminator());
  rewriter.setInsertionPoint(clonedYield);
  func::ReturnOp::create(rewriter, clonedYield.getLoc(),
                         clonedYield.getValue());
  rewriter.eraseOp(clonedYield);
  return func;
}

/// A kernel argument that views a tensor made by an ldn.elementwise
/// (a prologue, docs/fusion.md), possibly reshaped.
struct MapPrologue {
  unsigned argument;
  ElementwiseOp map;
  memref::ReinterpretCastOp view;
  SmallVector<Operation *> reshapes; // from the map's result on
};

/// The prologue that argument `argument`, `arg`, views, if any: `arg` is a
/// kernel view (a reinterpret_cast of the read-only buffer of a tensor),
/// the tensor is an ldn.elementwise's result through expand/collapse_shape
/// ops (which keep the row-major order of the elements), and only `op`,
/// size queries, buffers no kernel reads yet and the next reshape use each
/// of these values (so nothing else needs the mapped tensor); f32
/// throughout.
static std::optional<MapPrologue> mapPrologueOf(Operation *op, Value arg,
                                                unsigned argument) {
  auto view = arg.getDefiningOp<memref::ReinterpretCastOp>();
  auto buffer =
      view ? view.getSource().getDefiningOp<bufferization::ToBufferOp>()
           : nullptr;
  if (!buffer)
    return std::nullopt;
  SmallVector<Operation *> reshapes;
  Value tensor = buffer.getTensor();
  while (isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
      tensor.getDefiningOp())) {
    reshapes.push_back(tensor.getDefiningOp());
    tensor = tensor.getDefiningOp()->getOperand(0);
  }
  auto map = tensor.getDefiningOp<ElementwiseOp>();
  if (!map)
    return std::nullopt;
  std::reverse(reshapes.begin(), reshapes.end());
  Type f32 = Float32Type::get(op->getContext());
  for (Value value : map->getOperands())
    if (getElementTypeOrSelf(value.getType()) != f32)
      return std::nullopt;
  if (getElementTypeOrSelf(map.getResult().getType()) != f32)
    return std::nullopt;
  // Buffers of the mapped tensor that a kernel call (of another op, or one
  // that could not take the prologue) already reads mean it is computed
  // anyway; views not used yet are for the call being built.
  auto unread = [](Operation *toBuffer) {
    return llvm::all_of(toBuffer->getUsers(), [](Operation *user) {
      return isa<memref::DimOp>(user) ||
             (isa<memref::ReinterpretCastOp>(user) && user->use_empty());
    });
  };
  Value value = map.getResult();
  for (unsigned i = 0; i <= reshapes.size(); ++i) {
    Operation *next = i < reshapes.size() ? reshapes[i] : nullptr;
    for (Operation *user : value.getUsers())
      if (user != op && user != next && !isa<tensor::DimOp>(user) &&
          !(isa<bufferization::ToBufferOp>(user) && unread(user)))
        return std::nullopt;
    if (next)
      value = next->getResult(0);
  }
  return MapPrologue{argument, map, view, reshapes};
}

/// The tensor a prologue's kernel view reads instead: the map's source
/// reshaped as its result was. Size queries of the mapped tensors are
/// answered from it, so that only the op still uses them.
static Value reshapedSource(RewriterBase &rewriter, MapPrologue &p) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfter(p.map);
  Value source = p.map.getSource();
  if (source.getType() != p.map.getResult().getType())
    source = tensor::CastOp::create(rewriter, p.map.getLoc(),
                                    p.map.getResult().getType(), source);
  auto answerSizeQueries = [&](Value mapped, Value unmapped) {
    for (Operation *user : llvm::make_early_inc_range(mapped.getUsers()))
      if (auto dim = dyn_cast<tensor::DimOp>(user))
        rewriter.modifyOpInPlace(
            dim, [&] { dim.getSourceMutable().set(unmapped); });
  };
  answerSizeQueries(p.map.getResult(), source);
  for (Operation *reshape : p.reshapes) {
    // Where the reshape is: its output sizes are defined before it.
    rewriter.setInsertionPointAfter(reshape);
    IRMapping mapping;
    mapping.map(reshape->getOperand(0), source);
    source = rewriter.clone(*reshape, mapping)->getResult(0);
    answerSizeQueries(reshape->getResult(0), source);
  }
  return source;
}

/// Appends the tensor inputs of `map` as flat views and its scalars as
/// they are, with their types, after checking at run time that the inputs
/// have the trailing part of `sourceSizes`, its source's sizes.
static void appendMapInputs(RewriterBase &rewriter, Location loc,
                            ElementwiseOp map,
                            ArrayRef<OpFoldResult> sourceSizes,
                            SmallVectorImpl<Value> &args,
                            SmallVectorImpl<Type> &types) {
  lowering::assertTrailingSizes(rewriter, loc, sourceSizes, map.getInputs());
  for (Value input : map.getInputs()) {
    if (!isa<RankedTensorType>(input.getType())) { // a scalar, passed as is
      args.push_back(input);
      types.push_back(input.getType());
      continue;
    }
    SmallVector<OpFoldResult> sizes = lowering::getSizes(rewriter, loc, input);
    Value view = gpu_lowering::kernelView(
        rewriter, loc, gpu_lowering::toInputBuffer(rewriter, loc, input),
        {gpu_lowering::product(rewriter, loc, sizes)},
        {rewriter.getIndexAttr(1)});
    args.push_back(view);
    types.push_back(view.getType());
  }
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
  auto module = op->getParentOfType<ModuleOp>();
  Location loc = op->getLoc();
  SmallVector<MapPrologue> candidates;
  for (auto [index, arg] : llvm::enumerate(args))
    if (!(epilogue && index == output))
      if (std::optional<MapPrologue> prologue = mapPrologueOf(op, arg, index))
        candidates.push_back(*prologue);
  // Where the kernel, specialized to this call, stores to the output and
  // loads from the operands only.
  ArrayAttr constants = constantArguments(rewriter, args);
  bool fuseEpilogue = false;
  SmallVector<MapPrologue> prologues;
  if (epilogue || !candidates.empty()) {
    FailureOr<SmallVector<ArgumentAccess>> accesses =
        analyzeKernelArguments(module, file, name, constants);
    if (failed(accesses))
      return failure();
    fuseEpilogue = epilogue && (*accesses)[output].onlyStores;
    for (MapPrologue &candidate : candidates)
      if ((*accesses)[candidate.argument].onlyLoads)
        prologues.push_back(candidate);
  }
  if (!fuseEpilogue && prologues.empty()) {
    FailureOr<func::FuncOp> kernel = lookupOrDeclareKernel(module, file, name);
    if (failed(kernel))
      return failure();
    func::CallOp::create(rewriter, loc, *kernel, args);
    return false;
  }
  SmallVector<Value> allArgs(args);
  SmallVector<Type> extraTypes;
  func::FuncOp epilogueMap;
  if (fuseEpilogue) {
    // The source is the op's result: its sizes from the op's operands.
    appendMapInputs(
        rewriter, loc, epilogue,
        lowering::reifyResultSizes(rewriter, epilogue.getSource()), allArgs,
        extraTypes);
    epilogueMap = outlineMap(rewriter, epilogue, "ldn_epilogue");
  }
  SmallVector<std::pair<func::FuncOp, unsigned>> prologueMaps;
  // One view and map for an operand passed as several arguments (a kernel
  // taking q in place of an absent operand).
  llvm::SmallDenseMap<Value, std::pair<Value, func::FuncOp>> mapped;
  for (MapPrologue &prologue : prologues) {
    Value arg = args[prologue.argument];
    if (auto it = mapped.find(arg); it != mapped.end()) {
      allArgs[prologue.argument] = it->second.first;
      prologueMaps.push_back({it->second.second, prologue.argument});
      continue;
    }
    appendMapInputs(
        rewriter, loc, prologue.map,
        lowering::getSizes(rewriter, loc, prologue.map.getSource()), allArgs,
        extraTypes);
    // The same view of the source, whose elements the reshapes keep in
    // order.
    IRMapping mapping;
    Value source = reshapedSource(rewriter, prologue);
    mapping.map(prologue.view.getSource(),
                toInputBuffer(rewriter, loc, source));
    allArgs[prologue.argument] =
        rewriter.clone(*prologue.view, mapping)->getResult(0);
    prologueMaps.push_back(
        {outlineMap(rewriter, prologue.map, "ldn_prologue"),
         prologue.argument});
    mapped[arg] = {allArgs[prologue.argument], prologueMaps.back().first};
  }
  FailureOr<func::FuncOp> kernel =
      declareKernelWithMaps(module, file, name, epilogueMap, output,
                            prologueMaps, extraTypes, constants);
  if (failed(kernel))
    return failure();
  func::CallOp::create(rewriter, loc, *kernel, allArgs);
  return fuseEpilogue;
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
