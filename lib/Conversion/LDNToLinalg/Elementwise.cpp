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
// - a source made by a generic that a lowering marked as the site for an
//   epilogue (kEpilogueSiteAttr: all-parallel, each element written once,
//   the output never read) gets the map merged into that generic's body;
// - a map that a lowering reads only in slices (a prologue that became a
//   loop's reads over time) is computed per slice where it is read;
// - any other source gets a linalg.generic over the whole tensor, which
//   ldn-fuse-linalg-elementwise merges into an all-parallel producer.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
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

/// Whether `user` and size queries are all the uses of `value`.
bool usedOnlyBy(Value value, Operation *user) {
  return llvm::all_of(value.getUsers(), [&](Operation *other) {
    return other == user || isa<tensor::DimOp>(other);
  });
}

/// The slice that `loop` inserts into its result `result` each iteration,
/// if that is all the loop does with the result: the iteration argument
/// has no other use, so no element is read back after it is written.
tensor::InsertSliceOp findSliceInsert(scf::ForOp loop, OpResult result) {
  unsigned index = result.getResultNumber();
  BlockArgument carried = loop.getRegionIterArgs()[index];
  auto insert =
      loop.getYieldedValues()[index].getDefiningOp<tensor::InsertSliceOp>();
  if (!insert || insert.getDest() != carried ||
      insert->getBlock() != loop.getBody())
    return nullptr;
  // Besides the insert, the loop may only take slices of the result as
  // space to fill and compute in (the lowerings' "y's own slot"): their
  // old values are never read.
  for (Operation *user : carried.getUsers()) {
    if (user == insert || isa<tensor::DimOp>(user))
      continue;
    auto slot = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slot || !llvm::all_of(slot->getUses(), [](OpOperand &use) {
          auto fill = dyn_cast<linalg::FillOp>(use.getOwner());
          return (fill && fill.isDpsInit(&use)) ||
                 isa<tensor::DimOp>(use.getOwner());
        }))
      return nullptr;
  }
  return insert;
}

/// Makes `op`'s inputs available before `loop`, which produces its source:
/// if some are computed after the loop, the loop moves down to `op`,
/// together with everything between them that depends on it (none of the
/// inputs may).
LogicalResult sinkToInputs(RewriterBase &rewriter, scf::ForOp loop,
                           ElementwiseOp op) {
  DominanceInfo dominance(op->getParentOp());
  if (llvm::all_of(op.getInputs(), [&](Value input) {
        return dominance.properlyDominates(input, loop);
      }))
    return success();
  if (loop->getBlock() != op->getBlock())
    return failure();
  llvm::SetVector<Operation *> dependent;
  dependent.insert(loop);
  for (Operation *next = loop->getNextNode(); next != op.getOperation();
       next = next->getNextNode()) {
    bool uses = false;
    next->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (Operation *def = operand.getDefiningOp())
          if (dependent.contains(def->getBlock() == loop->getBlock()
                                     ? def
                                     : loop->getBlock()->findAncestorOpInBlock(
                                           *def)))
            uses = true;
    });
    if (uses)
      dependent.insert(next);
  }
  for (Value input : op.getInputs())
    if (Operation *def = input.getDefiningOp(); def && dependent.contains(def))
      return failure();
  for (Operation *moved : dependent)
    rewriter.moveOpBefore(moved, op);
  return success();
}

/// Applies `op` to each slice the loop producing its source inserts.
LogicalResult fuseIntoLoop(RewriterBase &rewriter, ElementwiseOp op) {
  auto result = dyn_cast<OpResult>(op.getSource());
  auto loop = result ? dyn_cast<scf::ForOp>(result.getOwner()) : nullptr;
  // The carried tensor keeps its type, so the map must too.
  // Same block: the map must not run where the program would not run it.
  if (!loop || loop->getBlock() != op->getBlock() || !usedOnlyBy(result, op) ||
      op.getResult().getType() != op.getSource().getType())
    return failure();
  tensor::InsertSliceOp insert = findSliceInsert(loop, result);
  if (!insert)
    return failure();
  if (failed(sinkToInputs(rewriter, loop, op)))
    return failure();

  Location loc = op.getLoc();
  unsigned index = result.getResultNumber();
  // Before the loop reads the inputs' slices; the initial value has the
  // result's shape.
  rewriter.setInsertionPoint(loop);
  assertTrailingSizes(rewriter, loc,
                      getSizes(rewriter, loc, loop.getInitArgs()[index]),
                      op.getInputs());
  int64_t rank = op.getSource().getType().getRank();
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

/// `value` with `groups` merged, undoing an expand_shape that made it.
Value collapseOrUnexpand(OpBuilder &b, Location loc, Value value,
                         ArrayRef<ReassociationIndices> groups) {
  auto expand = value.getDefiningOp<tensor::ExpandShapeOp>();
  if (expand && expand.getReassociationIndices() == groups)
    return expand.getSrc();
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

/// The groups [[0], [1], ..., [first, ..., rank - 1]] of a collapse that
/// merges only trailing dimensions (heads back into channels), shifted to
/// an operand of rank `rank` whose dimensions are the trailing ones.
std::optional<SmallVector<ReassociationIndices>>
trailingGroups(ArrayRef<ReassociationIndices> groups, int64_t rank,
               int64_t sourceRank) {
  int64_t shift = sourceRank - rank;
  SmallVector<ReassociationIndices> shifted;
  for (const ReassociationIndices &group : groups) {
    if (group.back() < shift)
      continue;
    if (group.front() < shift) // the operand splits a group
      return std::nullopt;
    ReassociationIndices moved;
    for (int64_t dim : group)
      moved.push_back(dim - shift);
    shifted.push_back(moved);
  }
  return shifted;
}

/// Merges `op` into the body of the generic producing its source, where a
/// lowering marked that generic as its result's epilogue site. The merged
/// generic runs where `op` is (its inputs may be computed after the ldn op),
/// so both must be in one block. When `op`'s only use merges its trailing
/// dimensions (a collapse_shape back to the model's channels), the merged
/// generic is built in that collapsed form, with ldn-fuse-elementwise's
/// expansions of the inputs undone, so that linalg fusion still merges the
/// inputs' elementwise producers into it.
LogicalResult fuseIntoFinalGeneric(RewriterBase &rewriter, ElementwiseOp op) {
  auto generic = op.getSource().getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic->hasAttr(kEpilogueSiteAttr) ||
      generic->getBlock() != op->getBlock() ||
      !generic->getResult(0).hasOneUse() ||
      op.getResult().getType() != op.getSource().getType())
    return failure();
  // What the lowering promised, checked rather than trusted.
  int64_t rank = op.getSource().getType().getRank();
  if (generic.getNumDpsInits() != 1 || generic.getNumParallelLoops() != rank ||
      generic.getNumLoops() != static_cast<unsigned>(rank) ||
      !generic.getIndexingMapsArray().back().isIdentity() ||
      !generic.getRegionOutputArgs()[0].use_empty())
    return failure();

  // Then the generic takes in an elementwise producer that it alone reads
  // (the attention's last hop), as linalg fusion would: merging the map in
  // the collapsed form below would otherwise keep that fusion from
  // happening later.
  for (OpOperand *operand : generic.getDpsInputOperands()) {
    auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
    if (!producer || !producer->getResult(0).hasOneUse() ||
        !linalg::areElementwiseOpsFusable(operand))
      continue;
    rewriter.setInsertionPoint(generic);
    FailureOr<linalg::ElementwiseOpFusionResult> fused =
        linalg::fuseElementwiseOps(rewriter, operand);
    if (failed(fused))
      break;
    if (fused->fusedOp->getNumResults() != 1) {
      // The producer's result would survive: keep the two apart.
      rewriter.eraseOp(fused->fusedOp);
      break;
    }
    auto merged = cast<linalg::GenericOp>(fused->fusedOp);
    merged->setAttr(kEpilogueSiteAttr, rewriter.getUnitAttr());
    rewriter.replaceOp(generic, merged->getResults());
    rewriter.eraseOp(producer);
    generic = merged;
    break;
  }

  // The collapsed form: dimensions from `first` on become one; the body may
  // only index the others, and the generic's inputs must be read either at
  // the element (collapsed with it) or at leading dimensions only.
  tensor::CollapseShapeOp collapse;
  int64_t first = rank;
  for (Operation *user : op->getUsers())
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(user))
      collapse = c;
  SmallVector<ReassociationIndices> groups;
  if (collapse) {
    groups = collapse.getReassociationIndices();
    first = groups.back().front();
    bool trailingOnly = llvm::all_of(ArrayRef(groups).drop_back(),
                                     [](const ReassociationIndices &g) {
                                       return g.size() == 1;
                                     });
    bool indexesMerged = false;
    generic.walk([&](linalg::IndexOp index) {
      indexesMerged |= static_cast<int64_t>(index.getDim()) >= first;
    });
    bool inputsFit = llvm::all_of(
        generic.getIndexingMapsArray(), [&](AffineMap map) {
          return map.isIdentity() ||
                 llvm::all_of(map.getResults(), [&](AffineExpr expr) {
                   auto dim = dyn_cast<AffineDimExpr>(expr);
                   return dim && static_cast<int64_t>(dim.getPosition()) <
                                     first;
                 });
        });
    bool opInputsFit = llvm::all_of(op.getInputs(), [&](Value input) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      return !type || trailingGroups(groups, type.getRank(), rank);
    });
    if (!trailingOnly || indexesMerged || !inputsFit || !opInputsFit)
      collapse = nullptr;
  }
  int64_t loops = collapse ? first + 1 : rank;
  MLIRContext *context = op.getContext();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value init = generic.getDpsInits()[0];
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [input, map] : llvm::zip(generic.getDpsInputs(),
                                     generic.getIndexingMapsArray())) {
    if (collapse && map.isIdentity()) {
      inputs.push_back(collapseOrUnexpand(rewriter, loc, input, groups));
      maps.push_back(rewriter.getMultiDimIdentityMap(loops));
      continue;
    }
    inputs.push_back(input);
    maps.push_back(collapse ? AffineMap::get(loops, 0, map.getResults(),
                                             context)
                            : map);
  }
  unsigned ownInputs = inputs.size();
  for (Value input : op.getInputs()) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (collapse && type && type.getRank() > 0)
      input = collapseOrUnexpand(
          rewriter, loc, input, *trailingGroups(groups, type.getRank(), rank));
    inputs.push_back(input);
  }
  ValueRange opInputs = ValueRange(inputs).drop_front(ownInputs);
  llvm::append_range(maps, trailingMaps(opInputs, loops));
  maps.push_back(rewriter.getMultiDimIdentityMap(loops));
  if (collapse)
    init = tensor::CollapseShapeOp::create(rewriter, loc, init, groups);
  // Before the generic reads the inputs; on the form it reads (a check of
  // an expanded input would keep the expansion, and with it the input's
  // producer out of linalg fusion).
  assertTrailingSizes(rewriter, loc, getSizes(rewriter, loc, init), opInputs);

  auto merged = linalg::GenericOp::create(
      rewriter, loc, init.getType(), inputs, ValueRange{init}, maps,
      parallelIterators(loops),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        IRMapping mapping;
        Block &own = generic.getRegion().front();
        mapping.map(own.getArguments().take_front(ownInputs),
                    args.take_front(ownInputs));
        for (Operation &inner : own.without_terminator())
          nb.clone(inner, mapping);
        Value value = mapping.lookupOrDefault(
            cast<linalg::YieldOp>(own.getTerminator()).getValues()[0]);
        Block &body = op.getBody().front();
        mapping.map(body.getArgument(0), value);
        mapping.map(body.getArguments().drop_front(),
                    args.drop_front(ownInputs).drop_back());
        for (Operation &inner : body.without_terminator())
          nb.clone(inner, mapping);
        auto yield = cast<YieldOp>(body.getTerminator());
        linalg::YieldOp::create(nb, nloc,
                                mapping.lookupOrDefault(yield.getValue()));
      });
  Value result = merged.getResult(0);
  if (!collapse) {
    rewriter.replaceOp(op, result);
    rewriter.eraseOp(generic);
    return success();
  }
  // The collapses like the map's are its result; size queries are the
  // init's; other users (the next layer's epilogue, say) get the result
  // expanded back.
  Value uncollapsed = generic.getDpsInits()[0];
  Value expanded;
  for (OpOperand &use : llvm::make_early_inc_range(op->getUses())) {
    Operation *user = use.getOwner();
    auto c = dyn_cast<tensor::CollapseShapeOp>(user);
    if (c && c.getReassociationIndices() == groups) {
      rewriter.replaceOp(
          c, castToType(rewriter, loc, result, c.getResult().getType()));
      continue;
    }
    if (isa<tensor::DimOp>(user)) {
      rewriter.modifyOpInPlace(user, [&] { use.set(uncollapsed); });
      continue;
    }
    if (!expanded)
      expanded = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getResult().getType(), result, groups,
          getSizes(rewriter, loc, uncollapsed));
    rewriter.modifyOpInPlace(user, [&] { use.set(expanded); });
  }
  rewriter.eraseOp(op);
  rewriter.eraseOp(generic);
  return success();
}

/// A linalg.generic, in the unfused form ldn-fuse-elementwise found where
/// it can be: over the collapsed shape when the only use of the result is a
/// collapse_shape, so that the generic fuses with its neighbours as the
/// original did. Otherwise over the source's shape, where
/// ldn-fuse-linalg-elementwise merges it into an elementwise producer.
void lowerUnfused(RewriterBase &rewriter, ElementwiseOp op) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value source = op.getSource();
  SmallVector<Value> inputs(op.getInputs());
  // But the collapsed form first: ldn-fuse-elementwise expanded the other
  // inputs, which would keep the map from merging with their producers
  // (ldn's Euler update reads four other results).
  tensor::CollapseShapeOp collapse;
  for (Operation *user : op->getUsers())
    if (auto c = dyn_cast<tensor::CollapseShapeOp>(user))
      collapse = c;
  if (collapse) {
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    source = tensor::CollapseShapeOp::create(rewriter, loc, source, groups);
    for (Value &input : inputs) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type)
        continue; // a scalar
      // The trailing groups that the input's dimensions make up.
      std::optional<SmallVector<ReassociationIndices>> trailing =
          trailingGroups(groups, type.getRank(),
                         op.getSource().getType().getRank());
      if (!trailing) { // splits a group: keep the uncollapsed form
        collapse = nullptr;
        break;
      }
      // Undo ldn-fuse-elementwise's expansion rather than stack a collapse
      // on it (the fusion below runs before canonicalization).
      if (type.getRank() != 0)
        input = collapseOrUnexpand(rewriter, loc, input, *trailing);
    }
    if (!collapse) {
      source = op.getSource();
      inputs.assign(op.getInputs().begin(), op.getInputs().end());
    }
  }
  assertTrailingSizes(rewriter, loc, getSizes(rewriter, loc, source), inputs);
  int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
  Value mapped = buildGeneric(rewriter, loc, op, source, inputs,
                              trailingMaps(inputs, rank));
  if (!collapse) {
    rewriter.replaceOp(op, castToType(rewriter, loc, mapped,
                                      op.getResult().getType()));
    return;
  }
  // The collapses of the result like it are the map; other users (a later
  // epilogue that reads it, say) get it expanded back to the source's sizes.
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, op.getSource());
  Value expanded;
  for (OpOperand &use : llvm::make_early_inc_range(op->getUses())) {
    auto c = dyn_cast<tensor::CollapseShapeOp>(use.getOwner());
    if (c && c.getReassociationIndices() == groups) {
      rewriter.replaceOp(
          c, castToType(rewriter, loc, mapped, c.getResult().getType()));
      continue;
    }
    if (!expanded)
      expanded = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getResult().getType(), mapped, groups, sizes);
    rewriter.modifyOpInPlace(use.getOwner(), [&] { use.set(expanded); });
  }
  rewriter.eraseOp(op);
}

/// A map that the lowering of the op it was a prologue of reads only in
/// slices (the step of a loop over time): each slice is computed where it
/// is read, from slices of the source and inputs (the map tiled into the
/// loop), and the mapped tensor is never written.
LogicalResult fuseIntoSlices(RewriterBase &rewriter, ElementwiseOp op) {
  SmallVector<tensor::ExtractSliceOp> slices;
  for (Operation *user : op->getUsers()) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (slice && llvm::all_of(slice.getMixedStrides(), isOneInteger))
      slices.push_back(slice);
    else if (!isa<tensor::DimOp>(user))
      return failure();
  }
  if (slices.empty())
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value source = op.getSource();
  SmallVector<Value> inputs(op.getInputs());
  assertTrailingSizes(rewriter, loc, getSizes(rewriter, loc, source), inputs);
  int64_t rank = cast<RankedTensorType>(source.getType()).getRank();
  // The whole map, as the tiling's template; erased once tiled.
  Value mapped = buildGeneric(rewriter, loc, op, source, inputs,
                              trailingMaps(inputs, rank));
  for (tensor::ExtractSliceOp slice : slices) {
    rewriter.setInsertionPoint(slice);
    FailureOr<TilingResult> tiled =
        tensor::replaceExtractSliceWithTiledProducer(rewriter, slice,
                                                     cast<OpResult>(mapped));
    if (failed(tiled)) {
      // Keep what was tiled; the rest read the whole map.
      rewriter.setInsertionPointAfter(mapped.getDefiningOp());
      rewriter.replaceOp(op, castToType(rewriter, loc, mapped,
                                        op.getResult().getType()));
      return success();
    }
    rewriter.replaceOp(slice, castToType(rewriter, slice.getLoc(),
                                         tiled->tiledValues.front(),
                                         slice.getType()));
  }
  // Size queries are the source's.
  for (Operation *user : llvm::make_early_inc_range(op->getUsers()))
    rewriter.modifyOpInPlace(user, [&] {
      cast<tensor::DimOp>(user).getSourceMutable().set(op.getSource());
    });
  rewriter.eraseOp(op);
  rewriter.eraseOp(mapped.getDefiningOp());
  return success();
}
} // namespace

void lowering::lowerElementwise(RewriterBase &rewriter, ElementwiseOp op) {
  if (succeeded(fuseIntoLoop(rewriter, op)) ||
      succeeded(fuseIntoFinalGeneric(rewriter, op)) ||
      succeeded(fuseIntoSlices(rewriter, op)))
    return;
  lowerUnfused(rewriter, op);
}

