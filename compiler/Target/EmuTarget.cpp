//===- EmuTarget.cpp - #ldn_emu.target: gpu.module to emulator payload ----===//
//
// serializeToObject() is the emulator's counterpart of NVVM's serializer: the
// gpu.module, already in the LLVM dialect for the host, is translated to
// LLVM IR, optimized, compiled to an object for this machine and linked into
// a shared object by the system C compiler driver (the same code generation
// as the CPU artifact, Target/HostCodegen.h). The payload is that shared
// object's bytes after the 8-byte magic; the runtime writes it to a memfd
// and dlopens it.
//
//===----------------------------------------------------------------------===//

#include "Target/EmuTarget.h"
#include "Target/Emu.h"
#include "Target/HostCodegen.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::emu;

#include "Target/EmuDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Target/EmuAttrs.cpp.inc"

void LDNEmuDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Target/EmuAttrs.cpp.inc"
      >();
}

/// A temporary file removed when this goes out of scope.
namespace {
struct TempFile {
  SmallString<128> path;
  std::optional<llvm::FileRemover> remover;

  LogicalResult create(Location loc, StringRef prefix, StringRef suffix) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile(prefix, suffix, path))
      return emitError(loc) << "cannot create a temporary file: "
                            << ec.message();
    remover.emplace(path);
    return success();
  }
};
} // namespace

std::optional<SmallVector<char, 0>>
TargetAttr::serializeToObject(Operation *module,
                              const gpu::TargetOptions &options) const {
  auto gpuModule = dyn_cast<gpu::GPUModuleOp>(module);
  if (!gpuModule) {
    module->emitError("#ldn_emu.target serializes gpu.module ops only");
    return std::nullopt;
  }
  Location loc = module->getLoc();
  // Whatever ldn-emu-lower-kernels left is LLVM; anything else means the
  // module was not lowered for the emulator.
  for (Operation &op : gpuModule.getBody()->getOperations())
    if (!isa<LLVM::LLVMDialect>(op.getDialect())) {
      op.emitError("the emulator target needs the gpu.module lowered to the "
                   "LLVM dialect first (ldn-emu-lower-kernels)");
      return std::nullopt;
    }

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, gpuModule.getName());
  if (!llvmModule) {
    emitError(loc) << "translating the emulator kernels to LLVM IR failed";
    return std::nullopt;
  }
  FailureOr<std::unique_ptr<llvm::TargetMachine>> machine =
      createHostTargetMachine(loc, getO(), getMcpu());
  if (failed(machine))
    return std::nullopt;
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  if (llvm::Error error = makeOptimizingTransformer(
          getO(), /*sizeLevel=*/0, machine->get())(llvmModule.get())) {
    emitError(loc) << "LLVM optimization of the emulator kernels failed: "
                   << llvm::toString(std::move(error));
    return std::nullopt;
  }

  TempFile object, library;
  if (failed(object.create(loc, "ldn-emu", "o")) ||
      failed(library.create(loc, "ldn-emu", "so")) ||
      failed(writeObject(loc, *llvmModule, **machine, object.path)) ||
      failed(linkSharedLibrary(loc, object.path, library.path)))
    return std::nullopt;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> bytes =
      llvm::MemoryBuffer::getFile(library.path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!bytes) {
    emitError(loc) << "cannot read " << library.path << ": "
                   << bytes.getError().message();
    return std::nullopt;
  }
  SmallVector<char, 0> payload(kEmuMagic.begin(), kEmuMagic.end());
  StringRef elf = (*bytes)->getBuffer();
  payload.append(elf.begin(), elf.end());
  return payload;
}

Attribute TargetAttr::createObject(Operation *module,
                                   const SmallVector<char, 0> &object,
                                   const gpu::TargetOptions &options) const {
  Builder builder(getContext());
  // Always a binary: the format option of gpu-module-to-binary (fatbin,
  // isa, ...) means nothing for the emulator.
  return builder.getAttr<gpu::ObjectAttr>(
      *this, gpu::CompilationTarget::Binary,
      builder.getStringAttr(StringRef(object.data(), object.size())),
      /*properties=*/DictionaryAttr(), /*kernels=*/gpu::KernelTableAttr());
}

void mlir::ldn::registerEmuTarget(DialectRegistry &registry) {
  registry.insert<LDNEmuDialect, gpu::GPUDialect, LLVM::LLVMDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}
