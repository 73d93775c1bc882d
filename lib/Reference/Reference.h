//===- Reference.h - fp64 reference oracle for the ldn ops ------*- C++ -*-===//
//
// Naive, obviously-correct fp64 implementations of the nine `ldn` ops. Every
// function follows docs/ops.md (the normative contract) literally so a
// reader can check it line by line; speed is not a goal. The compiler's
// lowerings, the ldn-run tool and the GPU kernel tests compare against these.
//
// Conventions:
//  * All data is fp64, row-major, owned by `Array`. Callers convert f32/f16.
//  * No exceptions: every op validates shapes and attributes and returns a
//    `Result<T>` holding either the value or an error message that names the
//    op, the offending argument and the mismatching dimension. Bad input never
//    aborts and never causes an out-of-bounds access.
//  * Optional operands are `std::optional<Array>` members of the op's options
//    struct; attributes are plain members with the op's defaults.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_REFERENCE_REFERENCE_H
#define LDN_REFERENCE_REFERENCE_H

#include <cassert>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ldn::reference {

//===----------------------------------------------------------------------===//
// Errors as values
//===----------------------------------------------------------------------===//

/// An error message; `return Error{"..."}` converts into any failed Result.
struct Error {
  std::string message;
};

/// Either a value of type T or an error message. Check `ok()` before calling
/// `value()`; accessing the value of a failed Result is a programming error.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value_(std::move(value)) {}
  Result(Error error) : error_(std::move(error.message)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// The error message (empty when ok()).
  const std::string &error() const { return error_; }

  T &value() & {
    assert(ok() && "value() of a failed Result");
    return *value_;
  }
  const T &value() const & {
    assert(ok() && "value() of a failed Result");
    return *value_;
  }
  T &&value() && {
    assert(ok() && "value() of a failed Result");
    return std::move(*value_);
  }
  T &operator*() & { return value(); }
  const T &operator*() const & { return value(); }
  T *operator->() { return &value(); }
  const T *operator->() const { return &value(); }

private:
  std::optional<T> value_;
  std::string error_;
};

//===----------------------------------------------------------------------===//
// Array: owned, row-major, fp64
//===----------------------------------------------------------------------===//

using Shape = std::vector<int64_t>;

/// Product of the dimensions (1 for rank 0); negative dimensions count as 0.
int64_t numElementsOf(const Shape &shape);
/// "[2,3,4]"; "[]" for rank 0.
std::string shapeToString(const Shape &shape);

class Array {
public:
  /// A rank-0 array holding 0.0.
  Array() : data_(1, 0.0) {}
  /// An array of the given shape with every element set to `fill`.
  explicit Array(Shape shape, double fill = 0.0);
  /// An array of the given shape taking `data` (row-major); fails when the
  /// element count does not match or a dimension is negative.
  static Result<Array> fromData(Shape shape, std::vector<double> data);
  /// A rank-0 array (e.g. the `dt` operand of ldn.diffuse).
  static Array scalar(double value);

  const Shape &shape() const { return shape_; }
  int64_t rank() const { return static_cast<int64_t>(shape_.size()); }
  /// Size of dimension `axis` (0 <= axis < rank()).
  int64_t dim(int64_t axis) const;
  int64_t numElements() const { return static_cast<int64_t>(data_.size()); }
  /// Row-major strides in elements: the last dimension has stride 1.
  std::vector<int64_t> strides() const;

  /// Row-major offset of a full multi-index. Bounds are only asserted (debug
  /// builds): element access is for callers that know the shape, the ops
  /// never index before validating their arguments.
  int64_t offsetOf(const std::vector<int64_t> &index) const;
  double &at(std::initializer_list<int64_t> index);
  double at(std::initializer_list<int64_t> index) const;
  double &at(const std::vector<int64_t> &index);
  double at(const std::vector<int64_t> &index) const;

  /// The flat row-major element storage. Callers that resize it make the
  /// array ill-formed; every op checks `isWellFormed()` and reports it.
  std::vector<double> &data() { return data_; }
  const std::vector<double> &data() const { return data_; }
  double &operator[](int64_t flat) { return data_[flat]; }
  double operator[](int64_t flat) const { return data_[flat]; }

  /// All dimensions >= 0 and the storage size equals their product.
  bool isWellFormed() const;
  std::string shapeString() const { return shapeToString(shape_); }

private:
  Shape shape_;
  std::vector<double> data_;
};

//===----------------------------------------------------------------------===//
// 1. ldn.diffuse
//===----------------------------------------------------------------------===//

struct DiffuseOptions {
  int64_t steps = 1;   ///< Number of explicit Euler steps (>= 1).
  double dt = 1.0;     ///< Step size attribute (the op's default).
  /// Optional 0-d `dt` operand; when present it takes precedence over `dt`.
  std::optional<Array> dtOperand;
  bool causal = false; ///< Drop the look-ahead half of the Laplacian.
};

/// x: [B,T,D], w: [R] (R >= 1, offset weights for offsets 1..R),
/// alpha: [D] or [B,T,D]. Returns [B,T,D].
Result<Array> diffuse(const Array &x, const Array &w, const Array &alpha,
                      const DiffuseOptions &options);

//===----------------------------------------------------------------------===//
// 2. ldn.attention_diffuse and its sparsity pattern
//===----------------------------------------------------------------------===//

/// The `#ldn.pattern` attribute: a set of directed (query t, key s) edges.
struct Pattern {
  /// Every edge; the local/global/random rules are then unused, but `causal`
  /// still drops s > t (dense + causal is full causal attention).
  bool dense = false;
  int64_t window = 0;           ///< Local block size; 0 disables local edges.
  int64_t stride = 0;           ///< Block start spacing, 0 < stride <= window.
  std::vector<int64_t> globals; ///< Global token indices (>= T are ignored).
  int64_t random = 0;           ///< Random keys per query.
  uint64_t seed = 0;            ///< Seed of the random keys.
  bool causal = false;          ///< Drop every edge with s > t.
};

/// The SplitMix64 output function `mix` of ops.md section 2.
uint64_t splitMix64(uint64_t x);
/// The j-th random key of query t: mix(seed ^ (t << 20) ^ j) mod T, on
/// unsigned 64-bit integers. Requires T >= 1.
int64_t patternRandomKey(uint64_t seed, int64_t t, int64_t j, int64_t T);
/// Checks the pattern attribute itself (stride, negative counts/globals);
/// returns an empty string when valid.
std::string validatePattern(const Pattern &pattern);
/// Whether edge (query t, key s) is in the pattern for sequence length T,
/// straight from the rules of ops.md (local, global, random, self, causal).
/// False when t or s is outside [0, T). `lengths` is not part of the pattern.
bool patternHasEdge(const Pattern &pattern, int64_t t, int64_t s, int64_t T);
/// The keys of query t in increasing order without duplicates, i.e. exactly
/// { s in [0,T) : patternHasEdge(pattern, t, s, T) }, computed in
/// O(window + |globals| + random) for sparse patterns (O(T) if t is global).
std::vector<int64_t> patternNeighbors(const Pattern &pattern, int64_t t,
                                      int64_t T);

enum class DiffusionMode { PPR, Laplacian, Coeffs };

struct AttentionDiffuseOptions {
  Pattern pattern;
  int64_t hops = 1;                    ///< K >= 1 (must be 1 for Laplacian).
  double alpha = 0.1;                  ///< PPR teleport weight.
  DiffusionMode mode = DiffusionMode::PPR;
  std::vector<double> coeffs;          ///< [θ0..θK] for mode Coeffs.
  std::optional<double> scale;         ///< Default 1/sqrt(d).
  std::optional<Array> lengths;        ///< [B] integers in [0, T].
};

/// q, k: [B,T,H,d], v: [B,T,H,e]. Returns [B,T,H,e].
Result<Array> attentionDiffuse(const Array &q, const Array &k, const Array &v,
                               const AttentionDiffuseOptions &options);

//===----------------------------------------------------------------------===//
// 3. ldn.scan
//===----------------------------------------------------------------------===//

struct ScanOptions {
  int64_t dim = 1;           ///< Scanned axis, 0 <= dim < rank(b).
  bool reverse = false;      ///< Run from the last index to the first.
  std::optional<Array> init; ///< h0: shape of b without `dim` (default 0).
};

struct ScanResult {
  Array states; ///< All h_t, shape of b.
  Array last;   ///< Final state, shape of b without `dim`.
};

/// h_t = a_t * h_{t-1} + b_t along `dim`. a: shape of b, or 1-D [b.last]
/// (per-channel, requires dim != last). rank(b) >= 2.
Result<ScanResult> scan(const Array &a, const Array &b,
                        const ScanOptions &options);

//===----------------------------------------------------------------------===//
// 4. ldn.selective_scan (Mamba S6)
//===----------------------------------------------------------------------===//

struct SelectiveScanOptions {
  std::optional<Array> D;     ///< [D] skip weights.
  std::optional<Array> z;     ///< [B,T,D] gate: y *= silu(z).
  std::optional<Array> dbias; ///< [D] added to delta before softplus.
  std::optional<Array> h0;    ///< [B,D,N] initial state.
  bool deltaSoftplus = false;
};

struct SelectiveScanResult {
  Array y;          ///< [B,T,D]
  Array finalState; ///< [B,D,N]
};

/// x, delta: [B,T,D], A: [D,N], B, C: [B,T,N].
Result<SelectiveScanResult> selectiveScan(const Array &x, const Array &delta,
                                          const Array &A, const Array &B,
                                          const Array &C,
                                          const SelectiveScanOptions &options);

//===----------------------------------------------------------------------===//
// 5. ldn.linear_attention
//===----------------------------------------------------------------------===//

struct LinearAttentionOptions {
  bool causal = true;
  double scale = 1.0;
  /// Log-decay (<= 0, -inf allowed): [B,T,H] scalar or [B,T,H,dk] vector.
  /// Causal only.
  std::optional<Array> decay;
  std::optional<Array> initialState; ///< S0: [B,H,dk,dv].
};

struct LinearAttentionResult {
  Array o;          ///< [B,T,H,dv]
  Array finalState; ///< [B,H,dk,dv]
};

/// q, k: [B,T,H,dk], v: [B,T,H,dv].
Result<LinearAttentionResult>
linearAttention(const Array &q, const Array &k, const Array &v,
                const LinearAttentionOptions &options);

//===----------------------------------------------------------------------===//
// 6. ldn.additive_decay
//===----------------------------------------------------------------------===//

struct AdditiveDecayOptions {
  bool causal = true;
  std::optional<double> sink; ///< Sink logit (causal only); none = no sink.
};

struct AdditiveDecayResult {
  Array kNorm; ///< [B,T,H,d]
  Array decay; ///< [B,T,H,d] log-decays (decay_0 = -inf without sink).
};

/// k: [B,T,H,d].
Result<AdditiveDecayResult> additiveDecay(const Array &k,
                                          const AdditiveDecayOptions &options);

//===----------------------------------------------------------------------===//
// 7. ldn.lrpe
//===----------------------------------------------------------------------===//

struct LrpeOptions {
  std::vector<int64_t> grid; ///< [g1..gm], each >= 1, row-major.
  int64_t prefix = 0;        ///< P tokens without a position.
};

/// x: [B,T,H,d], theta: [H,e] with m*e >= d and T == P + prod(grid).
/// Returns [B,T,H,2d] = [x cos Θ, x sin Θ] ([x, 0] for prefix tokens).
Result<Array> lrpe(const Array &x, const Array &theta,
                   const LrpeOptions &options);

//===----------------------------------------------------------------------===//
// 8. ldn.ssm_kernel
//===----------------------------------------------------------------------===//

enum class SsmMethod { Zoh, Bilinear };

struct SsmKernelOptions {
  SsmMethod method = SsmMethod::Zoh;
  bool bidirectional = false;
};

/// lambdaRe, lambdaIm, logDt: [N]; length L >= 0.
/// Returns [N,L], or [N,2L] (kernel then its mirror) when bidirectional.
Result<Array> ssmKernel(const Array &lambdaRe, const Array &lambdaIm,
                        const Array &logDt, int64_t length,
                        const SsmKernelOptions &options);

//===----------------------------------------------------------------------===//
// 9. ldn.long_conv
//===----------------------------------------------------------------------===//

/// A lowering choice only; the reference always evaluates the direct sum.
enum class LongConvStrategy { Auto, Direct, FFT };

struct LongConvOptions {
  bool bidirectional = false;
  LongConvStrategy strategy = LongConvStrategy::Auto;
};

/// v: [B,T,C], kernel: [C,Lk] (Lk = 2L even when bidirectional).
/// Returns [B,T,C].
Result<Array> longConv(const Array &v, const Array &kernel,
                       const LongConvOptions &options);

//===----------------------------------------------------------------------===//
// 11. ldn.ssm_conv
//===----------------------------------------------------------------------===//

/// u: [B,T,G·Hg], inProj: [G,Hg,Ng], kernel: [G·Ng,Lk], outProj: [G,Ng,Mg].
/// Returns [B,T,G·Mg]: the per-head projection of u, longConv of it, and
/// the per-head projection of that.
Result<Array> ssmConv(const Array &u, const Array &inProj,
                      const Array &kernel, const Array &outProj,
                      const LongConvOptions &options);

//===----------------------------------------------------------------------===//
// 12. ldn.lightnet_attention
//===----------------------------------------------------------------------===//

struct LightNetAttentionOptions {
  bool causal = true;
  std::optional<double> sink; ///< additive_decay's sink (causal only).
  LrpeOptions positions;      ///< lrpe's grid and prefix, for q and k.
  double scale = 1.0;
};

/// q, k: [B,T,H,d], v: [B,T,H,dv], theta: [H,e]. additiveDecay of k, lrpe
/// of q and of the normalized keys, then linearAttention with the decays
/// doubled to the 2d rotated channels (causal); the state is [B,H,2d,dv].
Result<LinearAttentionResult>
lightNetAttention(const Array &q, const Array &k, const Array &v,
                  const Array &theta, const LightNetAttentionOptions &options);

} // namespace ldn::reference

#endif // LDN_REFERENCE_REFERENCE_H
