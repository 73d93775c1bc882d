//===- CPUPipeline.cpp - ldn-cpu-pipeline ---------------------------------===//
//
// The stages, in order (docs/design.md, "The pipeline"):
//   1. clean up the model: inline, canonicalize;
//   2. upstream tosa and our ldn ops to linalg/scf on tensors;
//   3. fuse elementwise producers/consumers;
//   4. one-shot bufferization with identity-layout function boundaries (the
//      artifact ABI passes plain strided descriptors), then deallocation;
//   5. the artifact's entry wrappers, loops, and LLVM.
// Loops are left to LLVM's vectorizer: every lowering keeps the channel
// dimension innermost and contiguous.
//
//===----------------------------------------------------------------------===//

#include "Pipelines/Pipelines.h"
#include "Pipelines/Stages.h"
#include "Target/Passes.h"
#include "ldn/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::ldn::buildCPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  // 1-2. Model clean-up; everything to linalg/scf/tensor.
  stages::addModelToLinalg(pm, options.fuse);
  LDNToLinalgOptions ldnOptions;
  ldnOptions.fftThreshold = options.fftThreshold;
  pm.addPass(createLDNToLinalg(ldnOptions));

  // 3. Fusion of elementwise chains; transcendental functions that LLVM
  // can vectorize.
  pm.addPass(createLDNFuseLinalgElementwise());
  pm.addPass(createLDNApproximateMath());
  pm.addPass(createLDNReassociateFloats());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Matmul loops with a contiguous, vectorizable inner loop.
  pm.addPass(createLDNContractionLoopOrder());

  // 4. Bufferization.
  stages::addBufferization(pm);
  if (options.reportTraffic)
    pm.addPass(createLDNReportTraffic({/*dynamicSize=*/64, /*perKernel=*/true}));

  // 5. Entry wrappers, loops, LLVM.
  if (options.entryWrappers)
    pm.addPass(createLDNEmitEntryWrappers());
  pm.addPass(createLDNExpandMemRefCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  stages::addHostToLLVM(pm, /*gpuToLLVM=*/false);
}

