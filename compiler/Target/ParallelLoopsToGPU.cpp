//===- ParallelLoopsToGPU.cpp - scf.parallel -> 1-D gpu.launch ------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNPARALLELLOOPSTOGPU
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

/// Replaces `loop` by a gpu.launch of `blockSize`-thread blocks covering its
/// iteration space, one thread per iteration.
static void mapToLaunch(scf::ParallelOp loop, int64_t blockSize) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value threads = arith::ConstantIndexOp::create(b, loc, blockSize);

  // Trip counts, and their product: the number of threads with work.
  SmallVector<Value> counts;
  Value total;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  for (auto [lb, ub, step] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
    Value extent = arith::SubIOp::create(b, loc, ub, lb);
    Value count = arith::CeilDivSIOp::create(b, loc, extent, step);
    count = arith::MaxSIOp::create(b, loc, count, zero);
    counts.push_back(count);
    total = total ? arith::MulIOp::create(b, loc, total, count) : count;
  }
  if (!total) // a loop without dimensions runs its body once
    total = one;
  // An empty loop must not launch a zero-sized grid.
  Value blocks = arith::CeilDivUIOp::create(b, loc, total, threads);
  blocks = arith::MaxUIOp::create(b, loc, blocks, one);

  auto launch = gpu::LaunchOp::create(b, loc, blocks, one, one, threads, one,
                                      one);
  OpBuilder body = OpBuilder::atBlockBegin(&launch.getBody().front());
  Value base = arith::MulIOp::create(body, loc, launch.getBlockIds().x,
                                     threads);
  Value id = arith::AddIOp::create(body, loc, base, launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(body, loc, arith::CmpIPredicate::ult,
                                        id, total);
  auto guard = scf::IfOp::create(body, loc, inRange, /*withElse=*/false);
  gpu::TerminatorOp::create(body, loc);

  // Delinearize: the innermost loop dimension varies fastest.
  OpBuilder inner = guard.getThenBodyBuilder();
  IRMapping mapping;
  Value rest = id;
  SmallVector<Value> indices(counts.size());
  for (int64_t i = static_cast<int64_t>(counts.size()) - 1; i >= 0; --i) {
    Value k = i == 0 ? rest
                     : arith::RemUIOp::create(inner, loc, rest, counts[i]);
    if (i != 0)
      rest = arith::DivUIOp::create(inner, loc, rest, counts[i]);
    Value scaled = arith::MulIOp::create(inner, loc, k, loop.getStep()[i]);
    indices[i] =
        arith::AddIOp::create(inner, loc, loop.getLowerBound()[i], scaled);
  }
  for (auto [iv, index] : llvm::zip(loop.getInductionVars(), indices))
    mapping.map(iv, index);
  for (Operation &op : loop.getBody()->without_terminator())
    inner.clone(op, mapping);
  loop.erase();
}

namespace {
struct ParallelLoopsToGPU
    : ldn::impl::LDNParallelLoopsToGPUBase<ParallelLoopsToGPU> {
  using LDNParallelLoopsToGPUBase::LDNParallelLoopsToGPUBase;

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> loops;
    bool reductions = false;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (loop->getParentOfType<gpu::LaunchOp>() ||
          loop->getParentOfType<scf::ParallelOp>())
        return;
      if (loop.getNumReductions() != 0) {
        loop.emitError("scf.parallel with reductions cannot be mapped to the "
                       "GPU by ldn-parallel-loops-to-gpu");
        reductions = true;
        return;
      }
      loops.push_back(loop);
    });
    if (reductions)
      return signalPassFailure();
    for (scf::ParallelOp loop : loops)
      mapToLaunch(loop, blockSize);
  }
};
} // namespace
