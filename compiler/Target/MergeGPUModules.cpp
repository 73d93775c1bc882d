//===- MergeGPUModules.cpp - one gpu.module per artifact ------------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNMERGEGPUMODULES
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

static constexpr llvm::StringLiteral kMergedName = "ldn_kernels";

namespace {
struct MergeGPUModules : ldn::impl::LDNMergeGPUModulesBase<MergeGPUModules> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> sources(module.getOps<gpu::GPUModuleOp>());
    if (sources.empty())
      return;
    if (module.lookupSymbol(kMergedName)) {
      module.emitError() << "a symbol named '" << kMergedName
                         << "' already exists";
      return signalPassFailure();
    }
    OpBuilder builder(sources.front());
    auto merged = gpu::GPUModuleOp::create(builder, sources.front().getLoc(),
                                           kMergedName);
    SymbolTable mergedSymbols(merged);
    // (module, kernel) -> the kernel's name in the merged module. Outlining
    // names modules uniquely but may reuse a kernel name in two modules;
    // SymbolTable::insert renames such a kernel.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : sources) {
      for (Operation &op :
           llvm::make_early_inc_range(source.getBody()->getOperations())) {
        auto kernel = dyn_cast<gpu::GPUFuncOp>(op);
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        if (!kernel && symbol && mergedSymbols.lookup(symbol.getName()))
          continue; // a declaration every module repeats
        StringAttr oldName = symbol ? symbol.getNameAttr() : StringAttr();
        op.moveBefore(merged.getBody(), merged.getBody()->end());
        if (!symbol)
          continue;
        StringAttr newName = mergedSymbols.insert(&op);
        if (kernel)
          renamed[{source.getSymNameAttr(), oldName}] = newName;
      }
    }
    // Redirect the launches, then drop the emptied modules.
    module.walk([&](gpu::LaunchFuncOp launch) {
      StringAttr name = renamed.lookup(
          {launch.getKernelModuleName(), launch.getKernelName()});
      if (!name)
        return;
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getSymNameAttr(), {FlatSymbolRefAttr::get(name)}));
    });
    for (gpu::GPUModuleOp source : sources)
      source.erase();
  }
};
} // namespace
