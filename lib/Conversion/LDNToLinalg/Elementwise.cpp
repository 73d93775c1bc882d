//===- Elementwise.cpp - ldn.elementwise, fused or as a linalg.generic ----===//
//
// An ldn.elementwise whose source is an ldn result is an epilogue of that op
// (docs/fusion.md). The GPU lowering fuses it into the op's kernel; this
// file is the CPU side and the fallback of both pipelines. It runs after the
// ldn ops are lowered, so it sees the loops they became:
//
// - a source produced by an scf.for that inserts one slice per iteration
//   into its result (selective_scan, causal linear_attention, scan, ...)
//   gets the map applied to each slice before the insert, inside the loop:
//   the unmapped result is never written;
// - any other source gets a linalg.generic over the whole tensor, which
//   ldn-fuse-linalg-elementwise merges into an all-parallel producer.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// A generic over `source`'s shape applying `op`'s body to `source` and
/// `inputs`; `inputMaps[i]` maps the loops to input i's indices.
Value buildGeneric(OpBuilder &b, Location loc, ElementwiseOp op, Value source,
                   ValueRange inputs, ArrayRef<AffineMap> inputMaps) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  int64_t rank = sourceType.getRank();
  Value init = createEmpty(b, loc, getSizes(b, loc, source),
                           op.getResult().getType().getElementType());
  SmallVector<Value> operands = {source};
  llvm::append_range(operands, inputs);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  llvm::append_range(maps, inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(
             b, loc, init.getType(), operands, ValueRange{init}, maps,
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               IRMapping mapping;
               Block &body = op.getBody().front();
               mapping.map(body.getArguments(), args.drop_back());
               for (Operation &inner : body.without_terminator())
                 nb.clone(inner, mapping);
               auto yield = cast<YieldOp>(body.getTerminator());
               linalg::YieldOp::create(
                   nb, nloc, mapping.lookupOrDefault(yield.getValue()));
             })
      .getResult(0);
}

/// Each input indexed by the trailing loops of a rank-`rank` nest (a
/// scalar by none).
SmallVector<AffineMap> trailingMaps(ValueRange inputs, int64_t rank) {
  MLIRContext *context = inputs.empty() ? nullptr : inputs[0].getContext();
  SmallVector<AffineMap> maps;
  for (Value input : inputs) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    int64_t inputRank = type ? type.getRank() : 0;
    SmallVector<AffineExpr> exprs;
    for (int64_t dim = rank - inputRank; dim < rank; ++dim)
      exprs.push_back(getAffineDimExpr(dim, context));
    maps.push_back(AffineMap::get(rank, 0, exprs, context));
  }
  return maps;
}

/// The slice that `loop` inserts into its result `result` each iteration,
/// if that is all the loop does with the result: the iteration argument
/// has no other use, so no element is read back after it is written.
tensor::InsertSliceOp findSliceInsert(scf::ForOp loop, OpResult result) {
  unsigned index = result.getResultNumber();
  BlockArgument carried = loop.getRegionIterArgs()[index];
  auto insert =
      loop.getYieldedValues()[index].getDefiningOp<tensor::InsertSliceOp>();
  if (!insert || insert.getDest() != carried || !carried.hasOneUse() ||
      insert->getBlock() != loop.getBody())
    return nullptr;
  return insert;
}

/// Applies `op` to each slice the loop producing its source inserts.
LogicalResult fuseIntoLoop(RewriterBase &rewriter, ElementwiseOp op) {
  auto result = dyn_cast<OpResult>(op.getSource());
  auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
  // The carried tensor keeps its type, so the map must too.
  if (!loop || !result.hasOneUse() ||
      op.getResult().getType() != op.getSource().getType())
    return failure();
  tensor::InsertSliceOp insert = findSliceInsert(loop, result);
  if (!insert)
    return failure();
  DominanceInfo dominance(op->getParentOp());
  for (Value input : op.getInputs())
    if (!dominance.properlyDominates(input, loop))
      return failure();

  Location loc = op.getLoc();
  int64_t rank = op.getSource().getType().getRank();
  unsigned index = result.getResultNumber();
  // Elements no iteration overwrites keep the initial value, mapped too.
  Value init = loop.getInitArgs()[index];
  if (!init.getDefiningOp<tensor::EmptyOp>()) {
    rewriter.setInsertionPoint(loop);
    Value mapped = buildGeneric(rewriter, loc, op, init, op.getInputs(),
                                trailingMaps(op.getInputs(), rank));
    rewriter.modifyOpInPlace(
        loop, [&] { loop.getInitArgsMutable()[index].set(mapped); });
  }

  // Inside: each input's slice at the insert's (trailing) offsets, read
  // through the dimensions the slice keeps (a dropped unit dimension is 0).
  rewriter.setInsertionPoint(insert);
  llvm::SmallBitVector dropped = insert.getDroppedDims();
  SmallVector<int64_t> slicePosition(rank, -1);
  for (int64_t dim = 0, kept = 0; dim < rank; ++dim)
    if (!dropped.test(dim))
      slicePosition[dim] = kept++;
  MLIRContext *context = op.getContext();
  auto sliceType = cast<RankedTensorType>(insert.getSourceType());
  SmallVector<OpFoldResult> offsets = insert.getMixedOffsets(),
                            sizes = insert.getMixedSizes(),
                            strides = insert.getMixedStrides();
  SmallVector<Value> slices;
  SmallVector<AffineMap> maps;
  for (Value input : op.getInputs()) {
    auto inputType = dyn_cast<RankedTensorType>(input.getType());
    if (!inputType) { // a scalar: the same for every slice
      slices.push_back(input);
      maps.push_back(AffineMap::get(sliceType.getRank(), 0, {}, context));
      continue;
    }
    int64_t inputRank = inputType.getRank();
    int64_t first = rank - inputRank;
    slices.push_back(tensor::ExtractSliceOp::create(
        rewriter, loc, input, ArrayRef(offsets).drop_front(first),
        ArrayRef(sizes).drop_front(first),
        ArrayRef(strides).drop_front(first)));
    SmallVector<AffineExpr> exprs;
    for (int64_t dim = first; dim < rank; ++dim)
      exprs.push_back(dropped.test(dim)
                          ? getAffineConstantExpr(0, context)
                          : getAffineDimExpr(slicePosition[dim], context));
    maps.push_back(AffineMap::get(sliceType.getRank(), 0, exprs, context));
  }
  Value mapped =
      buildGeneric(rewriter, loc, op, insert.getSource(), slices, maps);
  rewriter.modifyOpInPlace(
      insert, [&] { insert.getSourceMutable().set(mapped); });
  rewriter.replaceOp(op, result);
  return success();
}

/// The unfused form, as ldn-fuse-elementwise found it where it can be: the
/// map over the collapsed shape when the only use of the result is a
/// collapse_shape, so that the generic fuses with its neighbours as the
/// original did.
void lowerUnfused(RewriterBase &rewriter, ElementwiseOp op) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value source = op.getSource();
  SmallVector<Value> inputs(op.getInputs());
  Operation *replaced = op;
  tensor::CollapseShapeOp collapse;
  if (op->hasOneUse())
    collapse = dyn_cast<tensor::CollapseShapeOp>(*op->getUsers().begin());
  if (collapse) {
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    source = tensor::CollapseShapeOp::create(rewriter, loc, source, groups);
    for (Value &input : inputs) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type)
        continue; // a scalar
      // The trailing groups that the input's dimensions make up.
      int64_t rank = type.getRank(), covered = 0;
      int64_t first = groups.size();
      while (covered < rank && first > 0)
        covered += groups[--first].size();
      if (covered != rank) { // splits a group: keep the uncollapsed form
        collapse = nullptr;
        break;
      }
      if (rank == 0)
        continue;
      SmallVector<ReassociationIndices> trailing;
      int64_t base = groups[first].front();
      for (int64_t g = first; g < static_cast<int64_t>(groups.size()); ++g) {
        ReassociationIndices shifted;
        for (int64_t dim : groups[g])
          shifted.push_back(dim - base);
        trailing.push_back(shifted);
      }
      input = tensor::CollapseShapeOp::create(rewriter, loc, input, trailing);
    }
    if (collapse) {
      replaced = collapse;
      rewriter.setInsertionPoint(collapse);
    } else {
      source = op.getSource();
      inputs.assign(op.getInputs().begin(), op.getInputs().end());
    }
  }
  int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
  Value mapped = buildGeneric(rewriter, loc, op, source, inputs,
                              trailingMaps(inputs, rank));
  rewriter.replaceOp(replaced,
                     castToType(rewriter, loc, mapped,
                                replaced->getResult(0).getType()));
  if (replaced != op.getOperation())
    rewriter.eraseOp(op);
}
} // namespace

void lowering::lowerElementwise(RewriterBase &rewriter, ElementwiseOp op) {
  if (succeeded(fuseIntoLoop(rewriter, op)))
    return;
  lowerUnfused(rewriter, op);
}
