//===- FuseElementwise.cpp - elementwise neighbours into ldn.elementwise --===//
//
// An elementwise linalg.generic that is the only use of an ldn result
// (directly, or through a tensor.collapse_shape that merges head dimensions)
// becomes an ldn.elementwise epilogue of that result, which the CPU and GPU
// lowerings apply where the op stores its result; one whose result only an
// ldn op reads becomes a prologue, applied where the op loads that operand
// (docs/fusion.md).
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNOps.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSEELEMENTWISE
#include "ldn/Transforms/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
/// Whether `user` (once) and tensor.dim ops are all the uses of `value`.
bool usedOnlyBy(Value value, Operation *user) {
  unsigned count = 0;
  for (OpOperand &use : value.getUses()) {
    if (use.getOwner() == user)
      ++count;
    else if (!isa<tensor::DimOp>(use.getOwner()))
      return false;
  }
  return count == 1;
}

/// Replaces tensor.dim of `result` by the sizes its op reifies from its
/// operands, so that `result` keeps one use.
void answerSizeQueries(PatternRewriter &rewriter, OpResult result) {
  SmallVector<tensor::DimOp> queries;
  for (Operation *user : result.getUsers())
    if (auto dim = dyn_cast<tensor::DimOp>(user))
      queries.push_back(dim);
  if (queries.empty())
    return;
  Operation *op = result.getOwner();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  ReifiedRankedShapedTypeDims reified;
  if (failed(reifyResultShapes(rewriter, op, reified)))
    return;
  for (tensor::DimOp dim : queries) {
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!index)
      continue;
    rewriter.setInsertionPoint(dim);
    rewriter.replaceOp(dim, getValueOrCreateConstantIndexOp(
                                rewriter, dim.getLoc(),
                                reified[result.getResultNumber()][*index]));
  }
}

/// Whether `map` reads the trailing dimensions of the loops in order (the
/// whole iteration space, a per-channel vector, or a scalar for none): the
/// element that an epilogue input gives each result element.
bool isTrailingProjection(AffineMap map) {
  unsigned first = map.getNumDims() - map.getNumResults();
  for (auto [index, expr] : llvm::enumerate(map.getResults())) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || dim.getPosition() != first + index)
      return false;
  }
  return map.getNumSymbols() == 0;
}

/// The ldn result that `generic` maps elementwise, reached through at most
/// one collapse_shape, with everything about `generic` that fusion needs
/// checked: all-parallel, one result, the identity for the ldn result and
/// the result, trailing projections for the other inputs, and a body that
/// does not read the output.
struct Candidate {
  OpResult anchorResult;
  tensor::CollapseShapeOp collapse; // or null
  unsigned sourceInput;             // the generic's input that is the source
};

/// Whether `generic` is an elementwise map that ldn.elementwise can hold:
/// all-parallel, one result written in loop order, a body that does not
/// read the output and is scalar arithmetic on the elements.
LogicalResult matchElementwiseMap(linalg::GenericOp generic,
                                  PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(generic, why);
  };
  if (generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return fail("not an elementwise map with one result");
  if (!generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity())
    return fail("the result is not written in loop order");
  if (generic.payloadUsesValueFromOperand(generic.getDpsInitOperand(0)))
    return fail("the body reads the output");
  // Scalar arithmetic only: no position (linalg.index), no tensor reads
  // (a lookup table would get bounds checks with memory effects).
  for (Operation &inner : generic.getRegion().front().without_terminator())
    if (isa<linalg::IndexOp>(inner) ||
        llvm::any_of(inner.getOperandTypes(),
                     [](Type t) { return isa<ShapedType>(t); }) ||
        llvm::any_of(inner.getResultTypes(),
                     [](Type t) { return isa<ShapedType>(t); }) ||
        inner.getNumRegions() != 0)
      return fail("the body is not scalar arithmetic on the elements");
  return success();
}

/// Whether every input of `generic` but `source` is read at the result
/// element, its channel or as a scalar: no dependence across tokens.
LogicalResult matchTrailingInputs(linalg::GenericOp generic, unsigned source,
                                  PatternRewriter &rewriter) {
  for (OpOperand *input : generic.getDpsInputOperands())
    if (input->getOperandNumber() != source &&
        !isTrailingProjection(generic.getMatchingIndexingMap(input)))
      return rewriter.notifyMatchFailure(
          generic, "an input is not read at the result element (shift, "
                   "transpose or reduction): not an elementwise map");
  return success();
}

FailureOr<Candidate> matchCandidate(linalg::GenericOp generic,
                                    PatternRewriter &rewriter) {
  auto fail = [&](const char *why) {
    return rewriter.notifyMatchFailure(generic, why);
  };
  if (failed(matchElementwiseMap(generic, rewriter)))
    return failure();
  std::optional<Candidate> found;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    Value value = input->get();
    tensor::CollapseShapeOp collapse =
        value.getDefiningOp<tensor::CollapseShapeOp>();
    if (collapse)
      value = collapse.getSrc();
    // An epilogue's result anchors too: the map becomes an epilogue of the
    // epilogue, and MergeEpilogues then makes the two one.
    auto result = dyn_cast<OpResult>(value);
    if (!result || !isa<LDNDialect>(result.getOwner()->getDialect()))
      continue;
    // Single use: the epilogue replaces the stored result, so nothing else
    // may want the unmapped one.
    // (Size queries aside: the rewrite answers them from the op's shapes.)
    if (!usedOnlyBy(result, collapse ? collapse.getOperation()
                                     : generic.getOperation()) ||
        (collapse && !collapse->hasOneUse()))
      continue;
    if (!generic.getMatchingIndexingMap(input).isIdentity())
      continue;
    // Of several ldn results, the one computed last anchors the epilogue:
    // the other inputs are then available where it runs.
    if (found &&
        found->anchorResult.getOwner()->getBlock() ==
            result.getOwner()->getBlock() &&
        result.getOwner()->isBeforeInBlock(found->anchorResult.getOwner()))
      continue;
    found = Candidate{result, collapse, input->getOperandNumber()};
  }
  if (!found)
    return fail("no single-use ldn result read in loop order");
  if (failed(matchTrailingInputs(generic, found->sourceInput, rewriter)))
    return failure();
  return *found;
}

/// How to give an input of the collapsed generic the uncollapsed source's
/// shape: the same reassociation, restricted to the trailing groups the
/// input covers.
struct Expansion {
  RankedTensorType type;
  SmallVector<ReassociationIndices> reassociation;
};

/// The shape a map runs over when the generic's is a collapse of it (the
/// ldn result a collapse_shape merges, or the operand an expand_shape
/// splits the generic's result into), and the groups of the collapse.
struct Uncollapsed {
  RankedTensorType type;
  SmallVector<ReassociationIndices> groups;
};

/// `value` cast to the shape that `expansion` splits (each group's size
/// the product of its sizes), as expand_shape needs when `value` is less
/// static than that (a `tensor<?xf32>` bias split into a static [2, 4]).
Value castToCollapsed(PatternRewriter &rewriter, Location loc, Value value,
                      const Expansion &expansion) {
  SmallVector<int64_t> shape;
  for (const ReassociationIndices &group : expansion.reassociation) {
    int64_t size = 1;
    for (int64_t dim : group) {
      int64_t dimSize = expansion.type.getDimSize(dim);
      size = ShapedType::isDynamic(dimSize) || ShapedType::isDynamic(size)
                 ? ShapedType::kDynamic
                 : size * dimSize;
    }
    shape.push_back(size);
  }
  auto type = RankedTensorType::get(shape, getElementTypeOrSelf(value));
  if (type == value.getType())
    return value;
  return tensor::CastOp::create(rewriter, loc, type, value);
}

/// Fails where a dynamic size would have to be split.
FailureOr<Expansion> planExpansion(RankedTensorType type,
                                   const Uncollapsed &uncollapsed) {
  Expansion plan{type, {}};
  if (type.getRank() == 0)
    return plan;
  ArrayRef<ReassociationIndices> groups = uncollapsed.groups;
  int64_t collapsedRank = groups.size();
  int64_t firstGroup = collapsedRank - type.getRank();
  int64_t firstDim = groups[firstGroup].front();
  for (int64_t g = firstGroup; g < collapsedRank; ++g) {
    ReassociationIndices shifted;
    for (int64_t dim : groups[g])
      shifted.push_back(dim - firstDim);
    plan.reassociation.push_back(shifted);
  }
  auto shape = uncollapsed.type.getShape().drop_front(firstDim);
  // A dynamic size inside a split group would need its value; a dynamic
  // size on its own (the batch) is the input's.
  for (const ReassociationIndices &group : plan.reassociation)
    if (group.size() > 1 && llvm::any_of(group, [&](int64_t dim) {
          return ShapedType::isDynamic(shape[dim]);
        }))
      return failure();
  plan.type = RankedTensorType::get(shape, type.getElementType());
  return plan;
}

/// TOSA reads a broadcast operand of shape [1, 1, C] with the map
/// (b, t, c) -> (0, 0, c). For a generic that maps an ldn result, such
/// inputs are collapsed to their non-unit dimensions ([C], read with
/// (b, t, c) -> (c)), which is the same map and the per-channel form an
/// epilogue input takes; FormEpilogue then sees a trailing projection.
struct CollapseUnitBroadcasts : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    bool mapsLdnResult =
        llvm::any_of(generic.getDpsInputOperands(), [](OpOperand *input) {
          Value value = input->get();
          if (auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>())
            value = collapse.getSrc();
          Operation *def = value.getDefiningOp();
          return def && isa<LDNDialect>(def->getDialect());
        });
    if (!mapsLdnResult ||
        generic.getNumParallelLoops() != generic.getNumLoops())
      return rewriter.notifyMatchFailure(generic, "not an epilogue candidate");

    SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
    SmallVector<std::pair<OpOperand *, Value>> collapsed;
    rewriter.setInsertionPoint(generic);
    for (OpOperand *input : generic.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      AffineMap &map = maps[input->getOperandNumber()];
      if (!type || !type.hasRank() || map.getNumResults() != type.getRank())
        continue;
      // Each kept dimension takes the unit dimensions before it; trailing
      // unit dimensions join the last group (none left: a 0-d tensor).
      SmallVector<AffineExpr> kept;
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> groups;
      ReassociationIndices pending;
      for (auto [i, expr] : llvm::enumerate(map.getResults())) {
        pending.push_back(static_cast<int64_t>(i));
        auto constant = dyn_cast<AffineConstantExpr>(expr);
        if (constant && constant.getValue() == 0 && type.getDimSize(i) == 1)
          continue;
        kept.push_back(expr);
        shape.push_back(type.getDimSize(i));
        groups.push_back(pending);
        pending.clear();
      }
      if (kept.size() == static_cast<size_t>(type.getRank()))
        continue;
      if (!groups.empty())
        llvm::append_range(groups.back(), pending);
      auto collapse = tensor::CollapseShapeOp::create(
          rewriter, generic.getLoc(),
          RankedTensorType::get(shape, type.getElementType()), input->get(),
          groups);
      map = AffineMap::get(map.getNumDims(), map.getNumSymbols(), kept,
                           rewriter.getContext());
      collapsed.push_back({input, collapse});
    }
    if (collapsed.empty())
      return rewriter.notifyMatchFailure(generic, "no unit broadcast");
    rewriter.modifyOpInPlace(generic, [&] {
      for (auto [input, value] : collapsed)
        input->set(value);
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

/// The map `generic` (checked by matchElementwiseMap and
/// matchTrailingInputs) as an ldn.elementwise, built at the rewriter's
/// insertion point. Its source, made by `makeSource` once nothing can fail,
/// is the value of the generic's input `sourceInput`, or that value in the
/// `uncollapsed` shape (the other inputs are then expanded to match).
FailureOr<ElementwiseOp>
buildElementwise(PatternRewriter &rewriter, linalg::GenericOp generic,
                 unsigned sourceInput, function_ref<Value()> makeSource,
                 const std::optional<Uncollapsed> &uncollapsed) {
  Location loc = generic.getLoc();

  // The body's values from above: constants are copied in, other
  // scalars become inputs (ldn.elementwise is isolated from above).
  SetVector<Value> captured;
  getUsedValuesDefinedAbove(generic.getRegion(), captured);
  SmallVector<Value> capturedScalars;
  for (Value value : captured) {
    Operation *def = value.getDefiningOp();
    if (def && def->hasTrait<OpTrait::ConstantLike>())
      continue;
    if (!value.getType().isIntOrIndexOrFloat())
      return rewriter.notifyMatchFailure(generic,
                                         "the body uses a non-scalar value "
                                         "from above");
    capturedScalars.push_back(value);
  }

  // Plan every input before changing anything: scalars (scalar inputs
  // and captured values) stay scalars, collapsed inputs get the source's
  // shape.
  struct PlannedInput {
    Value value;
    std::optional<Expansion> expansion;
  };
  SmallVector<PlannedInput> planned;
  SmallVector<unsigned> inputNumbers;
  auto plan = [&](Value value) -> LogicalResult {
    PlannedInput input{value, std::nullopt};
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type && !value.getType().isIntOrIndexOrFloat())
      return failure();
    if (type && uncollapsed) {
      FailureOr<Expansion> expansion = planExpansion(type, *uncollapsed);
      if (failed(expansion))
        return failure();
      input.expansion = *expansion;
    }
    planned.push_back(input);
    return success();
  };
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (input->getOperandNumber() == sourceInput)
      continue;
    if (failed(plan(input->get())))
      return rewriter.notifyMatchFailure(
          generic, "an input is neither a tensor nor a scalar, or splits "
                   "a collapsed dynamic dimension");
    inputNumbers.push_back(input->getOperandNumber());
  }
  for (Value scalar : capturedScalars)
    if (failed(plan(scalar)))
      return rewriter.notifyMatchFailure(generic, "unusable scalar");
  // Rewrite.
  Value source = makeSource();
  auto sourceType = cast<RankedTensorType>(source.getType());
  SmallVector<Value> inputs;
  for (PlannedInput &input : planned) {
    Value value = input.value;
    if (input.expansion && input.expansion->type != value.getType())
      value = tensor::ExpandShapeOp::create(
          rewriter, loc, input.expansion->type,
          castToCollapsed(rewriter, loc, value, *input.expansion),
          input.expansion->reassociation);
    inputs.push_back(value);
  }

  auto resultElement =
      cast<RankedTensorType>(generic.getResult(0).getType()).getElementType();
  auto map = ElementwiseOp::create(
      rewriter, loc,
      RankedTensorType::get(sourceType.getShape(), resultElement), source,
      inputs);
  // Body: the generic's, with the source's argument first and no output.
  Block &from = generic.getRegion().front();
  SmallVector<Type> argTypes = {sourceType.getElementType()};
  SmallVector<Location> argLocs = {loc};
  for (Value input : inputs) {
    argTypes.push_back(getElementTypeOrSelf(input.getType()));
    argLocs.push_back(loc);
  }
  Block *body = rewriter.createBlock(&map.getBody(), {}, argTypes, argLocs);
  IRMapping mapping;
  mapping.map(from.getArgument(sourceInput), body->getArgument(0));
  for (auto [index, number] : llvm::enumerate(inputNumbers))
    mapping.map(from.getArgument(number), body->getArgument(index + 1));
  for (auto [index, scalar] : llvm::enumerate(capturedScalars))
    mapping.map(scalar, body->getArgument(inputNumbers.size() + index + 1));
  for (Value value : captured)
    if (!mapping.contains(value))
      mapping.map(value, rewriter.clone(*value.getDefiningOp())->getResult(0));
  for (Operation &inner : from.without_terminator())
    rewriter.clone(inner, mapping);
  auto yield = cast<linalg::YieldOp>(from.getTerminator());
  YieldOp::create(rewriter, loc, mapping.lookupOrDefault(yield.getOperand(0)));
  rewriter.setInsertionPointAfter(map);
  return map;
}

/// Replaces `replaced`'s result by `value`, cast to its (possibly more
/// static) type.
void replaceWithCast(PatternRewriter &rewriter, Operation *replaced,
                     Value value) {
  Type type = replaced->getResult(0).getType();
  if (value.getType() != type)
    value = tensor::CastOp::create(rewriter, replaced->getLoc(), type, value);
  rewriter.replaceOp(replaced, value);
}

struct FormEpilogue : OpRewritePattern<linalg::GenericOp> {
  // Before FormPrologue: a map between two ldn ops is the first one's
  // epilogue.
  FormEpilogue(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    FailureOr<Candidate> candidate = matchCandidate(generic, rewriter);
    if (failed(candidate))
      return failure();
    tensor::CollapseShapeOp collapse = candidate->collapse;
    std::optional<Uncollapsed> uncollapsed;
    if (collapse)
      uncollapsed = Uncollapsed{collapse.getSrcType(),
                                collapse.getReassociationIndices()};
    // The epilogue goes where the generic was: its inputs may be computed
    // after the ldn op (the lowerings then run the op there).
    rewriter.setInsertionPoint(generic);
    FailureOr<ElementwiseOp> epilogue = buildElementwise(
        rewriter, generic, candidate->sourceInput,
        [&] { return Value(candidate->anchorResult); }, uncollapsed);
    if (failed(epilogue))
      return failure();
    Value result = epilogue->getResult();
    if (collapse)
      result = tensor::CollapseShapeOp::create(rewriter, generic.getLoc(),
                                               result, uncollapsed->groups);
    replaceWithCast(rewriter, generic, result);
    answerSizeQueries(rewriter, candidate->anchorResult);
    return success();
  }
};

/// The ldn op that reads `value` through reshapes (expand_shape,
/// collapse_shape: the row-major order of the elements is kept), if that is
/// the only use of `value` and of each reshape, and the op is a sequence
/// op or an ldn.elementwise taking it as its source. Null otherwise.
Operation *onlyLdnReader(Value value) {
  while (value.hasOneUse()) {
    OpOperand &use = *value.getUses().begin();
    Operation *user = use.getOwner();
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user)) {
      value = user->getResult(0);
      continue;
    }
    if (auto map = dyn_cast<ElementwiseOp>(user))
      return map.getSource() == value ? user : nullptr;
    return isa<LDNDialect>(user->getDialect()) ? user : nullptr;
  }
  return nullptr;
}

/// An elementwise map whose result only an ldn op reads (possibly
/// reshaped) becomes an ldn.elementwise *prologue* of that operand: the
/// lowerings apply its body where the op loads the operand, so the mapped
/// tensor is never written (docs/fusion.md). Its source is the input read
/// at the result element with the result's rank; the others are trailing
/// projections as for an epilogue.
struct FormPrologue : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (failed(matchElementwiseMap(generic, rewriter)))
      return failure();
    Operation *reader = onlyLdnReader(generic.getResult(0));
    // The op must not run in a loop or branch the map is outside of: the
    // map would be computed there again at every load.
    if (!reader || reader->getBlock() != generic->getBlock())
      return rewriter.notifyMatchFailure(
          generic, "the result is not read by one ldn op alone, in the "
                   "same block");
    auto resultType = cast<RankedTensorType>(generic.getResult(0).getType());
    std::optional<unsigned> sourceInput;
    for (OpOperand *input : generic.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      if (type && type.getRank() == resultType.getRank() &&
          generic.getMatchingIndexingMap(input).isIdentity()) {
        sourceInput = input->getOperandNumber();
        break;
      }
    }
    if (!sourceInput)
      return rewriter.notifyMatchFailure(
          generic, "no input is read at the result element");
    if (failed(matchTrailingInputs(generic, *sourceInput, rewriter)))
      return failure();
    Value source = generic->getOperand(*sourceInput);
    // A result split into heads for the op (LightNet's q): the map runs on
    // the split source, so the op reads the prologue directly (and the CPU
    // lowering can compute it per slice the op reads).
    auto expand = dyn_cast<tensor::ExpandShapeOp>(
        *generic.getResult(0).getUsers().begin());
    if (expand) {
      rewriter.setInsertionPoint(expand);
      Uncollapsed split{expand.getResultType(),
                        expand.getReassociationIndices()};
      FailureOr<ElementwiseOp> prologue = buildElementwise(
          rewriter, generic, *sourceInput,
          [&]() -> Value {
            // As static as the generic's result, which the expand splits.
            Type element = getElementTypeOrSelf(source.getType());
            auto unsplit =
                RankedTensorType::get(expand.getSrcType().getShape(), element);
            Value from = source;
            if (from.getType() != unsplit)
              from = tensor::CastOp::create(rewriter, expand.getLoc(), unsplit,
                                            from);
            return tensor::ExpandShapeOp::create(
                rewriter, expand.getLoc(),
                RankedTensorType::get(expand.getResultType().getShape(),
                                      element),
                from, expand.getReassociationIndices(),
                expand.getMixedOutputShape());
          },
          split);
      if (succeeded(prologue)) {
        replaceWithCast(rewriter, expand, prologue->getResult());
        rewriter.eraseOp(generic);
        return success();
      }
    }
    rewriter.setInsertionPoint(generic);
    FailureOr<ElementwiseOp> prologue = buildElementwise(
        rewriter, generic, *sourceInput, [&] { return source; },
        /*uncollapsed=*/std::nullopt);
    if (failed(prologue))
      return failure();
    replaceWithCast(rewriter, generic, prologue->getResult());
    return success();
  }
};

/// An epilogue whose source is another epilogue's only use: one map, the
/// inner body then the outer one, with both input lists (the outer's are
/// trailing parts of the same shape). A chain of maps after an ldn op (a
/// bias, then an activation) so becomes a single epilogue.
struct MergeEpilogues : OpRewritePattern<ElementwiseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ElementwiseOp outer,
                                PatternRewriter &rewriter) const override {
    auto inner = outer.getSource().getDefiningOp<ElementwiseOp>();
    if (!inner || !inner.getResult().hasOneUse())
      return rewriter.notifyMatchFailure(outer, "not the only use of a map");
    Location loc = outer.getLoc();
    SmallVector<Value> inputs(inner.getInputs());
    llvm::append_range(inputs, outer.getInputs());
    auto merged = ElementwiseOp::create(rewriter, loc, outer.getType(),
                                        inner.getSource(), inputs);
    SmallVector<Type> argTypes = {inner.getSource().getType().getElementType()};
    for (Value input : inputs)
      argTypes.push_back(getElementTypeOrSelf(input.getType()));
    SmallVector<Location> argLocs(argTypes.size(), loc);
    Block *body =
        rewriter.createBlock(&merged.getBody(), {}, argTypes, argLocs);
    // The inner body on the source and the inner inputs...
    Block &first = inner.getBody().front();
    IRMapping mapping;
    for (auto [index, arg] : llvm::enumerate(first.getArguments()))
      mapping.map(arg, body->getArgument(index));
    for (Operation &op : first.without_terminator())
      rewriter.clone(op, mapping);
    Value mid = mapping.lookupOrDefault(
        cast<YieldOp>(first.getTerminator()).getValue());
    // ...then the outer body on its result and the outer inputs.
    Block &second = outer.getBody().front();
    mapping.map(second.getArgument(0), mid);
    unsigned innerInputs = inner.getInputs().size();
    for (unsigned i = 1; i < second.getNumArguments(); ++i)
      mapping.map(second.getArgument(i), body->getArgument(innerInputs + i));
    for (Operation &op : second.without_terminator())
      rewriter.clone(op, mapping);
    YieldOp::create(rewriter, loc,
                    mapping.lookupOrDefault(
                        cast<YieldOp>(second.getTerminator()).getValue()));
    rewriter.replaceOp(outer, merged.getResult());
    rewriter.eraseOp(inner);
    return success();
  }
};

struct FuseElementwise : ldn::impl::LDNFuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<CollapseUnitBroadcasts, FormEpilogue, FormPrologue,
                 MergeEpilogues>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError("ldn-fuse-elementwise did not converge");
      signalPassFailure();
    }
  }
};
} // namespace
