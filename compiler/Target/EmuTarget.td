//===- EmuTarget.td - the GPU emulator's target attribute ----*- tablegen -*-===//
//
// `#ldn_emu.target` is a GPU target attribute like `#nvvm.target`: attached
// to a `gpu.module` whose kernels `ldn-emu-lower-kernels` has lowered to the
// LLVM dialect for the host, it lets upstream `gpu-module-to-binary` turn
// the module into a `gpu.binary` holding the emulator's payload. It lives in
// a dialect of its own because an attribute needs one, and the `ldn` dialect
// (model IR) should not depend on GPU compilation.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_EMUTARGET_TD
#define LDN_COMPILER_TARGET_EMUTARGET_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/DialectBase.td"
include "mlir/Dialect/GPU/IR/CompilationAttrInterfaces.td"

def LDNEmu_Dialect : Dialect {
  let name = "ldn_emu";
  let cppNamespace = "::mlir::ldn::emu";
  let summary = "The GPU emulator's compilation target";
  let description = [{
    Holds `#ldn_emu.target`, the GPU target attribute that compiles a
    `gpu.module` into the payload the runtime's emulator loads
    (docs/emulator.md).
  }];
  let useDefaultAttributePrinterParser = 1;
}

def LDNEmu_TargetAttr : AttrDef<LDNEmu_Dialect, "Target",
    [DeclareAttrInterfaceMethods<GPUTargetAttrInterface>]> {
  let mnemonic = "target";
  let summary = "Compile a gpu.module for the GPU emulator";
  let description = [{
    Serializes a `gpu.module` already lowered by `ldn-emu-lower-kernels`
    (LLVM dialect for the host) into a `gpu.binary` object: the 8 bytes
    `LDNEMU01` followed by an ELF shared object for this host, made by
    translating the module to LLVM IR, optimizing it at level `O`,
    generating code for `mcpu` (`native`: this machine's CPU and features,
    else an LLVM CPU name such as `x86-64-v3`) and linking with `cc -shared`.

    ```mlir
    gpu.module @kernels [#ldn_emu.target<O = 3, mcpu = "native">] { ... }
    ```
  }];
  let parameters = (ins
    DefaultValuedParameter<"int", "3", "LLVM optimization level">:$O,
    StringRefParameter<"CPU to generate code for", "\"native\"">:$mcpu
  );
  let assemblyFormat = [{ (`<` struct($O, $mcpu)^ `>`)? }];
}

#endif // LDN_COMPILER_TARGET_EMUTARGET_TD
