//===- EmuIntrinsics.cpp - declarations of the emulator's intrinsics ------===//

#include "Target/EmuLowering.h"

using namespace mlir;
using namespace mlir::ldn::emu;

namespace {
struct IntrinsicInfo {
  const char *name;
  bool pure;
};
} // namespace

static IntrinsicInfo getInfo(Intrinsic intrinsic) {
  switch (intrinsic) {
  case Intrinsic::ThreadId:
    return {"ldnemu_thread_id", true};
  case Intrinsic::BlockId:
    return {"ldnemu_block_id", true};
  case Intrinsic::BlockDim:
    return {"ldnemu_block_dim", true};
  case Intrinsic::GridDim:
    return {"ldnemu_grid_dim", true};
  case Intrinsic::LaneId:
    return {"ldnemu_lane_id", true};
  case Intrinsic::Barrier:
    return {"ldnemu_barrier", false};
  case Intrinsic::SharedBase:
    return {"ldnemu_shared_base", true};
  case Intrinsic::DynamicSharedBase:
    return {"ldnemu_dynamic_shared_base", true};
  case Intrinsic::DynamicSharedBytes:
    return {"ldnemu_dynamic_shared_bytes", true};
  case Intrinsic::ShuffleI32:
    return {"ldnemu_shuffle_i32", false};
  case Intrinsic::CheckAccess:
    return {"ldnemu_check_access", false};
  case Intrinsic::AssertFail:
    return {"ldnemu_assert_fail", false};
  case Intrinsic::Printf:
    return {"printf", false};
  }
  llvm_unreachable("unknown emulator intrinsic");
}

static LLVM::LLVMFunctionType getType(MLIRContext *context,
                                      Intrinsic intrinsic) {
  Type i32 = IntegerType::get(context, 32);
  Type i64 = IntegerType::get(context, 64);
  Type ptr = LLVM::LLVMPointerType::get(context);
  Type none = LLVM::LLVMVoidType::get(context);
  switch (intrinsic) {
  case Intrinsic::ThreadId:
  case Intrinsic::BlockId:
  case Intrinsic::BlockDim:
  case Intrinsic::GridDim:
    return LLVM::LLVMFunctionType::get(i64, {i32});
  case Intrinsic::LaneId:
  case Intrinsic::DynamicSharedBytes:
    return LLVM::LLVMFunctionType::get(i64, {});
  case Intrinsic::Barrier:
    return LLVM::LLVMFunctionType::get(none, {});
  case Intrinsic::SharedBase:
  case Intrinsic::DynamicSharedBase:
    return LLVM::LLVMFunctionType::get(ptr, {});
  case Intrinsic::ShuffleI32:
    return LLVM::LLVMFunctionType::get(i32, {i32, i32, i32, i32, ptr});
  case Intrinsic::CheckAccess:
    return LLVM::LLVMFunctionType::get(none, {ptr, i64, i32});
  case Intrinsic::AssertFail:
    return LLVM::LLVMFunctionType::get(none, {ptr});
  case Intrinsic::Printf:
    return LLVM::LLVMFunctionType::get(i32, {ptr}, /*isVarArg=*/true);
  }
  llvm_unreachable("unknown emulator intrinsic");
}

LLVM::LLVMFuncOp mlir::ldn::emu::getOrInsertIntrinsic(gpu::GPUModuleOp module,
                                                      Intrinsic intrinsic) {
  IntrinsicInfo info = getInfo(intrinsic);
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(info.name))
    return existing;
  MLIRContext *context = module.getContext();
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto func = LLVM::LLVMFuncOp::create(builder, module.getLoc(), info.name,
                                       getType(context, intrinsic));
  func.setNoUnwindAttr(builder.getUnitAttr());
  if (info.pure) {
    auto none = LLVM::ModRefInfo::NoModRef;
    func.setMemoryEffectsAttr(LLVM::MemoryEffectsAttr::get(
        context, none, none, none, none, none, none));
    func.setWillReturnAttr(builder.getUnitAttr());
  }
  if (intrinsic == Intrinsic::AssertFail)
    func.setPassthroughAttr(builder.getArrayAttr(
        {builder.getStringAttr("noreturn"), builder.getStringAttr("cold")}));
  return func;
}
