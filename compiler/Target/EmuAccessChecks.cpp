//===- EmuAccessChecks.cpp - bounds-check calls before memory accesses ----===//
//
// Every load, store, atomic and memory intrinsic of a kernel is preceded by
// `if (ldnemu_check_enabled) ldnemu_check_access(address, bytes, kind)`,
// kind 0 for a load, 1 for a store, 2 for an atomic read-modify-write. The
// runtime sets the flag under LDN_EMU_CHECK=1 and then checks that the
// bytes lie in a live global allocation or in the block's shared arena, and
// that shared memory is not raced on between barriers. Testing the flag
// inline rather than calling unconditionally lets LLVM unswitch loops on
// it, so unchecked runs keep the kernels' loops as they would be without
// checks (calls would also block vectorization).
//
// Accesses whose address is derived from an alloca (private memory on the
// emulated thread's stack) or from a global of the module (constants) are
// left alone: they cannot reach either kind of GPU memory. Masked and
// gathered vector accesses are not checked (their lanes may legitimately
// point out of bounds where the mask is off).
//
//===----------------------------------------------------------------------===//

#include "Target/EmuLowering.h"

#include "mlir/Interfaces/DataLayoutInterfaces.h"

using namespace mlir;
using namespace mlir::ldn;

/// ldnemu_check_access's `kind`: atomics are stores that never race.
enum : int32_t { kLoad = 0, kStore = 1, kAtomic = 2 };

/// `int32_t ldnemu_check_enabled`, exported by the runtime.
static constexpr llvm::StringLiteral kCheckEnabled = "ldnemu_check_enabled";

/// Whether `address` is computed from the stack or a module global.
static bool isLocalAddress(Value address) {
  while (Operation *def = address.getDefiningOp()) {
    if (isa<LLVM::AllocaOp, LLVM::AddressOfOp>(def))
      return true;
    auto gep = dyn_cast<LLVM::GEPOp>(def);
    if (!gep)
      return false;
    address = gep.getBase();
  }
  return false;
}

void mlir::ldn::emu::instrumentAccesses(gpu::GPUModuleOp module) {
  struct Access {
    Operation *op;
    Value address;
    Type type; // the accessed value's type, or null with `bytes` set
    Value bytes;
    int32_t kind; // ldnemu_check_access's third argument
  };
  SmallVector<Access> accesses;
  for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
    if (func.isExternal())
      continue;
    func.walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op))
        accesses.push_back({op, load.getAddr(), load.getType(), {}, kLoad});
      else if (auto store = dyn_cast<LLVM::StoreOp>(op))
        accesses.push_back(
            {op, store.getAddr(), store.getValue().getType(), {}, kStore});
      else if (auto rmw = dyn_cast<LLVM::AtomicRMWOp>(op))
        accesses.push_back(
            {op, rmw.getPtr(), rmw.getVal().getType(), {}, kAtomic});
      else if (auto cmpxchg = dyn_cast<LLVM::AtomicCmpXchgOp>(op))
        accesses.push_back(
            {op, cmpxchg.getPtr(), cmpxchg.getVal().getType(), {}, kAtomic});
      else if (auto copy = dyn_cast<LLVM::MemcpyOp>(op)) {
        accesses.push_back({op, copy.getSrc(), {}, copy.getLen(), kLoad});
        accesses.push_back({op, copy.getDst(), {}, copy.getLen(), kStore});
      } else if (auto move = dyn_cast<LLVM::MemmoveOp>(op)) {
        accesses.push_back({op, move.getSrc(), {}, move.getLen(), kLoad});
        accesses.push_back({op, move.getDst(), {}, move.getLen(), kStore});
      } else if (auto set = dyn_cast<LLVM::MemsetOp>(op)) {
        accesses.push_back({op, set.getDst(), {}, set.getLen(), kStore});
      }
    });
  }
  if (accesses.empty())
    return;

  LLVM::LLVMFuncOp check = getOrInsertIntrinsic(module, Intrinsic::CheckAccess);
  MLIRContext *context = module.getContext();
  OpBuilder builder(context);
  Type i32 = builder.getI32Type();
  Type i64 = builder.getI64Type();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  if (!module.lookupSymbol(kCheckEnabled)) {
    builder.setInsertionPointToStart(module.getBody());
    LLVM::GlobalOp::create(builder, module.getLoc(), i32, /*isConstant=*/false,
                           LLVM::Linkage::External, kCheckEnabled,
                           Attribute());
  }
  for (const Access &access : accesses) {
    if (isLocalAddress(access.address))
      continue;
    Location loc = access.op->getLoc();
    // if (ldnemu_check_enabled) { check } then the access.
    Block *before = access.op->getBlock();
    Block *rest = before->splitBlock(Block::iterator(access.op));
    auto *checkBlock = new Block();
    before->getParent()->getBlocks().insert(Region::iterator(rest),
                                            checkBlock);
    builder.setInsertionPointToEnd(before);
    Value flagAddress =
        LLVM::AddressOfOp::create(builder, loc, ptrType, kCheckEnabled);
    Value flag = LLVM::LoadOp::create(builder, loc, i32, flagAddress);
    Value zero = LLVM::ConstantOp::create(builder, loc, i32,
                                          builder.getI32IntegerAttr(0));
    Value enabled = LLVM::ICmpOp::create(builder, loc, LLVM::ICmpPredicate::ne,
                                         flag, zero);
    LLVM::CondBrOp::create(builder, loc, enabled, checkBlock, rest);
    builder.setInsertionPointToEnd(checkBlock);
    Value bytes = access.bytes;
    if (access.type) {
      uint64_t size = DataLayout::closest(access.op).getTypeSize(access.type);
      bytes = LLVM::ConstantOp::create(builder, loc, i64,
                                       builder.getI64IntegerAttr(size));
    } else if (bytes.getType() != i64) {
      bytes = LLVM::ZExtOp::create(builder, loc, i64, bytes);
    }
    Value kind = LLVM::ConstantOp::create(builder, loc, i32,
                                          builder.getI32IntegerAttr(access.kind));
    LLVM::CallOp::create(builder, loc, check,
                         ValueRange{access.address, bytes, kind});
    LLVM::BrOp::create(builder, loc, rest);
  }
}
