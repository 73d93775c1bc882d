//===- FuseSsmConv.cpp - projection, long_conv, projection -> ssm_conv ----===//
//
// The LDNN layer's linear part, v = B̃u, x = κ ∗ v, y = C̃x, written as two
// contractions around an ldn.long_conv, becomes one ldn.ssm_conv (ops.md
// section 11), whose lowerings never write v or x for the whole batch.
//
// A projection is recognised in two forms, both accumulating from a zero
// fill with a multiply-add body:
//   per head: collapse([[0],[1],[2,3]]) of a generic over (b, t, g, o, i)
//             reading expand([[0],[1],[2,3]])(in)[b,t,g,i] and W[g,i,o];
//   dense:    a linalg op over (b, t, n, k) reading in[b,t,k] and W[k,n]
//             (a linalg.generic or linalg.batch_matmul with these maps),
//             which is the per-head form with one head.
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNOps.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSESSMCONV
#include "ldn/Transforms/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
/// A recognised projection: `result` = the per-head projection of `input`
/// [B, T, G·Ni] by `weight` ([G, Ni, No], or a dense [Ni, No] with G = 1).
struct Projection {
  Value input;
  Value weight;
  bool dense = false;
  /// The value the projection's result replaces (the collapse, or the
  /// dense op's result).
  Value result;
};

bool isF32Tensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32();
}

/// Whether `op` is the contraction out[...] += in[...] · w[...] with the
/// given maps (`dims` loops, the last a reduction), from a zero fill.
bool isProjection(linalg::LinalgOp op, ArrayRef<AffineMap> maps) {
  if (!op || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || op.getIndexingMapsArray() != maps)
    return false;
  unsigned loops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned i = 0; i < loops; ++i)
    if (iterators[i] != (i + 1 == loops ? utils::IteratorType::reduction
                                        : utils::IteratorType::parallel))
      return false;
  for (Value operand : op->getOperands())
    if (!isF32Tensor(operand))
      return false;
  // The body: yield (in · w) + acc, in either order of either operation.
  Block *body = op.getBlock();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add || body->getOperations().size() != 3)
    return false;
  Value acc = body->getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || (add.getLhs() != acc && add.getRhs() != acc))
    return false;
  Value a = body->getArgument(0), w = body->getArgument(1);
  if (!((mul.getLhs() == a && mul.getRhs() == w) ||
        (mul.getLhs() == w && mul.getRhs() == a)))
    return false;
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  return fill && matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
}

/// The maps of the per-head form, loops (b, t, g, o, i).
SmallVector<AffineMap> headMaps(MLIRContext *context) {
  AffineExpr b, t, g, o, i;
  bindDims(context, b, t, g, o, i);
  return {AffineMap::get(5, 0, {b, t, g, i}, context),
          AffineMap::get(5, 0, {g, i, o}, context),
          AffineMap::get(5, 0, {b, t, g, o}, context)};
}

/// The maps of the dense form, loops (b, t, n, k).
SmallVector<AffineMap> denseMaps(MLIRContext *context) {
  AffineExpr b, t, n, k;
  bindDims(context, b, t, n, k);
  return {AffineMap::get(4, 0, {b, t, k}, context),
          AffineMap::get(4, 0, {k, n}, context),
          AffineMap::get(4, 0, {b, t, n}, context)};
}

/// Whether `op` merges or splits channel dimension 2 into (heads, channels).
template <typename ReshapeOp> bool splitsChannels(ReshapeOp op) {
  SmallVector<ReassociationIndices> want = {{0}, {1}, {2, 3}};
  return op && op.getReassociationIndices() == want;
}

/// The projection whose result is `value`.
std::optional<Projection> matchProducer(Value value) {
  MLIRContext *context = value.getContext();
  if (auto collapse = value.getDefiningOp<tensor::CollapseShapeOp>()) {
    auto generic = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
    if (!splitsChannels(collapse) || !generic ||
        !generic->getResult(0).hasOneUse() ||
        !isProjection(generic, headMaps(context)))
      return std::nullopt;
    auto expand =
        generic.getDpsInputs()[0].getDefiningOp<tensor::ExpandShapeOp>();
    if (!splitsChannels(expand))
      return std::nullopt;
    return Projection{expand.getSrc(), generic.getDpsInputs()[1], false,
                      value};
  }
  auto op = value.getDefiningOp<linalg::LinalgOp>();
  if (!op || !isProjection(op, denseMaps(context)))
    return std::nullopt;
  return Projection{op.getDpsInputs()[0], op.getDpsInputs()[1], true, value};
}

/// The projection that is the only consumer of `value` (through a channel
/// split in the per-head form).
std::optional<Projection> matchConsumer(Value value) {
  if (!value.hasOneUse())
    return std::nullopt;
  Operation *user = *value.getUsers().begin();
  MLIRContext *context = value.getContext();
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
    if (!splitsChannels(expand) || !expand.getResult().hasOneUse())
      return std::nullopt;
    auto generic =
        dyn_cast<linalg::GenericOp>(*expand.getResult().getUsers().begin());
    if (!generic || generic.getDpsInputs()[0] != expand.getResult() ||
        !isProjection(generic, headMaps(context)) ||
        !generic->getResult(0).hasOneUse())
      return std::nullopt;
    auto collapse = dyn_cast<tensor::CollapseShapeOp>(
        *generic->getResult(0).getUsers().begin());
    if (!splitsChannels(collapse))
      return std::nullopt;
    return Projection{value, generic.getDpsInputs()[1], false,
                      collapse.getResult()};
  }
  auto op = dyn_cast<linalg::LinalgOp>(user);
  if (!op || op.getDpsInputs()[0] != value ||
      !isProjection(op, denseMaps(context)))
    return std::nullopt;
  return Projection{value, op.getDpsInputs()[1], true, op->getResult(0)};
}

/// `projection`'s weight as [G, Ni, No]: a dense [Ni, No] gets a unit head
/// dimension.
Value headWeight(PatternRewriter &rewriter, Location loc,
                 const Projection &projection) {
  if (!projection.dense)
    return projection.weight;
  auto type = cast<RankedTensorType>(projection.weight.getType());
  auto headType = RankedTensorType::get(
      {1, type.getDimSize(0), type.getDimSize(1)}, type.getElementType());
  return tensor::ExpandShapeOp::create(
      rewriter, loc, headType, projection.weight,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
}

struct FuseProjectedConv : OpRewritePattern<LongConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LongConvOp conv,
                                PatternRewriter &rewriter) const override {
    if (!isF32Tensor(conv.getV()) || !isF32Tensor(conv.getKernel()))
      return rewriter.notifyMatchFailure(conv, "not f32");
    if (!conv.getV().hasOneUse())
      return rewriter.notifyMatchFailure(conv, "the input has other uses");
    std::optional<Projection> in = matchProducer(conv.getV());
    if (!in)
      return rewriter.notifyMatchFailure(conv, "no input projection");
    std::optional<Projection> out = matchConsumer(conv.getY());
    if (!out)
      return rewriter.notifyMatchFailure(
          conv, "the result is not used by exactly one output projection");
    // The weights must be static (ssm_conv's contract) and agree on the
    // heads and the channels per head.
    auto inType = cast<RankedTensorType>(in->weight.getType());
    auto outType = cast<RankedTensorType>(out->weight.getType());
    auto uType = cast<RankedTensorType>(in->input.getType());
    if (!inType.hasStaticShape() || !outType.hasStaticShape() ||
        uType.isDynamicDim(2) || conv.getKernel().getType().isDynamicDim(0))
      return rewriter.notifyMatchFailure(conv, "dynamic channel sizes");
    int64_t inHeads = in->dense ? 1 : inType.getDimSize(0);
    int64_t outHeads = out->dense ? 1 : outType.getDimSize(0);
    int64_t inPerHead = inType.getDimSize(in->dense ? 1 : 2);
    int64_t outPerHead = outType.getDimSize(out->dense ? 0 : 1);
    if (inHeads != outHeads || inPerHead != outPerHead)
      return rewriter.notifyMatchFailure(
          conv, "the projections split the channels into different heads");
    // What the convolution's own types may not say (a dynamic channel
    // dimension between the projection and it): the kernel's rows and u's
    // channels must be the projections'.
    int64_t inputsPerHead = inType.getDimSize(in->dense ? 0 : 1);
    if (conv.getKernel().getType().getDimSize(0) != inHeads * inPerHead ||
        uType.getDimSize(2) != inHeads * inputsPerHead)
      return rewriter.notifyMatchFailure(
          conv, "the kernel's rows or u's channels are not the projections'");

    // At the output projection: its weight may be defined after the
    // convolution. Both projections must be in the convolution's block:
    // moved into a loop, the fused op would repeat the convolution (or the
    // input projection) every iteration.
    Operation *root = out->result.getDefiningOp();
    if (root->getBlock() != conv->getBlock() ||
        in->result.getDefiningOp()->getBlock() != conv->getBlock())
      return rewriter.notifyMatchFailure(
          conv, "a projection is in another block");
    rewriter.setInsertionPoint(root);
    // The convolution's location: run-time checks and remarks name it.
    Location loc = conv.getLoc();
    Value inWeight = headWeight(rewriter, loc, *in);
    Value outWeight = headWeight(rewriter, loc, *out);
    auto fused = SsmConvOp::create(rewriter, loc, in->input, inWeight,
                                   conv.getKernel(), outWeight,
                                   conv.getBidirectional(), conv.getStrategy());
    Value result = fused.getY();
    if (result.getType() != out->result.getType())
      result = tensor::CastOp::create(rewriter, loc, out->result.getType(),
                                      result);
    rewriter.replaceOp(root, result);
    return success();
  }
};

struct FuseSsmConvPass : ldn::impl::LDNFuseSsmConvBase<FuseSsmConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseProjectedConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
