//===- SsmConv.cpp - ldn.ssm_conv one batch row at a time -----------------===//
//
// An scf.for over the batch: per row b, the in-projection of u[b], the long
// convolution (an ldn.long_conv on the [1, T, N] row, lowered by its own
// pattern) and the out-projection, inserted into the result. The [1, T, N]
// intermediates of a row are made and used while they are in cache, where
// the unfused model writes [B, T, N] twice over and reads it back. The loop
// inserts one slice per iteration, so an ldn.elementwise epilogue fuses
// into it (Elementwise.cpp).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {
/// out[0, t, g·No + o] = Σ_i in[0, t, g·Ni + i] · weight[g, i, o] over one
/// batch row `in` [1, T, G·Ni] and a weight [G, Ni, No], accumulated in f32.
Value projectHeads(OpBuilder &b, Location loc, Value in, Value weight) {
  auto inType = cast<RankedTensorType>(in.getType());
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t groups = weightType.getDimSize(0), ni = weightType.getDimSize(1),
          no = weightType.getDimSize(2);
  OpFoldResult length = getSizes(b, loc, in)[1];
  SmallVector<ReassociationIndices> heads = {{0}, {1}, {2, 3}};
  Value in4 = tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({1, inType.getDimSize(1), groups, ni},
                            inType.getElementType()),
      in, heads,
      SmallVector<OpFoldResult>{b.getIndexAttr(1), length,
                                b.getIndexAttr(groups), b.getIndexAttr(ni)});
  Type f32 = b.getF32Type();
  Value init = createFilled(
      b, loc,
      {b.getIndexAttr(1), length, b.getIndexAttr(groups), b.getIndexAttr(no)},
      f32, 0.0);
  MLIRContext *context = b.getContext();
  // Loops (b, t, g, o, i).
  SmallVector<AffineMap> maps = {dimsMap(context, 5, {0, 1, 2, 4}),
                                 dimsMap(context, 5, {2, 4, 3}),
                                 dimsMap(context, 5, {0, 1, 2, 3})};
  Value out4 =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{in4, weight}, ValueRange{init},
          maps, iteratorsWithReductions(5, {4}),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value x = castFloat(nb, l, args[0], f32);
            Value w = castFloat(nb, l, args[1], f32);
            Value product = arith::MulFOp::create(nb, l, x, w);
            linalg::YieldOp::create(
                nb, l, ValueRange{arith::AddFOp::create(nb, l, product, args[2])});
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, out4, heads);
}

struct LowerSsmConv : OpRewritePattern<SsmConvOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SsmConvOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value u = op.getU();
    RankedTensorType resultType = op.getType();
    // Before the row loop, so also for an empty batch (the convolution
    // inside checks it again, per row).
    assertEvenLags(rewriter, loc, op.getKernel(), op.getBidirectional(),
                   "ldn.ssm_conv");
    SmallVector<OpFoldResult> sizes = reifyResultSizes(rewriter, op.getY());
    Value init = createEmpty(rewriter, loc, sizes, resultType.getElementType());
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value batch = getDim(rewriter, loc, u, 0);
    OpFoldResult length = getSizes(rewriter, loc, u)[1];
    auto uType = cast<RankedTensorType>(u.getType());
    auto rowType = [&](int64_t channels, Type element) {
      return RankedTensorType::get({1, uType.getDimSize(1), channels}, element);
    };
    int64_t inChannels = uType.getDimSize(2);
    // M = G·Mg, static even where the declared result type says `?`.
    RankedTensorType outProj = op.getOutProj().getType();
    int64_t outChannels = outProj.getDimSize(0) * outProj.getDimSize(2);
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, batch, one, ValueRange{init},
        [&](OpBuilder &b, Location l, Value row, ValueRange carried) {
          SmallVector<OpFoldResult> offsets = {row, b.getIndexAttr(0),
                                               b.getIndexAttr(0)};
          SmallVector<OpFoldResult> unit(3, b.getIndexAttr(1));
          Value uRow = tensor::ExtractSliceOp::create(
              b, l, rowType(inChannels, uType.getElementType()), u, offsets,
              {b.getIndexAttr(1), length, b.getIndexAttr(inChannels)}, unit);
          Value v = projectHeads(b, l, uRow, op.getInProj());
          Value x = LongConvOp::create(b, l, v, op.getKernel(),
                                       op.getBidirectional(), op.getStrategy());
          Value y = convertElementType(
              b, l, projectHeads(b, l, x, op.getOutProj()),
              resultType.getElementType());
          Value inserted = tensor::InsertSliceOp::create(
              b, l, y, carried[0], offsets,
              {b.getIndexAttr(1), length, b.getIndexAttr(outChannels)}, unit);
          scf::YieldOp::create(b, l, inserted);
        });
    // The convolution's work on the kernel alone (its transpose, its
    // transform) is the same for every row: hoisted once lowered.
    loop->setAttr(kHoistInvariantsAttr, rewriter.getUnitAttr());
    // (A cast only where the declared type is less static than M.)
    rewriter.replaceOp(op,
                       castToType(rewriter, loc, loop.getResult(0), resultType));
    return success();
  }
};
} // namespace

void mlir::ldn::lowering::populateSsmConvLowering(RewritePatternSet &patterns) {
  patterns.add<LowerSsmConv>(patterns.getContext());
}
