//===- FuseLinearAttention.cpp - LightNet's token mixer -> one op ---------===//
//
// additive_decay -> lrpe (q and the normalized keys) -> linear_attention,
// with the decays doubled by a concat for the rotated halves, becomes one
// ldn.lightnet_attention (ops.md section 12). Its lowerings compute the
// normalized keys, the decays and the rotations where the recurrence reads
// them, so none of the four intermediates is stored.
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNOps.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSELINEARATTENTION
#include "ldn/Transforms/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
bool isF32(Value value) {
  return cast<RankedTensorType>(value.getType()).getElementType().isF32();
}

/// The ldn.lrpe that defines `value` as its only use, in `block`.
LrpeOp singleUseLrpe(Value value, Block *block) {
  auto lrpe = value.getDefiningOp<LrpeOp>();
  if (!lrpe || !value.hasOneUse() || lrpe->getBlock() != block)
    return nullptr;
  return lrpe;
}

/// Whether `decay` is `concat dim(3) (d, d)` of additive_decay's decay `d`,
/// used by nothing else: the per-channel decay of both rotated halves.
bool isDoubledDecay(Value decay, AdditiveDecayOp normalization) {
  auto concat = decay.getDefiningOp<tensor::ConcatOp>();
  if (!concat || !decay.hasOneUse() || concat.getDim() != 3 ||
      concat.getInputs().size() != 2)
    return false;
  Value half = normalization.getDecay();
  return llvm::all_of(concat.getInputs(),
                      [&](Value input) { return input == half; }) &&
         llvm::all_of(half.getUsers(),
                      [&](Operation *user) { return user == concat; });
}

struct FuseLightNetAttention : OpRewritePattern<LinearAttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearAttentionOp attention,
                                PatternRewriter &rewriter) const override {
    // Everything in the attention's block: fused into an op inside a loop,
    // a producer hoisted out of it would run every iteration.
    Block *block = attention->getBlock();
    LrpeOp rotateQ = singleUseLrpe(attention.getQ(), block);
    LrpeOp rotateK = singleUseLrpe(attention.getK(), block);
    if (!rotateQ || !rotateK)
      return rewriter.notifyMatchFailure(
          attention, "q and k are not each the single use of an lrpe");
    if (rotateQ.getTheta() != rotateK.getTheta() ||
        rotateQ.getGrid() != rotateK.getGrid() ||
        rotateQ.getPrefix() != rotateK.getPrefix())
      return rewriter.notifyMatchFailure(
          attention, "q and k are rotated with different positions");
    auto normalization = rotateK.getX().getDefiningOp<AdditiveDecayOp>();
    if (!normalization || !rotateK.getX().hasOneUse() ||
        normalization->getBlock() != block)
      return rewriter.notifyMatchFailure(
          attention, "the keys are not only additive_decay's normalized keys");
    if (attention.getInit())
      return rewriter.notifyMatchFailure(attention, "an initial state");
    bool causal = attention.getCausal();
    if (normalization.getCausal() != causal)
      return rewriter.notifyMatchFailure(
          attention, "additive_decay and linear_attention differ in causality");
    // Causal: the decays must be exactly additive_decay's, doubled; a
    // non-causal additive_decay's decays are zeros and must be unused.
    if (causal ? !attention.getDecay() ||
                     !isDoubledDecay(attention.getDecay(), normalization)
               : !normalization.getDecay().use_empty())
      return rewriter.notifyMatchFailure(
          attention, "the decays are not additive_decay's, used only here");
    if (!isF32(rotateQ.getX()) || !isF32(normalization.getK()) ||
        !isF32(attention.getV()) || !isF32(attention.getO()) ||
        !isF32(rotateQ.getTheta()))
      return rewriter.notifyMatchFailure(attention, "not f32");

    auto fused = LightNetAttentionOp::create(
        rewriter, attention.getLoc(), rotateQ.getX(), normalization.getK(),
        attention.getV(), rotateQ.getTheta(), rewriter.getBoolAttr(causal),
        normalization.getSinkAttr(), rotateQ.getGridAttr(),
        rotateQ.getPrefixAttr(), attention.getScaleAttr());
    SmallVector<Value> results;
    for (auto [from, to] :
         llvm::zip(attention->getResults(), fused->getResults())) {
      Value result = to;
      if (result.getType() != from.getType())
        result = tensor::CastOp::create(rewriter, attention.getLoc(),
                                        from.getType(), result);
      results.push_back(result);
    }
    rewriter.replaceOp(attention, results);
    // The producers are pure and now unused; the driver erases them.
    return success();
  }
};

struct FuseLinearAttentionPass
    : ldn::impl::LDNFuseLinearAttentionBase<FuseLinearAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseLightNetAttention>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
