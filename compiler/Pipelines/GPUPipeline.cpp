//===- GPUPipeline.cpp - ldn-cuda-pipeline --------------------------------===//
//
// The stages, in order (docs/design.md, "The pipeline"):
//   1. clean up the model, upstream ops to linalg (shared with the CPU);
//   2. ldn ops to purpose-built GPU kernels (ldn-to-gpu); ops without one go
//      through ldn-to-linalg like the rest of the model;
//   3. elementwise fusion, bufferization (shared with the CPU), then the
//      kernels' bodies, inlined and specialized to their call sites;
//   4. every remaining loop nest becomes a kernel (linalg -> scf.parallel ->
//      gpu.launch), kernels are outlined into one gpu.module;
//   5. the device code: NVVM, PTX per chip, then cubins and one fatbin (or,
//      for the emulator, host code in a shared object);
//   6. host code to LLVM, launches to the runtime's mgpu* ABI.
//
//===----------------------------------------------------------------------===//

#include "Pipelines/Pipelines.h"
#include "Pipelines/Stages.h"
#include "Target/CUDAToolkit.h"
#include "Target/Emu.h"
#include "Target/Passes.h"
#include "ldn/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Stages 1-4: model IR to host functions with gpu.launch_func and one
/// gpu.module of gpu.func kernels; the same for every GPU target.
static void addKernelGeneration(OpPassManager &pm,
                                const ldn::GPUPipelineOptions &options) {
  ldn::stages::addModelToLinalg(pm, options.fuse);
  pm.addPass(ldn::createLDNToGPU());
  ldn::LDNToLinalgOptions fallback;
  fallback.fftThreshold = options.fftThreshold;
  pm.addPass(ldn::createLDNToLinalg(fallback));
  pm.addPass(ldn::createLDNFuseLinalgElementwise());
  pm.addPass(ldn::createLDNReassociateFloats());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  ldn::stages::addBufferization(pm);
  // The kernels' host functions, specialized to each call site's sizes.
  pm.addPass(ldn::createLDNDefineGPUKernels());
  pm.addPass(createInlinerPass());
  pm.addPass(createSymbolDCEPass());
  pm.addPass(createCanonicalizerPass());

  if (options.entryWrappers)
    pm.addPass(ldn::createLDNEmitEntryWrappers());
  pm.addPass(ldn::createLDNExpandMemRefCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addPass(ldn::createLDNParallelLoopsToGPU());
  if (options.reportTraffic)
    pm.addPass(ldn::createLDNReportTraffic({/*dynamicSize=*/64, /*perKernel=*/true}));
  // Constants and index arithmetic into the kernels: static sizes then fold
  // (divisions by constants become shifts) instead of arriving as kernel
  // parameters.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(ldn::createLDNMergeGPUModules());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::ldn::buildCUDAPipeline(OpPassManager &pm,
                                  const GPUPipelineOptions &options) {
  addKernelGeneration(pm, options);

  // 5. Device code for every requested chip.
  SmallVector<std::string> chips(options.chips.begin(), options.chips.end());
  if (chips.empty())
    chips.push_back("sm_80");
  for (const std::string &chip : chips) {
    GpuNVVMAttachTargetOptions target;
    target.chip = chip;
    target.features = "+ptx" + std::to_string(options.ptxVersion);
    target.optLevel = options.optLevel;
    pm.addPass(createGpuNVVMAttachTarget(target));
  }
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  // 6. Host code; launches call the runtime.
  stages::addHostToLLVM(pm, /*gpuToLLVM=*/true);

  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  binary.toolkitPath = findCUDAToolkit(options.cudaPath);
  pm.addPass(createGpuModuleToBinaryPass(binary));
  LDNLinkCUDABinariesOptions link;
  link.format = options.format;
  link.cudaPath = options.cudaPath;
  link.optLevel = options.optLevel;
  pm.addPass(createLDNLinkCUDABinaries(link));
}

void mlir::ldn::buildEmuPipeline(OpPassManager &pm,
                                 const GPUPipelineOptions &options) {
  addKernelGeneration(pm, options);
  // 5. The same kernels as host code, run by the runtime's emulator.
  EmuDeviceOptions device;
  device.optLevel = options.optLevel;
  device.cpu = options.emuCpu;
  addEmuDeviceLowering(pm, device);
  // 6. Host code; launches call the runtime.
  stages::addHostToLLVM(pm, /*gpuToLLVM=*/true);
}

void mlir::ldn::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "ldn-cpu-pipeline",
      "Compile model IR (func + ldn + linalg/tosa/arith/math on tensors) to "
      "the LLVM dialect for the host CPU, with the artifact's entry wrappers",
      buildCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "ldn-cuda-pipeline",
      "Compile model IR to host code in the LLVM dialect that launches GPU "
      "kernels, with the kernels compiled for NVIDIA chips and embedded "
      "(PTX, cubin or fatbin)",
      buildCUDAPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "ldn-emu-pipeline",
      "Compile model IR like ldn-cuda-pipeline, with the very same kernels "
      "compiled for the host and embedded for the runtime's GPU emulator",
      buildEmuPipeline);
}
