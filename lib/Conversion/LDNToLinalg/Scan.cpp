//===- Scan.cpp - ldn.scan to an scf.for over the scanned axis ------------===//
//
// h_t = a_t * h_{t-1} + b_t along `dim`: an scf.for over that axis carries
// the f32 state (the shape of b without `dim`); each step is one elementwise
// linalg.generic over the state, written in place, whose innermost dimension
// is b's last (contiguous) one, so it vectorizes.
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
struct LowerScan : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = op.getA(), b = op.getB();
    auto bType = cast<RankedTensorType>(b.getType());
    int64_t rank = bType.getRank();
    auto dim = static_cast<int64_t>(op.getDim());
    Type f32 = rewriter.getF32Type();
    Type outType = bType.getElementType();
    bool perChannelA = cast<RankedTensorType>(a.getType()).getRank() == 1;

    SmallVector<OpFoldResult> sizes = getSizes(rewriter, loc, b);
    SmallVector<OpFoldResult> stateSizes = dropDim(sizes, dim);
    Value state = op.getInit()
                      ? convertElementType(rewriter, loc, op.getInit(), f32)
                      : createFilled(rewriter, loc, stateSizes, f32, 0.0);
    Value all = createEmpty(rewriter, loc, sizes, outType);

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value length = getDim(rewriter, loc, b, dim);
    int64_t stateRank = rank - 1;
    AffineMap id = rewriter.getMultiDimIdentityMap(stateRank);
    // A 1-D `a` holds one decay per channel of b's last dimension.
    AffineMap aMap = perChannelA ? AffineMap::get(stateRank, 0,
                                                  rewriter.getAffineDimExpr(
                                                      stateRank - 1),
                                                  rewriter.getContext())
                                 : id;
    bool reverse = op.getReverse();

    auto loop = scf::ForOp::create(
        rewriter, loc, zero, length, one, ValueRange{state, all},
        [&](OpBuilder &lb, Location lloc, Value i, ValueRange carried) {
          Value t = i;
          if (reverse) {
            Value last = arith::SubIOp::create(lb, lloc, length, one);
            t = arith::SubIOp::create(lb, lloc, last, i);
          }
          Value at = perChannelA ? a : extractSliceAt(lb, lloc, a, dim, t);
          Value bt = extractSliceAt(lb, lloc, b, dim, t);
          Value next =
              linalg::GenericOp::create(
                  lb, lloc, carried[0].getType(), ValueRange{at, bt},
                  ValueRange{carried[0]}, ArrayRef<AffineMap>{aMap, id, id},
                  parallelIterators(stateRank),
                  [&](OpBuilder &bb, Location bloc, ValueRange args) {
                    Value av = castFloat(bb, bloc, args[0], f32);
                    Value bv = castFloat(bb, bloc, args[1], f32);
                    Value h = arith::MulFOp::create(bb, bloc, av, args[2]);
                    linalg::YieldOp::create(
                        bb, bloc, arith::AddFOp::create(bb, bloc, h, bv)
                                      .getResult());
                  })
                  .getResult(0);
          Value out = convertElementType(lb, lloc, next, outType);
          Value updated = insertSliceAt(lb, lloc, out, carried[1], dim, t);
          scf::YieldOp::create(lb, lloc, ValueRange{next, updated});
        });

    Value finalState =
        convertElementType(rewriter, loc, loop.getResult(0), outType);
    rewriter.replaceOp(op, {loop.getResult(1), finalState});
    return success();
  }
};
} // namespace

void mlir::ldn::lowering::populateScanLowering(RewritePatternSet &patterns) {
  patterns.add<LowerScan>(patterns.getContext());
}
