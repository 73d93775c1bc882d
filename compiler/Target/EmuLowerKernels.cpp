//===- EmuLowerKernels.cpp - gpu.module kernels to host code --------------===//
//
// ldn-emu-lower-kernels, in steps:
//   1. GPU-level rewrites shared with the real targets: gpu.all_reduce and
//      gpu.subgroup_reduce to shuffles and shared memory, 64-bit shuffles to
//      32-bit ones, global/subgroup ids from thread ids; affine, and arith
//      ops without an LLVM counterpart, to arith; math to libm calls (the
//      host's libm is the closest thing to libdevice the host has).
//   2. Every gpu.func becomes a func.func: workgroup attributions become
//      views of the block's shared arena, private ones allocas; GPU ops
//      become calls to the runtime's intrinsics (EmuLowering.h), written
//      directly as LLVM ops. Then every #gpu.address_space is dropped from
//      memref types: on the host all memory is one address space, and the
//      upstream lowerings below then apply unchanged.
//   3. Upstream lowerings to the LLVM dialect, as for the CPU artifact;
//      cf.assert fails the launch through ldnemu_assert_fail instead of
//      aborting the process.
//   4. Memory accesses get their bounds-check call (EmuAccessChecks.cpp)
//      and kernels their exported entry points (EmuKernelEntries.cpp).
//
//===----------------------------------------------------------------------===//

#include "Target/Emu.h"
#include "Target/EmuLowering.h"
#include "Target/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNEMULOWERKERNELS
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::emu;

/// Threads per warp (gpu.subgroup_size), as on every NVIDIA GPU.
static constexpr unsigned kWarpSize = 32;
/// Every workgroup buffer starts at a multiple of this in the shared arena,
/// and the dynamic part after them too.
static constexpr uint64_t kSharedAlignment = 16;

namespace {

/// Emits the LLVM ops that replace GPU ops inside one function.
class GPUOpLowering {
public:
  GPUOpLowering(gpu::GPUModuleOp module, const LLVMTypeConverter &converter)
      : module(module), converter(converter),
        builder(module.getContext()) {}

  /// gpu.func -> func.func; returns the kernel's info through `kernel` when
  /// it is one.
  LogicalResult lowerFunction(gpu::GPUFuncOp func,
                              std::optional<KernelInfo> &kernel);
  /// The GPU ops of a (former gpu.)func body.
  LogicalResult lowerOps(func::FuncOp func);

private:
  Value call(Location loc, Intrinsic intrinsic, ValueRange args = {});
  Value i32Constant(Location loc, int32_t value);
  /// A memref of `type` viewing `ptr`; `size` is the byte size of a
  /// memref<?xi8>, unused for static shapes.
  Value makeView(Location loc, MemRefType type, Value ptr, Value size = {});
  Value lowerDimension(Location loc, Intrinsic intrinsic, gpu::Dimension dim);
  LogicalResult lowerShuffle(gpu::ShuffleOp op, Block &entry);
  LogicalResult lowerPrintf(gpu::PrintfOp op);
  Value stringConstant(Location loc, StringRef prefix, StringRef text);

  gpu::GPUModuleOp module;
  const LLVMTypeConverter &converter;
  OpBuilder builder;
  unsigned numStrings = 0;
};

} // namespace

/// The memref type without its #gpu.address_space, if it has one.
static std::optional<Type> dropGPUAddressSpace(BaseMemRefType type) {
  if (!isa_and_nonnull<gpu::AddressSpaceAttr>(type.getMemorySpace()))
    return std::nullopt;
  if (auto ranked = dyn_cast<MemRefType>(type))
    return MemRefType::get(ranked.getShape(), ranked.getElementType(),
                           ranked.getLayout());
  return UnrankedMemRefType::get(type.getElementType(), Attribute());
}

Value GPUOpLowering::call(Location loc, Intrinsic intrinsic, ValueRange args) {
  LLVM::LLVMFuncOp callee = getOrInsertIntrinsic(module, intrinsic);
  auto op = LLVM::CallOp::create(builder, loc, callee, args);
  return op.getNumResults() ? op.getResult() : Value();
}

Value GPUOpLowering::i32Constant(Location loc, int32_t value) {
  return LLVM::ConstantOp::create(builder, loc, builder.getI32Type(),
                                  builder.getI32IntegerAttr(value));
}

Value GPUOpLowering::makeView(Location loc, MemRefType type, Value ptr,
                              Value size) {
  auto hostType = cast<MemRefType>(dropGPUAddressSpace(type).value_or(type));
  Value descriptor;
  if (hostType.hasStaticShape()) {
    descriptor = MemRefDescriptor::fromStaticShape(builder, loc, converter,
                                                   hostType, ptr);
  } else {
    MemRefDescriptor desc = MemRefDescriptor::poison(
        builder, loc, converter.convertType(hostType));
    desc.setAllocatedPtr(builder, loc, ptr);
    desc.setAlignedPtr(builder, loc, ptr);
    desc.setConstantOffset(builder, loc, 0);
    desc.setSize(builder, loc, 0, size);
    desc.setConstantStride(builder, loc, 0, 1);
    descriptor = desc;
  }
  // Typed as the original (address space included) until the address
  // spaces are dropped everywhere at once.
  return UnrealizedConversionCastOp::create(builder, loc, type, descriptor)
      .getResult(0);
}

LogicalResult
GPUOpLowering::lowerFunction(gpu::GPUFuncOp func,
                             std::optional<KernelInfo> &kernel) {
  Location loc = func.getLoc();
  Block &entry = func.getBody().front();
  builder.setInsertionPointToStart(&entry);
  if (!func.isKernel() && func.getNumWorkgroupAttributions())
    return func.emitError(
        "the emulator supports workgroup attributions only on kernels");

  // Workgroup buffers, one after the other in the block's shared arena.
  DataLayout layout = DataLayout::closest(func);
  uint64_t offset = 0;
  Value base;
  for (BlockArgument attribution : func.getWorkgroupAttributions()) {
    auto type = dyn_cast<MemRefType>(attribution.getType());
    if (!type || !type.hasStaticShape() || !type.getLayout().isIdentity())
      return func.emitError("the emulator needs workgroup attributions of "
                            "static shape and identity layout, got ")
             << attribution.getType();
    uint64_t elementBytes = layout.getTypeSize(type.getElementType());
    uint64_t alignment = std::max<uint64_t>(
        kSharedAlignment, llvm::PowerOf2Ceil(elementBytes));
    offset = llvm::alignTo(offset, alignment);
    if (!base)
      base = call(loc, Intrinsic::SharedBase);
    Value ptr = base;
    if (offset)
      ptr = LLVM::GEPOp::create(
          builder, loc, base.getType(), builder.getI8Type(), base,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)});
    attribution.replaceAllUsesWith(makeView(loc, type, ptr));
    offset += type.getNumElements() * elementBytes;
  }
  // Private memory: on the emulated thread's stack.
  for (BlockArgument attribution : func.getPrivateAttributions()) {
    auto type = dyn_cast<MemRefType>(attribution.getType());
    if (!type || !type.hasStaticShape())
      return func.emitError("private attributions must have a static shape");
    attribution.replaceAllUsesWith(
        memref::AllocaOp::create(builder, loc, type).getResult());
  }
  if (func.isKernel())
    kernel = KernelInfo{func.getName().str(),
                        llvm::alignTo(offset, kSharedAlignment)};

  builder.setInsertionPoint(func);
  auto lowered = func::FuncOp::create(builder, loc, func.getName(),
                                      func.getFunctionType());
  if (!func.isKernel())
    lowered.setPrivate();
  lowered.getBody().takeBody(func.getBody());
  Block &newEntry = lowered.getBody().front();
  unsigned numArguments = func.getFunctionType().getNumInputs();
  newEntry.eraseArguments(numArguments,
                          newEntry.getNumArguments() - numArguments);
  lowered.walk([&](gpu::ReturnOp op) {
    builder.setInsertionPoint(op);
    func::ReturnOp::create(builder, op.getLoc(), op.getOperands());
    op.erase();
  });
  func.erase();
  return success();
}

Value GPUOpLowering::lowerDimension(Location loc, Intrinsic intrinsic,
                                    gpu::Dimension dim) {
  Value result =
      call(loc, intrinsic, i32Constant(loc, static_cast<int32_t>(dim)));
  return arith::IndexCastOp::create(builder, loc, builder.getIndexType(),
                                    result);
}

/// gpu.shuffle on 32 bits or less: the runtime exchanges i32 values.
LogicalResult GPUOpLowering::lowerShuffle(gpu::ShuffleOp op, Block &entry) {
  Location loc = op.getLoc();
  Type type = op.getValue().getType();
  unsigned width = type.getIntOrFloatBitWidth();
  if (width > 32)
    return op.emitError("the emulator shuffles values of at most 32 bits "
                        "(64-bit ones are split first), got ")
           << type;
  // The valid flag comes back through memory, one slot per function.
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&entry);
  Value one = LLVM::ConstantOp::create(builder, loc, builder.getI64Type(),
                                       builder.getI64IntegerAttr(1));
  Value flag = LLVM::AllocaOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext()),
      builder.getI8Type(), one, /*alignment=*/1);
  builder.setInsertionPoint(op);

  Type i32 = builder.getI32Type();
  Type intType = builder.getIntegerType(width);
  Value bits = op.getValue();
  if (isa<FloatType>(type))
    bits = arith::BitcastOp::create(builder, loc, intType, bits);
  if (width < 32)
    bits = arith::ExtUIOp::create(builder, loc, i32, bits);
  int32_t mode = 0;
  switch (op.getMode()) {
  case gpu::ShuffleMode::XOR:
    mode = 0;
    break;
  case gpu::ShuffleMode::UP:
    mode = 1;
    break;
  case gpu::ShuffleMode::DOWN:
    mode = 2;
    break;
  case gpu::ShuffleMode::IDX:
    mode = 3;
    break;
  }
  Value result = call(loc, Intrinsic::ShuffleI32,
                      {bits, op.getOffset(), op.getWidth(),
                       i32Constant(loc, mode), flag});
  if (width < 32)
    result = arith::TruncIOp::create(builder, loc, intType, result);
  if (isa<FloatType>(type))
    result = arith::BitcastOp::create(builder, loc, type, result);
  Value validByte =
      LLVM::LoadOp::create(builder, loc, builder.getI8Type(), flag);
  Value zero = arith::ConstantIntOp::create(builder, loc, 0, 8);
  Value valid = arith::CmpIOp::create(builder, loc, arith::CmpIPredicate::ne,
                                      validByte, zero);
  op.replaceAllUsesWith(ValueRange{result, valid});
  op.erase();
  return success();
}

Value GPUOpLowering::stringConstant(Location loc, StringRef prefix,
                                    StringRef text) {
  std::string name;
  do {
    name = (prefix + Twine(numStrings++)).str();
  } while (module.lookupSymbol(name));
  std::string value = (text + Twine('\0')).str();
  auto type = LLVM::LLVMArrayType::get(builder.getI8Type(), value.size());
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp::create(builder, loc, type, /*isConstant=*/true,
                           LLVM::Linkage::Internal, name,
                           builder.getStringAttr(value));
  }
  return LLVM::AddressOfOp::create(
      builder, loc, LLVM::LLVMPointerType::get(builder.getContext()), name);
}

/// gpu.printf: libc's printf, with C's default argument promotions.
LogicalResult GPUOpLowering::lowerPrintf(gpu::PrintfOp op) {
  Location loc = op.getLoc();
  builder.setInsertionPoint(op);
  SmallVector<Value> args = {
      stringConstant(loc, "__ldnemu_printf_format_", op.getFormat())};
  for (Value arg : op.getArgs()) {
    Type type = arg.getType();
    if (type.isIndex()) {
      arg = arith::IndexCastOp::create(builder, loc, builder.getI64Type(), arg);
    } else if (auto floatType = dyn_cast<FloatType>(type)) {
      if (floatType.getWidth() < 64)
        arg = arith::ExtFOp::create(builder, loc, builder.getF64Type(), arg);
    } else if (auto intType = dyn_cast<IntegerType>(type)) {
      if (intType.getWidth() < 32)
        arg = arith::ExtSIOp::create(builder, loc, builder.getI32Type(), arg);
    } else if (!isa<LLVM::LLVMPointerType>(type)) {
      return op.emitError("the emulator cannot print a value of type ")
             << type;
    }
    args.push_back(arg);
  }
  call(loc, Intrinsic::Printf, args);
  op.erase();
  return success();
}

LogicalResult GPUOpLowering::lowerOps(func::FuncOp func) {
  Block &entry = func.getBody().front();
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<gpu::GPUDialect>(op->getDialect()))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    Location loc = op->getLoc();
    builder.setInsertionPoint(op);
    Value replacement;
    if (auto id = dyn_cast<gpu::ThreadIdOp>(op)) {
      replacement = lowerDimension(loc, Intrinsic::ThreadId, id.getDimension());
    } else if (auto id = dyn_cast<gpu::BlockIdOp>(op)) {
      replacement = lowerDimension(loc, Intrinsic::BlockId, id.getDimension());
    } else if (auto dim = dyn_cast<gpu::BlockDimOp>(op)) {
      replacement =
          lowerDimension(loc, Intrinsic::BlockDim, dim.getDimension());
    } else if (auto dim = dyn_cast<gpu::GridDimOp>(op)) {
      replacement = lowerDimension(loc, Intrinsic::GridDim, dim.getDimension());
    } else if (isa<gpu::LaneIdOp>(op)) {
      replacement = arith::IndexCastOp::create(
          builder, loc, builder.getIndexType(), call(loc, Intrinsic::LaneId));
    } else if (isa<gpu::SubgroupSizeOp>(op)) {
      replacement = arith::ConstantIndexOp::create(builder, loc, kWarpSize);
    } else if (isa<gpu::NumSubgroupsOp>(op)) {
      // ceil(threads per block / warp size)
      Value threads =
          lowerDimension(loc, Intrinsic::BlockDim, gpu::Dimension::x);
      for (gpu::Dimension dim : {gpu::Dimension::y, gpu::Dimension::z})
        threads = arith::MulIOp::create(
            builder, loc, threads,
            lowerDimension(loc, Intrinsic::BlockDim, dim));
      Value warpMinusOne =
          arith::ConstantIndexOp::create(builder, loc, kWarpSize - 1);
      Value warp = arith::ConstantIndexOp::create(builder, loc, kWarpSize);
      replacement = arith::DivUIOp::create(
          builder, loc,
          arith::AddIOp::create(builder, loc, threads, warpMinusOne), warp);
    } else if (isa<gpu::BarrierOp>(op)) {
      call(loc, Intrinsic::Barrier);
      op->erase();
      continue;
    } else if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op)) {
      if (failed(lowerShuffle(shuffle, entry)))
        return failure();
      continue;
    } else if (auto dynamic = dyn_cast<gpu::DynamicSharedMemoryOp>(op)) {
      // After the static buffers: the runtime knows where they end.
      Value ptr = call(loc, Intrinsic::DynamicSharedBase);
      Value bytes = call(loc, Intrinsic::DynamicSharedBytes);
      replacement = makeView(loc, dynamic.getType(), ptr, bytes);
    } else if (auto printf = dyn_cast<gpu::PrintfOp>(op)) {
      if (failed(lowerPrintf(printf)))
        return failure();
      continue;
    } else {
      return op->emitError("the GPU emulator does not support this operation");
    }
    op->getResult(0).replaceAllUsesWith(replacement);
    op->erase();
  }
  return success();
}

/// cf.assert in a kernel: report the failure to the emulator, which stops
/// the launch, instead of upstream's abort() of the whole process. Runs on
/// CFG code, where blocks can be split.
static void lowerAsserts(gpu::GPUModuleOp module) {
  SmallVector<cf::AssertOp> asserts;
  module.walk([&](cf::AssertOp op) { asserts.push_back(op); });
  OpBuilder builder(module.getContext());
  auto ptrType = LLVM::LLVMPointerType::get(module.getContext());
  unsigned count = 0;
  for (cf::AssertOp op : asserts) {
    Location loc = op.getLoc();
    Block *before = op->getBlock();
    Block *rest = before->splitBlock(std::next(Block::iterator(op)));
    auto *fail = new Block();
    before->getParent()->getBlocks().insert(Region::iterator(rest), fail);

    std::string message;
    llvm::raw_string_ostream os(message);
    if (auto file = dyn_cast<FileLineColLoc>(loc))
      os << file.getFilename().getValue() << ":" << file.getLine() << ":"
         << file.getColumn() << ": ";
    os << op.getMsg() << '\0';
    std::string name;
    do {
      name = "__ldnemu_assert_message_" + std::to_string(count++);
    } while (module.lookupSymbol(name));
    builder.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp::create(
        builder, loc,
        LLVM::LLVMArrayType::get(builder.getI8Type(), message.size()),
        /*isConstant=*/true, LLVM::Linkage::Internal, name,
        builder.getStringAttr(message));

    builder.setInsertionPointToEnd(fail);
    Value text = LLVM::AddressOfOp::create(builder, loc, ptrType, name);
    LLVM::CallOp::create(builder, loc,
                         getOrInsertIntrinsic(module, Intrinsic::AssertFail),
                         ValueRange{text});
    LLVM::UnreachableOp::create(builder, loc);

    builder.setInsertionPoint(op);
    cf::CondBranchOp::create(builder, loc, op.getArg(), rest, ValueRange{},
                             fail, ValueRange{});
    op.erase();
  }
}

namespace {
struct LDNEmuLowerKernels
    : public ldn::impl::LDNEmuLowerKernelsBase<LDNEmuLowerKernels> {
  void getDependentDialects(DialectRegistry &registry) const override {
    LDNEmuLowerKernelsBase::getDependentDialects(registry);
    registry.insert<affine::AffineDialect, math::MathDialect,
                    ub::UBDialect>();
  }

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *context = &getContext();

    // 1. GPU-level rewrites, affine, libm. libm has no rsqrt: 1 / sqrt.
    {
      RewritePatternSet patterns(context);
      math::populateExpansionPatterns(patterns, {"rsqrt"});
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(context);
      populateGpuRewritePatterns(patterns);
      populateGpuSubgroupIdPatterns(patterns);
      populateGpuBreakDownSubgroupReducePatterns(patterns,
                                                 /*maxShuffleBitwidth=*/32);
      populateGpuLowerSubgroupReduceToShufflePatterns(patterns, kWarpSize,
                                                      /*shuffleBitwidth=*/32);
      populateGpuLowerClusteredSubgroupReduceToShufflePatterns(
          patterns, kWarpSize, /*shuffleBitwidth=*/32);
      populateAffineToStdConversionPatterns(patterns);
      // ceildiv/floordiv and friends, which arith-to-llvm does not lower.
      arith::populateArithExpandOpsPatterns(patterns);
      populateMathToLibmConversionPatterns(patterns);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    // 2. Kernels to plain functions calling the runtime.
    LowerToLLVMOptions options(context);
    LLVMTypeConverter converter(context, options);
    GPUOpLowering lowering(module, converter);
    SmallVector<KernelInfo> kernels;
    SmallVector<gpu::GPUFuncOp> gpuFuncs(module.getOps<gpu::GPUFuncOp>());
    for (gpu::GPUFuncOp func : gpuFuncs) {
      std::optional<KernelInfo> kernel;
      if (failed(lowering.lowerFunction(func, kernel)))
        return signalPassFailure();
      if (kernel)
        kernels.push_back(*kernel);
    }
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs)
      if (!func.isExternal() && failed(lowering.lowerOps(func)))
        return signalPassFailure();
    AttrTypeReplacer dropAddressSpaces;
    dropAddressSpaces.addReplacement(dropGPUAddressSpace);
    dropAddressSpaces.recursivelyReplaceElementsIn(
        module, /*replaceAttrs=*/true, /*replaceLocs=*/false,
        /*replaceTypes=*/true);

    // 3. To the LLVM dialect.
    OpPassManager structured(gpu::GPUModuleOp::getOperationName());
    structured.addPass(createConvertVectorToSCFPass());
    structured.addPass(memref::createExpandStridedMetadataPass());
    structured.addPass(createLowerAffinePass());
    structured.addPass(createSCFToControlFlowPass());
    structured.addPass(createConvertVectorToLLVMPass());
    if (failed(runPipeline(structured, module)))
      return signalPassFailure();
    lowerAsserts(module);
    {
      RewritePatternSet patterns(context);
      arith::populateArithToLLVMConversionPatterns(converter, patterns);
      cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
      populateFuncToLLVMConversionPatterns(converter, patterns);
      populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
      populateMathToLLVMConversionPatterns(converter, patterns);
      index::populateIndexToLLVMConversionPatterns(converter, patterns);
      ub::populateUBToLLVMConversionPatterns(converter, patterns);
      populateVectorToLLVMConversionPatterns(converter, patterns);
      LLVMConversionTarget target(*context);
      target.addLegalOp<gpu::GPUModuleOp>();
      if (failed(applyPartialConversion(module, target, std::move(patterns))))
        return signalPassFailure();
    }
    OpPassManager cleanup(gpu::GPUModuleOp::getOperationName());
    cleanup.addPass(createReconcileUnrealizedCastsPass());
    cleanup.addPass(createCanonicalizerPass());
    if (failed(runPipeline(cleanup, module)))
      return signalPassFailure();
    WalkResult leftover = module.walk([&](Operation *op) {
      if (op == module.getOperation() ||
          isa<LLVM::LLVMDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitError("the GPU emulator cannot lower this operation");
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      return signalPassFailure();

    // 4. Bounds checks, then the entry points the runtime calls.
    instrumentAccesses(module);
    if (failed(emitKernelEntryPoints(module, kernels)))
      return signalPassFailure();
  }
};
} // namespace
