//===- AttentionDiffuse.cpp - ldn.attention_diffuse to linalg -------------===//
//
// The attention matrix A is the same for every hop, so it is built once, as
// softmax weights per (query, neighbour slot), and each hop applies it:
// memory O(B·T·H·slots), never O(T²) for a sparse pattern.
//
// Sparse patterns. Every query t that is not global gets the same number S
// of neighbour slots, laid out as [local range | globals | random]:
//  * local: with blocks [j*stride, j*stride + window), j >= 0, the blocks
//    holding t are j in [jFirst, jLast], jLast = floor(t / stride) and
//    jFirst = max(0, ceil((t - window + 1) / stride)). Consecutive blocks
//    overlap or touch (stride <= window), so the keys sharing a block with t
//    are the contiguous range [lo, hi] = [jFirst*stride, jLast*stride +
//    window - 1] (this is ops.md's rule max(0, ceil((max(t,s) - window + 1) /
//    stride)) * stride <= min(t,s), solved for s). Its length is at most
//    window + stride * floor((window - 1) / stride), the number of local
//    slots. window = 0 leaves the range [t, t]: the self edge, which the
//    range always holds.
//  * one slot per global g (indices >= T hold no edge);
//  * one slot per random key mix(seed ^ (t << 20) ^ j) mod T, SplitMix64
//    on i64 (addi/muli/xori/shrui wrap exactly like uint64).
// The pattern is a set, so a slot holds a key only where no earlier slot
// does: a global or random key inside [lo, hi] is dropped, as is a random
// key that is a global or equals an earlier random key. causal clamps hi to
// t and drops later globals and random keys. The result is a key table
// [T, S] (index, -1 for "no edge"), independent of batch and head.
// Scores are gathered through the table (q_t · k_key, reducing over d), keys
// >= lengths[b] and empty slots are masked to -inf, and a softmax over the
// slots gives the weights [B,T,H,S]. A hop is one generic reducing over
// the slots that gathers rows of Z through the table, the head dimension e
// innermost and contiguous.
// A global query t has every key as neighbour. Each global row (a static
// list) is computed densely, [B,1,H,T] weights, and overwrites row t of the
// sparse product: O(T) per global, not O(T²).
//
// #ldn.pattern<dense> uses the same dense-row code for all T rows: a plain
// [B,T,H,T] softmax, allowed for the dense pattern only.
//
// Diffusion then combines hops with the carried Z in an scf.for over hops:
// ppr Z <- (1 - alpha) A Z + alpha V; laplacian A V - V; coeffs
// Σ θ_k A^k V (θ read from a constant tensor). Outputs t >= lengths[b] are
// set to 0 while converting to the result type.
//
// This lowering is loop- and gather-heavy by design; it fixes the semantics
// that a dedicated GPU kernel must reproduce.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "Utils.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::ldn;
using namespace mlir::ldn::lowering;

namespace {

//===----------------------------------------------------------------------===//
// The sparse pattern as neighbour slots
//===----------------------------------------------------------------------===//

/// The rules of a sparse #ldn.pattern, with the globals sorted and unique,
/// and those >= T dropped when T is static (they can hold no edge).
struct SparseRules {
  int64_t window;
  int64_t stride;
  SmallVector<int64_t> globals;
  int64_t random;
  uint64_t seed;
  bool causal;

  SparseRules(PatternAttr pattern, std::optional<int64_t> staticLength)
      : window(pattern.getWindow()), stride(pattern.getStride()),
        globals(pattern.getGlobals()), random(pattern.getRandom()),
        seed(pattern.getSeed()), causal(pattern.getCausal()) {
    llvm::sort(globals);
    globals.erase(llvm::unique(globals), globals.end());
    if (staticLength)
      llvm::erase_if(globals, [&](int64_t g) { return g >= *staticLength; });
  }

  /// The longest local range hi - lo + 1 (see the header); 1 without blocks.
  int64_t localSlots() const {
    return window == 0 ? 1 : window + stride * ((window - 1) / stride);
  }
  int64_t numGlobals() const { return static_cast<int64_t>(globals.size()); }
  int64_t numSlots() const { return localSlots() + numGlobals() + random; }
};

/// Index constant.
Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// The local range [lo, hi] of query `t` (index values), hi clamped to the
/// last token and, when causal, to t itself. See the header for the formula.
std::pair<Value, Value> localRange(OpBuilder &b, Location loc, Value t,
                                   Value length, const SparseRules &rules) {
  Value hi = t, lo = t;
  if (rules.window > 0) {
    Value stride = indexConstant(b, loc, rules.stride);
    // jFirst = max(0, ceil((t - window + 1) / stride)); the numerator may be
    // negative, hence the signed ceildiv.
    Value numerator = arith::SubIOp::create(
        b, loc, t, indexConstant(b, loc, rules.window - 1));
    Value firstBlock = arith::MaxSIOp::create(
        b, loc, indexConstant(b, loc, 0),
        arith::CeilDivSIOp::create(b, loc, numerator, stride));
    lo = arith::MulIOp::create(b, loc, firstBlock, stride);
    Value lastStart = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, t, stride), stride);
    hi = arith::AddIOp::create(b, loc, lastStart,
                               indexConstant(b, loc, rules.window - 1));
    Value last =
        arith::SubIOp::create(b, loc, length, indexConstant(b, loc, 1));
    hi = arith::MinSIOp::create(b, loc, hi, last);
    if (rules.causal)
      hi = arith::MinSIOp::create(b, loc, hi, t);
  }
  return {lo, hi};
}

/// lo <= s <= hi.
Value inRange(OpBuilder &b, Location loc, Value s, Value lo, Value hi) {
  Value aboveLo =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, s, lo);
  Value belowHi =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, s, hi);
  return arith::AndIOp::create(b, loc, aboveLo, belowHi);
}

/// `key` where `valid`, -1 ("no edge") elsewhere.
Value keyOrNone(OpBuilder &b, Location loc, Value valid, Value key) {
  return arith::SelectOp::create(b, loc, valid, key, indexConstant(b, loc, -1));
}

/// A [T, slots] table of keys filled by `body(t, slot, inputs...)` over the
/// loops (t, slot); `inputs` are read with the given maps.
Value buildKeys(
    OpBuilder &b, Location loc, OpFoldResult length, int64_t slots,
    ValueRange inputs, ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, Value, Value, ValueRange)> body) {
  SmallVector<OpFoldResult> sizes{length, b.getIndexAttr(slots)};
  Value empty = createEmpty(b, loc, sizes, b.getIndexType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(2));
  return linalg::GenericOp::create(
             b, loc, empty.getType(), inputs, ValueRange{empty}, maps,
             parallelIterators(2),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value t = linalg::IndexOp::create(nb, nloc, 0);
               Value slot = linalg::IndexOp::create(nb, nloc, 1);
               linalg::YieldOp::create(
                   nb, nloc, body(nb, nloc, t, slot, args.drop_back()));
             })
      .getResult(0);
}

/// Local slots: key lo(t) + slot while it is <= hi(t).
Value buildLocalKeys(OpBuilder &b, Location loc, OpFoldResult lengthSize,
                     Value length, const SparseRules &rules) {
  return buildKeys(
      b, loc, lengthSize, rules.localSlots(), {}, {},
      [&](OpBuilder &nb, Location nloc, Value t, Value slot, ValueRange) {
        auto [lo, hi] = localRange(nb, nloc, t, length, rules);
        Value key = arith::AddIOp::create(nb, nloc, lo, slot);
        Value valid =
            arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sle, key, hi);
        return keyOrNone(nb, nloc, valid, key);
      });
}

/// Global slots: global g (from a constant tensor), unless g >= T, it lies
/// in the local range (already a local slot) or, when causal, g > t.
Value buildGlobalKeys(OpBuilder &b, Location loc, OpFoldResult lengthSize,
                      Value length, const SparseRules &rules) {
  Value globals =
      arith::ConstantOp::create(b, loc, b.getIndexTensorAttr(rules.globals));
  return buildKeys(
      b, loc, lengthSize, rules.numGlobals(), {globals},
      {dimsMap(b.getContext(), 2, {1})},
      [&](OpBuilder &nb, Location nloc, Value t, Value, ValueRange args) {
        Value g = args[0];
        auto [lo, hi] = localRange(nb, nloc, t, length, rules);
        Value valid = arith::AndIOp::create(
            nb, nloc,
            arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::slt, g,
                                  length),
            arith::XOrIOp::create(
                nb, nloc, inRange(nb, nloc, g, lo, hi),
                arith::ConstantIntOp::create(nb, nloc, 1, 1)));
        if (rules.causal)
          valid = arith::AndIOp::create(
              nb, nloc, valid,
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sle, g, t));
        return keyOrNone(nb, nloc, valid, g);
      });
}

/// One SplitMix64 step on i64 (two's complement arithmetic wraps exactly like
/// uint64; the shifts are logical).
Value splitMix64(OpBuilder &b, Location loc, Value x) {
  auto constant = [&](uint64_t value) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(),
                                        static_cast<int64_t>(value));
  };
  auto xorShift = [&](Value z, int64_t shift) {
    return arith::XOrIOp::create(
        b, loc, z, arith::ShRUIOp::create(b, loc, z, constant(shift)));
  };
  Value z = arith::AddIOp::create(b, loc, x, constant(0x9E3779B97F4A7C15ULL));
  z = arith::MulIOp::create(b, loc, xorShift(z, 30),
                            constant(0xBF58476D1CE4E5B9ULL));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27),
                            constant(0x94D049BB133111EBULL));
  return xorShift(z, 31);
}

/// Random slots: first the raw keys mix(seed ^ (t << 20) ^ j) mod T, then
/// each one is kept unless an earlier slot already holds it (local range,
/// a global, an earlier random key) or, when causal, it is > t.
Value buildRandomKeys(OpBuilder &b, Location loc, OpFoldResult lengthSize,
                      Value length, const SparseRules &rules) {
  Type i64 = b.getI64Type();
  Value raw = buildKeys(
      b, loc, lengthSize, rules.random, {}, {},
      [&](OpBuilder &nb, Location nloc, Value t, Value j, ValueRange) {
        Value seed = arith::ConstantIntOp::create(
            nb, nloc, i64, static_cast<int64_t>(rules.seed));
        Value shifted = arith::ShLIOp::create(
            nb, nloc, arith::IndexCastUIOp::create(nb, nloc, i64, t),
            arith::ConstantIntOp::create(nb, nloc, i64, 20));
        Value x = arith::XOrIOp::create(
            nb, nloc, arith::XOrIOp::create(nb, nloc, seed, shifted),
            arith::IndexCastUIOp::create(nb, nloc, i64, j));
        Value key = arith::RemUIOp::create(
            nb, nloc, splitMix64(nb, nloc, x),
            arith::IndexCastUIOp::create(nb, nloc, i64, length));
        return arith::IndexCastUIOp::create(nb, nloc, nb.getIndexType(), key)
            .getResult();
      });
  return buildKeys(
      b, loc, lengthSize, rules.random, {raw}, {b.getMultiDimIdentityMap(2)},
      [&](OpBuilder &nb, Location nloc, Value t, Value j, ValueRange args) {
        Value key = args[0];
        auto [lo, hi] = localRange(nb, nloc, t, length, rules);
        Value taken = inRange(nb, nloc, key, lo, hi);
        for (int64_t g : rules.globals)
          taken = arith::OrIOp::create(
              nb, nloc, taken,
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::eq, key,
                                    indexConstant(nb, nloc, g)));
        // Earlier random keys of the same query: a short scalar loop.
        auto earlier = scf::ForOp::create(
            nb, nloc, indexConstant(nb, nloc, 0), j, indexConstant(nb, nloc, 1),
            ValueRange{taken},
            [&](OpBuilder &lb, Location lloc, Value jPrev, ValueRange found) {
              Value prev = tensor::ExtractOp::create(lb, lloc, raw,
                                                     ValueRange{t, jPrev});
              Value same = arith::CmpIOp::create(
                  lb, lloc, arith::CmpIPredicate::eq, prev, key);
              scf::YieldOp::create(
                  lb, lloc,
                  arith::OrIOp::create(lb, lloc, found[0], same).getResult());
            });
        taken = earlier.getResult(0);
        if (rules.causal)
          taken = arith::OrIOp::create(
              nb, nloc, taken,
              arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sgt, key,
                                    t));
        Value valid = arith::XOrIOp::create(
            nb, nloc, taken, arith::ConstantIntOp::create(nb, nloc, 1, 1));
        return keyOrNone(nb, nloc, valid, key);
      });
}

/// The [T, S] key table: local, then global, then random slots.
Value buildKeyTable(OpBuilder &b, Location loc, OpFoldResult lengthSize,
                    Value length, const SparseRules &rules) {
  SmallVector<OpFoldResult> sizes{lengthSize, b.getIndexAttr(rules.numSlots())};
  Value table = createEmpty(b, loc, sizes, b.getIndexType());
  int64_t offset = 0;
  auto append = [&](Value part, int64_t slots) {
    if (slots == 0)
      return;
    table = insertRanges(b, loc, part, table,
                         {{1, b.getIndexAttr(offset), b.getIndexAttr(slots)}});
    offset += slots;
  };
  append(buildLocalKeys(b, loc, lengthSize, length, rules), rules.localSlots());
  if (rules.numGlobals() > 0)
    append(buildGlobalKeys(b, loc, lengthSize, length, rules),
           rules.numGlobals());
  if (rules.random > 0)
    append(buildRandomKeys(b, loc, lengthSize, length, rules), rules.random);
  return table;
}

//===----------------------------------------------------------------------===//
// Attention weights
//===----------------------------------------------------------------------===//

/// What every weight computation shares.
struct Problem {
  Value q, k;
  Value limits;            ///< [B] index: keys and queries >= limits[b]
                           ///< are padding.
  OpFoldResult lengthSize; ///< T, static where known, for tensor sizes.
  Value length;            ///< T as an index value, for arithmetic.
  Value scale;             ///< f32 score scale.
  bool causal;
};

/// `score * scale` where `valid`, -inf elsewhere (masked for the softmax).
Value scaleOrMask(OpBuilder &b, Location loc, Value valid, Value score,
                  Value scale) {
  Type f32 = b.getF32Type();
  Value scaled = arith::MulFOp::create(b, loc, score, scale);
  Value negInf = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(f32, -std::numeric_limits<double>::infinity()));
  return arith::SelectOp::create(b, loc, valid, scaled, negInf);
}

/// q·k in f32, the reduction step acc + q * k.
Value multiplyAdd(OpBuilder &b, Location loc, Value acc, Value x, Value y) {
  Type f32 = b.getF32Type();
  Value product = arith::MulFOp::create(b, loc, castFloat(b, loc, x, f32),
                                        castFloat(b, loc, y, f32));
  return arith::AddFOp::create(b, loc, acc, product);
}

/// Softmax weights [B,T,H,S] of the sparse slots given by `keys` [T,S].
Value sparseWeights(OpBuilder &b, Location loc, const Problem &p, Value keys) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, p.q);
  sizes[3] = tensor::getMixedSize(b, loc, keys, 1);
  // Scores over (b, t, h, slot, c), c reduced: q[b,t,h,c] · k[b,key,h,c],
  // k gathered through the table (empty slots read key 0, masked below).
  Value init = createFilled(b, loc, sizes, f32, 0.0);
  Value scores =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{p.q, keys}, ValueRange{init},
          ArrayRef<AffineMap>{dimsMap(context, 5, {0, 1, 2, 4}),
                              dimsMap(context, 5, {1, 3}),
                              dimsMap(context, 5, {0, 1, 2, 3})},
          iteratorsWithReductions(5, {4}),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value key = arith::MaxSIOp::create(nb, nloc, args[1],
                                               indexConstant(nb, nloc, 0));
            Value kv = tensor::ExtractOp::create(
                nb, nloc, p.k,
                ValueRange{linalg::IndexOp::create(nb, nloc, 0), key,
                           linalg::IndexOp::create(nb, nloc, 2),
                           linalg::IndexOp::create(nb, nloc, 4)});
            linalg::YieldOp::create(
                nb, nloc, multiplyAdd(nb, nloc, args[2], args[0], kv));
          })
          .getResult(0);
  AffineMap id = b.getMultiDimIdentityMap(4);
  Value masked =
      linalg::GenericOp::create(
          b, loc, scores.getType(), ValueRange{keys, p.limits},
          ValueRange{scores},
          ArrayRef<AffineMap>{dimsMap(context, 4, {1, 3}),
                              dimsMap(context, 4, {0}), id},
          parallelIterators(4),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value key = args[0];
            Value valid = arith::AndIOp::create(
                nb, nloc,
                arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sge, key,
                                      indexConstant(nb, nloc, 0)),
                arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::slt, key,
                                      args[1]));
            linalg::YieldOp::create(
                nb, nloc, scaleOrMask(nb, nloc, valid, args[2], p.scale));
          })
          .getResult(0);
  return createSoftmax(b, loc, masked, /*dim=*/3, masked);
}

/// Softmax weights [B,R,H,T] of R dense query rows `queries` [B,R,H,d], the
/// first being token `firstRow`: every key s < limits[b] (and s <= the
/// query's token when causal).
Value denseRowWeights(OpBuilder &b, Location loc, const Problem &p,
                      Value queries, OpFoldResult firstRow) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, queries);
  sizes[3] = p.lengthSize;
  Value init = createFilled(b, loc, sizes, f32, 0.0);
  Value scores =
      linalg::GenericOp::create(
          b, loc, init.getType(), ValueRange{queries, p.k}, ValueRange{init},
          ArrayRef<AffineMap>{dimsMap(context, 5, {0, 1, 2, 4}),
                              dimsMap(context, 5, {0, 3, 2, 4}),
                              dimsMap(context, 5, {0, 1, 2, 3})},
          iteratorsWithReductions(5, {4}),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            linalg::YieldOp::create(
                nb, nloc, multiplyAdd(nb, nloc, args[2], args[0], args[1]));
          })
          .getResult(0);
  Value rowOffset = getValueOrCreateConstantIndexOp(b, loc, firstRow);
  Value masked =
      linalg::GenericOp::create(
          b, loc, scores.getType(), ValueRange{p.limits}, ValueRange{scores},
          ArrayRef<AffineMap>{dimsMap(context, 4, {0}),
                              b.getMultiDimIdentityMap(4)},
          parallelIterators(4),
          [&](OpBuilder &nb, Location nloc, ValueRange args) {
            Value s = linalg::IndexOp::create(nb, nloc, 3);
            Value valid = arith::CmpIOp::create(
                nb, nloc, arith::CmpIPredicate::slt, s, args[0]);
            if (p.causal) {
              Value t = arith::AddIOp::create(
                  nb, nloc, rowOffset, linalg::IndexOp::create(nb, nloc, 1));
              valid = arith::AndIOp::create(
                  nb, nloc, valid,
                  arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::sle, s,
                                        t));
            }
            linalg::YieldOp::create(
                nb, nloc, scaleOrMask(nb, nloc, valid, args[1], p.scale));
          })
          .getResult(0);
  return createSoftmax(b, loc, masked, /*dim=*/3, masked);
}

//===----------------------------------------------------------------------===//
// The attention operator A and its application to Z
//===----------------------------------------------------------------------===//

/// A global query row: dense weights [B,1,H,T], applied only when the token
/// exists (`inBounds`, null when statically true).
struct GlobalRow {
  int64_t token;
  Value inBounds;
  Value weights;
};

/// Z rows [B,R,H,e] = Σ_s weights[b,r,h,s] Z[b,s,h,:] for dense rows.
Value applyDenseRows(OpBuilder &b, Location loc, Value weights, Value z) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = getSizes(b, loc, weights);
  sizes[3] = tensor::getMixedSize(b, loc, z, 3);
  Value init = createFilled(b, loc, sizes, f32, 0.0);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{weights, z}, ValueRange{init},
             ArrayRef<AffineMap>{dimsMap(context, 5, {0, 1, 2, 3}),
                                 dimsMap(context, 5, {0, 3, 2, 4}),
                                 dimsMap(context, 5, {0, 1, 2, 4})},
             iteratorsWithReductions(5, {3}),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(
                   nb, nloc, multiplyAdd(nb, nloc, args[2], args[0], args[1]));
             })
      .getResult(0);
}

/// [B,T,H,e] = Σ_slot weights[b,t,h,slot] Z[b,key(t,slot),h,:], Z rows
/// gathered through the key table (empty slots have weight 0, read row 0).
Value applySparse(OpBuilder &b, Location loc, Value weights, Value keys,
                  Value z) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  Value init = createFilled(b, loc, getSizes(b, loc, z), f32, 0.0);
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{weights, keys},
             ValueRange{init},
             ArrayRef<AffineMap>{dimsMap(context, 5, {0, 1, 2, 3}),
                                 dimsMap(context, 5, {1, 3}),
                                 dimsMap(context, 5, {0, 1, 2, 4})},
             iteratorsWithReductions(5, {3}),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value key = arith::MaxSIOp::create(nb, nloc, args[1],
                                                  indexConstant(nb, nloc, 0));
               Value zv = tensor::ExtractOp::create(
                   nb, nloc, z,
                   ValueRange{linalg::IndexOp::create(nb, nloc, 0), key,
                              linalg::IndexOp::create(nb, nloc, 2),
                              linalg::IndexOp::create(nb, nloc, 4)});
               linalg::YieldOp::create(
                   nb, nloc, multiplyAdd(nb, nloc, args[2], args[0], zv));
             })
      .getResult(0);
}

/// The row-stochastic attention matrix A, stored as weights per edge.
struct AttentionOperator {
  /// Dense pattern: [B,T,H,T]; sparse: [B,T,H,S] over the slots of `keys`.
  Value weights;
  /// Sparse only: the [T,S] key table.
  Value keys;
  /// Sparse only: the dense rows of global queries.
  SmallVector<GlobalRow> globalRows;

  /// A Z for Z [B,T,H,e] (f32).
  Value apply(OpBuilder &b, Location loc, Value z) const {
    if (!keys)
      return applyDenseRows(b, loc, weights, z);
    Value product = applySparse(b, loc, weights, keys, z);
    for (const GlobalRow &row : globalRows) {
      auto overwrite = [&](OpBuilder &rb, Location rloc) {
        Value values = applyDenseRows(rb, rloc, row.weights, z);
        return insertRanges(
            rb, rloc, values, product,
            {{1, rb.getIndexAttr(row.token), rb.getIndexAttr(1)}});
      };
      if (!row.inBounds) {
        product = overwrite(b, loc);
        continue;
      }
      product = scf::IfOp::create(
                    b, loc, row.inBounds,
                    [&](OpBuilder &tb, Location tloc) {
                      scf::YieldOp::create(tb, tloc, overwrite(tb, tloc));
                    },
                    [&](OpBuilder &eb, Location eloc) {
                      scf::YieldOp::create(eb, eloc, product);
                    })
                    .getResult(0);
    }
    return product;
  }
};

/// Dense weights of every global query row that can exist (with a static T,
/// `rules` holds no global >= T); with a dynamic T each row is guarded by
/// scf.if (g < T).
SmallVector<GlobalRow> buildGlobalRows(OpBuilder &b, Location loc,
                                       const Problem &p,
                                       const SparseRules &rules) {
  bool staticLength = getConstantIntValue(p.lengthSize).has_value();
  SmallVector<GlobalRow> rows;
  for (int64_t g : rules.globals) {
    auto weightsOf = [&](OpBuilder &rb, Location rloc) {
      Value query = extractRanges(
          rb, rloc, p.q, {{1, rb.getIndexAttr(g), rb.getIndexAttr(1)}});
      return denseRowWeights(rb, rloc, p, query, rb.getIndexAttr(g));
    };
    if (staticLength) {
      rows.push_back({g, Value(), weightsOf(b, loc)});
      continue;
    }
    Value inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           indexConstant(b, loc, g), p.length);
    SmallVector<OpFoldResult> rowSizes = getSizes(b, loc, p.q);
    rowSizes[1] = b.getIndexAttr(1);
    rowSizes[3] = p.lengthSize;
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &tb, Location tloc) {
          scf::YieldOp::create(tb, tloc, weightsOf(tb, tloc));
        },
        [&](OpBuilder &eb, Location eloc) {
          scf::YieldOp::create(
              eb, eloc, createEmpty(eb, eloc, rowSizes, eb.getF32Type()));
        });
    rows.push_back({g, inBounds, ifOp.getResult(0)});
  }
  return rows;
}

//===----------------------------------------------------------------------===//
// Diffusion over hops
//===----------------------------------------------------------------------===//

/// f32 constant.
Value f32Constant(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

/// Elementwise `a * x + c * y` over f32 tensors of one shape and f32
/// scalars a, c, written into `dest`. `x` may be `dest` itself (then it is
/// read through the output, an in-place update).
Value linearCombination(OpBuilder &b, Location loc, Value a, Value x, Value c,
                        Value y, Value dest) {
  int64_t rank = cast<RankedTensorType>(dest.getType()).getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  bool inPlace = x == dest;
  SmallVector<Value> inputs{y};
  if (!inPlace)
    inputs.push_back(x);
  SmallVector<AffineMap> maps(inputs.size() + 1, id);
  return linalg::GenericOp::create(
             b, loc, dest.getType(), inputs, ValueRange{dest}, maps,
             parallelIterators(rank),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value xv = inPlace ? args.back() : args[1];
               Value lhs = arith::MulFOp::create(nb, nloc, a, xv);
               Value rhs = arith::MulFOp::create(nb, nloc, c, args[0]);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::AddFOp::create(nb, nloc, lhs, rhs).getResult());
             })
      .getResult(0);
}

/// scf.for over the hops [first, last) carrying `init`; `step(hop, carried)`
/// returns the next carried values.
ValueRange loopOverHops(
    OpBuilder &b, Location loc, int64_t first, int64_t last, ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        step) {
  auto loop = scf::ForOp::create(
      b, loc, indexConstant(b, loc, first), indexConstant(b, loc, last),
      indexConstant(b, loc, 1), init,
      [&](OpBuilder &lb, Location lloc, Value hop, ValueRange carried) {
        scf::YieldOp::create(lb, lloc, step(lb, lloc, hop, carried));
      });
  return loop.getResults();
}

/// The diffused values [B,T,H,e] (f32) for the op's mode, from V (f32).
Value diffuse(OpBuilder &b, Location loc, AttentionDiffuseOp op,
              const AttentionOperator &attention, Value values) {
  auto hops = static_cast<int64_t>(op.getHops());
  switch (op.getMode()) {
  case DiffusionMode::ppr: {
    // Z_{k+1} = (1 - alpha) A Z_k + alpha V, Z_0 = V.
    double alpha = op.getAlpha().convertToDouble();
    Value keep = f32Constant(b, loc, 1.0 - alpha);
    Value teleport = f32Constant(b, loc, alpha);
    return loopOverHops(
        b, loc, 0, hops, {values},
        [&](OpBuilder &lb, Location lloc, Value, ValueRange z) {
          // A Z_k reads all of Z_k, so Z_{k+1} is formed in the A Z_k
          // buffer and then copied over Z_k: the carried tensor stays one
          // buffer across hops (bufferization needs the yield equivalent to
          // the iteration argument, and a copy survives the elementwise
          // fusion that would drop an unread `outs`).
          Value az = attention.apply(lb, lloc, z[0]);
          Value next =
              linearCombination(lb, lloc, keep, az, teleport, values, az);
          return SmallVector<Value>{
              linalg::CopyOp::create(lb, lloc, next, z[0]).getResult(0)};
        })[0];
  }
  case DiffusionMode::laplacian: {
    // (A - I) V, into a tensor of its own rather than over A V: the map
    // then does not read its output, so linalg fusion merges it into the
    // padding mask (and an epilogue) without keeping A V as a result.
    Value av = attention.apply(b, loc, values);
    return linearCombination(
        b, loc, f32Constant(b, loc, 1.0), av, f32Constant(b, loc, -1.0),
        values, createEmpty(b, loc, getSizes(b, loc, av), b.getF32Type()));
  }
  case DiffusionMode::coeffs: {
    // Σ θ_k A^k V: carry (A^k V, partial sum), θ_k read from a constant.
    ArrayRef<float> theta = *op.getCoeffs();
    Type f32 = b.getF32Type();
    Value thetas = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(theta.size())}, f32),
            theta));
    Value one = f32Constant(b, loc, 1.0);
    Value zero = f32Constant(b, loc, 0.0);
    Value sum = linearCombination(
        b, loc, f32Constant(b, loc, theta[0]), values, zero, values,
        createEmpty(b, loc, getSizes(b, loc, values), f32));
    return loopOverHops(
        b, loc, 1, hops + 1, {values, sum},
        [&](OpBuilder &lb, Location lloc, Value hop, ValueRange carried) {
          // A^k V is copied over A^{k-1} V once it is complete, so each
          // carried tensor stays one buffer across hops.
          Value product = attention.apply(lb, lloc, carried[0]);
          Value power = linalg::CopyOp::create(lb, lloc, product, carried[0])
                            .getResult(0);
          Value coefficient =
              tensor::ExtractOp::create(lb, lloc, thetas, ValueRange{hop});
          return SmallVector<Value>{
              power, linearCombination(lb, lloc, one, carried[1], coefficient,
                                       power, carried[1])};
        })[1];
  }
  }
  llvm_unreachable("unknown diffusion mode");
}

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

/// [B] index: the valid length of each batch row (lengths, or T for all).
Value buildLimits(OpBuilder &b, Location loc, Value lengths, Value q) {
  SmallVector<OpFoldResult> batch{tensor::getMixedSize(b, loc, q, 0)};
  Value empty = createEmpty(b, loc, batch, b.getIndexType());
  if (!lengths) {
    Value length = getDim(b, loc, q, 1);
    return linalg::FillOp::create(b, loc, length, empty).getResult(0);
  }
  // ops.md: valid tokens per row, so a length outside [0, T] is an error
  // (the reference rejects it too), not something to clamp silently.
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value length = getDim(b, loc, q, 1);
  scf::ForOp::create(
      b, loc, zero, getDim(b, loc, lengths, 0), one, ValueRange{},
      [&](OpBuilder &lb, Location lloc, Value row, ValueRange) {
        Value value = arith::IndexCastOp::create(
            lb, lloc, lb.getIndexType(),
            tensor::ExtractOp::create(lb, lloc, lengths, ValueRange{row}));
        Value atLeastZero = arith::CmpIOp::create(
            lb, lloc, arith::CmpIPredicate::sge, value, zero);
        Value atMostT = arith::CmpIOp::create(
            lb, lloc, arith::CmpIPredicate::sle, value, length);
        cf::AssertOp::create(
            lb, lloc, arith::AndIOp::create(lb, lloc, atLeastZero, atMostT),
            "'ldn.attention_diffuse' op every 'lengths' value must be in "
            "[0, T]");
        scf::YieldOp::create(lb, lloc);
      });
  AffineMap id = b.getMultiDimIdentityMap(1);
  return linalg::GenericOp::create(
             b, loc, empty.getType(), ValueRange{lengths}, ValueRange{empty},
             ArrayRef<AffineMap>{id, id}, parallelIterators(1),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc,
                                       arith::IndexCastOp::create(
                                           nb, nloc, nb.getIndexType(), args[0])
                                           .getResult());
             })
      .getResult(0);
}

/// Zeroes the outputs t >= limits[b] and converts into `out`: the last
/// pass over the result, where an epilogue is merged (kEpilogueSiteAttr).
Value maskPadding(OpBuilder &b, Location loc, Value z, Value limits,
                  Value out) {
  MLIRContext *context = b.getContext();
  Type outType = cast<RankedTensorType>(out.getType()).getElementType();
  AffineMap id = b.getMultiDimIdentityMap(4);
  auto generic = linalg::GenericOp::create(
             b, loc, out.getType(), ValueRange{z, limits}, ValueRange{out},
             ArrayRef<AffineMap>{id, dimsMap(context, 4, {0}), id},
             parallelIterators(4),
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               Value t = linalg::IndexOp::create(nb, nloc, 1);
               Value valid = arith::CmpIOp::create(
                   nb, nloc, arith::CmpIPredicate::slt, t, args[1]);
               Value zero = arith::ConstantOp::create(
                   nb, nloc, nb.getFloatAttr(outType, 0.0));
               Value value = castFloat(nb, nloc, args[0], outType);
               linalg::YieldOp::create(
                   nb, nloc,
                   arith::SelectOp::create(nb, nloc, valid, value, zero)
                       .getResult());
             });
  generic->setAttr(kEpilogueSiteAttr, b.getUnitAttr());
  return generic.getResult(0);
}


struct LowerAttentionDiffuse : OpRewritePattern<AttentionDiffuseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionDiffuseOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();

    Value q = op.getQ();
    PatternAttr pattern = op.getPattern();
    Problem problem{q,
                    op.getK(),
                    buildLimits(rewriter, loc, op.getLengths(), q),
                    tensor::getMixedSize(rewriter, loc, q, 1),
                    getDim(rewriter, loc, q, 1),
                    lowering::attentionScoreScale(rewriter, loc, op),
                    pattern.getCausal()};

    AttentionOperator attention;
    if (pattern.getDense()) {
      attention.weights =
          denseRowWeights(rewriter, loc, problem, q, rewriter.getIndexAttr(0));
    } else {
      SparseRules rules(pattern, getConstantIntValue(problem.lengthSize));
      attention.keys = buildKeyTable(rewriter, loc, problem.lengthSize,
                                     problem.length, rules);
      attention.weights = sparseWeights(rewriter, loc, problem, attention.keys);
      attention.globalRows = buildGlobalRows(rewriter, loc, problem, rules);
    }

    Value values = convertElementType(rewriter, loc, op.getV(), f32);
    Value z = diffuse(rewriter, loc, op, attention, values);
    Value out =
        createEmpty(rewriter, loc, reifyResultSizes(rewriter, op.getZ()),
                    op.getZ().getType().getElementType());
    rewriter.replaceOp(op, maskPadding(rewriter, loc, z, problem.limits, out));
    return success();
  }
};

} // namespace

void mlir::ldn::lowering::populateAttentionDiffuseLowering(
    RewritePatternSet &patterns) {
  patterns.add<LowerAttentionDiffuse>(patterns.getContext());
}
