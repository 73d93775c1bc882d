//===- LDNDialect.h - the ldn dialect ---------------------------*- C++ -*-===//

#ifndef LDN_IR_LDNDIALECT_H
#define LDN_IR_LDNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "ldn/IR/LDNOpsDialect.h.inc"

#endif // LDN_IR_LDNDIALECT_H
