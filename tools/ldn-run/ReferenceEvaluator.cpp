//===- ReferenceEvaluator.cpp - run a function with lib/Reference ---------===//

#include "ReferenceEvaluator.h"

#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
namespace ref = ::ldn::reference;

namespace {
/// A value during evaluation: a tensor (fp64) or an index/integer scalar.
struct Slot {
  std::optional<ref::Array> tensor;
  std::optional<int64_t> integer;
};

class Evaluator {
public:
  ref::Result<std::vector<ref::Array>>
  run(func::FuncOp func, const std::vector<ref::Array> &inputs);

private:
  LogicalResult evaluate(Operation *op);
  LogicalResult fail(Operation *op, const llvm::Twine &why) {
    std::string location;
    llvm::raw_string_ostream os(location);
    op->getLoc().print(os);
    error = "cannot evaluate '" + op->getName().getStringRef().str() + "' at " +
            location + " with the reference: " + why.str();
    return failure();
  }
  /// Stores a reference result, or records its error.
  LogicalResult store(Operation *op, Value value, ref::Result<ref::Array> r) {
    if (!r.ok())
      return fail(op, r.error());
    slots[value].tensor = std::move(*r);
    return success();
  }
  const ref::Array &tensor(Value value) { return *slots[value].tensor; }
  std::optional<ref::Array> optionalTensor(Value value) {
    if (!value)
      return std::nullopt;
    return tensor(value);
  }

  LogicalResult evaluateLDN(Operation *op);
  LogicalResult evaluateElementwise(mlir::ldn::ElementwiseOp op);

  llvm::DenseMap<Value, Slot> slots;
  std::string error;
};
} // namespace

static double toDouble(const APFloat &value) {
  return value.convertToDouble();
}
static double toDouble(float value) { return value; }

/// The attributes of #ldn.pattern as the reference's Pattern.
static ref::Pattern toPattern(mlir::ldn::PatternAttr attr) {
  ref::Pattern pattern;
  pattern.dense = attr.getDense();
  pattern.window = attr.getWindow();
  pattern.stride = attr.getStride();
  pattern.globals.assign(attr.getGlobals().begin(), attr.getGlobals().end());
  pattern.random = attr.getRandom();
  pattern.seed = attr.getSeed();
  pattern.causal = attr.getCausal();
  return pattern;
}

/// One scalar op of an ldn.elementwise body in fp64, or nullopt for an op
/// the evaluator does not know. Narrowing casts are exact here: the
/// reference is the real-number result, as for every other op.
static std::optional<double> evaluateScalar(Operation *op,
                                            ArrayRef<double> in) {
  auto unary = [&](double (*f)(double)) { return f(in[0]); };
  return llvm::TypeSwitch<Operation *, std::optional<double>>(op)
      .Case([&](arith::ConstantOp c) -> std::optional<double> {
        if (auto value = dyn_cast<FloatAttr>(c.getValue()))
          return value.getValueAsDouble();
        return std::nullopt;
      })
      .Case([&](arith::AddFOp) { return in[0] + in[1]; })
      .Case([&](arith::SubFOp) { return in[0] - in[1]; })
      .Case([&](arith::MulFOp) { return in[0] * in[1]; })
      .Case([&](arith::DivFOp) { return in[0] / in[1]; })
      .Case([&](arith::NegFOp) { return -in[0]; })
      .Case([&](arith::MaximumFOp) { return std::fmax(in[0], in[1]); })
      .Case([&](arith::MinimumFOp) { return std::fmin(in[0], in[1]); })
      .Case([&](arith::ExtFOp) { return in[0]; })
      .Case([&](arith::TruncFOp) { return in[0]; })
      .Case([&](math::ExpOp) { return unary(std::exp); })
      .Case([&](math::LogOp) { return unary(std::log); })
      .Case([&](math::Log1pOp) { return unary(std::log1p); })
      .Case([&](math::TanhOp) { return unary(std::tanh); })
      .Case([&](math::ErfOp) { return unary(std::erf); })
      .Case([&](math::SqrtOp) { return unary(std::sqrt); })
      .Case([&](math::RsqrtOp) { return 1.0 / std::sqrt(in[0]); })
      .Case([&](math::AbsFOp) { return unary(std::fabs); })
      .Default([](Operation *) { return std::nullopt; });
}

LogicalResult
Evaluator::evaluateElementwise(mlir::ldn::ElementwiseOp op) {
  const ref::Array &source = tensor(op.getSource());
  std::vector<const ref::Array *> inputs;
  for (Value input : op.getInputs()) {
    if (!isa<RankedTensorType>(input.getType()))
      return fail(op, "scalar inputs are not supported");
    inputs.push_back(&tensor(input));
    // Each input has the trailing shape of the source.
    const ref::Shape &shape = inputs.back()->shape();
    if (shape.size() > source.shape().size() ||
        !std::equal(shape.begin(), shape.end(),
                    source.shape().end() - shape.size()))
      return fail(op, "input shape " + inputs.back()->shapeString() +
                          " is not a trailing part of the source shape " +
                          source.shapeString());
  }
  Block &body = op.getBody().front();
  ref::Array result(source.shape());
  llvm::DenseMap<Value, double> values;
  for (int64_t i = 0; i < source.numElements(); ++i) {
    values.clear();
    values[body.getArgument(0)] = source[i];
    for (auto [argument, input] :
         llvm::zip(body.getArguments().drop_front(), inputs))
      values[argument] = (*input)[i % input->numElements()];
    for (Operation &inner : body.without_terminator()) {
      SmallVector<double> in;
      for (Value operand : inner.getOperands())
        in.push_back(values.lookup(operand));
      std::optional<double> out = evaluateScalar(&inner, in);
      if (!out || inner.getNumResults() != 1)
        return fail(&inner, "not a scalar op the reference evaluates");
      values[inner.getResult(0)] = *out;
    }
    result[i] = values.lookup(
        cast<mlir::ldn::YieldOp>(body.getTerminator()).getValue());
  }
  slots[op.getResult()].tensor = std::move(result);
  return success();
}

LogicalResult Evaluator::evaluateLDN(Operation *op) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](mlir::ldn::ElementwiseOp o) { return evaluateElementwise(o); })
      .Case([&](mlir::ldn::DiffuseOp o) {
        ref::DiffuseOptions options;
        options.steps = static_cast<int64_t>(o.getSteps());
        options.dt = toDouble(o.getDt());
        options.dtOperand = optionalTensor(o.getDtValue());
        options.causal = o.getCausal();
        return store(op, o.getY(),
                     ref::diffuse(tensor(o.getX()), tensor(o.getW()),
                                  tensor(o.getAlpha()), options));
      })
      .Case([&](mlir::ldn::AttentionDiffuseOp o) {
        ref::AttentionDiffuseOptions options;
        options.pattern = toPattern(o.getPattern());
        options.hops = static_cast<int64_t>(o.getHops());
        options.alpha = toDouble(o.getAlpha());
        options.mode = o.getMode() == mlir::ldn::DiffusionMode::ppr
                           ? ref::DiffusionMode::PPR
                       : o.getMode() == mlir::ldn::DiffusionMode::laplacian
                           ? ref::DiffusionMode::Laplacian
                           : ref::DiffusionMode::Coeffs;
        if (auto coeffs = o.getCoeffs())
          for (float c : *coeffs)
            options.coeffs.push_back(toDouble(c));
        if (auto scale = o.getScale())
          options.scale = toDouble(*scale);
        options.lengths = optionalTensor(o.getLengths());
        return store(op, o.getZ(),
                     ref::attentionDiffuse(tensor(o.getQ()), tensor(o.getK()),
                                           tensor(o.getV()), options));
      })
      .Case([&](mlir::ldn::ScanOp o) {
        ref::ScanOptions options;
        options.dim = static_cast<int64_t>(o.getDim());
        options.reverse = o.getReverse();
        options.init = optionalTensor(o.getInit());
        auto r = ref::scan(tensor(o.getA()), tensor(o.getB()), options);
        if (!r.ok())
          return fail(op, r.error());
        slots[o.getH()].tensor = std::move(r->states);
        slots[o.getLast()].tensor = std::move(r->last);
        return success();
      })
      .Case([&](mlir::ldn::SelectiveScanOp o) {
        ref::SelectiveScanOptions options;
        options.D = optionalTensor(o.getD());
        options.z = optionalTensor(o.getZ());
        options.dbias = optionalTensor(o.getDbias());
        options.h0 = optionalTensor(o.getInit());
        options.deltaSoftplus = o.getDeltaSoftplus();
        auto r = ref::selectiveScan(tensor(o.getX()), tensor(o.getDelta()),
                                    tensor(o.getA()), tensor(o.getB()),
                                    tensor(o.getC()), options);
        if (!r.ok())
          return fail(op, r.error());
        slots[o.getY()].tensor = std::move(r->y);
        slots[o.getFinalState()].tensor = std::move(r->finalState);
        return success();
      })
      .Case([&](mlir::ldn::LinearAttentionOp o) {
        ref::LinearAttentionOptions options;
        options.causal = o.getCausal();
        options.scale = toDouble(o.getScale());
        options.decay = optionalTensor(o.getDecay());
        options.initialState = optionalTensor(o.getInit());
        auto r = ref::linearAttention(tensor(o.getQ()), tensor(o.getK()),
                                      tensor(o.getV()), options);
        if (!r.ok())
          return fail(op, r.error());
        slots[o.getO()].tensor = std::move(r->o);
        slots[o.getFinalState()].tensor = std::move(r->finalState);
        return success();
      })
      .Case([&](mlir::ldn::AdditiveDecayOp o) {
        ref::AdditiveDecayOptions options;
        options.causal = o.getCausal();
        if (auto sink = o.getSink())
          options.sink = toDouble(*sink);
        auto r = ref::additiveDecay(tensor(o.getK()), options);
        if (!r.ok())
          return fail(op, r.error());
        slots[o.getKNorm()].tensor = std::move(r->kNorm);
        slots[o.getDecay()].tensor = std::move(r->decay);
        return success();
      })
      .Case([&](mlir::ldn::LrpeOp o) {
        ref::LrpeOptions options;
        options.grid.assign(o.getGrid().begin(), o.getGrid().end());
        options.prefix = static_cast<int64_t>(o.getPrefix());
        return store(op, o.getY(),
                     ref::lrpe(tensor(o.getX()), tensor(o.getTheta()),
                               options));
      })
      .Case([&](mlir::ldn::SsmKernelOp o) {
        std::optional<int64_t> length = slots[o.getLength()].integer;
        if (!length)
          return fail(op, "'length' is not a known integer");
        ref::SsmKernelOptions options;
        options.method = o.getMethod() == mlir::ldn::Discretization::zoh
                             ? ref::SsmMethod::Zoh
                             : ref::SsmMethod::Bilinear;
        options.bidirectional = o.getBidirectional();
        return store(op, o.getKernel(),
                     ref::ssmKernel(tensor(o.getLambdaRe()),
                                    tensor(o.getLambdaIm()),
                                    tensor(o.getLogDt()), *length, options));
      })
      .Case([&](mlir::ldn::LongConvOp o) {
        ref::LongConvOptions options;
        options.bidirectional = o.getBidirectional();
        return store(op, o.getY(),
                     ref::longConv(tensor(o.getV()), tensor(o.getKernel()),
                                   options));
      })
      .Case([&](mlir::ldn::SsmConvOp o) {
        ref::LongConvOptions options;
        options.bidirectional = o.getBidirectional();
        return store(op, o.getY(),
                     ref::ssmConv(tensor(o.getU()), tensor(o.getInProj()),
                                  tensor(o.getKernel()), tensor(o.getOutProj()),
                                  options));
      })
      .Case([&](mlir::ldn::LightNetAttentionOp o) {
        ref::LightNetAttentionOptions options;
        options.causal = o.getCausal();
        if (auto sink = o.getSink())
          options.sink = toDouble(*sink);
        options.positions.grid.assign(o.getGrid().begin(), o.getGrid().end());
        options.positions.prefix = static_cast<int64_t>(o.getPrefix());
        options.scale = toDouble(o.getScale());
        auto r = ref::lightNetAttention(tensor(o.getQ()), tensor(o.getK()),
                                        tensor(o.getV()), tensor(o.getTheta()),
                                        options);
        if (!r.ok())
          return fail(op, r.error());
        slots[o.getO()].tensor = std::move(r->o);
        slots[o.getFinalState()].tensor = std::move(r->finalState);
        return success();
      })
      .Default([&](Operation *) { return fail(op, "unknown ldn op"); });
}

LogicalResult Evaluator::evaluate(Operation *op) {
  if (isa<mlir::ldn::LDNDialect>(op->getDialect()))
    return evaluateLDN(op);
  if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
    Attribute value = constant.getValue();
    if (auto integer = dyn_cast<IntegerAttr>(value)) {
      slots[constant.getResult()].integer = integer.getInt();
      return success();
    }
    if (auto dense = dyn_cast<DenseFPElementsAttr>(value)) {
      auto type = cast<RankedTensorType>(dense.getType());
      std::vector<double> data;
      for (const APFloat &element : dense.getValues<APFloat>())
        data.push_back(toDouble(element));
      auto array = ref::Array::fromData(
          ref::Shape(type.getShape().begin(), type.getShape().end()),
          std::move(data));
      return store(op, constant.getResult(), std::move(array));
    }
    return fail(op, "only scalar integer and float tensor constants are "
                    "supported");
  }
  if (auto dim = dyn_cast<tensor::DimOp>(op)) {
    std::optional<int64_t> index = slots[dim.getIndex()].integer;
    if (!index)
      return fail(op, "the dimension index is not a known integer");
    const ref::Array &source = tensor(dim.getSource());
    if (*index < 0 || *index >= source.rank())
      return fail(op, "dimension index out of range");
    slots[dim.getResult()].integer = source.dim(*index);
    return success();
  }
  if (auto extract = dyn_cast<tensor::ExtractOp>(op)) {
    const ref::Array &source = tensor(extract.getTensor());
    std::vector<int64_t> index;
    for (Value i : extract.getIndices()) {
      std::optional<int64_t> position = slots[i].integer;
      if (!position)
        return fail(op, "an index is not a known integer");
      index.push_back(*position);
    }
    if (static_cast<int64_t>(index.size()) != source.rank())
      return fail(op, "wrong number of indices");
    for (auto [i, position] : llvm::enumerate(index))
      if (position < 0 || position >= source.dim(i))
        return fail(op, "index out of bounds");
    double value = source.at(index);
    if (!extract.getType().isIntOrIndex())
      return fail(op, "only integer elements are supported");
    slots[extract.getResult()].integer = static_cast<int64_t>(value);
    return success();
  }
  if (auto cast = dyn_cast<tensor::CastOp>(op)) {
    slots[cast.getResult()].tensor = tensor(cast.getSource());
    return success();
  }
  // Reshapes keep the row-major order: the same data under a new shape.
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op)) {
    const ref::Array &source = tensor(collapse.getSrc());
    ref::Shape shape;
    for (const ReassociationIndices &group :
         collapse.getReassociationIndices()) {
      int64_t size = 1;
      for (int64_t dim : group)
        size *= source.dim(dim);
      shape.push_back(size);
    }
    return store(op, collapse.getResult(),
                 ref::Array::fromData(std::move(shape), source.data()));
  }
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op)) {
    ref::Shape shape;
    for (OpFoldResult size : expand.getMixedOutputShape()) {
      std::optional<int64_t> known = getConstantIntValue(size);
      if (auto value = dyn_cast<Value>(size))
        known = slots[value].integer;
      if (!known)
        return fail(op, "an output size is not a known integer");
      shape.push_back(*known);
    }
    return store(op, expand.getResult(),
                 ref::Array::fromData(std::move(shape),
                                      tensor(expand.getSrc()).data()));
  }
  return fail(op, "--check evaluates ldn ops and constants/tensor.dim/"
                  "tensor.extract/tensor.cast/reshapes only; check whole "
                  "models against an independent reference instead");
}

ref::Result<std::vector<ref::Array>>
Evaluator::run(func::FuncOp func, const std::vector<ref::Array> &inputs) {
  if (inputs.size() != func.getNumArguments())
    return ref::Error{"expected " + std::to_string(func.getNumArguments()) +
                      " inputs, got " + std::to_string(inputs.size())};
  for (auto [arg, input] : llvm::zip(func.getArguments(), inputs))
    slots[arg].tensor = input;

  std::vector<ref::Array> results;
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value value : ret.getOperands()) {
        if (!slots[value].tensor)
          return ref::Error{"a returned value is not a tensor"};
        results.push_back(*slots[value].tensor);
      }
      return results;
    }
    if (op.getNumRegions() != 0 && !isa<mlir::ldn::ElementwiseOp>(op)) {
      (void)fail(&op, "ops with regions are not supported");
      return ref::Error{error};
    }
    if (failed(evaluate(&op)))
      return ref::Error{error};
  }
  return ref::Error{"function '" + func.getSymName().str() +
                    "' has no return"};
}

namespace ldn::run {
ref::Result<std::vector<ref::Array>>
evaluateWithReference(func::FuncOp func,
                      const std::vector<ref::Array> &inputs) {
  return Evaluator().run(func, inputs);
}
} // namespace ldn::run
