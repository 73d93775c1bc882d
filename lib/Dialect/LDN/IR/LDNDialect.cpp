//===- LDNDialect.cpp - the ldn dialect -----------------------------------===//

#include "ldn/IR/LDNDialect.h"
#include "ldn/IR/LDNAttrs.h"
#include "ldn/IR/LDNOps.h"

using namespace mlir;
using namespace mlir::ldn;

#include "ldn/IR/LDNOpsDialect.cpp.inc"

void LDNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ldn/IR/LDNOps.cpp.inc"
      >();
  registerAttributes();
}
