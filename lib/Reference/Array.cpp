//===- Array.cpp - the reference Array and argument checks ---------------===//

#include "Reference/Reference.h"

#include "Checks.h"

namespace ldn::reference {

int64_t numElementsOf(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d < 0 ? 0 : d;
  return n;
}

std::string shapeToString(const Shape &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Array::Array(Shape shape, double fill)
    : shape_(std::move(shape)),
      data_(static_cast<size_t>(numElementsOf(shape_)), fill) {}

Result<Array> Array::fromData(Shape shape, std::vector<double> data) {
  for (int64_t d : shape)
    if (d < 0)
      return Error{"Array::fromData: negative dimension in shape " +
                   shapeToString(shape)};
  int64_t expected = numElementsOf(shape);
  if (static_cast<int64_t>(data.size()) != expected)
    return Error{"Array::fromData: shape " + shapeToString(shape) + " needs " +
                 std::to_string(expected) + " elements but data has " +
                 std::to_string(data.size())};
  Array a;
  a.shape_ = std::move(shape);
  a.data_ = std::move(data);
  return a;
}

Array Array::scalar(double value) { return Array(Shape{}, value); }

int64_t Array::dim(int64_t axis) const {
  assert(axis >= 0 && axis < rank() && "Array::dim out of range");
  return shape_[axis];
}

std::vector<int64_t> Array::strides() const {
  std::vector<int64_t> s(shape_.size(), 1);
  for (int64_t i = rank() - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape_[i + 1];
  return s;
}

int64_t Array::offsetOf(const std::vector<int64_t> &index) const {
  assert(static_cast<int64_t>(index.size()) == rank() &&
         "Array index has the wrong rank");
  int64_t offset = 0;
  for (size_t i = 0; i < index.size(); ++i) {
    assert(index[i] >= 0 && index[i] < shape_[i] && "Array index out of range");
    offset = offset * shape_[i] + index[i];
  }
  return offset;
}

double &Array::at(std::initializer_list<int64_t> index) {
  return data_[offsetOf(std::vector<int64_t>(index))];
}
double Array::at(std::initializer_list<int64_t> index) const {
  return data_[offsetOf(std::vector<int64_t>(index))];
}
double &Array::at(const std::vector<int64_t> &index) {
  return data_[offsetOf(index)];
}
double Array::at(const std::vector<int64_t> &index) const {
  return data_[offsetOf(index)];
}

bool Array::isWellFormed() const {
  for (int64_t d : shape_)
    if (d < 0)
      return false;
  return static_cast<int64_t>(data_.size()) == numElementsOf(shape_);
}

namespace detail {

void Checker::fail(const std::string &message) {
  if (!failed())
    message_ = op_ + ": " + message;
}

Checker &Checker::wellFormed(const std::string &name, const Array &a) {
  if (!failed() && !a.isWellFormed())
    fail("argument '" + name + "' is ill-formed: shape " + a.shapeString() +
         " with " + std::to_string(a.data().size()) + " elements");
  return *this;
}

Checker &Checker::rank(const std::string &name, const Array &a, int64_t rank,
                       const std::string &layout) {
  if (!failed() && a.rank() != rank)
    fail("argument '" + name + "' must have rank " + std::to_string(rank) +
         " " + layout + " but has shape " + a.shapeString());
  return *this;
}

Checker &Checker::dim(const std::string &name, const Array &a, int64_t axis,
                      int64_t expected, const std::string &what) {
  if (failed())
    return *this;
  if (axis < 0 || axis >= a.rank()) {
    fail("argument '" + name + "' has no dimension " + std::to_string(axis) +
         " (shape " + a.shapeString() + ")");
  } else if (a.shape()[axis] != expected) {
    fail("argument '" + name + "' dimension " + std::to_string(axis) +
         " is " + std::to_string(a.shape()[axis]) + " but must be " +
         std::to_string(expected) + " (" + what + "); shape " +
         a.shapeString());
  }
  return *this;
}

Checker &Checker::require(bool condition, const std::string &message) {
  if (!failed() && !condition)
    fail(message);
  return *this;
}

} // namespace detail
} // namespace ldn::reference
