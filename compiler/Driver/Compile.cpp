//===- Compile.cpp - model IR to a deployable artifact --------------------===//
//
// model.mlir -> ldn-cpu-pipeline -> LLVM dialect (+ manifest) -> LLVM IR ->
// optimized object for the host -> shared library linked by the system C
// compiler driver (`cc`), which also pulls in libm for the math calls.
//
//===----------------------------------------------------------------------===//

#include "Driver/Compile.h"
#include "Pipelines/Pipelines.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
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

/// A TargetMachine for this machine's architecture and `cpu` ("native": this
/// very CPU and its features), PIC for a shared library.
static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(ModuleOp module, unsigned optLevel, StringRef cpu) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(module.getLoc()) << "no LLVM target for this host: " << error;

  llvm::SubtargetFeatures features;
  std::string cpuName = cpu.str();
  if (cpu == "native") {
    cpuName = llvm::sys::getHostCPUName().str();
    for (const auto &[feature, enabled] : llvm::sys::getHostCPUFeatures())
      features.AddFeature(feature, enabled);
  } else {
    const llvm::MCSubtargetInfo *info = target->createMCSubtargetInfo(
        triple, "", "");
    bool known = info && info->isCPUStringValid(cpuName);
    delete info;
    if (!known)
      return emitError(module.getLoc())
             << "unknown --mcpu=" << cpu << " for " << triple.str()
             << " (use native, or an LLVM CPU name such as x86-64-v3)";
  }
  llvm::TargetOptions targetOptions;
  auto level = optLevel == 0   ? llvm::CodeGenOptLevel::None
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
                               : llvm::CodeGenOptLevel::Aggressive;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuName, features.getString(), targetOptions,
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!machine)
    return emitError(module.getLoc()) << "cannot create an LLVM target machine for "
                              << triple.str();
  return machine;
}

static LogicalResult writeObject(ModuleOp module, llvm::Module &llvmModule,
                                 llvm::TargetMachine &machine,
                                 StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(module.getLoc()) << "cannot write " << path << ": "
                              << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return emitError(module.getLoc()) << "LLVM cannot emit objects for this target";
  codegen.run(llvmModule);
  out.flush();
  // A full disk must be an error, not LLVM's fatal "IO failure" at exit.
  if (out.has_error()) {
    std::error_code error = out.error();
    out.clear_error();
    return emitError(module.getLoc())
           << "cannot write " << path << ": " << error.message();
  }
  return success();
}

/// `cc -shared -o output object -lm`.
static LogicalResult linkSharedLibrary(ModuleOp module, StringRef object,
                                       StringRef output) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return emitError(module.getLoc())
           << "linking the shared library needs a C compiler driver ('cc') "
              "on PATH; use --emit=obj to stop before linking";
  SmallVector<StringRef> argv = {*cc, "-shared", "-o", output, object, "-lm"};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*cc, argv, std::nullopt, {}, 0, 0, &error);
  if (rc != 0)
    return emitError(module.getLoc()) << "linking " << output << " failed"
                              << (error.empty() ? "" : ": ") << error;
  return success();
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

LogicalResult mlir::ldn::compile(ModuleOp module,
                                 llvm::SourceMgr &sourceMgr,
                                 const CompileOptions &options) {
  if (options.target != Target::CPU)
    return emitError(module.getLoc())
           << "--target=" << (options.target == Target::CUDA ? "cuda" : "emu")
           << " is not available yet; this build compiles for --target=cpu";

  // Fail before the (long) lowering if the output cannot be written.
  StringRef directory = llvm::sys::path::parent_path(options.outputPath);
  if (options.outputPath != "-" && !directory.empty() &&
      !llvm::sys::fs::is_directory(directory))
    return emitError(module.getLoc())
           << "cannot write " << options.outputPath << ": directory "
           << directory << " does not exist";

  FailureOr<std::string> manifest = buildManifest(module, sourceMgr);
  if (failed(manifest))
    return failure();

  PassManager pm(module.getContext());
  if (options.configurePassManager &&
      failed(options.configurePassManager(pm)))
    return failure();
  CPUPipelineOptions pipeline;
  pipeline.fftThreshold = options.fftThreshold;
  buildCPUPipeline(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  embedManifest(module, *manifest);

  if (options.emit == Emit::MLIR)
    return writeText(module, options.outputPath,
                     [&](llvm::raw_ostream &os) { module.print(os); });

  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "ldn_model");
  if (!llvmModule)
    return emitError(module.getLoc()) << "translation to LLVM IR failed";

  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createHostTargetMachine(module, options.optLevel, options.cpu);
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
    return writeObject(module, *llvmModule, **machine, options.outputPath);

  SmallString<128> objectPath;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("ldn-model", "o", objectPath))
    return emitError(module.getLoc()) << "cannot create a temporary object file: "
                              << ec.message();
  llvm::FileRemover removeObject(objectPath);
  if (failed(writeObject(module, *llvmModule, **machine, objectPath)))
    return failure();
  return linkSharedLibrary(module, objectPath, options.outputPath);
}
