//===- Stages.cpp - the pipeline stages every target shares ---------------===//

#include "Pipelines/Stages.h"
#include "Target/Passes.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ComplexToLLVM/ComplexToLLVM.h"
#include "mlir/Conversion/ComplexToStandard/ComplexToStandard.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
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
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void ldn::stages::addModelToLinalg(OpPassManager &pm, bool fuse) {
  pm.addPass(createInlinerPass());
  pm.addPass(createCanonicalizerPass());
  // ldn-level fusion sees the model as written, before anything is lowered.
  if (fuse) {
    pm.addPass(createLDNFuseDiffusionSteps());
    pm.addPass(createLDNFuseLinearAttention());
  }
  // No TOSA level validation: models have dynamic B and T, which the TOSA
  // 1.0 levels reject.
  tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions{},
                              TosaToLinalgNamedOptions{},
                              /*validationOptions=*/std::nullopt);
  // arith/math written directly on tensors become elementwise generics.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  // Contractions next to ldn ops fuse with them once TOSA is linalg too
  // (from their zero fills, so before the biases of other contractions
  // become their initial values), and then elementwise consumers of ldn
  // results (TOSA and tensor arithmetic are generics by now) become fused
  // epilogues.
  if (fuse) {
    pm.addPass(createLDNFuseSsmConv());
    pm.addPass(createLDNFuseContractionBias());
    pm.addPass(createLDNFuseElementwise());
  }
  // Run-time checks for the upstream ops of the model (sizes that must
  // agree, indices in bounds); the ldn lowerings add their own for ldn ops
  // and are not instrumented.
  // Short messages: the trap adds the location, and the full op text would
  // be stored in the artifact once per check.
  std::unique_ptr<Pass> verification = createGenerateRuntimeVerificationPass();
  (void)verification->initializeOptions(
      "verbose-level=0", [](const Twine &) { return failure(); });
  pm.addPass(std::move(verification));
}

void ldn::stages::addBufferization(OpPassManager &pm) {
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
}

void ldn::stages::addHostToLLVM(OpPassManager &pm, bool gpuToLLVM) {
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
  if (gpuToLLVM)
    pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}
