//===- Pipelines.h - registered ldn pass pipelines --------------*- C++ -*-===//

#ifndef LDN_COMPILER_PIPELINES_PIPELINES_H
#define LDN_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace ldn {

/// The options every pipeline has; `Derived` is the pipeline's own options.
template <typename Derived>
struct CommonPipelineOptions : PassPipelineOptions<Derived> {
  // PassOptions' member template, named through the non-dependent base.
  template <typename T>
  using Option = detail::PassOptions::Option<T>;

  Option<bool> fuse{
      *this, "fuse",
      llvm::cl::desc("Run the ldn-fuse-* passes before lowering (off: the "
                     "unfused baseline that bench/ compares with)"),
      llvm::cl::init(true)};
  Option<bool> reportTraffic{
      *this, "report-traffic",
      llvm::cl::desc("Report every function's kernels and the bytes they "
                     "move (ldn-report-traffic, per kernel)"),
      llvm::cl::init(false)};
  Option<int64_t> fftThreshold{
      *this, "fft-threshold",
      llvm::cl::desc("ldn.long_conv with strategy = auto uses the FFT from "
                     "this sequence length on"),
      llvm::cl::init(1024)};
  Option<bool> entryWrappers{
      *this, "entry-wrappers",
      llvm::cl::desc("Add the ldn_entry_<name> wrappers of the artifact ABI "
                     "for every public function"),
      llvm::cl::init(true)};
};

struct CPUPipelineOptions : CommonPipelineOptions<CPUPipelineOptions> {};

/// Model IR (func + ldn + linalg/tosa/arith/math on tensors) to the LLVM
/// dialect for the host CPU: tosa and ldn to linalg, elementwise fusion,
/// one-shot bufferization, loops, LLVM.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

struct GPUPipelineOptions : CommonPipelineOptions<GPUPipelineOptions> {
  ListOption<std::string> chips{
      *this, "chips",
      llvm::cl::desc("NVIDIA chips to compile for (sm_80, sm_90, ...); the "
                     "artifact holds code for all of them")};
  Option<unsigned> ptxVersion{
      *this, "ptx-version",
      llvm::cl::desc("PTX ISA version times ten (80 = PTX 8.0, enough for "
                     "sm_90)"),
      llvm::cl::init(80)};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Device code: isa (PTX), bin (cubin, one chip) or "
                     "fatbin (cubins for every chip plus the newest PTX)"),
      llvm::cl::init("fatbin")};
  Option<unsigned> optLevel{
      *this, "opt-level",
      llvm::cl::desc("Optimization level of the device code (LLVM and "
                     "ptxas)"),
      llvm::cl::init(3)};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit for libdevice, ptxas and fatbinary "
                     "(default: $CUDA_PATH, else /usr/local/cuda)"),
      llvm::cl::init("")};
  Option<std::string> emuCpu{
      *this, "emu-cpu",
      llvm::cl::desc("ldn-emu-pipeline: the CPU the emulated kernels are "
                     "compiled for (native, or an LLVM CPU name)"),
      llvm::cl::init("native")};
};

/// Model IR to the LLVM dialect for the host, with every ldn op and every
/// upstream loop nest as a GPU kernel: ldn-to-gpu, linalg mapped to the GPU,
/// kernels outlined into one gpu.module, compiled for NVIDIA chips (NVVM ->
/// PTX -> cubin/fatbin) and embedded; host code calls the mgpu* runtime ABI.
void buildCUDAPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// The same kernels as buildCUDAPipeline, compiled for the host CPU and run
/// by the runtime's GPU emulator.
void buildEmuPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Registers `ldn-cpu-pipeline`, `ldn-cuda-pipeline` and `ldn-emu-pipeline`.
void registerPipelines();

} // namespace ldn
} // namespace mlir

#endif // LDN_COMPILER_PIPELINES_PIPELINES_H
