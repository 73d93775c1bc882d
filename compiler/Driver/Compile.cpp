//===- Compile.cpp - model IR to a deployable artifact --------------------===//
//
// model.mlir -> ldn-cpu-pipeline -> LLVM dialect (+ manifest) -> LLVM IR ->
// optimized object for the host -> shared library linked by the system C
// compiler driver (`cc`), which also pulls in libm for the math calls.
//
//===----------------------------------------------------------------------===//

#include "Driver/Compile.h"
#include "Pipelines/Pipelines.h"
#include "Target/HostCodegen.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

static constexpr llvm::StringLiteral kManifestSymbol = "ldn_artifact_manifest";

/// Adds `const char *ldn_artifact_manifest(void)` returning the manifest.
static void embedManifest(ModuleOp module, StringRef manifest) {
  MLIRContext *context = module.getContext();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  Location loc = module.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto func = LLVM::LLVMFuncOp::create(builder, loc, kManifestSymbol,
                                       LLVM::LLVMFunctionType::get(ptr, {}));
  builder.setInsertionPointToEnd(func.addEntryBlock(builder));
  Value text =
      LLVM::createGlobalString(loc, builder, "ldn_manifest_text",
                               (manifest + Twine('\0')).str(),
                               LLVM::Linkage::Internal);
  LLVM::ReturnOp::create(builder, loc, text);
}

static LogicalResult writeText(ModuleOp module, StringRef path,
                               function_ref<void(llvm::raw_ostream &)> print) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file =
      openOutputFile(path, &error);
  if (!file)
    return emitError(module.getLoc()) << error;
  print(file->os());
  file->os().flush();
  if (file->os().has_error()) {
    std::error_code error = file->os().error();
    file->os().clear_error();
    return emitError(module.getLoc())
           << "cannot write " << path << ": " << error.message();
  }
  file->keep();
  return success();
}

StringRef mlir::ldn::stringifyTarget(Target target) {
  switch (target) {
  case Target::CPU:
    return "cpu";
  case Target::CUDA:
    return "cuda";
  case Target::Emu:
    return "emu";
  }
  llvm_unreachable("unknown target");
}

/// The PTX of the module's kernels (the first gpu.binary's object), for
/// --emit=ptx; the pipeline ran with format=isa for a single chip.
static LogicalResult writePTX(ModuleOp module, StringRef path) {
  auto binaries = module.getOps<gpu::BinaryOp>();
  if (binaries.empty())
    return emitError(module.getLoc())
           << "--emit=ptx: the model has no GPU kernel";
  auto object = cast<gpu::ObjectAttr>((*binaries.begin()).getObjects()[0]);
  return writeText(module, path, [&](llvm::raw_ostream &os) {
    os << object.getObject().getValue();
  });
}

/// Adds the pipeline of `options.target` to `pm`.
static LogicalResult buildPipeline(ModuleOp module, PassManager &pm,
                                   const ldn::CompileOptions &options) {
  using namespace ldn;
  if (options.target == Target::CPU) {
    if (options.emit == Emit::PTX)
      return emitError(module.getLoc())
             << "--emit=ptx needs --target=cuda";
    CPUPipelineOptions pipeline;
    pipeline.fftThreshold = options.fftThreshold;
    pipeline.fuse = options.fuse;
    pipeline.reportTraffic = options.reportTraffic;
    buildCPUPipeline(pm, pipeline);
    return success();
  }
  GPUPipelineOptions pipeline;
  pipeline.fftThreshold = options.fftThreshold;
  pipeline.fuse = options.fuse;
  pipeline.reportTraffic = options.reportTraffic;
  pipeline.optLevel = options.optLevel;
  if (options.target == Target::Emu) {
    if (options.emit == Emit::PTX)
      return emitError(module.getLoc())
             << "--emit=ptx needs --target=cuda";
    pipeline.emuCpu = options.cpu;
    buildEmuPipeline(pm, pipeline);
    return success();
  }
  pipeline.chips = options.chips;
  pipeline.ptxVersion = options.ptxVersion;
  pipeline.cudaPath = options.cudaPath;
  pipeline.format = options.cudaFormat;
  if (options.emit == Emit::PTX) {
    if (options.chips.size() > 1)
      return emitError(module.getLoc())
             << "--emit=ptx writes the PTX of one chip; pass one --chips "
                "entry";
    pipeline.format = "isa";
  }
  buildCUDAPipeline(pm, pipeline);
  return success();
}

LogicalResult mlir::ldn::compile(ModuleOp module,
                                 llvm::SourceMgr &sourceMgr,
                                 const CompileOptions &options) {
  // Fail before the (long) lowering if the output cannot be written.
  StringRef directory = llvm::sys::path::parent_path(options.outputPath);
  if (options.outputPath != "-" && !directory.empty() &&
      !llvm::sys::fs::is_directory(directory))
    return emitError(module.getLoc())
           << "cannot write " << options.outputPath << ": directory "
           << directory << " does not exist";

  FailureOr<std::string> manifest =
      buildManifest(module, sourceMgr, options.target);
  if (failed(manifest))
    return failure();

  PassManager pm(module.getContext());
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  if (failed(buildPipeline(module, pm, options)) || failed(pm.run(module)))
    return failure();
  if (options.emit == Emit::PTX)
    return writePTX(module, options.outputPath);
  embedManifest(module, *manifest);

  if (options.emit == Emit::MLIR)
    return writeText(module, options.outputPath,
                     [&](llvm::raw_ostream &os) { module.print(os); });

  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // gpu.binary -> the embedded device binary and its module load/unload.
  registerGPUDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "ldn_model");
  if (!llvmModule)
    return emitError(module.getLoc()) << "translation to LLVM IR failed";

  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createHostTargetMachine(module.getLoc(), options.optLevel, options.cpu);
  if (failed(machine))
    return failure();
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  if (llvm::Error error = makeOptimizingTransformer(
          options.optLevel, /*sizeLevel=*/0, machine->get())(llvmModule.get()))
    return emitError(module.getLoc()) << "LLVM optimization failed: "
                              << llvm::toString(std::move(error));

  if (options.emit == Emit::LLVM)
    return writeText(module, options.outputPath, [&](llvm::raw_ostream &os) {
      llvmModule->print(os, nullptr);
    });
  if (options.emit == Emit::Object)
    return writeObject(module.getLoc(), *llvmModule, **machine,
                       options.outputPath);

  SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("ldn-model", "o", objectPath))
    return emitError(module.getLoc()) << "cannot create a temporary object file: "
                              << ec.message();
  llvm::FileRemover removeObject(objectPath);
  if (failed(writeObject(module.getLoc(), *llvmModule, **machine, objectPath)))
    return failure();
  return linkSharedLibrary(module.getLoc(), objectPath, options.outputPath);
}
