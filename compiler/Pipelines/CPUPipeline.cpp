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
#include "Target/Passes.h"
#include "ldn/Conversion/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ComplexToLLVM/ComplexToLLVM.h"
#include "mlir/Conversion/ComplexToStandard/ComplexToStandard.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::ldn::buildCPUPipeline(OpPassManager &pm,
                                 const CPUPipelineOptions &options) {
  // 1. Model clean-up.
  pm.addPass(createInlinerPass());
  pm.addPass(createCanonicalizerPass());

  // 2. Everything to linalg/scf/tensor.
  // No TOSA level validation: models have dynamic B and T, which the TOSA
  // 1.0 levels reject.
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions{},
                              TosaToLinalgNamedOptions{},
                              /*validationOptions=*/std::nullopt);
  // arith/math written directly on tensors become elementwise generics.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  // Run-time checks for the upstream ops of the model (sizes that must
  // agree, indices in bounds); ldn-to-linalg adds its own for ldn ops and
  // its lowerings are not instrumented.
  // Short messages: the trap adds the location, and the full op text would
  // be stored in the artifact once per check.
  std::unique_ptr<Pass> verification = createGenerateRuntimeVerificationPass();
  (void)verification->initializeOptions(
      "verbose-level=0", [](const Twine &) { return failure(); });
  pm.addPass(std::move(verification));
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

  // 4. Bufferization.
  pm.addPass(createLDNReadOnlyEntryArgs());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  // 5. Entry wrappers, loops, LLVM.
  if (options.entryWrappers)
    pm.addPass(createLDNEmitEntryWrappers());
  pm.addPass(createLDNExpandMemRefCopies());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createLDNLowerAssertsToTrap());
  pm.addPass(createConvertComplexToStandardPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // Buffers come from the runtime's allocator (docs/artifact-abi.md), which
  // caches large blocks across calls.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::ldn::registerPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "ldn-cpu-pipeline",
      "Compile model IR (func + ldn + linalg/tosa/arith/math on tensors) to "
      "the LLVM dialect for the host CPU, with the artifact's entry wrappers",
      buildCPUPipeline);
}
