//===- LDNDialect.cpp - the ldn dialect -----------------------------------===//

#include "ldn/IR/LDNDialect.h"
#include "ldn/IR/LDNAttrs.h"
#include "ldn/IR/LDNOps.h"

#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::ldn;

#include "ldn/IR/LDNOpsDialect.cpp.inc"

namespace {
/// Every ldn op is a pure tensor op without regions or symbols, so a
/// function that uses them (a model's block called once per layer) may be
/// inlined anywhere; fusion then sees across the former call boundary.
struct LDNInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void LDNDialect::initialize() {
  addInterfaces<LDNInlinerInterface>();
  addOperations<
#define GET_OP_LIST
#include "ldn/IR/LDNOps.cpp.inc"
      >();
  registerAttributes();
}
