//===- EmuPipeline.cpp - gpu.module to emulator gpu.binary ----------------===//
//
// ldn-emu-attach-target and addEmuDeviceLowering(): the emulator's
// counterpart of nvvm-attach-target + convert-gpu-to-nvvm +
// gpu-module-to-binary.
//
//===----------------------------------------------------------------------===//

#include "Target/Emu.h"
#include "Target/EmuTarget.h"
#include "Target/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNEMUATTACHTARGET
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
struct LDNEmuAttachTarget
    : public ldn::impl::LDNEmuAttachTargetBase<LDNEmuAttachTarget> {
  using Base::Base;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    // gpu-module-to-binary translates the modules to LLVM IR later.
    registerEmuTarget(registry);
  }

  void runOnOperation() override {
    auto target = emu::TargetAttr::get(&getContext(), optLevel, cpu);
    Builder builder(&getContext());
    getOperation().walk([&](gpu::GPUModuleOp module) {
      module.setTargetsAttr(builder.getArrayAttr({target}));
    });
  }
};
} // namespace

void mlir::ldn::addEmuDeviceLowering(OpPassManager &pm,
                                     const EmuDeviceOptions &options) {
  LDNEmuAttachTargetOptions target;
  target.optLevel = options.optLevel;
  target.cpu = options.cpu;
  pm.addPass(createLDNEmuAttachTarget(target));
  pm.addNestedPass<gpu::GPUModuleOp>(createLDNEmuLowerKernels());
  pm.addPass(createGpuModuleToBinaryPass());
}

void mlir::ldn::addEmuDeviceLowering(OpPassManager &pm) {
  addEmuDeviceLowering(pm, EmuDeviceOptions());
}

namespace {
struct EmuDeviceLoweringOptions
    : public PassPipelineOptions<EmuDeviceLoweringOptions> {
  Option<unsigned> optLevel{*this, "O",
                            llvm::cl::desc("LLVM optimization level"),
                            llvm::cl::init(3)};
  Option<std::string> cpu{
      *this, "mcpu",
      llvm::cl::desc("CPU to generate the kernels for (native or an LLVM "
                     "CPU name)"),
      llvm::cl::init("native")};
};
} // namespace

void mlir::ldn::registerEmuPipelines() {
  PassPipelineRegistration<EmuDeviceLoweringOptions>(
      "ldn-emu-device-lowering",
      "Replace every gpu.module by a gpu.binary for the GPU emulator "
      "(addEmuDeviceLowering: lower the kernels, attach #ldn_emu.target, "
      "gpu-module-to-binary)",
      [](OpPassManager &pm, const EmuDeviceLoweringOptions &options) {
        EmuDeviceOptions device;
        device.optLevel = options.optLevel;
        device.cpu = options.cpu;
        addEmuDeviceLowering(pm, device);
      });
}
