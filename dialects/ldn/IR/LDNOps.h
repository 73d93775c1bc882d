//===- LDNOps.h - ldn ops ---------------------------------------*- C++ -*-===//

#ifndef LDN_IR_LDNOPS_H
#define LDN_IR_LDNOPS_H

#include "ldn/IR/LDNAttrs.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "ldn/IR/LDNOps.h.inc"

#include <string>

namespace mlir::ldn {

/// Dimension `lhsDim` of `lhs` must equal dimension `rhsDim` of `rhs`, and at
/// least one of them is dynamic: ops.md makes a mismatch a run-time error.
struct DimConstraint {
  Value lhs;
  int64_t lhsDim;
  Value rhs;
  int64_t rhsDim;
  std::string message;
};

/// The run-time dimension checks that the (verified) ldn op `op` needs.
void getRuntimeDimConstraints(Operation *op,
                              SmallVectorImpl<DimConstraint> &constraints);

} // namespace mlir::ldn

#endif // LDN_IR_LDNOPS_H
