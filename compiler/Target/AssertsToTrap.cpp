//===- AssertsToTrap.cpp - cf.assert -> call ldnrt_trap -------------------===//
//
// Runs on CFG code (after scf-to-cf), where blocks can be split freely.
//
//===----------------------------------------------------------------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNLOWERASSERTSTOTRAP
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

static constexpr llvm::StringLiteral kTrapFunction = "ldnrt_trap";

namespace {
struct LowerAssertsToTrap
    : ldn::impl::LDNLowerAssertsToTrapBase<LowerAssertsToTrap> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<cf::AssertOp> asserts;
    module.walk([&](cf::AssertOp op) { asserts.push_back(op); });
    if (asserts.empty())
      return;

    MLIRContext *context = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(context);
    OpBuilder builder(context);
    builder.setInsertionPointToEnd(module.getBody());
    if (!module.lookupSymbol(kTrapFunction))
      LLVM::LLVMFuncOp::create(
          builder, module.getLoc(), kTrapFunction,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptrType}));

    // One global per distinct message.
    llvm::StringMap<std::string> globalNames;
    for (cf::AssertOp op : asserts) {
      Block *before = op->getBlock();
      Block *rest = before->splitBlock(std::next(Block::iterator(op)));
      auto *trap = new Block();
      before->getParent()->getBlocks().insert(Region::iterator(rest), trap);

      builder.setInsertionPointToEnd(trap);
      // The message is all the caller gets back: say where the check is.
      std::string message;
      llvm::raw_string_ostream os(message);
      if (auto file = dyn_cast<FileLineColLoc>(op.getLoc()))
        os << file.getFilename().getValue() << ":" << file.getLine() << ":"
           << file.getColumn() << ": ";
      os << op.getMsg();
      auto [it, inserted] = globalNames.try_emplace(
          message, "ldn_trap_message_" + std::to_string(globalNames.size()));
      Value text;
      if (inserted) {
        text = LLVM::createGlobalString(op.getLoc(), builder, it->second,
                                        message + '\0' /*C string*/,
                                        LLVM::Linkage::Internal);
      } else {
        text = LLVM::AddressOfOp::create(builder, op.getLoc(), ptrType,
                                         it->second);
      }
      LLVM::CallOp::create(builder, op.getLoc(), TypeRange{},
                           kTrapFunction, ValueRange{text});
      LLVM::UnreachableOp::create(builder, op.getLoc());

      builder.setInsertionPoint(op);
      cf::CondBranchOp::create(builder, op.getLoc(), op.getArg(), rest,
                               ValueRange{}, trap, ValueRange{});
      op.erase();
    }
  }
};
} // namespace
