//===- KernelLibrary.cpp - the embedded GPU kernel sources ----------------===//

#include "KernelLibrary.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::ldn::gpu_lowering;

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

/// The type of the function `name` of Kernels/`file`.mlir.
static FailureOr<FunctionType>
libraryFunctionType(ModuleOp module, StringRef file, StringRef name) {
  OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
  if (!library)
    return failure();
  func::FuncOp func = lookupInLibrary(module, *library, file, name);
  if (!func)
    return failure();
  return func.getFunctionType();
}

FailureOr<func::FuncOp>
mlir::ldn::gpu_lowering::lookupOrDeclareKernel(ModuleOp module,
                                               StringRef file,
                                               StringRef name) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  FailureOr<FunctionType> type = libraryFunctionType(module, file, name);
  if (failed(type))
    return failure();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto declaration =
      func::FuncOp::create(builder, module.getLoc(), name, *type);
  declaration.setPrivate();
  declaration->setAttr(kKernelSourceAttr, builder.getStringAttr(file));
  return declaration;
}

/// Clones the ops of the single block `body` (a function's) at `b`, its
/// arguments mapped by `mapping`, and returns the values it returns: a
/// function inlined where it would be called.
static SmallVector<Value> cloneBody(OpBuilder &b, Block &body,
                                    IRMapping &mapping) {
  for (Operation &inner : body.without_terminator())
    b.clone(inner, mapping);
  SmallVector<Value> results;
  for (Value value : cast<func::ReturnOp>(body.getTerminator()).getOperands())
    results.push_back(mapping.lookupOrDefault(value));
  return results;
}

/// Inlines every call in `func` to a (single-block) function of `library`,
/// transitively, then canonicalizes: the kernels pass their output through
/// helper functions with constant flags, and the epilogue must see every
/// access to it. Fails on a callee it cannot inline.
static LogicalResult inlineHelpers(func::FuncOp func, ModuleOp library) {
  while (true) {
    func::CallOp call;
    func.walk([&](func::CallOp c) {
      if (library.lookupSymbol<func::FuncOp>(c.getCallee()))
        call = c;
    });
    if (!call)
      break;
    auto callee = library.lookupSymbol<func::FuncOp>(call.getCallee());
    if (callee.isDeclaration() || !callee.getBody().hasOneBlock())
      return failure();
    Block &body = callee.getBody().front();
    IRMapping mapping;
    mapping.map(body.getArguments(), call.getOperands());
    OpBuilder b(call);
    call.replaceAllUsesWith(cloneBody(b, body, mapping));
    call.erase();
  }
  MLIRContext *context = func.getContext();
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  return applyPatternsGreedily(func, std::move(patterns));
}

/// The ops that use `buffer` or a view of it, the views themselves (casts,
/// subviews, reshapes) and size queries aside. The base buffer of a view's
/// strided metadata aliases it, so its uses are followed like a view's.
static SmallVector<Operation *> usersThroughViews(Value buffer) {
  SmallVector<Operation *> users;
  SmallVector<Value> views = {buffer};
  while (!views.empty()) {
    Value view = views.pop_back_val();
    for (Operation *user : view.getUsers()) {
      if (isa<memref::ReinterpretCastOp, memref::SubViewOp,
              memref::ExpandShapeOp, memref::CollapseShapeOp,
              memref::CastOp>(user))
        views.push_back(user->getResult(0));
      else if (auto metadata = dyn_cast<memref::ExtractStridedMetadataOp>(user))
        views.push_back(metadata.getBaseBuffer());
      else if (!isa<memref::DimOp>(user))
        users.push_back(user);
    }
  }
  return users;
}

/// The ops of type `OpTy` among usersThroughViews(`buffer`), if there are
/// no others.
template <typename OpTy>
static std::optional<SmallVector<OpTy>> collectOnly(Value buffer) {
  SmallVector<OpTy> ops;
  for (Operation *user : usersThroughViews(buffer)) {
    auto op = dyn_cast<OpTy>(user);
    if (!op)
      return std::nullopt;
    ops.push_back(op);
  }
  return ops;
}

/// The stores to `buffer` and to views of it, if those and size queries are
/// all its uses: every element the kernel leaves in it is then the last
/// value stored there, never read back, copied or passed on.
static std::optional<SmallVector<memref::StoreOp>>
collectOnlyStores(Value buffer) {
  std::optional<SmallVector<memref::StoreOp>> stores =
      collectOnly<memref::StoreOp>(buffer);
  // Storing the buffer itself (into a memref of memrefs) passes it on.
  if (stores && llvm::any_of(*stores, [](memref::StoreOp store) {
        return isa<BaseMemRefType>(store.getValueToStore().getType());
      }))
    return std::nullopt;
  return stores;
}

/// The loads of `buffer`, if those (with the buffer itself as the memref)
/// and size queries are all its uses: then the kernel's view of it can be
/// replaced by a computation of each loaded element.
static std::optional<SmallVector<memref::LoadOp>>
collectOnlyLoads(Value buffer) {
  SmallVector<memref::LoadOp> loads;
  for (Operation *user : buffer.getUsers()) {
    if (auto load = dyn_cast<memref::LoadOp>(user))
      loads.push_back(load);
    else if (!isa<memref::DimOp>(user))
      return std::nullopt;
  }
  return loads;
}

/// The loads of `buffer` and of views of it, if those and size queries are
/// all its uses: then each element the kernel reads from it can be mapped
/// where it is loaded (nothing copies it, passes it on or writes it).
static std::optional<SmallVector<memref::LoadOp>>
collectOnlyViewLoads(Value buffer) {
  return collectOnly<memref::LoadOp>(buffer);
}

/// The library's `name` specialized to the call site's `constants` (one
/// entry per argument, a TypedAttr where the argument is a constant) and
/// with its helpers inlined, or null. The flags of a call site select the
/// code that runs; only that code must leave the output alone.
static func::FuncOp prepareForEpilogue(ModuleOp module, ModuleOp library,
                                       StringRef file, StringRef name,
                                       ArrayAttr constants) {
  func::FuncOp func = lookupInLibrary(module, library, file, name);
  if (!func || func.isDeclaration())
    return nullptr;
  OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
  for (auto [argument, constant] :
       llvm::zip(func.getArguments(), constants.getValue()))
    if (auto value = dyn_cast<TypedAttr>(constant);
        value && value.getType() == argument.getType())
      argument.replaceAllUsesWith(
          arith::ConstantOp::create(b, func.getLoc(), value));
  if (failed(inlineHelpers(func, library)))
    return nullptr;
  return func;
}

FailureOr<SmallVector<ArgumentAccess>>
mlir::ldn::gpu_lowering::analyzeKernelArguments(ModuleOp module,
                                                StringRef file, StringRef name,
                                                ArrayAttr constants) {
  OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
  if (!library)
    return failure();
  func::FuncOp base = lookupInLibrary(module, *library, file, name);
  if (!base)
    return failure();
  // A kernel that cannot be prepared fuses nothing.
  SmallVector<ArgumentAccess> accesses(base.getNumArguments());
  func::FuncOp func =
      prepareForEpilogue(module, *library, file, name, constants);
  if (!func)
    return accesses;
  for (auto [access, argument] : llvm::zip(accesses, func.getArguments())) {
    access.onlyStores = collectOnlyStores(argument).has_value();
    access.onlyOwnLoads = collectOnlyLoads(argument).has_value();
    access.onlyLoads = collectOnlyViewLoads(argument).has_value();
  }
  return accesses;
}

/// A new private declaration `<name>_fused` of the library function `name`
/// with `extraTypes` appended to its arguments, marked to be defined as a
/// copy of it specialized to `constants`.
static FailureOr<func::FuncOp>
declareFusedCopy(ModuleOp module, StringRef file, StringRef name,
                 TypeRange extraTypes, ArrayAttr constants) {
  FailureOr<FunctionType> type = libraryFunctionType(module, file, name);
  if (failed(type))
    return failure();
  SmallVector<Type> inputs(type->getInputs());
  llvm::append_range(inputs, extraTypes);
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto declaration = func::FuncOp::create(
      builder, module.getLoc(), (name + "_fused").str(),
      builder.getFunctionType(inputs, type->getResults()));
  declaration.setPrivate();
  SymbolTable(module).insert(declaration); // renames it if taken
  declaration->setAttr(kKernelSourceAttr, builder.getStringAttr(file));
  declaration->setAttr(kKernelBaseAttr, builder.getStringAttr(name));
  declaration->setAttr(kKernelConstantsAttr, constants);
  return declaration;
}

FailureOr<func::FuncOp> mlir::ldn::gpu_lowering::declareKernelWithPrologue(
    ModuleOp module, StringRef file, StringRef name, StringRef prologueFile,
    StringRef prologue, unsigned operand, TypeRange extraTypes,
    ArrayAttr constants) {
  FailureOr<func::FuncOp> declaration =
      declareFusedCopy(module, file, name, extraTypes, constants);
  if (failed(declaration))
    return failure();
  Builder builder(module.getContext());
  (*declaration)->setAttr(kPrologueSourceAttr,
                          builder.getStringAttr(prologueFile));
  (*declaration)->setAttr(kPrologueAttr, builder.getStringAttr(prologue));
  (*declaration)->setAttr(kPrologueOperandAttr, builder.getIndexAttr(operand));
  return declaration;
}

FailureOr<func::FuncOp> mlir::ldn::gpu_lowering::declareKernelWithMaps(
    ModuleOp module, StringRef file, StringRef name, func::FuncOp epilogue,
    unsigned output, ArrayRef<std::pair<func::FuncOp, unsigned>> prologues,
    TypeRange extraTypes, ArrayAttr constants) {
  FailureOr<func::FuncOp> declaration =
      declareFusedCopy(module, file, name, extraTypes, constants);
  if (failed(declaration))
    return failure();
  Builder builder(module.getContext());
  if (epilogue) {
    (*declaration)->setAttr(kEpilogueAttr,
                            FlatSymbolRefAttr::get(epilogue.getSymNameAttr()));
    (*declaration)->setAttr(kEpilogueOutputAttr, builder.getIndexAttr(output));
  }
  if (!prologues.empty()) {
    SmallVector<Attribute> maps;
    SmallVector<int64_t> operands;
    for (auto [prologue, operand] : prologues) {
      maps.push_back(FlatSymbolRefAttr::get(prologue.getSymNameAttr()));
      operands.push_back(operand);
    }
    (*declaration)->setAttr(kMapProloguesAttr, builder.getArrayAttr(maps));
    (*declaration)->setAttr(kMapPrologueOperandsAttr,
                            builder.getDenseI64ArrayAttr(operands));
  }
  return declaration;
}

/// `map` (value, extras...) at the element of `memref` at `indices`, built
/// at `b`: each extra view is read at `i mod size`, where i is the
/// element's linear index in the buffer under the views (the row-major
/// index of the tensor the lowering made the buffer from).
static Value applyScalarMap(OpBuilder &b, Location loc, func::FuncOp map,
                           Value value, Value memref, ValueRange indices,
                           ValueRange extras) {
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value linear = metadata.getOffset();
  for (auto [index, stride] : llvm::zip(indices, metadata.getStrides()))
    linear = arith::AddIOp::create(
        b, loc, linear, arith::MulIOp::create(b, loc, index, stride));
  IRMapping mapping;
  Block &body = map.getBody().front();
  mapping.map(body.getArgument(0), value);
  for (auto [argument, extra] :
       llvm::zip(body.getArguments().drop_front(), extras)) {
    if (!isa<MemRefType>(extra.getType())) { // a scalar
      mapping.map(argument, extra);
      continue;
    }
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value size = memref::DimOp::create(b, loc, extra, zero);
    Value element = arith::RemUIOp::create(b, loc, linear, size);
    mapping.map(argument,
                memref::LoadOp::create(b, loc, extra, element).getResult());
  }
  return cloneBody(b, body, mapping).front();
}

/// Rewrites every store to `output` (and its views) to store
/// epilogue(value, extras...) instead (applyScalarMap; the lowering passes
/// views of a fresh buffer, so i is the result's row-major index).
static LogicalResult applyEpilogue(func::FuncOp epilogue, Value output,
                                   ValueRange extras) {
  std::optional<SmallVector<memref::StoreOp>> stores =
      collectOnlyStores(output);
  if (!stores)
    return failure();
  for (memref::StoreOp store : *stores) {
    OpBuilder b(store);
    store.getValueMutable().set(applyScalarMap(
        b, store.getLoc(), epilogue, store.getValueToStore(),
        store.getMemRef(), store.getIndices(), extras));
  }
  return success();
}

/// Maps every element loaded from `operand` (and its views) by `prologue`
/// (value, extras...) where it is loaded (applyScalarMap; the lowering
/// passes a view of the prologue's source, whose row-major order the
/// reshapes between it and the operand keep).
static LogicalResult applyMapPrologue(func::FuncOp prologue, Value operand,
                                      ValueRange extras) {
  std::optional<SmallVector<memref::LoadOp>> loads =
      collectOnlyViewLoads(operand);
  if (!loads)
    return failure();
  for (memref::LoadOp load : *loads) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : load.getResult().getUses())
      uses.push_back(&use);
    OpBuilder b(load->getContext());
    b.setInsertionPointAfter(load);
    Value mapped = applyScalarMap(b, load.getLoc(), prologue, load.getResult(),
                                  load.getMemRef(), load.getIndices(), extras);
    for (OpOperand *use : uses)
      use->set(mapped);
  }
  return success();
}

/// Replaces every load of `operand` by `prologue` (indices..., extras...),
/// its body inlined at the load.
static LogicalResult applyPrologue(func::FuncOp prologue, Value operand,
                                   ValueRange extras) {
  std::optional<SmallVector<memref::LoadOp>> loads = collectOnlyLoads(operand);
  Block &body = prologue.getBody().front();
  if (!loads || !prologue.getBody().hasOneBlock())
    return failure();
  for (memref::LoadOp load : *loads) {
    if (body.getNumArguments() != load.getIndices().size() + extras.size())
      return failure();
    OpBuilder b(load);
    IRMapping mapping;
    mapping.map(body.getArguments().take_front(load.getIndices().size()),
                load.getIndices());
    mapping.map(body.getArguments().drop_front(load.getIndices().size()),
                extras);
    load.replaceAllUsesWith(cloneBody(b, body, mapping).front());
    load.erase();
  }
  return success();
}

/// The arguments `declaration` has beyond those of the library function it
/// copies (`base`), added to its entry block.
static SmallVector<Value> addExtraArguments(func::FuncOp declaration,
                                            func::FuncOp base) {
  Block &entry = declaration.getBody().front();
  SmallVector<Value> extras;
  for (Type type :
       declaration.getArgumentTypes().drop_front(base.getNumArguments()))
    extras.push_back(entry.addArgument(type, declaration.getLoc()));
  return extras;
}

LogicalResult mlir::ldn::gpu_lowering::defineKernels(ModuleOp module) {
  SmallVector<func::FuncOp> declarations;
  for (auto func : module.getOps<func::FuncOp>())
    if (func->hasAttr(kKernelSourceAttr) && func.isDeclaration())
      declarations.push_back(func);
  // Epilogues and prologues: applied at the stores and loads of fused
  // kernels, then no longer needed.
  llvm::SetVector<func::FuncOp> scalarMaps;
  for (func::FuncOp declaration : declarations) {
    StringRef file =
        cast<StringAttr>(declaration->getAttr(kKernelSourceAttr)).getValue();
    OwningOpRef<ModuleOp> library = parseKernelSource(module, file);
    if (!library)
      return failure();
    // A fused kernel copies its base with the helpers inlined, as
    // analyzeKernelArguments analysed it.
    auto base = declaration->getAttrOfType<StringAttr>(kKernelBaseAttr);
    func::FuncOp func =
        base ? prepareForEpilogue(
                   module, *library, file, base.getValue(),
                   declaration->getAttrOfType<ArrayAttr>(kKernelConstantsAttr))
             : lookupInLibrary(module, *library, file, declaration.getName());
    if (!func)
      return failure();
    // A library prologue replaces the operand's loads outright and takes
    // all the extra arguments; maps (an epilogue, prologues) each take as
    // many as their function has after the value, in that order.
    if (declaration->hasAttr(kPrologueAttr) &&
        (declaration->hasAttr(kEpilogueAttr) ||
         declaration->hasAttr(kMapProloguesAttr)))
      return declaration.emitError(
          "internal error: a kernel with a library prologue and maps");
    // The body, then the functions of the file that it calls, transitively.
    IRMapping mapping;
    func.getBody().cloneInto(&declaration.getBody(), mapping);
    declaration->removeAttr(kKernelSourceAttr);
    Block &entry = declaration.getBody().front();
    SmallVector<Value> allExtras;
    if (base)
      allExtras = addExtraArguments(declaration, func);
    ArrayRef<Value> extras = allExtras;
    // The next `map`'s extra arguments.
    auto takeExtras = [&](func::FuncOp map) {
      size_t count = std::min<size_t>(map.getNumArguments() - 1,
                                      extras.size());
      ArrayRef<Value> taken = extras.take_front(count);
      extras = extras.drop_front(count);
      return taken;
    };
    if (auto epilogueRef =
            declaration->getAttrOfType<FlatSymbolRefAttr>(kEpilogueAttr)) {
      auto epilogue = module.lookupSymbol<func::FuncOp>(epilogueRef);
      auto output =
          declaration->getAttrOfType<IntegerAttr>(kEpilogueOutputAttr);
      if (!epilogue || !output)
        return declaration.emitError(
            "internal error: a fused kernel without its epilogue");
      if (failed(applyEpilogue(epilogue, entry.getArgument(output.getInt()),
                               takeExtras(epilogue))))
        return declaration.emitError(
            "internal error: the kernel reads or passes on the output its "
            "epilogue applies to");
      scalarMaps.insert(epilogue);
    }
    if (auto prologues =
            declaration->getAttrOfType<ArrayAttr>(kMapProloguesAttr)) {
      auto operands = declaration->getAttrOfType<DenseI64ArrayAttr>(
          kMapPrologueOperandsAttr);
      if (!operands || static_cast<size_t>(operands.size()) != prologues.size())
        return declaration.emitError(
            "internal error: a fused kernel without its prologues' operands");
      // A map named again (one operand passed as several arguments) reads
      // the same extra arguments.
      llvm::DenseMap<func::FuncOp, ArrayRef<Value>> prologueExtras;
      for (auto [ref, operand] :
           llvm::zip(prologues.getAsRange<FlatSymbolRefAttr>(),
                     operands.asArrayRef())) {
        auto prologue = module.lookupSymbol<func::FuncOp>(ref);
        if (!prologue)
          return declaration.emitError(
              "internal error: a fused kernel without its prologue");
        if (!prologueExtras.count(prologue))
          prologueExtras[prologue] = takeExtras(prologue);
        if (failed(applyMapPrologue(prologue, entry.getArgument(operand),
                                    prologueExtras[prologue])))
          return declaration.emitError(
              "internal error: the kernel uses the operand its prologue "
              "maps other than by loads");
        scalarMaps.insert(prologue);
      }
    }
    if (auto prologueName =
            declaration->getAttrOfType<StringAttr>(kPrologueAttr)) {
      auto prologueFile =
          declaration->getAttrOfType<StringAttr>(kPrologueSourceAttr);
      auto operand =
          declaration->getAttrOfType<IntegerAttr>(kPrologueOperandAttr);
      OwningOpRef<ModuleOp> prologueLibrary =
          prologueFile ? parseKernelSource(module, prologueFile.getValue())
                       : nullptr;
      func::FuncOp prologue =
          prologueLibrary
              ? lookupInLibrary(module, *prologueLibrary,
                                prologueFile.getValue(), prologueName.getValue())
              : nullptr;
      if (!prologue || !operand)
        return declaration.emitError(
            "internal error: a fused kernel without its prologue");
      if (failed(applyPrologue(prologue, entry.getArgument(operand.getInt()),
                               extras)))
        return declaration.emitError(
            "internal error: the kernel uses the operand its prologue "
            "computes other than by loads");
      extras = {};
    }
    if (!extras.empty())
      return declaration.emitError(
          "internal error: a fused kernel with extra arguments no map takes");
    for (StringRef attr :
         {kKernelBaseAttr, kEpilogueAttr, kEpilogueOutputAttr,
          kMapProloguesAttr, kMapPrologueOperandsAttr, kPrologueAttr,
          kPrologueSourceAttr, kPrologueOperandAttr, kKernelConstantsAttr})
      declaration->removeAttr(attr);
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
  for (func::FuncOp map : scalarMaps)
    map.erase();
  return success();
}
