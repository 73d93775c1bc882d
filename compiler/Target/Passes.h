//===- Passes.h - target glue passes ----------------------------*- C++ -*-===//

#ifndef LDN_COMPILER_TARGET_PASSES_H
#define LDN_COMPILER_TARGET_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::ldn {

#define GEN_PASS_DECL
#include "Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "Target/Passes.h.inc"

} // namespace mlir::ldn

#endif // LDN_COMPILER_TARGET_PASSES_H
