//===- EmuTarget.h - the ldn_emu dialect and #ldn_emu.target ----*- C++ -*-===//
//
// Declarations generated from EmuTarget.td. Compiler code outside the
// emulator target only needs Target/Emu.h.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_EMUTARGET_H
#define LDN_COMPILER_TARGET_EMUTARGET_H

#include "mlir/Dialect/GPU/IR/CompilationInterfaces.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "Target/EmuDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Target/EmuAttrs.h.inc"

#endif // LDN_COMPILER_TARGET_EMUTARGET_H
