//===- Emu.h - compiling GPU kernels for the emulator -----------*- C++ -*-===//
//
// The compiler side of the GPU emulator (docs/emulator.md): every gpu.module
// becomes a gpu.binary whose one object is `LDNEMU01` followed by an ELF
// shared object for the host, which the runtime's emulator backend loads and
// runs one emulated GPU thread at a time.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_EMU_H
#define LDN_COMPILER_TARGET_EMU_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
namespace ldn {

/// The payload's first bytes; the runtime routes modules starting with them
/// to the emulator (runtime/gpu/backend.h, LDNRT_EMU_MAGIC).
inline constexpr llvm::StringLiteral kEmuMagic = "LDNEMU01";
/// `const uint64_t <prefix><kernel>`: the kernel's static shared memory.
inline constexpr llvm::StringLiteral kEmuSharedBytesPrefix =
    "__ldnemu_shared_bytes_";

struct EmuDeviceOptions {
  /// LLVM optimization level of the kernels' shared object.
  unsigned optLevel = 3;
  /// "native" or an LLVM CPU name (x86-64-v3, ...), as ldn-compile --mcpu.
  std::string cpu = "native";
};

/// Replaces every gpu.module by a gpu.binary holding the emulator payload:
/// ldn-emu-lower-kernels on each gpu.module, ldn-emu-attach-target, then
/// upstream gpu-module-to-binary. Runs right after gpu-kernel-outlining; the
/// host code (gpu.launch_func included) is left for gpu-to-llvm.
void addEmuDeviceLowering(OpPassManager &pm);
void addEmuDeviceLowering(OpPassManager &pm, const EmuDeviceOptions &options);

/// Registers the ldn_emu dialect and the LLVM IR translations that
/// serializing a module needs. Tools that parse or print `#ldn_emu.target`
/// (in a gpu.module or a gpu.binary's object) call it.
void registerEmuTarget(DialectRegistry &registry);

/// Registers the `ldn-emu-device-lowering` pass pipeline (for ldn-opt).
void registerEmuPipelines();

} // namespace ldn
} // namespace mlir

#endif // LDN_COMPILER_TARGET_EMU_H
