//===- EmuKernelEntries.cpp - what the emulator calls in a kernel module --===//
//
// The runtime knows a kernel only by name and calls it through one C
// signature, `void K(void **params)`, with params[i] pointing to the i-th
// argument as gpu-to-llvm lays them out (mgpuLaunchKernel's `params`). The
// wrapper loads each argument and calls the kernel's body, which LLVM then
// inlines. `__ldnemu_shared_bytes_K` tells the runtime how large the
// block's shared arena must be before the dynamic part.
//
//===----------------------------------------------------------------------===//

#include "Target/Emu.h"
#include "Target/EmuLowering.h"

using namespace mlir;
using namespace mlir::ldn;

static constexpr llvm::StringLiteral kBodyPrefix = "__ldnemu_kernel_";

LogicalResult
mlir::ldn::emu::emitKernelEntryPoints(gpu::GPUModuleOp module,
                                      ArrayRef<KernelInfo> kernels) {
  MLIRContext *context = module.getContext();
  // Only the entry points are visible outside the shared object.
  for (auto func : module.getOps<LLVM::LLVMFuncOp>())
    if (!func.isExternal()) {
      func.setLinkage(LLVM::Linkage::Internal);
      func.setSymVisibility(std::nullopt);
    }

  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto ptrType = LLVM::LLVMPointerType::get(context);
  Type i64 = builder.getI64Type();
  for (const KernelInfo &kernel : kernels) {
    auto body = module.lookupSymbol<LLVM::LLVMFuncOp>(kernel.name);
    if (!body || body.isExternal())
      return module.emitError("lost the body of kernel ") << kernel.name;
    Location loc = body.getLoc();
    std::string bodyName = (kBodyPrefix + kernel.name).str();
    if (module.lookupSymbol(bodyName))
      return module.emitError("symbol ") << bodyName << " already exists";
    // Not SymbolTable::rename: launches must keep naming the entry point.
    body.setSymName(bodyName);
    body->removeAttr(gpu::GPUDialect::getKernelFuncAttrName());

    builder.setInsertionPointToEnd(module.getBody());
    auto entry = LLVM::LLVMFuncOp::create(
        builder, loc, kernel.name,
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                    {ptrType}));
    // What gpu.launch_func checks its kernel for.
    entry->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                   builder.getUnitAttr());
    Block *block = entry.addEntryBlock(builder);
    builder.setInsertionPointToStart(block);
    Value params = block->getArgument(0);
    SmallVector<Value> args;
    for (auto [index, type] :
         llvm::enumerate(body.getFunctionType().getParams())) {
      Value slot = LLVM::GEPOp::create(
          builder, loc, ptrType, ptrType, params,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(index)});
      Value address = LLVM::LoadOp::create(builder, loc, ptrType, slot);
      args.push_back(LLVM::LoadOp::create(builder, loc, type, address));
    }
    LLVM::CallOp::create(builder, loc, body, args);
    LLVM::ReturnOp::create(builder, loc, ValueRange{});

    builder.setInsertionPointToEnd(module.getBody());
    LLVM::GlobalOp::create(builder, loc, i64, /*isConstant=*/true,
                           LLVM::Linkage::External,
                           (kEmuSharedBytesPrefix + kernel.name).str(),
                           builder.getI64IntegerAttr(kernel.sharedBytes));
  }
  return success();
}
