//===- LDNOps.cpp - ldn verifiers, type inference, shape reification ------===//
//
// Every op checks its static invariants (ops.md) in one `check<Op>` function.
// It runs from the op's verifier and from `inferReturnTypes`, which the
// verifier calls first, so a bad operand shape is reported as such rather
// than as a surprising inferred type. Dimensions that are dynamic (`?`) on
// either side always pass: they are checked at run time.
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ldn;

//===----------------------------------------------------------------------===//
// Shape checking helpers
//===----------------------------------------------------------------------===//

namespace {
// Names used in messages for the dimensions of ops.md.
constexpr llvm::StringLiteral kBatch = "batch B";
constexpr llvm::StringLiteral kLength = "length T";
constexpr llvm::StringLiteral kChannels = "channels D";
constexpr llvm::StringLiteral kHeads = "heads H";
constexpr llvm::StringLiteral kKeyDim = "key dimension d";
constexpr llvm::StringLiteral kValueDim = "value dimension e";
constexpr llvm::StringLiteral kState = "state size N";

/// An operand seen as a shape, with the name it has in messages.
struct Shaped {
  StringRef name;
  RankedTensorType type;
  Value value;

  int64_t rank() const { return type.getRank(); }
  int64_t dim(int64_t i) const { return type.getDimSize(i); }
};

/// Reports violations of an op's static invariants at the op's location.
/// `inferReturnTypes` may run without a location (a builder creating the
/// op); then it fails silently and the verifier reports later.
class ShapeChecker {
public:
  ShapeChecker(std::optional<Location> loc, StringRef opName)
      : loc(loc), opName(opName) {}
  /// A checker that also records every required equality that involves a
  /// dynamic dimension, for the lowerings to check at run time.
  ShapeChecker(Location loc, StringRef opName,
               SmallVectorImpl<DimConstraint> &runtimeChecks)
      : loc(loc), opName(opName), runtimeChecks(&runtimeChecks) {}

  LogicalResult fail(const Twine &message) const {
    if (loc)
      emitError(*loc) << "'" << opName << "' op " << message;
    return failure();
  }

  /// Binds `value` as a ranked tensor of one of `ranks` (any rank if empty).
  /// The declarative type constraints check this too, but inference can run
  /// on unverified operands from a builder.
  LogicalResult get(Shaped &out, StringRef name, Value value,
                    ArrayRef<int64_t> ranks = {}) const {
    auto type = dyn_cast_or_null<RankedTensorType>(
        value ? value.getType() : Type());
    if (!type || (!ranks.empty() && !llvm::is_contained(ranks, type.getRank())))
      return fail("'" + name + "' must be a ranked tensor of the rank ops.md gives");
    out = {name, type, value};
    return success();
  }

  /// Fails when dimension `ai` of `a` and `bi` of `b` are both static and
  /// differ. `what` names the dimension in the message.
  LogicalResult sameDim(StringRef what, Shaped a, int64_t ai, Shaped b,
                        int64_t bi) const {
    int64_t x = a.dim(ai), y = b.dim(bi);
    if (ShapedType::isDynamic(x) || ShapedType::isDynamic(y)) {
      if (runtimeChecks)
        runtimeChecks->push_back(
            {a.value, ai, b.value, bi,
             ("'" + opName + "' op " + what + ": '" + b.name +
              "' must match '" + a.name + "'")
                 .str()});
      return success();
    }
    if (x == y)
      return success();
    return fail(what + ": '" + b.name + "' has " + Twine(y) + " but '" +
                a.name + "' has " + Twine(x));
  }

  /// sameDim over consecutive dimensions: `whats[i]` names dimension
  /// `aStart + i` of `a` and `bStart + i` of `b`.
  LogicalResult sameDims(ArrayRef<StringRef> whats, Shaped a, int64_t aStart,
                         Shaped b, int64_t bStart) const {
    for (auto [i, what] : llvm::enumerate(whats))
      if (failed(sameDim(what, a, aStart + i, b, bStart + i)))
        return failure();
    return success();
  }

  LogicalResult sameElementType(Shaped a, Shaped b) const {
    if (a.type.getElementType() == b.type.getElementType())
      return success();
    std::string message;
    llvm::raw_string_ostream os(message);
    os << "'" << a.name << "' and '" << b.name
       << "' must have the same element type, got " << a.type.getElementType()
       << " and " << b.type.getElementType();
    return fail(message);
  }

private:
  std::optional<Location> loc;
  StringRef opName;
  SmallVectorImpl<DimConstraint> *runtimeChecks = nullptr;
};

/// The static one of two sizes of the same dimension, if any.
int64_t mergeDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}
} // namespace

/// Inferred and declared result types are compatible when they agree on
/// element type and rank and every dimension that both know statically.
static bool areCompatibleTensorTypes(TypeRange inferred, TypeRange declared) {
  if (inferred.size() != declared.size())
    return false;
  for (auto [l, r] : llvm::zip(inferred, declared)) {
    auto lt = dyn_cast<RankedTensorType>(l);
    auto rt = dyn_cast<RankedTensorType>(r);
    if (!lt || !rt || lt.getElementType() != rt.getElementType() ||
        failed(verifyCompatibleShape(lt.getShape(), rt.getShape())))
      return false;
  }
  return true;
}

#define LDN_COMPATIBLE_RETURN_TYPES(OP)                                         \
  bool OP::isCompatibleReturnTypes(TypeRange l, TypeRange r) {                  \
    return areCompatibleTensorTypes(l, r);                                     \
  }
LDN_COMPATIBLE_RETURN_TYPES(DiffuseOp)
LDN_COMPATIBLE_RETURN_TYPES(AttentionDiffuseOp)
LDN_COMPATIBLE_RETURN_TYPES(ScanOp)
LDN_COMPATIBLE_RETURN_TYPES(SelectiveScanOp)
LDN_COMPATIBLE_RETURN_TYPES(LinearAttentionOp)
LDN_COMPATIBLE_RETURN_TYPES(AdditiveDecayOp)
LDN_COMPATIBLE_RETURN_TYPES(LrpeOp)
LDN_COMPATIBLE_RETURN_TYPES(LongConvOp)
LDN_COMPATIBLE_RETURN_TYPES(SsmConvOp)
LDN_COMPATIBLE_RETURN_TYPES(LightNetAttentionOp)
#undef LDN_COMPATIBLE_RETURN_TYPES

//===----------------------------------------------------------------------===//
// Shape reification helpers
//===----------------------------------------------------------------------===//

namespace {
/// Where a result dimension comes from: dimension `dim` of operand `value`,
/// times `factor` (2 for lrpe's doubled feature axis and bidirectional
/// kernels).
struct DimSource {
  Value value;
  int64_t dim;
  int64_t factor = 1;
};
} // namespace

static OpFoldResult scaled(OpBuilder &b, Location loc, OpFoldResult size,
                           int64_t factor) {
  if (factor == 1)
    return size;
  if (auto attr = dyn_cast<Attribute>(size))
    return b.getIndexAttr(cast<IntegerAttr>(attr).getInt() * factor);
  Value c = arith::ConstantIndexOp::create(b, loc, factor);
  return arith::MulIOp::create(b, loc, cast<Value>(size), c).getResult();
}

/// The sizes of `result`: constants where its type is static, otherwise
/// computed from `sources` (one per dimension).
static SmallVector<OpFoldResult> reifyDims(OpBuilder &b, Location loc,
                                           Value result,
                                           ArrayRef<DimSource> sources) {
  auto type = cast<RankedTensorType>(result.getType());
  SmallVector<OpFoldResult> sizes;
  for (auto [i, src] : llvm::enumerate(sources)) {
    if (!type.isDynamicDim(i)) {
      sizes.push_back(b.getIndexAttr(type.getDimSize(i)));
      continue;
    }
    sizes.push_back(scaled(
        b, loc, tensor::getMixedSize(b, loc, src.value, src.dim), src.factor));
  }
  return sizes;
}

/// All dimensions of `result` taken from the same dimensions of `source`.
static SmallVector<OpFoldResult> reifyLike(OpBuilder &b, Location loc,
                                           Value result, Value source) {
  SmallVector<DimSource> sources;
  for (int64_t i = 0, e = cast<RankedTensorType>(source.getType()).getRank();
       i < e; ++i)
    sources.push_back({source, i});
  return reifyDims(b, loc, result, sources);
}

//===----------------------------------------------------------------------===//
// ldn.diffuse
//===----------------------------------------------------------------------===//

static LogicalResult checkDiffuse(DiffuseOp::Adaptor ad,
                                  const ShapeChecker &c) {
  Shaped x, w, alpha, dt;
  if (failed(c.get(x, "x", ad.getX(), {3})) ||
      failed(c.get(w, "w", ad.getW(), {1})) ||
      failed(c.get(alpha, "alpha", ad.getAlpha(), {1, 3})))
    return failure();
  if (ad.getDtValue() && failed(c.get(dt, "dt", ad.getDtValue(), {0})))
    return failure();
  auto steps = static_cast<int64_t>(ad.getSteps());
  if (steps < 1)
    return c.fail("'steps' must be >= 1, got " + Twine(steps));
  if (w.dim(0) == 0)
    return c.fail("'w' must hold at least one offset weight (R >= 1)");
  if (alpha.rank() == 1)
    return c.sameDim(kChannels, x, 2, alpha, 0);
  return c.sameDims({kBatch, kLength, kChannels}, x, 0, alpha, 0);
}

LogicalResult DiffuseOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor ad,
                                          SmallVectorImpl<Type> &types) {
  if (failed(checkDiffuse(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  types.push_back(ad.getX().getType());
  return success();
}

LogicalResult DiffuseOp::verify() {
  return checkDiffuse(Adaptor(*this), ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
DiffuseOp::reifyResultShapes(OpBuilder &b,
                             ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getY(), getX()));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.attention_diffuse
//===----------------------------------------------------------------------===//

static LogicalResult checkAttentionDiffuse(AttentionDiffuseOp::Adaptor ad,
                                           const ShapeChecker &c) {
  Shaped q, k, v, lengths;
  if (failed(c.get(q, "q", ad.getQ(), {4})) ||
      failed(c.get(k, "k", ad.getK(), {4})) ||
      failed(c.get(v, "v", ad.getV(), {4})))
    return failure();
  if (ad.getLengths() && failed(c.get(lengths, "lengths", ad.getLengths(), {1})))
    return failure();
  if (failed(c.sameDims({kBatch, kLength, kHeads, kKeyDim}, q, 0, k, 0)) ||
      failed(c.sameDims({kBatch, kLength, kHeads}, q, 0, v, 0)) ||
      (lengths.type && failed(c.sameDim(kBatch, q, 0, lengths, 0))) ||
      failed(c.sameElementType(q, k)) || failed(c.sameElementType(q, v)))
    return failure();

  auto hops = static_cast<int64_t>(ad.getHops());
  if (hops < 1)
    return c.fail("'hops' must be >= 1, got " + Twine(hops));
  float alpha = ad.getAlpha().convertToFloat();
  if (!(alpha >= 0.0f && alpha <= 1.0f))
    return c.fail("'alpha' must be in [0, 1], got " +
                  llvm::formatv("{0}", alpha).str());
  if (std::optional<APFloat> scale = ad.getScale();
      scale && !std::isfinite(scale->convertToFloat()))
    return c.fail("'scale' must be finite");

  DiffusionMode mode = ad.getMode();
  std::optional<ArrayRef<float>> coeffs = ad.getCoeffs();
  if (mode == DiffusionMode::laplacian && hops != 1)
    return c.fail("mode laplacian computes (A - I) V and needs hops = 1, got " +
                  Twine(hops));
  if (mode == DiffusionMode::coeffs) {
    if (!coeffs)
      return c.fail("mode coeffs needs a 'coeffs' attribute with hops + 1 "
                    "values");
    if (static_cast<int64_t>(coeffs->size()) != hops + 1)
      return c.fail("'coeffs' must hold hops + 1 = " + Twine(hops + 1) +
                    " values, got " + Twine(coeffs->size()));
  } else if (coeffs) {
    return c.fail("'coeffs' is only used with mode = coeffs");
  }
  return success();
}

LogicalResult AttentionDiffuseOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor ad,
    SmallVectorImpl<Type> &types) {
  if (failed(checkAttentionDiffuse(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto q = cast<RankedTensorType>(ad.getQ().getType());
  auto k = cast<RankedTensorType>(ad.getK().getType());
  auto v = cast<RankedTensorType>(ad.getV().getType());
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < 3; ++i)
    shape.push_back(
        mergeDims(mergeDims(q.getDimSize(i), k.getDimSize(i)), v.getDimSize(i)));
  shape.push_back(v.getDimSize(3));
  types.push_back(RankedTensorType::get(shape, q.getElementType()));
  return success();
}

LogicalResult AttentionDiffuseOp::verify() {
  return checkAttentionDiffuse(Adaptor(*this),
                               ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
AttentionDiffuseOp::reifyResultShapes(OpBuilder &b,
                                      ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(b, getLoc(), getZ(),
                             {{getQ(), 0}, {getQ(), 1}, {getQ(), 2}, {getV(), 3}}));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.scan
//===----------------------------------------------------------------------===//

static LogicalResult checkScan(ScanOp::Adaptor ad, const ShapeChecker &c) {
  Shaped a, b, init;
  if (failed(c.get(a, "a", ad.getA())) || failed(c.get(b, "b", ad.getB())))
    return failure();
  if (ad.getInit() && failed(c.get(init, "init", ad.getInit())))
    return failure();
  int64_t rank = b.rank();
  if (rank < 2)
    return c.fail("'b' must have rank >= 2, got rank " + Twine(rank));
  auto dim = static_cast<int64_t>(ad.getDim());
  if (dim < 0 || dim >= rank)
    return c.fail("'dim' must be in [0, " + Twine(rank) + ") for 'b' of rank " +
                  Twine(rank) + ", got " + Twine(dim));

  if (a.rank() == rank) {
    for (int64_t i = 0; i < rank; ++i)
      if (failed(c.sameDim("dimension " + std::to_string(i), b, i, a, i)))
        return failure();
  } else if (a.rank() == 1) {
    if (dim == rank - 1)
      return c.fail("a 1-D 'a' is a per-channel decay over the last "
                    "dimension, so 'dim' cannot be the last dimension");
    if (failed(c.sameDim("last dimension", b, rank - 1, a, 0)))
      return failure();
  } else {
    return c.fail("'a' must have the shape of 'b' (rank " + Twine(rank) +
                  ") or be 1-D per-channel, got rank " + Twine(a.rank()));
  }

  if (!init.type)
    return success();
  if (init.rank() != rank - 1)
    return c.fail("'init' must have the shape of 'b' without dimension " +
                  Twine(dim) + " (rank " + Twine(rank - 1) + "), got rank " +
                  Twine(init.rank()));
  for (int64_t i = 0, j = 0; i < rank; ++i) {
    if (i == dim)
      continue;
    if (failed(c.sameDim("dimension " + std::to_string(i) + " of 'b'", b, i,
                         init, j++)))
      return failure();
  }
  return success();
}

LogicalResult ScanOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor ad,
                                       SmallVectorImpl<Type> &types) {
  if (failed(checkScan(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto a = cast<RankedTensorType>(ad.getA().getType());
  auto b = cast<RankedTensorType>(ad.getB().getType());
  auto init = dyn_cast_or_null<RankedTensorType>(
      ad.getInit() ? ad.getInit().getType() : Type());
  auto dim = static_cast<int64_t>(ad.getDim());
  SmallVector<int64_t> all, last;
  for (int64_t i = 0, j = 0; i < b.getRank(); ++i) {
    int64_t size = b.getDimSize(i);
    if (a.getRank() == b.getRank())
      size = mergeDims(size, a.getDimSize(i));
    if (i != dim && init)
      size = mergeDims(size, init.getDimSize(j));
    all.push_back(size);
    if (i != dim) {
      last.push_back(size);
      ++j;
    }
  }
  types.push_back(RankedTensorType::get(all, b.getElementType()));
  types.push_back(RankedTensorType::get(last, b.getElementType()));
  return success();
}

LogicalResult ScanOp::verify() {
  return checkScan(Adaptor(*this), ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult ScanOp::reifyResultShapes(OpBuilder &b,
                                        ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getH(), getB()));
  SmallVector<DimSource> last;
  for (int64_t i = 0, e = getB().getType().getRank(); i < e; ++i)
    if (i != static_cast<int64_t>(getDim()))
      last.push_back({getB(), i});
  shapes.push_back(reifyDims(b, getLoc(), getLast(), last));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.selective_scan
//===----------------------------------------------------------------------===//

static LogicalResult checkSelectiveScan(SelectiveScanOp::Adaptor ad,
                                        const ShapeChecker &c) {
  Shaped x, delta, A, B, C, D, z, dbias, init;
  if (failed(c.get(x, "x", ad.getX(), {3})) ||
      failed(c.get(delta, "delta", ad.getDelta(), {3})) ||
      failed(c.get(A, "A", ad.getA(), {2})) ||
      failed(c.get(B, "B", ad.getB(), {3})) ||
      failed(c.get(C, "C", ad.getC(), {3})) ||
      (ad.getD() && failed(c.get(D, "D", ad.getD(), {1}))) ||
      (ad.getZ() && failed(c.get(z, "z", ad.getZ(), {3}))) ||
      (ad.getDbias() && failed(c.get(dbias, "dbias", ad.getDbias(), {1}))) ||
      (ad.getInit() && failed(c.get(init, "init", ad.getInit(), {3}))))
    return failure();
  if (failed(c.sameDims({kBatch, kLength, kChannels}, x, 0, delta, 0)) ||
      failed(c.sameDim(kChannels, x, 2, A, 0)) ||
      failed(c.sameDims({kBatch, kLength}, x, 0, B, 0)) ||
      failed(c.sameDim(kState, A, 1, B, 2)) ||
      failed(c.sameDims({kBatch, kLength}, x, 0, C, 0)) ||
      failed(c.sameDim(kState, A, 1, C, 2)))
    return failure();
  if (D.type && failed(c.sameDim(kChannels, x, 2, D, 0)))
    return failure();
  if (z.type && failed(c.sameDims({kBatch, kLength, kChannels}, x, 0, z, 0)))
    return failure();
  if (dbias.type && failed(c.sameDim(kChannels, x, 2, dbias, 0)))
    return failure();
  if (init.type && (failed(c.sameDim(kBatch, x, 0, init, 0)) ||
                    failed(c.sameDim(kChannels, x, 2, init, 1)) ||
                    failed(c.sameDim(kState, A, 1, init, 2))))
    return failure();
  return success();
}

LogicalResult SelectiveScanOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor ad,
    SmallVectorImpl<Type> &types) {
  if (failed(checkSelectiveScan(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto x = cast<RankedTensorType>(ad.getX().getType());
  auto A = cast<RankedTensorType>(ad.getA().getType());
  auto B = cast<RankedTensorType>(ad.getB().getType());
  int64_t batch = x.getDimSize(0);
  int64_t channels = mergeDims(x.getDimSize(2), A.getDimSize(0));
  int64_t state = mergeDims(A.getDimSize(1), B.getDimSize(2));
  types.push_back(RankedTensorType::get({batch, x.getDimSize(1), channels},
                                        x.getElementType()));
  types.push_back(RankedTensorType::get({batch, channels, state},
                                        Float32Type::get(ctx)));
  return success();
}

LogicalResult SelectiveScanOp::verify() {
  return checkSelectiveScan(Adaptor(*this),
                            ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
SelectiveScanOp::reifyResultShapes(OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getY(), getX()));
  shapes.push_back(reifyDims(b, getLoc(), getFinalState(),
                             {{getX(), 0}, {getX(), 2}, {getA(), 1}}));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.linear_attention
//===----------------------------------------------------------------------===//

static LogicalResult checkLinearAttention(LinearAttentionOp::Adaptor ad,
                                          const ShapeChecker &c) {
  Shaped q, k, v, decay, init;
  if (failed(c.get(q, "q", ad.getQ(), {4})) ||
      failed(c.get(k, "k", ad.getK(), {4})) ||
      failed(c.get(v, "v", ad.getV(), {4})) ||
      (ad.getDecay() && failed(c.get(decay, "decay", ad.getDecay(), {3, 4}))) ||
      (ad.getInit() && failed(c.get(init, "init", ad.getInit(), {4}))))
    return failure();
  if (failed(c.sameDims({kBatch, kLength, kHeads, kKeyDim}, q, 0, k, 0)) ||
      failed(c.sameDims({kBatch, kLength, kHeads}, q, 0, v, 0)) ||
      failed(c.sameElementType(q, k)) || failed(c.sameElementType(q, v)))
    return failure();
  if (decay.type) {
    if (!ad.getCausal())
      return c.fail("a 'decay' needs causal = true: the non-causal form is "
                    "one order-free reduction");
    if (failed(c.sameDims({kBatch, kLength, kHeads}, q, 0, decay, 0)) ||
        (decay.rank() == 4 && failed(c.sameDim(kKeyDim, q, 3, decay, 3))))
      return failure();
  }
  if (init.type && (failed(c.sameDim(kBatch, q, 0, init, 0)) ||
                    failed(c.sameDims({kHeads, kKeyDim}, q, 2, init, 1)) ||
                    failed(c.sameDim(kValueDim, v, 3, init, 3))))
    return failure();
  if (!std::isfinite(ad.getScale().convertToFloat()))
    return c.fail("'scale' must be finite");
  return success();
}

LogicalResult LinearAttentionOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor ad,
    SmallVectorImpl<Type> &types) {
  if (failed(checkLinearAttention(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto q = cast<RankedTensorType>(ad.getQ().getType());
  auto k = cast<RankedTensorType>(ad.getK().getType());
  auto v = cast<RankedTensorType>(ad.getV().getType());
  auto merged = [&](int64_t i) {
    return mergeDims(mergeDims(q.getDimSize(i), k.getDimSize(i)),
                     v.getDimSize(i));
  };
  int64_t keyDim = mergeDims(q.getDimSize(3), k.getDimSize(3));
  int64_t valueDim = v.getDimSize(3);
  types.push_back(RankedTensorType::get(
      {merged(0), merged(1), merged(2), valueDim}, q.getElementType()));
  types.push_back(RankedTensorType::get({merged(0), merged(2), keyDim, valueDim},
                                        Float32Type::get(ctx)));
  return success();
}

LogicalResult LinearAttentionOp::verify() {
  return checkLinearAttention(Adaptor(*this),
                              ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
LinearAttentionOp::reifyResultShapes(OpBuilder &b,
                                     ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(b, getLoc(), getO(),
                             {{getQ(), 0}, {getQ(), 1}, {getQ(), 2}, {getV(), 3}}));
  shapes.push_back(reifyDims(b, getLoc(), getFinalState(),
                             {{getQ(), 0}, {getQ(), 2}, {getQ(), 3}, {getV(), 3}}));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.additive_decay
//===----------------------------------------------------------------------===//

static LogicalResult checkAdditiveDecay(AdditiveDecayOp::Adaptor ad,
                                        const ShapeChecker &c) {
  Shaped k;
  if (failed(c.get(k, "k", ad.getK(), {4})))
    return failure();
  if (std::optional<APFloat> sink = ad.getSink()) {
    if (!ad.getCausal())
      return c.fail("'sink' is only used with causal = true");
    if (!std::isfinite(sink->convertToFloat()))
      return c.fail("'sink' must be a finite logit");
  }
  return success();
}

LogicalResult AdditiveDecayOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor ad,
    SmallVectorImpl<Type> &types) {
  if (failed(checkAdditiveDecay(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto k = cast<RankedTensorType>(ad.getK().getType());
  auto f32 = k.clone(Float32Type::get(ctx));
  types.append({f32, f32});
  return success();
}

LogicalResult AdditiveDecayOp::verify() {
  return checkAdditiveDecay(Adaptor(*this),
                            ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
AdditiveDecayOp::reifyResultShapes(OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getKNorm(), getK()));
  shapes.push_back(reifyLike(b, getLoc(), getDecay(), getK()));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.lrpe
//===----------------------------------------------------------------------===//

/// lrpe's rules for `x: [B,T,H,d]` and `theta: [H,e]` on a grid with a
/// prefix (also lightnet_attention's, for q).
static LogicalResult checkPositions(const ShapeChecker &c, const Shaped &x,
                                    const Shaped &theta, ArrayRef<int64_t> grid,
                                    int64_t prefix) {
  if (grid.empty())
    return c.fail("'grid' must have at least one axis");
  if (prefix < 0)
    return c.fail("'prefix' must be >= 0, got " + Twine(prefix));
  int64_t tokens = prefix;
  {
    int64_t cells = 1;
    for (int64_t g : grid) {
      if (g < 1)
        return c.fail("'grid' sizes must be >= 1, got " + Twine(g));
      if (llvm::MulOverflow(cells, g, cells) ||
          llvm::AddOverflow(prefix, cells, tokens))
        return c.fail("'grid' has too many cells");
    }
  }
  if (failed(c.sameDim(kHeads, x, 2, theta, 0)))
    return failure();
  int64_t length = x.dim(1);
  if (!ShapedType::isDynamic(length) && length != tokens)
    return c.fail("length T of '" + x.name + "' (" + Twine(length) +
                  ") must be prefix + product of grid = " + Twine(tokens));
  int64_t d = x.dim(3), e = theta.dim(1);
  auto axes = static_cast<int64_t>(grid.size());
  if (!ShapedType::isDynamic(d) && !ShapedType::isDynamic(e) && axes * e < d)
    return c.fail("the angles of " + Twine(axes) + " grid axes x " + Twine(e) +
                  " frequencies of 'theta' cannot cover the " + Twine(d) +
                  " features of '" + x.name + "' (need axes * e >= d)");
  return success();
}

static LogicalResult checkLrpe(LrpeOp::Adaptor ad, const ShapeChecker &c) {
  Shaped x, theta;
  if (failed(c.get(x, "x", ad.getX(), {4})) ||
      failed(c.get(theta, "theta", ad.getTheta(), {2})))
    return failure();
  return checkPositions(c, x, theta, ad.getGrid(),
                        static_cast<int64_t>(ad.getPrefix()));
}

LogicalResult LrpeOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor ad,
                                       SmallVectorImpl<Type> &types) {
  if (failed(checkLrpe(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto x = cast<RankedTensorType>(ad.getX().getType());
  auto theta = cast<RankedTensorType>(ad.getTheta().getType());
  int64_t d = x.getDimSize(3);
  types.push_back(RankedTensorType::get(
      {x.getDimSize(0), x.getDimSize(1),
       mergeDims(x.getDimSize(2), theta.getDimSize(0)),
       ShapedType::isDynamic(d) ? ShapedType::kDynamic : 2 * d},
      x.getElementType()));
  return success();
}

LogicalResult LrpeOp::verify() {
  return checkLrpe(Adaptor(*this), ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult LrpeOp::reifyResultShapes(OpBuilder &b,
                                        ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(
      b, getLoc(), getY(),
      {{getX(), 0}, {getX(), 1}, {getX(), 2}, {getX(), 3, /*factor=*/2}}));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.ssm_kernel
//===----------------------------------------------------------------------===//

static LogicalResult checkSsmKernel(SsmKernelOp op, const ShapeChecker &c) {
  Shaped re{"lambda_re", op.getLambdaRe().getType(), op.getLambdaRe()};
  Shaped im{"lambda_im", op.getLambdaIm().getType(), op.getLambdaIm()};
  Shaped logDt{"log_dt", op.getLogDt().getType(), op.getLogDt()};
  Shaped kernel{"result", op.getKernel().getType(), op.getKernel()};
  if (failed(c.sameDim("modes N", re, 0, im, 0)) ||
      failed(c.sameDim("modes N", re, 0, logDt, 0)) ||
      failed(c.sameDim("modes N", re, 0, kernel, 0)))
    return failure();

  int64_t factor = op.getBidirectional() ? 2 : 1;
  int64_t lags = kernel.dim(1);
  if (op.getBidirectional() && !ShapedType::isDynamic(lags) && lags % 2 != 0)
    return c.fail("a bidirectional kernel holds 2L lags, but the result has " +
                  Twine(lags));
  APInt length;
  if (!matchPattern(op.getLength(), m_ConstantInt(&length))) {
    if (!ShapedType::isDynamic(lags))
      return c.fail("the result has " + Twine(lags) +
                    " static lags but 'length' is not a constant");
    return success();
  }
  int64_t constantLength = length.getSExtValue();
  if (constantLength < 0)
    return c.fail("'length' must be >= 0, got " + Twine(constantLength));
  if (!ShapedType::isDynamic(lags) && lags != factor * constantLength)
    return c.fail("the result has " + Twine(lags) + " lags but 'length' " +
                  Twine(constantLength) + " gives " +
                  Twine(factor * constantLength));
  return success();
}

LogicalResult SsmKernelOp::verify() {
  return checkSsmKernel(*this, ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
SsmKernelOp::reifyResultShapes(OpBuilder &b,
                               ReifiedRankedShapedTypeDims &shapes) {
  RankedTensorType type = getKernel().getType();
  SmallVector<OpFoldResult> sizes;
  if (type.isDynamicDim(0))
    sizes.push_back(tensor::getMixedSize(b, getLoc(), getLambdaRe(), 0));
  else
    sizes.push_back(b.getIndexAttr(type.getDimSize(0)));
  if (type.isDynamicDim(1))
    sizes.push_back(
        scaled(b, getLoc(), getLength(), getBidirectional() ? 2 : 1));
  else
    sizes.push_back(b.getIndexAttr(type.getDimSize(1)));
  shapes.push_back(sizes);
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.long_conv
//===----------------------------------------------------------------------===//

/// A convolution kernel's static length: at least one lag, or 2L (L >= 1)
/// when bidirectional. A dynamic length is checked at run time.
static LogicalResult checkLags(const ShapeChecker &c, const Shaped &kernel,
                               bool bidirectional) {
  int64_t lags = kernel.dim(1);
  if (ShapedType::isDynamic(lags))
    return success();
  if (!bidirectional && lags < 1)
    return c.fail("'kernel' must hold at least one lag");
  if (bidirectional && (lags < 2 || lags % 2 != 0))
    return c.fail("a bidirectional 'kernel' holds 2L lags (L >= 1, as made by "
                  "ldn.ssm_kernel), got " +
                  Twine(lags));
  return success();
}

static LogicalResult checkLongConv(LongConvOp::Adaptor ad,
                                   const ShapeChecker &c) {
  Shaped v, kernel;
  if (failed(c.get(v, "v", ad.getV(), {3})) ||
      failed(c.get(kernel, "kernel", ad.getKernel(), {2})))
    return failure();
  if (failed(c.sameDim(kChannels, v, 2, kernel, 0)))
    return failure();
  return checkLags(c, kernel, ad.getBidirectional());
}

LogicalResult LongConvOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor ad,
                                           SmallVectorImpl<Type> &types) {
  if (failed(checkLongConv(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto v = cast<RankedTensorType>(ad.getV().getType());
  auto kernel = cast<RankedTensorType>(ad.getKernel().getType());
  types.push_back(RankedTensorType::get(
      {v.getDimSize(0), v.getDimSize(1),
       mergeDims(v.getDimSize(2), kernel.getDimSize(0))},
      v.getElementType()));
  return success();
}

LogicalResult LongConvOp::verify() {
  return checkLongConv(Adaptor(*this), ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
LongConvOp::reifyResultShapes(OpBuilder &b,
                              ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyLike(b, getLoc(), getY(), getV()));
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.ssm_conv
//===----------------------------------------------------------------------===//

/// Checks what checkLongConv checks of the inner convolution, on top of the
/// projections' static shapes: [G,Hg,Ng] and [G,Ng,Mg] over H = G·Hg input
/// and N = G·Ng kernel channels.
static LogicalResult checkSsmConv(SsmConvOp::Adaptor ad,
                                  const ShapeChecker &c) {
  Shaped u, in, kernel, out;
  if (failed(c.get(u, "u", ad.getU(), {3})) ||
      failed(c.get(in, "in_proj", ad.getInProj(), {3})) ||
      failed(c.get(kernel, "kernel", ad.getKernel(), {2})) ||
      failed(c.get(out, "out_proj", ad.getOutProj(), {3})))
    return failure();
  for (const Shaped &s : {in, out})
    if (!s.type.hasStaticShape())
      return c.fail("'" + s.name + "' must have a static shape");
  if (u.type.isDynamicDim(2) || kernel.type.isDynamicDim(0))
    return c.fail("the channel sizes ('u' dimension 2, 'kernel' dimension "
                  "0) must be static");
  if (failed(c.sameDim("heads G", in, 0, out, 0)) ||
      failed(c.sameDim(kState, in, 2, out, 1)))
    return failure();
  int64_t groups = in.dim(0);
  if (u.dim(2) != groups * in.dim(1))
    return c.fail("'u' has " + Twine(u.dim(2)) + " channels but 'in_proj' " +
                  "takes G·Hg = " + Twine(groups * in.dim(1)));
  if (kernel.dim(0) != groups * in.dim(2))
    return c.fail("'kernel' has " + Twine(kernel.dim(0)) +
                  " rows but the projections make G·Ng = " +
                  Twine(groups * in.dim(2)) + " channels");
  return checkLags(c, kernel, ad.getBidirectional());
}

LogicalResult SsmConvOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor ad,
                                          SmallVectorImpl<Type> &types) {
  if (failed(checkSsmConv(ad, ShapeChecker(loc, getOperationName()))))
    return failure();
  auto u = cast<RankedTensorType>(ad.getU().getType());
  auto out = cast<RankedTensorType>(ad.getOutProj().getType());
  types.push_back(RankedTensorType::get(
      {u.getDimSize(0), u.getDimSize(1), out.getDimSize(0) * out.getDimSize(2)},
      u.getElementType()));
  return success();
}

LogicalResult SsmConvOp::verify() {
  return checkSsmConv(Adaptor(*this), ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
SsmConvOp::reifyResultShapes(OpBuilder &b,
                             ReifiedRankedShapedTypeDims &shapes) {
  // B and T are u's, M = G·Mg is the out-projection's (static).
  SmallVector<OpFoldResult> sizes = reifyLike(b, getLoc(), getY(), getU());
  RankedTensorType out = getOutProj().getType();
  sizes[2] = b.getIndexAttr(out.getDimSize(0) * out.getDimSize(2));
  shapes.push_back(sizes);
  return success();
}

//===----------------------------------------------------------------------===//
// ldn.lightnet_attention
//===----------------------------------------------------------------------===//

/// The rules of the three ops it composes: additive_decay's sink, lrpe's
/// grid and theta, linear_attention's shapes and scale.
static LogicalResult checkLightNetAttention(LightNetAttentionOp::Adaptor ad,
                                            const ShapeChecker &c) {
  Shaped q, k, v, theta;
  if (failed(c.get(q, "q", ad.getQ(), {4})) ||
      failed(c.get(k, "k", ad.getK(), {4})) ||
      failed(c.get(v, "v", ad.getV(), {4})) ||
      failed(c.get(theta, "theta", ad.getTheta(), {2})))
    return failure();
  if (failed(c.sameDims({kBatch, kLength, kHeads, kKeyDim}, q, 0, k, 0)) ||
      failed(c.sameDims({kBatch, kLength, kHeads}, q, 0, v, 0)))
    return failure();
  if (std::optional<APFloat> sink = ad.getSink()) {
    if (!ad.getCausal())
      return c.fail("'sink' is only used with causal = true");
    if (!std::isfinite(sink->convertToFloat()))
      return c.fail("'sink' must be a finite logit");
  }
  if (!std::isfinite(ad.getScale().convertToFloat()))
    return c.fail("'scale' must be finite");
  return checkPositions(c, q, theta, ad.getGrid(),
                        static_cast<int64_t>(ad.getPrefix()));
}

LogicalResult LightNetAttentionOp::inferReturnTypes(
    MLIRContext *ctx, std::optional<Location> loc, Adaptor ad,
    SmallVectorImpl<Type> &types) {
  if (failed(checkLightNetAttention(ad,
                                    ShapeChecker(loc, getOperationName()))))
    return failure();
  auto q = cast<RankedTensorType>(ad.getQ().getType());
  auto k = cast<RankedTensorType>(ad.getK().getType());
  auto v = cast<RankedTensorType>(ad.getV().getType());
  auto theta = cast<RankedTensorType>(ad.getTheta().getType());
  auto merged = [&](int64_t i) {
    return mergeDims(mergeDims(q.getDimSize(i), k.getDimSize(i)),
                     v.getDimSize(i));
  };
  int64_t heads = mergeDims(merged(2), theta.getDimSize(0));
  int64_t keyDim = mergeDims(q.getDimSize(3), k.getDimSize(3));
  int64_t rotated = ShapedType::isDynamic(keyDim) ? keyDim : 2 * keyDim;
  int64_t valueDim = v.getDimSize(3);
  Type f32 = Float32Type::get(ctx);
  types.push_back(
      RankedTensorType::get({merged(0), merged(1), heads, valueDim}, f32));
  types.push_back(
      RankedTensorType::get({merged(0), heads, rotated, valueDim}, f32));
  return success();
}

LogicalResult LightNetAttentionOp::verify() {
  return checkLightNetAttention(Adaptor(*this),
                                ShapeChecker(getLoc(), getOperationName()));
}

LogicalResult
LightNetAttentionOp::reifyResultShapes(OpBuilder &b,
                                       ReifiedRankedShapedTypeDims &shapes) {
  shapes.push_back(reifyDims(b, getLoc(), getO(),
                             {{getQ(), 0}, {getQ(), 1}, {getQ(), 2}, {getV(), 3}}));
  shapes.push_back(reifyDims(
      b, getLoc(), getFinalState(),
      {{getQ(), 0}, {getQ(), 2}, {getQ(), 3, /*factor=*/2}, {getV(), 3}}));
  return success();
}

//===----------------------------------------------------------------------===//
// Run-time shape checks
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// ldn.elementwise
//===----------------------------------------------------------------------===//

/// Each operand's dimension j pairs with source dimension
/// (source rank - operand rank + j): the operand's shape is a trailing part
/// of the source's.
static int64_t sourceDimOf(ElementwiseOp op, Value operand, int64_t dim) {
  // Only called for tensor inputs.
  return op.getSource().getType().getRank() -
         cast<RankedTensorType>(operand.getType()).getRank() + dim;
}

LogicalResult ElementwiseOp::verify() {
  RankedTensorType source = getSource().getType();
  for (auto [index, operand] : llvm::enumerate(getInputs())) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type)
      continue; // a scalar
    if (type.getRank() > source.getRank())
      return emitOpError() << "input #" << index + 1 << " has rank "
                           << type.getRank() << ", more than the source's "
                           << source.getRank();
    for (int64_t dim = 0; dim < type.getRank(); ++dim) {
      int64_t sourceDim = sourceDimOf(*this, operand, dim);
      int64_t have = type.getDimSize(dim),
              want = source.getDimSize(sourceDim);
      if (!ShapedType::isDynamic(have) && !ShapedType::isDynamic(want) &&
          have != want)
        return emitOpError()
               << "input #" << index + 1 << " dimension " << dim << " is "
               << have << " but must match source dimension " << sourceDim
               << " (" << want
               << "): inputs have the trailing shape of the source";
    }
  }
  RankedTensorType result = getResult().getType();
  if (failed(verifyCompatibleShape(result.getShape(), source.getShape())))
    return emitOpError() << "result shape must be the source shape";
  return success();
}

LogicalResult ElementwiseOp::verifyRegions() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getNumOperands())
    return emitOpError() << "body has " << body.getNumArguments()
                         << " arguments but the op has " << getNumOperands()
                         << " inputs (one per input element, source first)";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(body.getArguments(), getOperandTypes()))) {
    auto [argument, type] = pair;
    Type element = getElementTypeOrSelf(type);
    if (argument.getType() != element)
      return emitOpError() << "body argument #" << index << " has type "
                           << argument.getType() << " but input #" << index
                           << " has element type " << element;
  }
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError() << "body must end in ldn.yield";
  if (yield.getValue().getType() != getResult().getType().getElementType())
    return yield.emitOpError()
           << "yields " << yield.getValue().getType()
           << " but the result has elements of type "
           << getResult().getType().getElementType();
  for (Operation &inner : body.without_terminator())
    if (!isMemoryEffectFree(&inner))
      return inner.emitOpError()
             << "has memory effects, which an ldn.elementwise body must not "
                "have: fusion may evaluate it once per stored element";
  return success();
}

Operation *ElementwiseOp::getAnchor() {
  Operation *producer = getSource().getDefiningOp();
  if (producer && isa<LDNDialect>(producer->getDialect()) &&
      !isa<ElementwiseOp>(producer))
    return producer;
  return nullptr;
}

static void addElementwiseDimConstraints(
    ElementwiseOp op, SmallVectorImpl<DimConstraint> &constraints) {
  RankedTensorType source = op.getSource().getType();
  for (auto [index, operand] : llvm::enumerate(op.getInputs())) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    for (int64_t dim = 0; type && dim < type.getRank(); ++dim) {
      int64_t sourceDim = sourceDimOf(op, operand, dim);
      if (!type.isDynamicDim(dim) && !source.isDynamicDim(sourceDim))
        continue;
      constraints.push_back(
          {operand, dim, op.getSource(), sourceDim,
           llvm::formatv("ldn.elementwise: input #{0} dimension {1} must "
                         "match source dimension {2}",
                         index + 1, dim, sourceDim)
               .str()});
    }
  }
}

void mlir::ldn::getRuntimeDimConstraints(
    Operation *op, SmallVectorImpl<DimConstraint> &constraints) {
  auto checker = [&](Operation *o) {
    return ShapeChecker(o->getLoc(), o->getName().getStringRef(), constraints);
  };
  // The checks only record here: `op` has been verified already.
  (void)llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](DiffuseOp o) {
        return checkDiffuse(DiffuseOp::Adaptor(o), checker(o));
      })
      .Case([&](AttentionDiffuseOp o) {
        return checkAttentionDiffuse(AttentionDiffuseOp::Adaptor(o),
                                     checker(o));
      })
      .Case([&](ScanOp o) { return checkScan(ScanOp::Adaptor(o), checker(o)); })
      .Case([&](SelectiveScanOp o) {
        return checkSelectiveScan(SelectiveScanOp::Adaptor(o), checker(o));
      })
      .Case([&](LinearAttentionOp o) {
        return checkLinearAttention(LinearAttentionOp::Adaptor(o), checker(o));
      })
      .Case([&](AdditiveDecayOp o) {
        return checkAdditiveDecay(AdditiveDecayOp::Adaptor(o), checker(o));
      })
      .Case([&](LrpeOp o) { return checkLrpe(LrpeOp::Adaptor(o), checker(o)); })
      .Case([&](SsmKernelOp o) { return checkSsmKernel(o, checker(o)); })
      .Case([&](LongConvOp o) {
        return checkLongConv(LongConvOp::Adaptor(o), checker(o));
      })
      .Case([&](SsmConvOp o) {
        return checkSsmConv(SsmConvOp::Adaptor(o), checker(o));
      })
      .Case([&](LightNetAttentionOp o) {
        return checkLightNetAttention(LightNetAttentionOp::Adaptor(o),
                                      checker(o));
      })
      .Case([&](ElementwiseOp o) {
        addElementwiseDimConstraints(o, constraints);
        return success();
      })
      .Default([](Operation *) { return success(); });
  // Checks against the op's own results (ssm_kernel's declared N) are the
  // lowering's business: they cannot be asserted before the op.
  llvm::erase_if(constraints, [&](const DimConstraint &c) {
    return c.lhs.getDefiningOp() == op || c.rhs.getDefiningOp() == op;
  });
}

//===----------------------------------------------------------------------===//
// TableGen'd op definitions
//===----------------------------------------------------------------------===//

#define GET_OP_CLASSES
#include "ldn/IR/LDNOps.cpp.inc"
