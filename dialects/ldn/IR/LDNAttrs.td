//===- LDNAttrs.td - ldn attributes and enums ----------------*- tablegen -*-===//

#ifndef LDN_ATTRS_TD
#define LDN_ATTRS_TD

include "ldn/IR/LDNDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/CommonAttrConstraints.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def LDN_DiffusionMode : I32EnumAttr<"DiffusionMode",
    "how ldn.attention_diffuse combines its hops", [
      I32EnumAttrCase<"ppr", 0>,
      I32EnumAttrCase<"laplacian", 1>,
      I32EnumAttrCase<"coeffs", 2>]> {
  let cppNamespace = "::mlir::ldn";
  let genSpecializedAttr = 0;
}
def LDN_DiffusionModeAttr : EnumAttr<LDN_Dialect, LDN_DiffusionMode,
                                     "diffusion_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def LDN_ConvStrategy : I32EnumAttr<"ConvStrategy",
    "how ldn.long_conv is evaluated (a lowering choice, never a semantic one)", [
      I32EnumAttrCase<"automatic", 0, "auto">,
      I32EnumAttrCase<"direct", 1>,
      I32EnumAttrCase<"fft", 2>]> {
  let cppNamespace = "::mlir::ldn";
  let genSpecializedAttr = 0;
}
def LDN_ConvStrategyAttr : EnumAttr<LDN_Dialect, LDN_ConvStrategy,
                                    "conv_strategy"> {
  let assemblyFormat = "`<` $value `>`";
}

def LDN_Discretization : I32EnumAttr<"Discretization",
    "how ldn.ssm_kernel discretizes the continuous-time SSM", [
      I32EnumAttrCase<"zoh", 0>,
      I32EnumAttrCase<"bilinear", 1>]> {
  let cppNamespace = "::mlir::ldn";
  let genSpecializedAttr = 0;
}
def LDN_DiscretizationAttr : EnumAttr<LDN_Dialect, LDN_Discretization,
                                      "discretization"> {
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// #ldn.pattern
//===----------------------------------------------------------------------===//

def LDN_PatternAttr : AttrDef<LDN_Dialect, "Pattern"> {
  let mnemonic = "pattern";
  let summary = "Sparse attention pattern of ldn.attention_diffuse";
  let description = [{
    A set of directed edges (query `t`, key `s`), the same for every batch
    row and head, computable from `(t, s)` alone so that no `T x T` matrix is
    ever stored. The union of:

    - local blocks: blocks of size `window` start at every multiple of
      `stride` (`0 < stride <= window`; `window = 0` disables them); `t` and
      `s` are connected when some block holds both;
    - globals: every edge touching a token listed in `globals` (indices
      `>= T` are ignored);
    - random: query `t` has edges to `random` keys
      `mix(seed ^ (t << 20) ^ j) mod T`, `j < random`, where `mix` is one
      SplitMix64 step on unsigned 64-bit integers;
    - the self edge `(t, t)`.

    `causal = true` drops every edge with `s > t`. `dense` selects every
    edge (for small `T` and for testing) and excludes the other rules.

    Syntax: `#ldn.pattern<dense>` or a comma-separated list of
    `key = value` entries, each optional, in any order:

    ```mlir
    #ldn.pattern<window = 64, stride = 32, globals = [0, 512], random = 3, seed = 7, causal = false>
    #ldn.pattern<dense, causal = true>
    ```

    Defaults: `window = 0`, `stride = window`, `globals = []`, `random = 0`,
    `seed = 0`, `causal = false`.
  }];
  let parameters = (ins
    "bool":$dense,
    "int64_t":$window,
    "int64_t":$stride,
    ArrayRefParameter<"int64_t", "global token indices">:$globals,
    "int64_t":$random,
    "uint64_t":$seed,
    "bool":$causal);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

#endif // LDN_ATTRS_TD
