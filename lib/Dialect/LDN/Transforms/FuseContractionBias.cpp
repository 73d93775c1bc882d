//===- FuseContractionBias.cpp - a bias add becomes a contraction's init --===//
//
// y = x·W from a zero fill, then y + b in an elementwise generic, is x·W
// accumulated onto b: the contraction starts from the broadcast bias
// instead of zeros, and the add is gone. The broadcast writes what the fill
// wrote, so the generic's read of y and b and its write of the sum are
// saved. A generic adding biases to several contractions (Diffuser's q, k
// and v) becomes one broadcast generic with a result per contraction.
//
//===----------------------------------------------------------------------===//

#include "ldn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSECONTRACTIONBIAS
#include "ldn/Transforms/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
/// One result of the generic: `contraction` + the input `bias` read
/// through `biasMap`.
struct BiasedResult {
  linalg::LinalgOp contraction;
  Value bias;
  AffineMap biasMap;
};

/// `value` is block argument `arg` of `block`, possibly widened by extf.
bool isArgument(Value value, Block *block, unsigned arg) {
  if (auto ext = value.getDefiningOp<arith::ExtFOp>())
    value = ext.getIn();
  auto argument = dyn_cast<BlockArgument>(value);
  return argument && argument.getOwner() == block &&
         argument.getArgNumber() == arg;
}

/// Whether the body is exactly out + in0 · in1: what a zero fill turns into
/// the plain sum of products. (isaContractionOpInterface also accepts an
/// accumulator seen through a unary op, -out + in0 · in1 say, which a
/// non-zero init would not add onto.)
bool accumulatesProducts(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 || op.getNumDpsInputs() != 2)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  for (auto [acc, product] : {std::pair(add.getLhs(), add.getRhs()),
                              std::pair(add.getRhs(), add.getLhs())}) {
    auto mul = product.getDefiningOp<arith::MulFOp>();
    auto out = dyn_cast<BlockArgument>(acc);
    if (!mul || !out || out.getOwner() != body || out.getArgNumber() != 2)
      continue;
    if ((isArgument(mul.getLhs(), body, 0) &&
         isArgument(mul.getRhs(), body, 1)) ||
        (isArgument(mul.getLhs(), body, 1) &&
         isArgument(mul.getRhs(), body, 0)))
      return true;
  }
  return false;
}

/// The contraction that computes `value` from a zero fill and has no other
/// use, with the generic's loops as its output's indices (`map`).
linalg::LinalgOp zeroInitContraction(Value value, AffineMap map) {
  auto op = value.getDefiningOp<linalg::LinalgOp>();
  if (!op || !linalg::isaContractionOpInterface(op) ||
      !accumulatesProducts(op) || op->getNumResults() != 1 ||
      op.getNumDpsInits() != 1 || !value.hasOneUse() || !map.isIdentity())
    return nullptr;
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !matchPattern(fill.getInputs()[0], m_AnyZeroFloat()))
    return nullptr;
  return op;
}

struct FuseBiasIntoContraction : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (generic.getNumParallelLoops() != generic.getNumLoops() ||
        generic.getNumResults() == 0 || generic.hasIndexSemantics())
      return rewriter.notifyMatchFailure(generic, "not an elementwise map");
    Block &body = generic.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    // Exactly one add per result and nothing else: anything more is not a
    // bias.
    if (body.getOperations().size() != generic.getNumResults() + 1)
      return rewriter.notifyMatchFailure(generic, "more than bias adds");

    unsigned numInputs = generic.getNumDpsInputs();
    SmallVector<BiasedResult> results;
    for (auto [index, yielded] : llvm::enumerate(yield.getValues())) {
      auto add = yielded.getDefiningOp<arith::AddFOp>();
      if (!add || add->getBlock() != &body)
        return rewriter.notifyMatchFailure(generic, "a result is not an add");
      if (!generic.getIndexingMapsArray()[numInputs + index].isIdentity())
        return rewriter.notifyMatchFailure(generic, "a transposed result");
      std::optional<BiasedResult> found;
      for (auto [lhs, rhs] : {std::pair(add.getLhs(), add.getRhs()),
                              std::pair(add.getRhs(), add.getLhs())}) {
        auto y = dyn_cast<BlockArgument>(lhs);
        auto b = dyn_cast<BlockArgument>(rhs);
        if (!y || !b || y.getOwner() != &body || b.getOwner() != &body ||
            y.getArgNumber() >= numInputs || b.getArgNumber() >= numInputs)
          continue;
        OpOperand *yOperand = generic.getDpsInputOperand(y.getArgNumber());
        OpOperand *bOperand = generic.getDpsInputOperand(b.getArgNumber());
        linalg::LinalgOp contraction = zeroInitContraction(
            yOperand->get(), generic.getMatchingIndexingMap(yOperand));
        if (!contraction ||
            contraction->getResult(0).getType() !=
                generic->getResult(index).getType() ||
            getElementTypeOrSelf(bOperand->get().getType()) !=
                getElementTypeOrSelf(generic->getResult(index).getType()))
          continue;
        found = BiasedResult{contraction, bOperand->get(),
                             generic.getMatchingIndexingMap(bOperand)};
        break;
      }
      if (!found)
        return rewriter.notifyMatchFailure(
            generic, "a result is not a zero-init contraction plus a bias");
      results.push_back(*found);
    }

    // The broadcast goes before the first contraction: every bias and
    // every contraction's destination must be available there, and the
    // contractions must be distinct.
    Operation *first = results.front().contraction;
    for (const BiasedResult &r : results)
      if (r.contraction->isBeforeInBlock(first))
        first = r.contraction;
    DominanceInfo dominance(generic->getParentOp());
    llvm::SmallPtrSet<Operation *, 4> seen;
    for (BiasedResult &r : results) {
      Value destination = r.contraction.getDpsInits()[0]
                              .getDefiningOp<linalg::FillOp>()
                              .getOutputs()[0];
      if (r.contraction->getBlock() != first->getBlock() ||
          !seen.insert(r.contraction).second ||
          !dominance.properlyDominates(r.bias, first) ||
          !dominance.properlyDominates(destination, first))
        return rewriter.notifyMatchFailure(
            generic, "a bias is not available before the contractions");
    }

    SmallVector<Value> biases, destinations;
    SmallVector<AffineMap> maps;
    for (BiasedResult &r : results) {
      biases.push_back(r.bias);
      maps.push_back(r.biasMap);
      destinations.push_back(r.contraction.getDpsInits()[0]
                                 .getDefiningOp<linalg::FillOp>()
                                 .getOutputs()[0]);
    }
    for (size_t i = 0; i < results.size(); ++i)
      maps.push_back(rewriter.getMultiDimIdentityMap(generic.getNumLoops()));
    rewriter.setInsertionPoint(first);
    auto broadcast = linalg::GenericOp::create(
        rewriter, generic.getLoc(), ValueRange(destinations).getTypes(),
        biases, destinations, maps, generic.getIteratorTypesArray(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc, args.take_front(biases.size()));
        });
    SmallVector<Value> replacements;
    for (auto [index, r] : llvm::enumerate(results)) {
      rewriter.modifyOpInPlace(r.contraction, [&] {
        r.contraction.getDpsInitsMutable()[0].set(broadcast.getResult(index));
      });
      replacements.push_back(r.contraction->getResult(0));
    }
    rewriter.replaceOp(generic, replacements);
    return success();
  }
};

struct FuseContractionBiasPass
    : ldn::impl::LDNFuseContractionBiasBase<FuseContractionBiasPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseBiasIntoContraction>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
