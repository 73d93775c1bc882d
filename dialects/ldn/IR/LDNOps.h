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

#endif // LDN_IR_LDNOPS_H
