//===- LDNAttrs.h - ldn attributes and enums --------------------*- C++ -*-===//

#ifndef LDN_IR_LDNATTRS_H
#define LDN_IR_LDNATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "ldn/IR/LDNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ldn/IR/LDNAttrs.h.inc"

#endif // LDN_IR_LDNATTRS_H
