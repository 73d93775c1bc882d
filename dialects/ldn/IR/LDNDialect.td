//===- LDNDialect.td - the ldn dialect -----------------------*- tablegen -*-===//
//
// The `ldn` dialect: sequence-mixing ops of diffusion sequence models.
// Normative semantics: ops.md (mirrored in docs/).
//
//===----------------------------------------------------------------------===//

#ifndef LDN_DIALECT_TD
#define LDN_DIALECT_TD

include "mlir/IR/OpBase.td"

def LDN_Dialect : Dialect {
  let name = "ldn";
  let cppNamespace = "::mlir::ldn";
  let summary = "Sequence-mixing ops for diffusion sequence models.";
  let description = [{
    The `ldn` dialect holds the sequence-mixing ops of Linear Diffusion
    Networks, Diffuser, LightNet, LDNN and their family (S4D, S5, Mamba's
    selective scan, gated linear attention). Everything else in a model
    (projections, norms, activations, gates, residuals, reshapes) is written
    with upstream `linalg`, `tosa`, `arith` and `math` ops.

    All ops are pure tensor ops with value semantics. `B` (batch) and `T`
    (sequence length) may be dynamic everywhere. Element types are `f32`,
    `f16` or `bf16`; accumulation and carried state are always `f32`.
    Shape mismatches that are visible statically are verifier errors; those
    visible only at run time are runtime errors.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class LDN_Op<string mnemonic, list<Trait> traits = []>
    : Op<LDN_Dialect, mnemonic, traits>;

#endif // LDN_DIALECT_TD
