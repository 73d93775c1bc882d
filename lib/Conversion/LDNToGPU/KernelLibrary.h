//===- KernelLibrary.h - the embedded GPU kernel sources --------*- C++ -*-===//
//
// The GPU kernels are written in MLIR (Kernels/<op>.mlir): each file holds
// private host functions whose bodies are gpu.launch ops on memrefs. They are
// embedded into the compiler at build time; a lowering asks for a function by
// name and gets it inserted into the module being compiled.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_LIB_CONVERSION_LDNTOGPU_KERNELLIBRARY_H
#define LDN_LIB_CONVERSION_LDNTOGPU_KERNELLIBRARY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::ldn::gpu_lowering {

/// The attribute that marks the declaration of a kernel host function whose
/// body is still to come from Kernels/<value>.mlir.
inline constexpr llvm::StringLiteral kKernelSourceAttr = "ldn.gpu_kernel";

/// A private declaration of the function `name` of Kernels/`file`.mlir in
/// `module`, marked with kKernelSourceAttr, unless a function of that name is
/// already there. The bodies come later (defineKernels): until bufferization
/// and buffer deallocation are done, a kernel body (gpu.barrier has unknown
/// memory effects) would stop them.
FailureOr<func::FuncOp> lookupOrDeclareKernel(ModuleOp module, StringRef file,
                                              StringRef name);

/// The attributes of a kernel declared with an epilogue
/// (declareKernelWithMaps): the library function it copies, the scalar
/// function applied at each store, and the output argument it applies to.
inline constexpr llvm::StringLiteral kKernelBaseAttr = "ldn.gpu_kernel_base";
inline constexpr llvm::StringLiteral kEpilogueAttr = "ldn.epilogue";
inline constexpr llvm::StringLiteral kEpilogueOutputAttr =
    "ldn.epilogue_output";
inline constexpr llvm::StringLiteral kKernelConstantsAttr =
    "ldn.gpu_kernel_constants";

/// What a kernel does with one of its arguments (analyzeKernelArguments).
struct ArgumentAccess {
  /// Only memref.store ops to it or its views, and size queries: every
  /// element the kernel leaves in it is the last value stored there, so an
  /// elementwise epilogue can be applied at each store (no element is read
  /// back, copied or passed on).
  bool onlyStores = false;
  /// Only memref.load ops of its own (no views) and size queries: a library
  /// prologue can compute each loaded element instead.
  bool onlyOwnLoads = false;
  /// Only loads of it or of its views, and size queries: an elementwise
  /// prologue can map each loaded element.
  bool onlyLoads = false;
};

/// How the library function `name` of Kernels/`file`.mlir, specialized to
/// `constants` (per argument: its value at the call site as a TypedAttr, or
/// a UnitAttr) and with its helper functions inlined, uses each argument.
/// The flags of a call site select the code that runs, so this is asked
/// per call site; one parse serves every argument.
FailureOr<SmallVector<ArgumentAccess>>
analyzeKernelArguments(ModuleOp module, StringRef file, StringRef name,
                       ArrayAttr constants);

/// The attributes of a kernel declared with elementwise prologues
/// (declareKernelWithMaps): the scalar functions and the operands they map
/// (a function named twice maps two arguments with the same extras).
inline constexpr llvm::StringLiteral kMapProloguesAttr = "ldn.map_prologues";
inline constexpr llvm::StringLiteral kMapPrologueOperandsAttr =
    "ldn.map_prologue_operands";

/// A new private declaration of a copy of `name` (Kernels/`file`.mlir) that
/// applies `epilogue` (if not null), a private `(f32, f32...) -> f32`
/// function of `module`, to every value it stores to argument `output`,
/// and each prologue, a function of the same kind, to every value it loads
/// from its argument. The copy takes the maps' other operands as extra
/// arguments `extraTypes` (flat f32 views, or f32 scalars) after the
/// kernel's own: the epilogue's, then each prologue's. Element i of the
/// output or operand, counted in its buffer's row-major linear index, pairs
/// with element `i mod size` of each extra view. The copy is specialized
/// to `constants` (see analyzeKernelArguments) and has its helper functions
/// inlined.
FailureOr<func::FuncOp> declareKernelWithMaps(
    ModuleOp module, StringRef file, StringRef name, func::FuncOp epilogue,
    unsigned output, ArrayRef<std::pair<func::FuncOp, unsigned>> prologues,
    TypeRange extraTypes, ArrayAttr constants);

/// The attributes of a kernel declared with a prologue
/// (declareKernelWithPrologue): the library function computing each element
/// the kernel loads from one operand, its source, and that operand.
inline constexpr llvm::StringLiteral kPrologueAttr = "ldn.prologue";
inline constexpr llvm::StringLiteral kPrologueSourceAttr =
    "ldn.prologue_source";
inline constexpr llvm::StringLiteral kPrologueOperandAttr =
    "ldn.prologue_operand";

/// A new private declaration of a copy of `name` (Kernels/`file`.mlir) in
/// which every load `operand[i...]` is replaced by a call of `prologue`
/// (a function of Kernels/`prologueFile`.mlir taking the load's indices and
/// then the copy's extra arguments `extraTypes`, appended after the
/// kernel's own), inlined. The operand itself is then only asked for its
/// sizes. Specialized to `constants` as for declareKernelWithMaps.
FailureOr<func::FuncOp>
declareKernelWithPrologue(ModuleOp module, StringRef file, StringRef name,
                          StringRef prologueFile, StringRef prologue,
                          unsigned operand, TypeRange extraTypes,
                          ArrayAttr constants);

/// Gives every declaration made by lookupOrDeclareKernel its body (and adds
/// the private functions of the same source that it calls).
LogicalResult defineKernels(ModuleOp module);

/// The embedded source of Kernels/`file`.mlir, or an empty string.
StringRef getKernelSource(StringRef file);

} // namespace mlir::ldn::gpu_lowering

#endif // LDN_LIB_CONVERSION_LDNTOGPU_KERNELLIBRARY_H
