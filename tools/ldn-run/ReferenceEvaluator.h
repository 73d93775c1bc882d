//===- ReferenceEvaluator.h - run a function with lib/Reference -*- C++ -*-===//
//
// `ldn-run --check` evaluates the model's source (embedded in the artifact's
// manifest) op by op with the fp64 reference implementation. It covers
// functions made of ldn ops plus the few upstream ops that only plumb values
// (constants, tensor.dim, casts); anything else is reported as not checkable.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_TOOLS_LDN_RUN_REFERENCEEVALUATOR_H
#define LDN_TOOLS_LDN_RUN_REFERENCEEVALUATOR_H

#include "Reference/Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace ldn::run {

/// Evaluates `func` on `inputs` (one per argument, fp64). Returns the results
/// or an error naming the op that could not be evaluated and why.
reference::Result<std::vector<reference::Array>>
evaluateWithReference(mlir::func::FuncOp func,
                      const std::vector<reference::Array> &inputs);

} // namespace ldn::run

#endif // LDN_TOOLS_LDN_RUN_REFERENCEEVALUATOR_H
