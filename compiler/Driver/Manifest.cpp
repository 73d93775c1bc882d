//===- Manifest.cpp - the artifact manifest -------------------------------===//
//
// Built from the model before lowering, while functions still take tensors
// and argument locations still point at their `%name` in the source.
//
//===----------------------------------------------------------------------===//

#include "Driver/Compile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

static constexpr llvm::StringLiteral kNameAttr = "ldn.name";
static constexpr int kAbiVersion = 1;

/// The manifest's name of an element type, or "" when entries cannot take it.
static StringRef dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isF64())
    return "f64";
  if (type.isIndex())
    return "index";
  for (unsigned width : {1u, 8u, 32u, 64u})
    if (type.isSignlessInteger(width))
      return width == 1 ? "i1" : width == 8 ? "i8" : width == 32 ? "i32" : "i64";
  return "";
}

/// `%x` at `loc` in the source, as "x"; "" when the location is not a
/// file position or does not start with an SSA name.
static std::string ssaNameAt(Location loc, llvm::SourceMgr &sourceMgr) {
  auto fileLoc = dyn_cast<FileLineColLoc>(loc);
  if (!fileLoc)
    return "";
  for (unsigned id = 1, e = sourceMgr.getNumBuffers(); id <= e; ++id) {
    const llvm::MemoryBuffer *buffer = sourceMgr.getMemoryBuffer(id);
    if (buffer->getBufferIdentifier() != fileLoc.getFilename().getValue())
      continue;
    SMLoc at = sourceMgr.FindLocForLineAndColumn(id, fileLoc.getLine(),
                                                 fileLoc.getColumn());
    if (!at.isValid())
      return "";
    StringRef rest(at.getPointer(), buffer->getBufferEnd() - at.getPointer());
    if (!rest.consume_front("%"))
      return "";
    return rest
        .take_while([](char c) {
          return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' ||
                 c == '-';
        })
        .str();
  }
  return "";
}

/// The manifest entry of one argument or result; an error at `loc` when
/// the type cannot cross the artifact ABI.
static FailureOr<llvm::json::Object>
describeTensor(func::FuncOp func, Location loc, Type type, StringRef what,
               unsigned index, std::string name) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  StringRef dtype = tensor ? dtypeName(tensor.getElementType()) : "";
  if (!tensor || dtype.empty())
    return emitError(loc) << "entry point '" << func.getSymName() << "' "
                            << what << " #" << index << " has type " << type
                            << "; entry points take and return ranked tensors "
                               "of f32, f16, bf16, f64, i1, i8, i32, i64 or "
                               "index";
  llvm::json::Array shape;
  for (int64_t size : tensor.getShape())
    shape.push_back(ShapedType::isDynamic(size) ? int64_t(-1) : size);
  return llvm::json::Object{
      {"name", std::move(name)}, {"dtype", dtype}, {"shape", std::move(shape)}};
}

FailureOr<std::string>
mlir::ldn::buildManifest(ModuleOp module, llvm::SourceMgr &sourceMgr,
                         Target target) {
  llvm::json::Array entries;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    if (func.getSymName().starts_with("ldn_entry_"))
      return emitError(func.getLoc())
             << "entry point names may not start with 'ldn_entry_', the "
                "prefix of the artifact's wrapper symbols";
    llvm::json::Array args, results;
    llvm::StringMap<unsigned> argNames;
    for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
      std::string name;
      if (auto attr = func.getArgAttrOfType<StringAttr>(i, kNameAttr)) {
        name = attr.str();
        // Read once; LLVM's translation does not know the attribute.
        func.removeArgAttr(i, kNameAttr);
      } else
        name = ssaNameAt(arg.getLoc(), sourceMgr);
      if (name.empty())
        name = "arg" + std::to_string(i);
      // Arguments are bound by name: two with one name could not be.
      auto [previous, unique] = argNames.try_emplace(name, i);
      if (!unique)
        return emitError(arg.getLoc())
               << "entry point '" << func.getSymName() << "': arguments #"
               << previous->second << " and #" << i << " are both named '"
               << name << "'; rename one (or set ldn.name)";
      FailureOr<llvm::json::Object> desc =
          describeTensor(func, arg.getLoc(), arg.getType(), "argument", i, name);
      if (failed(desc))
        return failure();
      args.push_back(std::move(*desc));
    }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      auto attr = func.getResultAttrOfType<StringAttr>(i, kNameAttr);
      if (attr)
        func.removeResultAttr(i, StringAttr::get(func.getContext(), kNameAttr));
      FailureOr<llvm::json::Object> desc = describeTensor(
          func, func.getLoc(), type, "result", i,
          attr ? attr.str() : "result" + std::to_string(i));
      if (failed(desc))
        return failure();
      results.push_back(std::move(*desc));
    }
    entries.push_back(llvm::json::Object{
        {"name", func.getSymName()},
        {"symbol", ("ldn_entry_" + func.getSymName()).str()},
        {"args", std::move(args)},
        {"results", std::move(results)}});
  }
  if (entries.empty())
    return emitError(module.getLoc())
           << "the model has no public function with a body to compile";

  // The source travels with the artifact so that ldn-run --check can
  // evaluate the same functions with the reference implementation.
  std::string source;
  llvm::raw_string_ostream os(source);
  module.print(os, OpPrintingFlags().enableDebugInfo(false));

  llvm::json::Object manifest{{"abi", kAbiVersion},
                              {"producer", "ldn-compile " LDN_VERSION},
                              {"target", stringifyTarget(target)},
                              {"entries", std::move(entries)},
                              {"source", std::move(source)}};
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::json::Value(std::move(manifest));
  return text;
}
