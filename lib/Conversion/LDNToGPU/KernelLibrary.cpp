//===- KernelLibrary.cpp - the embedded GPU kernel sources ----------------===//

#include "KernelLibrary.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"

using namespace mlir;

namespace {
struct KernelSource {
  const char *file;
  const char *text;
};
} // namespace

static const KernelSource kKernelSources[] = {
#include "KernelSources.inc"
};

StringRef mlir::ldn::gpu_lowering::getKernelSource(StringRef file) {
  for (const KernelSource &source : kKernelSources)
    if (file == source.file)
      return source.text;
  return {};
}

/// Parses Kernels/`file`.mlir.
static OwningOpRef<ModuleOp> parseKernelSource(ModuleOp module,
                                               StringRef file) {
  StringRef text = ldn::gpu_lowering::getKernelSource(file);
  if (text.empty()) {
    emitError(module.getLoc())
        << "internal error: no GPU kernel source '" << file << "'";
    return nullptr;
  }
  // The kernel sources are part of the compiler; a parse error here is a
  // bug in them, reported with the kernel file's own line and column.
  ParserConfig config(module.getContext());
  OwningOpRef<ModuleOp> library = parseSourceString<ModuleOp>(
      text, config, ("Kernels/" + file + ".mlir").str());
  if (!library)
    emitError(module.getLoc())
        << "internal error: GPU kernel source '" << file
        << "' does not parse";
  return library;
}

static func::FuncOp lookupInLibrary(ModuleOp module, ModuleOp library,
                                    StringRef file, StringRef name) {
  auto func = library.lookupSymbol<func::FuncOp>(name);
  if (!func)
    emitError(module.getLoc())
        << "internal error: no function '" << name
        << "' in GPU kernel source '" << file << "'";
  return func;
}

FailureOr<func::FuncOp>
mlir::ldn::gpu_lowering::lookupOrDeclareKernel(ModuleOp module,
                                               StringRef file,
                                               StringRef name) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
  if (!library)
    return failure();
  func::FuncOp func = lookupInLibrary(module, *library, file, name);
  if (!func)
    return failure();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto declaration = func::FuncOp::create(builder, func.getLoc(), name,
                                          func.getFunctionType());
  declaration.setPrivate();
  declaration->setAttr(kKernelSourceAttr, builder.getStringAttr(file));
  return declaration;
}

LogicalResult mlir::ldn::gpu_lowering::defineKernels(ModuleOp module) {
  SmallVector<func::FuncOp> declarations;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(kKernelSourceAttr) && func.isDeclaration())
      declarations.push_back(func);
  for (func::FuncOp declaration : declarations) {
    StringRef file =
        cast<StringAttr>(declaration->getAttr(kKernelSourceAttr)).getValue();
    OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
    if (!library)
      return failure();
    func::FuncOp func =
        lookupInLibrary(module, *library, file, declaration.getName());
    if (!func)
      return failure();
    // The body, then the functions of the file that it calls, transitively.
    IRMapping mapping;
    func.getBody().cloneInto(&declaration.getBody(), mapping);
    declaration->removeAttr(kKernelSourceAttr);
    // Outlined kernels are named after the host function
    // (ldn_gpu_scan_kernel, ldn_gpu_scan_kernel_1, ...) rather than after
    // the model function they are inlined into, so PTX, ptxas reports and
    // profiles say which op a kernel belongs to. (Not the host function's
    // own name: the reference would keep it alive through symbol-dce.)
    unsigned index = 0;
    declaration.walk([&](gpu::LaunchOp launch) {
      std::string name = declaration.getName().str() + "_kernel";
      if (index++ != 0)
        name += "_" + std::to_string(index - 1);
      launch.setFunctionAttr(
          FlatSymbolRefAttr::get(module.getContext(), name));
    });
    SmallVector<func::FuncOp> pending;
    func.walk([&](func::CallOp call) {
      if (auto callee = library->lookupSymbol<func::FuncOp>(call.getCallee()))
        pending.push_back(callee);
    });
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    while (!pending.empty()) {
      func::FuncOp callee = pending.pop_back_val();
      if (module.lookupSymbol(callee.getName()))
        continue;
      auto clone = cast<func::FuncOp>(builder.clone(*callee));
      clone.setPrivate();
      callee.walk([&](func::CallOp call) {
        if (auto next = library->lookupSymbol<func::FuncOp>(call.getCallee()))
          pending.push_back(next);
      });
    }
  }
  return success();
}
