//===- LDNToGPU.cpp - the ldn-to-gpu pass ---------------------------------===//

#include "KernelLibrary.h"
#include "Patterns.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNTOGPU
#define GEN_PASS_DEF_LDNDEFINEGPUKERNELS
#include "ldn/Conversion/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
struct LDNToGPUPass : ldn::impl::LDNToGPUBase<LDNToGPUPass> {
  using LDNToGPUBase::LDNToGPUBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    gpu_lowering::populateScanKernel(patterns);
    gpu_lowering::populateLinearAttentionKernel(patterns);
    gpu_lowering::populateAdditiveDecayKernel(patterns);
    gpu_lowering::populateAttentionDiffuseKernel(patterns);
    gpu_lowering::populateDiffuseKernel(patterns);
    gpu_lowering::populateLongConvKernel(patterns);
    gpu_lowering::populateLrpeKernel(patterns);
    gpu_lowering::populateSsmKernelKernel(patterns);
    gpu_lowering::populateSelectiveScanKernel(patterns);
    gpu_lowering::populateSsmConvKernel(patterns);
    // Each pattern replaces one ldn op by kernel calls. New ops are visited
    // too: lightnet_attention makes its rotation table with an ldn.lrpe.
    // In program order, so that a map between two ops is the first op's
    // epilogue where its kernel allows (computed once, as it stores), and
    // the second op's prologue only otherwise (docs/fusion.md).
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    config.setUseTopDownTraversal(true);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      signalPassFailure();
  }
};

struct DefineGPUKernelsPass
    : ldn::impl::LDNDefineGPUKernelsBase<DefineGPUKernelsPass> {
  void runOnOperation() override {
    if (failed(gpu_lowering::defineKernels(getOperation())))
      signalPassFailure();
  }
};
} // namespace
