//===- KernelLibrary.cpp - the embedded GPU kernel sources ----------------===//

#include "KernelLibrary.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/SetVector.h"

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

FailureOr<bool> mlir::ldn::gpu_lowering::kernelOnlyStoresTo(
    ModuleOp module, StringRef file, StringRef name, unsigned argument) {
  OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
  if (!library)
    return failure();
  func::FuncOp func = lookupInLibrary(module, *library, file, name);
  if (!func)
    return failure();
  Value buffer = func.getArgument(argument);
  return llvm::all_of(buffer.getUses(), [&](OpOperand &use) {
    auto store = dyn_cast<memref::StoreOp>(use.getOwner());
    return store && store.getMemRef() == buffer;
  });
}

FailureOr<func::FuncOp> mlir::ldn::gpu_lowering::declareKernelWithEpilogue(
    ModuleOp module, StringRef file, StringRef name, func::FuncOp epilogue,
    unsigned output, TypeRange extraTypes) {
  OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
  if (!library)
    return failure();
  func::FuncOp func = lookupInLibrary(module, *library, file, name);
  if (!func)
    return failure();
  SmallVector<Type> inputs(func.getArgumentTypes());
  llvm::append_range(inputs, extraTypes);
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto declaration = func::FuncOp::create(
      builder, func.getLoc(), (name + "_fused").str(),
      builder.getFunctionType(inputs, func.getResultTypes()));
  declaration.setPrivate();
  SymbolTable(module).insert(declaration); // renames it if taken
  declaration->setAttr(kKernelSourceAttr, builder.getStringAttr(file));
  declaration->setAttr(kKernelBaseAttr, builder.getStringAttr(name));
  declaration->setAttr(kEpilogueAttr,
                       FlatSymbolRefAttr::get(epilogue.getSymNameAttr()));
  declaration->setAttr(kEpilogueOutputAttr, builder.getIndexAttr(output));
  return declaration;
}

/// Rewrites every store to `output` to store epilogue(value, extra[i mod
/// size]...) instead, where i is the stored element's linear index in the
/// view (kernelOnlyStoresTo made sure stores are its only uses).
static void applyEpilogue(func::FuncOp epilogue, Value output,
                          ValueRange extras) {
  for (OpOperand &use : llvm::make_early_inc_range(output.getUses())) {
    auto store = cast<memref::StoreOp>(use.getOwner());
    OpBuilder b(store);
    Location loc = store.getLoc();
    auto metadata =
        memref::ExtractStridedMetadataOp::create(b, loc, output);
    Value linear = metadata.getOffset();
    for (auto [index, stride] :
         llvm::zip(store.getIndices(), metadata.getStrides()))
      linear = arith::AddIOp::create(
          b, loc, linear, arith::MulIOp::create(b, loc, index, stride));
    IRMapping mapping;
    Block &body = epilogue.getBody().front();
    mapping.map(body.getArgument(0), store.getValueToStore());
    for (auto [argument, extra] :
         llvm::zip(body.getArguments().drop_front(), extras)) {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value size = memref::DimOp::create(b, loc, extra, zero);
      Value element = arith::RemUIOp::create(b, loc, linear, size);
      mapping.map(argument,
                  memref::LoadOp::create(b, loc, extra, element).getResult());
    }
    for (Operation &inner : body.without_terminator())
      b.clone(inner, mapping);
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    store.getValueMutable().set(
        mapping.lookupOrDefault(ret.getOperand(0)));
  }
}

LogicalResult mlir::ldn::gpu_lowering::defineKernels(ModuleOp module) {
  SmallVector<func::FuncOp> declarations;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(kKernelSourceAttr) && func.isDeclaration())
      declarations.push_back(func);
  // Applied at the stores of fused kernels, then no longer needed.
  llvm::SetVector<func::FuncOp> epilogues;
  for (func::FuncOp declaration : declarations) {
    StringRef file =
        cast<StringAttr>(declaration->getAttr(kKernelSourceAttr)).getValue();
    OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
    if (!library)
      return failure();
    auto base = declaration->getAttrOfType<StringAttr>(kKernelBaseAttr);
    func::FuncOp func = lookupInLibrary(
        module, *library, file, base ? base.getValue() : declaration.getName());
    if (!func)
      return failure();
    // The body, then the functions of the file that it calls, transitively.
    IRMapping mapping;
    func.getBody().cloneInto(&declaration.getBody(), mapping);
    declaration->removeAttr(kKernelSourceAttr);
    if (auto epilogueRef =
            declaration->getAttrOfType<FlatSymbolRefAttr>(kEpilogueAttr)) {
      auto epilogue = module.lookupSymbol<func::FuncOp>(epilogueRef);
      auto output =
          declaration->getAttrOfType<IntegerAttr>(kEpilogueOutputAttr);
      if (!epilogue || !output)
        return declaration.emitError(
            "internal error: a fused kernel without its epilogue");
      Block &entry = declaration.getBody().front();
      SmallVector<Value> extras;
      for (Type type : declaration.getArgumentTypes().drop_front(
               func.getNumArguments()))
        extras.push_back(entry.addArgument(type, declaration.getLoc()));
      applyEpilogue(epilogue, entry.getArgument(output.getInt()), extras);
      for (StringRef attr : {kKernelBaseAttr, kEpilogueAttr,
                             kEpilogueOutputAttr})
        declaration->removeAttr(attr);
      epilogues.insert(epilogue);
    }
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
  for (func::FuncOp epilogue : epilogues)
    epilogue.erase();
  return success();
}
