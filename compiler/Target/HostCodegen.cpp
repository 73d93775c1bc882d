//===- HostCodegen.cpp - LLVM IR to objects and shared libraries ----------===//

#include "Target/HostCodegen.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;

FailureOr<std::unique_ptr<llvm::TargetMachine>>
mlir::ldn::createHostTargetMachine(Location loc, unsigned optLevel,
                                   StringRef cpu) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc) << "no LLVM target for this host: " << error;

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
      return emitError(loc)
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
    return emitError(loc) << "cannot create an LLVM target machine for "
                          << triple.str();
  return machine;
}

LogicalResult mlir::ldn::writeObject(Location loc, llvm::Module &llvmModule,
                                     llvm::TargetMachine &machine,
                                     StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc) << "cannot write " << path << ": " << ec.message();
  llvm::legacy::PassManager codegen;
  if (machine.addPassesToEmitFile(codegen, out, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return emitError(loc) << "LLVM cannot emit objects for this target";
  codegen.run(llvmModule);
  out.flush();
  // A full disk must be an error, not LLVM's fatal "IO failure" at exit.
  if (out.has_error()) {
    std::error_code error = out.error();
    out.clear_error();
    return emitError(loc) << "cannot write " << path << ": "
                          << error.message();
  }
  return success();
}

LogicalResult mlir::ldn::linkSharedLibrary(Location loc, StringRef object,
                                           StringRef output) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    return emitError(loc)
           << "linking the shared library needs a C compiler driver ('cc') "
              "on PATH; use --emit=obj to stop before linking";
  SmallVector<StringRef> argv = {*cc, "-shared", "-o", output, object, "-lm"};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*cc, argv, std::nullopt, {}, 0, 0, &error);
  if (rc != 0)
    return emitError(loc) << "linking " << output << " failed"
                          << (error.empty() ? "" : ": ") << error;
  return success();
}
