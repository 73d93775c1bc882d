//===- ReassociateFloats.cpp - fastmath<reassoc, contract> on arith ops ---===//

#include "Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNREASSOCIATEFLOATS
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

namespace {
struct ReassociateFloats
    : ldn::impl::LDNReassociateFloatsBase<ReassociateFloats> {
  void runOnOperation() override {
    getOperation()->walk([&](arith::ArithFastMathInterface op) {
      arith::FastMathFlags flags = arith::FastMathFlags::none;
      if (arith::FastMathFlagsAttr current = op.getFastMathFlagsAttr())
        flags = current.getValue();
      flags = flags | arith::FastMathFlags::reassoc |
              arith::FastMathFlags::contract;
      op->setAttr(op.getFastMathAttrName(),
                  arith::FastMathFlagsAttr::get(&getContext(), flags));
    });
  }
};
} // namespace
