//===- ReadOnlyEntryArgs.cpp - entry arguments are read-only --------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNREADONLYENTRYARGS
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

namespace {
struct ReadOnlyEntryArgs
    : ldn::impl::LDNReadOnlyEntryArgsBase<ReadOnlyEntryArgs> {
  void runOnOperation() override {
    auto readOnly = BoolAttr::get(&getContext(), false);
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
        if (isa<TensorType>(type))
          func.setArgAttr(i,
                          bufferization::BufferizationDialect::kWritableAttrName,
                          readOnly);
    }
  }
};
} // namespace
