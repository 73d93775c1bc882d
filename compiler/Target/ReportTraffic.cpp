//===- ReportTraffic.cpp - kernels and bytes moved, per function ----------===//
//
// What fusion is meant to reduce, counted on buffers: every kernel (a GPU
// launch, or on the CPU a top-level loop nest or linalg op) and the bytes
// of the buffers it reads and writes, each buffer counted once per kernel
// at its full size. That is the traffic a kernel cannot avoid; caches can
// only make the real one smaller for the CPU.
//
//===----------------------------------------------------------------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNREPORTTRAFFIC
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

namespace {
/// The buffers one kernel reads and writes, by their root (the allocation or
/// argument that views are taken of).
struct Access {
  llvm::SetVector<Value> read, written;
};
} // namespace

/// The buffer `value` is a view of.
static Value rootOf(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Whether `memref` lives in global memory (not a kernel's workgroup or
/// private memory).
static bool isGlobal(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type)
    return false;
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return !space || space.getValue() == gpu::AddressSpace::Global;
}

/// Whether `value` is made inside `root` (its arguments are not).
static bool isDefinedInside(Value value, Operation *root) {
  if (Operation *def = value.getDefiningOp())
    return root->isAncestor(def);
  Operation *owner = cast<BlockArgument>(value).getOwner()->getParentOp();
  return owner != root && root->isAncestor(owner);
}

/// Records the read and write effects of every op in `root` (itself
/// included) on buffers defined outside it.
static void collectAccesses(Operation *root, Access &access) {
  root->walk([&](Operation *op) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return;
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &effect : instances) {
      Value value = effect.getValue();
      if (!value || !isa<MemRefType>(value.getType()) || !isGlobal(value))
        continue;
      Value buffer = rootOf(value);
      // Buffers made inside the kernel (scratch) are not memory traffic of
      // its caller's data flow.
      if (isDefinedInside(buffer, root))
        continue;
      if (isa<MemoryEffects::Read>(effect.getEffect()))
        access.read.insert(buffer);
      else if (isa<MemoryEffects::Write>(effect.getEffect()))
        access.written.insert(buffer);
    }
  });
}

/// `launch`'s accesses in the host's terms: the kernel's accesses to its
/// arguments become accesses to the launch's operands.
static void collectLaunchAccesses(gpu::LaunchFuncOp launch, Access &access) {
  auto kernel = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
      launch, launch.getKernel());
  if (!kernel)
    return;
  Access inKernel;
  collectAccesses(kernel, inKernel);
  auto toHost = [&](Value value) -> Value {
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner()->getParentOp() != kernel)
      return nullptr;
    return rootOf(launch.getKernelOperands()[arg.getArgNumber()]);
  };
  for (Value value : inKernel.read)
    if (Value host = toHost(value))
      access.read.insert(host);
  for (Value value : inKernel.written)
    if (Value host = toHost(value))
      access.written.insert(host);
}

/// Bytes of `buffer` with every dynamic size taken as `dynamicSize`.
static int64_t bytesOf(Value buffer, int64_t dynamicSize) {
  auto type = cast<MemRefType>(buffer.getType());
  int64_t elements = 1;
  for (int64_t size : type.getShape())
    elements *= ShapedType::isDynamic(size) ? dynamicSize : size;
  Type element = type.getElementType();
  int64_t bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  return elements * ((bits + 7) / 8);
}

static int64_t sum(const llvm::SetVector<Value> &buffers, int64_t dynamicSize) {
  int64_t total = 0;
  for (Value buffer : buffers)
    total += bytesOf(buffer, dynamicSize);
  return total;
}

namespace {
struct ReportTrafficPass
    : ldn::impl::LDNReportTrafficBase<ReportTrafficPass> {
  using LDNReportTrafficBase::LDNReportTrafficBase;

  void runOnOperation() override {
    getOperation()->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      int64_t kernels = 0, read = 0, written = 0;
      auto report = [&](Operation *op, const Access &access) {
        if (access.read.empty() && access.written.empty())
          return;
        int64_t r = sum(access.read, dynamicSize);
        int64_t w = sum(access.written, dynamicSize);
        ++kernels;
        read += r;
        written += w;
        if (perKernel)
          op->emitRemark() << "kernel " << kernels << " (" << op->getName()
                           << "): reads " << r << " bytes, writes " << w
                           << " bytes";
      };
      func.walk<WalkOrder::PreOrder>([&](Operation *op) {
        Access access;
        // A GPU launch is a kernel wherever the host's control flow puts it
        // (each launch site counts once).
        if (auto launch = dyn_cast<gpu::LaunchFuncOp>(op)) {
          collectLaunchAccesses(launch, access);
          report(op, access);
          return WalkResult::skip();
        }
        if (isa<gpu::LaunchOp>(op)) {
          collectAccesses(op, access);
          report(op, access);
          return WalkResult::skip();
        }
        if (op == func || op->getParentOp() != func)
          return WalkResult::advance();
        // A top-level host op: a kernel (a loop nest, a linalg op, a copy)
        // unless launches inside it are the kernels.
        bool launches = false;
        op->walk([&](Operation *inner) {
          if (isa<gpu::LaunchOp, gpu::LaunchFuncOp>(inner))
            launches = true;
        });
        if (launches)
          return WalkResult::advance();
        collectAccesses(op, access);
        report(op, access);
        return WalkResult::skip();
      });
      if (kernels == 0) // Nothing of the model's data flow (an entry wrapper).
        return;
      func.emitRemark() << "@" << func.getSymName() << ": " << kernels
                        << " kernels, reads " << read << " bytes, writes "
                        << written << " bytes (dynamic sizes taken as "
                        << static_cast<int64_t>(dynamicSize) << ")";
    });
  }
};
} // namespace
