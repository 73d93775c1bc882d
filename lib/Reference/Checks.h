//===- Checks.h - argument validation shared by the reference ops -*- C++ -*-===//
//
// Internal to lib/Reference. A `Checker` validates an op's arguments in order
// and keeps the first failure, so every op can write its preconditions as one
// readable chain and then `if (check.failed()) return check.error();`.
// Once a check fails the later ones are skipped, which also makes it safe for
// a `dim` check to follow the `rank` check of the same argument.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_REFERENCE_CHECKS_H
#define LDN_REFERENCE_CHECKS_H

#include "Reference/Reference.h"

#include <string>

namespace ldn::reference::detail {

class Checker {
public:
  /// `op` is the op name used as the message prefix, e.g. "ldn.diffuse".
  explicit Checker(std::string op) : op_(std::move(op)) {}

  bool failed() const { return !message_.empty(); }
  Error error() const { return Error{message_}; }

  /// Shape dimensions non-negative and storage size consistent.
  Checker &wellFormed(const std::string &name, const Array &a);
  /// `a` has exactly `rank` dimensions; `layout` documents them, e.g. "[B,T,D]".
  Checker &rank(const std::string &name, const Array &a, int64_t rank,
                const std::string &layout);
  /// Dimension `axis` of `a` equals `expected`; `what` says where the
  /// expectation comes from, e.g. "D, dim 2 of 'x'".
  Checker &dim(const std::string &name, const Array &a, int64_t axis,
               int64_t expected, const std::string &what);
  /// A generic condition; `message` is appended after the op name.
  Checker &require(bool condition, const std::string &message);

private:
  void fail(const std::string &message);

  std::string op_;
  std::string message_;
};

} // namespace ldn::reference::detail

#endif // LDN_REFERENCE_CHECKS_H
