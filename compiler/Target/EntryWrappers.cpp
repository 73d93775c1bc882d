//===- EntryWrappers.cpp - ldn_entry_<name>(void **args) wrappers ---------===//
//
// Runs after bufferization (functions take and return memrefs) and before
// the LLVM conversion. The wrapper moves between the descriptors the runtime
// passes and memref values with `unrealized_conversion_cast`s, which cancel
// against the casts of the LLVM conversion: the memref descriptor struct is
// exactly the layout of docs/artifact-abi.md.
//
//===----------------------------------------------------------------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNEMITENTRYWRAPPERS
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

static constexpr llvm::StringLiteral kEntryPrefix = "ldn_entry_";

/// `{ptr allocated, ptr aligned, i64 offset, [R x i64] sizes, [R x i64] strides}`.
static Type descriptorType(MLIRContext *context, int64_t rank) {
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto i64 = IntegerType::get(context, 64);
  SmallVector<Type> fields = {ptr, ptr, i64};
  if (rank > 0) {
    auto array = LLVM::LLVMArrayType::get(i64, rank);
    fields.append({array, array});
  }
  return LLVM::LLVMStructType::getLiteral(context, fields);
}

/// The descriptor pointer in slot `index` of the `void **args` array.
static Value loadSlot(OpBuilder &b, Location loc, Value args, int64_t index) {
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, args,
                                   ArrayRef<LLVM::GEPArg>{index});
  return LLVM::LoadOp::create(b, loc, ptr, slot);
}

static LogicalResult checkEntryTypes(func::FuncOp func) {
  auto check = [&](TypeRange types, StringRef what) -> LogicalResult {
    for (auto [i, type] : llvm::enumerate(types)) {
      auto memref = dyn_cast<MemRefType>(type);
      if (!memref || !memref.getLayout().isIdentity())
        return func.emitError() << "entry point '" << func.getSymName()
                                << "': " << what << " #" << i << " has type "
                                << type
                                << "; entry points take and return tensors only";
    }
    return success();
  };
  return success(succeeded(check(func.getArgumentTypes(), "argument")) &&
                 succeeded(check(func.getResultTypes(), "result")));
}

static void emitWrapper(OpBuilder &b, func::FuncOp func) {
  MLIRContext *context = b.getContext();
  Location loc = func.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(context);
  auto wrapper = func::FuncOp::create(
      b, loc, (kEntryPrefix + func.getSymName()).str(),
      b.getFunctionType({ptr}, {}));
  Block *entry = wrapper.addEntryBlock();
  OpBuilder body = OpBuilder::atBlockEnd(entry);
  Value args = entry->getArgument(0);

  SmallVector<Value> operands;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto memref = cast<MemRefType>(type);
    Value descriptor = LLVM::LoadOp::create(
        body, loc, descriptorType(context, memref.getRank()),
        loadSlot(body, loc, args, i));
    operands.push_back(UnrealizedConversionCastOp::create(body, loc, memref,
                                                          descriptor)
                           .getResult(0));
  }
  auto call = func::CallOp::create(body, loc, func, operands);
  int64_t numArgs = func.getNumArguments();
  for (auto [j, result] : llvm::enumerate(call.getResults())) {
    auto memref = cast<MemRefType>(result.getType());
    Value descriptor =
        UnrealizedConversionCastOp::create(
            body, loc, descriptorType(context, memref.getRank()), result)
            .getResult(0);
    LLVM::StoreOp::create(body, loc, descriptor,
                          loadSlot(body, loc, args, numArgs + j));
  }
  func::ReturnOp::create(body, loc);
}

namespace {
struct EmitEntryWrappers
    : ldn::impl::LDNEmitEntryWrappersBase<EmitEntryWrappers> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> entries;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() &&
          !func.getSymName().starts_with(kEntryPrefix))
        entries.push_back(func);

    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    for (func::FuncOp func : entries) {
      if (failed(checkEntryTypes(func)))
        return signalPassFailure();
      emitWrapper(builder, func);
      // Only the wrappers are the artifact's interface. Exported under
      // the model's own names, the functions could be interposed by a
      // library symbol of the same name (a model function `glob` would call
      // libc's).
      func->setAttr("llvm.linkage", LLVM::LinkageAttr::get(
                                        module.getContext(),
                                        LLVM::Linkage::Internal));
    }
  }
};
} // namespace
