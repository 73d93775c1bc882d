// Every verifier and parser diagnostic of the ldn dialect, one case each.
// Generated cases are grouped by op; messages name the operand and the
// dimension so a user can find the mistake without reading the verifier.
// RUN: ldn-opt %s -split-input-file -verify-diagnostics

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{a dense #ldn.pattern has every edge; it takes no window, stride, globals, random or seed}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<dense, window = 4>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern window must be >= 0, got -1}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<window = -1>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern stride 2 needs a window > 0}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<stride = 2>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern stride must satisfy 0 < stride <= window (4), got 5}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<window = 4, stride = 5>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern stride must satisfy 0 < stride <= window (4), got 0}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<window = 4, stride = 0>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern random must be >= 0, got -3}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<random = -3>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{#ldn.pattern globals must be >= 0, got -1}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<globals = [0, -1]>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{'window' is given twice in #ldn.pattern}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<window = 4, window = 8>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{unknown #ldn.pattern key 'windw'; expected one of dense, window, stride, globals, random, seed, causal}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<windw = 4>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%q: tensor<1x4x1x2xf32>) {
  // expected-error @+1 {{expected 'true' or 'false' for 'causal', got 'yes'}}
  %0 = ldn.attention_diffuse %q, %q, %q {pattern = #ldn.pattern<causal = yes>} : tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32>, tensor<1x4x1x2xf32> -> tensor<1x4x1x2xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op 'steps' must be >= 1, got 0}}
  %0 = ldn.diffuse %x, %w, %a {steps = 0} : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<0xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op 'w' must hold at least one offset weight (R >= 1)}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<?x?x8xf32>, tensor<0xf32>, tensor<8xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op channels D: 'alpha' has 4 but 'x' has 8}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<?x?x8xf32>, tensor<3xf32>, tensor<4xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<2x?x8xf32>, %w: tensor<3xf32>, %a: tensor<3x?x8xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op batch B: 'alpha' has 3 but 'x' has 2}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<2x?x8xf32>, tensor<3xf32>, tensor<3x?x8xf32> -> tensor<2x?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op operand #0 must be 3D tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<?x?xf32>'}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<?x?xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xi32>, %w: tensor<3xf32>, %a: tensor<8xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op operand #0 must be 3D tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<?x?x8xi32>'}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<?x?x8xi32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x8xi32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>) {
  // expected-error @+2 {{'ldn.diffuse' op inferred type(s) 'tensor<?x?x8xf32>' are incompatible with return type(s) of operation 'tensor<?x?x9xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ldn.diffuse %x, %w, %a  : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32> -> tensor<?x?x9xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>, %a: tensor<8xf32>, %dt: tensor<1xf32>) {
  // expected-error @+1 {{'ldn.diffuse' op operand #3 must be 0D tensor of 32-bit float or 16-bit float or bfloat16 type values, but got 'tensor<1xf32>'}}
  %0 = ldn.diffuse %x, %w, %a dt %dt : tensor<?x?x8xf32>, tensor<3xf32>, tensor<8xf32>, tensor<1xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x6xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op key dimension d: 'k' has 6 but 'q' has 8}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x6xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x15x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op length T: 'v' has 15 but 'q' has 16}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x15x4x8xf32> -> tensor<2x15x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x3x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op heads H: 'v' has 3 but 'q' has 4}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x3x8xf32> -> tensor<2x16x3x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>, %l: tensor<3xi32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op batch B: 'lengths' has 3 but 'q' has 2}}
  %0 = ldn.attention_diffuse %q, %k, %v lengths %l {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<3xi32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>, %l: tensor<2xi64>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op operand #3 must be 1D tensor of 32-bit signless integer values, but got 'tensor<2xi64>'}}
  %0 = ldn.attention_diffuse %q, %k, %v lengths %l {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2xi64> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf16>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'q' and 'v' must have the same element type, got f32 and f16}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf16> -> tensor<2x16x4x8xf16>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'hops' must be >= 1, got 0}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, hops = 0} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'alpha' must be in [0, 1], got 1.5}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, alpha = 1.5 : f32} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'scale' must be finite}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, scale = 0x7F800000 : f32} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op mode laplacian computes (A - I) V and needs hops = 1, got 2}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, hops = 2, mode = #ldn.diffusion_mode<laplacian>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op mode coeffs needs a 'coeffs' attribute with hops + 1 values}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, mode = #ldn.diffusion_mode<coeffs>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'coeffs' must hold hops + 1 = 3 values, got 2}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, hops = 2, mode = #ldn.diffusion_mode<coeffs>, coeffs = array<f32: 1.0, 0.5>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op 'coeffs' is only used with mode = coeffs}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, coeffs = array<f32: 1.0, 0.5>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+1 {{'ldn.attention_diffuse' op requires attribute 'pattern'}}
  %0 = ldn.attention_diffuse %q, %k, %v {hops = 1} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%q: tensor<2x16x4x8xf32>, %k: tensor<2x16x4x8xf32>, %v: tensor<2x16x4x8xf32>) {
  // expected-error @+2 {{expected ::mlir::ldn::DiffusionMode to be one of: ppr, laplacian, coeffs}}
  // expected-error @+1 {{failed to parse LDN_DiffusionModeAttr parameter 'value'}}
  %0 = ldn.attention_diffuse %q, %k, %v {pattern = #ldn.pattern<window = 2>, mode = #ldn.diffusion_mode<heat>} : tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32>, tensor<2x16x4x8xf32> -> tensor<2x16x4x8xf32>
  return
}

// -----

func.func @f(%a: tensor<7xf32>, %b: tensor<7xf32>) {
  // expected-error @+1 {{'ldn.scan' op 'b' must have rank >= 2, got rank 1}}
  %h, %l = ldn.scan %a, %b  : tensor<7xf32>, tensor<7xf32> -> tensor<7xf32>, tensor<f32>
  return
}

// -----

func.func @f(%a: tensor<2x7x8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op 'dim' must be in [0, 3) for 'b' of rank 3, got 3}}
  %h, %l = ldn.scan %a, %b {dim = 3} : tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<2x7x8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op 'dim' must be in [0, 3) for 'b' of rank 3, got -1}}
  %h, %l = ldn.scan %a, %b {dim = -1} : tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<7x8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op 'a' must have the shape of 'b' (rank 3) or be 1-D per-channel, got rank 2}}
  %h, %l = ldn.scan %a, %b  : tensor<7x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op a 1-D 'a' is a per-channel decay over the last dimension, so 'dim' cannot be the last dimension}}
  %h, %l = ldn.scan %a, %b {dim = 2} : tensor<8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x7xf32>
  return
}

// -----

func.func @f(%a: tensor<9xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op last dimension: 'a' has 9 but 'b' has 8}}
  %h, %l = ldn.scan %a, %b  : tensor<9xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<2x6x8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op dimension 1: 'a' has 6 but 'b' has 7}}
  %h, %l = ldn.scan %a, %b  : tensor<2x6x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<2x7x8xf32>, %b: tensor<2x7x8xf32>, %h0: tensor<2x7x8xf32>) {
  // expected-error @+1 {{'ldn.scan' op 'init' must have the shape of 'b' without dimension 1 (rank 2), got rank 3}}
  %h, %l = ldn.scan %a, %b init %h0  : tensor<2x7x8xf32>, tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<2x7x8xf32>, %b: tensor<2x7x8xf32>, %h0: tensor<2x7xf32>) {
  // expected-error @+1 {{'ldn.scan' op dimension 2 of 'b': 'init' has 7 but 'b' has 8}}
  %h, %l = ldn.scan %a, %b init %h0  : tensor<2x7x8xf32>, tensor<2x7x8xf32>, tensor<2x7xf32> -> tensor<2x7x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @f(%a: tensor<2x7x8xf32>, %b: tensor<2x7x8xf32>) {
  // expected-error @+2 {{'ldn.scan' op inferred type(s) 'tensor<2x7x8xf32>', 'tensor<2x8xf32>' are incompatible with return type(s) of operation 'tensor<2x7x8xf32>', 'tensor<2x7xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %h, %l = ldn.scan %a, %b  : tensor<2x7x8xf32>, tensor<2x7x8xf32> -> tensor<2x7x8xf32>, tensor<2x7xf32>
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x6x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op length T: 'delta' has 6 but 'x' has 5}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C  : (tensor<2x5x8xf32>, tensor<2x6x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<7x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op channels D: 'A' has 7 but 'x' has 8}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<7x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x3xf32>, %C: tensor<2x5x4xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op state size N: 'B' has 3 but 'A' has 4}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x3xf32>, tensor<2x5x4xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<1x5x4xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op batch B: 'C' has 1 but 'x' has 2}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<1x5x4xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>, %D: tensor<9xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op channels D: 'D' has 9 but 'x' has 8}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<9xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>, %z: tensor<2x5x4xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op channels D: 'z' has 4 but 'x' has 8}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C gate %z  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>, %dbias: tensor<3xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op channels D: 'dbias' has 3 but 'x' has 8}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C dbias %dbias  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<3xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>, %h0: tensor<2x8x5xf32>) {
  // expected-error @+1 {{'ldn.selective_scan' op state size N: 'init' has 5 but 'A' has 4}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C init %h0  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x8x5xf32>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%x: tensor<2x5x8xf32>, %delta: tensor<2x5x8xf32>, %A: tensor<8x4xf32>, %B: tensor<2x5x4xf32>, %C: tensor<2x5x4xf32>, %h0: tensor<2x8x4xf16>) {
  // expected-error @+1 {{'ldn.selective_scan' op operand #5 must be 3D tensor of 32-bit float values, but got 'tensor<2x8x4xf16>'}}
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C init %h0  : (tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<8x4xf32>, tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<2x8x4xf16>) -> (tensor<2x5x8xf32>, tensor<2x8x4xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x6xf32>, %v: tensor<2x7x4x8xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op key dimension d: 'k' has 6 but 'q' has 8}}
  %o, %S = ldn.linear_attention %q, %k, %v  : (tensor<2x7x4x8xf32>, tensor<2x7x4x6xf32>, tensor<2x7x4x8xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x5x8xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op heads H: 'v' has 5 but 'q' has 4}}
  %o, %S = ldn.linear_attention %q, %k, %v  : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x5x8xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xbf16>, %v: tensor<2x7x4x8xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op 'q' and 'k' must have the same element type, got f32 and bf16}}
  %o, %S = ldn.linear_attention %q, %k, %v  : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xbf16>, tensor<2x7x4x8xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x8xf32>, %d: tensor<2x7x4xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op a 'decay' needs causal = true: the non-causal form is one order-free reduction}}
  %o, %S = ldn.linear_attention %q, %k, %v decay %d {causal = false} : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x8xf32>, %d: tensor<2x7x3xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op heads H: 'decay' has 3 but 'q' has 4}}
  %o, %S = ldn.linear_attention %q, %k, %v decay %d  : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x3xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x8xf32>, %d: tensor<2x7x4x16xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op key dimension d: 'decay' has 16 but 'q' has 8}}
  %o, %S = ldn.linear_attention %q, %k, %v decay %d  : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x16xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x8xf32>, %s: tensor<2x4x8x9xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op value dimension e: 'init' has 9 but 'v' has 8}}
  %o, %S = ldn.linear_attention %q, %k, %v init %s  : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x4x8x9xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%q: tensor<2x7x4x8xf32>, %k: tensor<2x7x4x8xf32>, %v: tensor<2x7x4x8xf32>) {
  // expected-error @+1 {{'ldn.linear_attention' op 'scale' must be finite}}
  %o, %S = ldn.linear_attention %q, %k, %v {scale = 0x7FC00000 : f32} : (tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>) -> (tensor<2x7x4x8xf32>, tensor<2x4x8x8xf32>)
  return
}

// -----

func.func @f(%k: tensor<2x7x4x8xf32>) {
  // expected-error @+1 {{'ldn.additive_decay' op 'sink' is only used with causal = true}}
  %kn, %d = ldn.additive_decay %k {causal = false, sink = 0.0 : f32} : tensor<2x7x4x8xf32> -> tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>
  return
}

// -----

func.func @f(%k: tensor<2x7x4x8xf32>) {
  // expected-error @+1 {{'ldn.additive_decay' op 'sink' must be a finite logit}}
  %kn, %d = ldn.additive_decay %k {sink = 0xFF800000 : f32} : tensor<2x7x4x8xf32> -> tensor<2x7x4x8xf32>, tensor<2x7x4x8xf32>
  return
}

// -----

func.func @f(%k: tensor<2x7x4x8xf16>) {
  // expected-error @+1 {{'ldn.additive_decay' op result #0 must be 4D tensor of 32-bit float values, but got 'tensor<2x7x4x8xf16>'}}
  %kn, %d = ldn.additive_decay %k : tensor<2x7x4x8xf16> -> tensor<2x7x4x8xf16>, tensor<2x7x4x8xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op 'grid' must have at least one axis}}
  %0 = ldn.lrpe %x, %t {grid = array<i64>} : tensor<1x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op 'prefix' must be >= 0, got -1}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4, 4>, prefix = -1} : tensor<1x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op 'grid' sizes must be >= 1, got 0}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4, 0>} : tensor<1x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x?x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op 'grid' has too many cells}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4294967296, 4294967296>} : tensor<1x?x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<3x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op heads H: 'theta' has 3 but 'x' has 2}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4, 4>, prefix = 1} : tensor<1x17x2x8xf32>, tensor<3x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x16x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op length T of 'x' (16) must be prefix + product of grid = 17}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4, 4>, prefix = 1} : tensor<1x16x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<2x3xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op the angles of 2 grid axes x 3 frequencies of 'theta' cannot cover the 8 features of 'x' (need axes * e >= d)}}
  %0 = ldn.lrpe %x, %t {grid = array<i64: 4, 4>, prefix = 1} : tensor<1x17x2x8xf32>, tensor<2x3xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%x: tensor<1x17x2x8xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lrpe' op requires attribute 'grid'}}
  %0 = ldn.lrpe %x, %t {prefix = 1} : tensor<1x17x2x8xf32>, tensor<2x4xf32> -> tensor<?x?x?x?xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<4xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op modes N: 'lambda_im' has 4 but 'lambda_re' has 8}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c  : tensor<8xf32>, tensor<4xf32>, tensor<8xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<7xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op modes N: 'log_dt' has 7 but 'lambda_re' has 8}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c  : tensor<8xf32>, tensor<8xf32>, tensor<7xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op modes N: 'result' has 6 but 'lambda_re' has 8}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c  : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<6x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op a bidirectional kernel holds 2L lags, but the result has 15}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %n {bidirectional = true} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x15xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op the result has 16 static lags but 'length' is not a constant}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %n  : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op 'length' must be >= 0, got -1}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %m  : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x?xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op the result has 16 lags but 'length' 16 gives 32}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c {bidirectional = true} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf16>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+1 {{'ldn.ssm_kernel' op operand #2 must be 1D tensor of 32-bit float values, but got 'tensor<8xf16>'}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c  : tensor<8xf32>, tensor<8xf32>, tensor<8xf16> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%re: tensor<8xf32>, %im: tensor<8xf32>, %dt: tensor<8xf32>, %n: index) {
  %c = arith.constant 16 : index
  %m = arith.constant -1 : index
  // expected-error @+2 {{expected ::mlir::ldn::Discretization to be one of: zoh, bilinear}}
  // expected-error @+1 {{failed to parse LDN_DiscretizationAttr parameter 'value'}}
  %0 = ldn.ssm_kernel %re, %im, %dt, %c {method = #ldn.discretization<euler>} : tensor<8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%v: tensor<?x?x8xf32>, %k: tensor<4x16xf32>) {
  // expected-error @+1 {{'ldn.long_conv' op channels D: 'kernel' has 4 but 'v' has 8}}
  %0 = ldn.long_conv %v, %k  : tensor<?x?x8xf32>, tensor<4x16xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%v: tensor<?x?x8xf32>, %k: tensor<8x0xf32>) {
  // expected-error @+1 {{'ldn.long_conv' op 'kernel' must hold at least one lag}}
  %0 = ldn.long_conv %v, %k  : tensor<?x?x8xf32>, tensor<8x0xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%v: tensor<?x?x8xf32>, %k: tensor<8x15xf32>) {
  // expected-error @+1 {{'ldn.long_conv' op a bidirectional 'kernel' holds 2L lags (L >= 1, as made by ldn.ssm_kernel), got 15}}
  %0 = ldn.long_conv %v, %k {bidirectional = true} : tensor<?x?x8xf32>, tensor<8x15xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%v: tensor<?x?x8xf32>, %k: tensor<8x16xf32>) {
  // expected-error @+2 {{expected ::mlir::ldn::ConvStrategy to be one of: auto, direct, fft}}
  // expected-error @+1 {{failed to parse LDN_ConvStrategyAttr parameter 'value'}}
  %0 = ldn.long_conv %v, %k {strategy = #ldn.conv_strategy<winograd>} : tensor<?x?x8xf32>, tensor<8x16xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%x: tensor<?x?x8xf32>, %w: tensor<3xf32>) {
  // expected-error @+1 {{expected ','}}
  %0 = ldn.diffuse %x, %w : tensor<?x?x8xf32>, tensor<3xf32> -> tensor<?x?x8xf32>
  return
}

// -----

// ldn.elementwise: inputs have the trailing shape of the source.
func.func @f(%y: tensor<?x?x8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'ldn.elementwise' op input #1 dimension 0 is 4 but must match source dimension 2 (8): inputs have the trailing shape of the source}}
  %0 = ldn.elementwise %y, %b : tensor<?x?x8xf32>, tensor<4xf32> -> tensor<?x?x8xf32> {
  ^bb0(%a: f32, %c: f32):
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>, %b: tensor<2x?x8xf32>) {
  // expected-error @+1 {{'ldn.elementwise' op input #1 has rank 3, more than the source's 2}}
  %0 = ldn.elementwise %y, %b : tensor<?x8xf32>, tensor<2x?x8xf32> -> tensor<?x8xf32> {
  ^bb0(%a: f32, %c: f32):
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>) {
  // expected-error @+1 {{'ldn.elementwise' op result shape must be the source shape}}
  %0 = ldn.elementwise %y : tensor<?x8xf32> -> tensor<?x4xf32> {
  ^bb0(%a: f32):
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'ldn.elementwise' op body has 1 arguments but the op has 2 inputs (one per input element, source first)}}
  %0 = ldn.elementwise %y, %b : tensor<?x8xf32>, tensor<8xf32> -> tensor<?x8xf32> {
  ^bb0(%a: f32):
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>, %b: tensor<8xf16>) {
  // expected-error @+1 {{'ldn.elementwise' op body argument #1 has type 'f32' but input #1 has element type 'f16'}}
  %0 = ldn.elementwise %y, %b : tensor<?x8xf32>, tensor<8xf16> -> tensor<?x8xf32> {
  ^bb0(%a: f32, %c: f32):
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>) {
  %0 = ldn.elementwise %y : tensor<?x8xf32> -> tensor<?x8xf16> {
  ^bb0(%a: f32):
    // expected-error @+1 {{'ldn.yield' op yields 'f32' but the result has elements of type 'f16'}}
    ldn.yield %a : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>) {
  %0 = ldn.elementwise %y : tensor<?x8xf32> -> tensor<?x8xf32> {
  ^bb0(%a: f32):
    // expected-error @+1 {{'memref.alloc' op has memory effects, which an ldn.elementwise body must not have: fusion may evaluate it once per stored element}}
    %m = memref.alloc() : memref<f32>
    ldn.yield %a : f32
  }
  return
}

// -----

// The body is isolated from above: scalars are inputs.
func.func @f(%y: tensor<?x8xf32>, %s: f32) {
  // expected-note @+1 {{required by region isolation constraints}}
  %0 = ldn.elementwise %y : tensor<?x8xf32> -> tensor<?x8xf32> {
  ^bb0(%a: f32):
    // expected-error @+1 {{using value defined outside the region}}
    %r = arith.addf %a, %s : f32
    ldn.yield %r : f32
  }
  return
}

// -----

func.func @f(%y: tensor<?x8xf32>) {
  // expected-error @+1 {{'ldn.yield' op expects parent op 'ldn.elementwise'}}
  ldn.yield %y : tensor<?x8xf32>
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<?x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op 'out_proj' must have a static shape}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<?x3x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x?xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<2x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op the channel sizes ('u' dimension 2, 'kernel' dimension 0) must be static}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x?xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<2x3x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<4x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op heads G: 'out_proj' has 4 but 'in_proj' has 2}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<4x3x5xf32> -> tensor<?x?x20xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<2x2x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op state size N: 'out_proj' has 2 but 'in_proj' has 3}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<2x2x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x6xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<2x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op 'u' has 6 channels but 'in_proj' takes G·Hg = 8}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x6xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<2x3x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<5x16xf32>, %cp: tensor<2x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op 'kernel' has 5 rows but the projections make G·Ng = 6 channels}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<5x16xf32>, tensor<2x3x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x15xf32>, %cp: tensor<2x3x5xf32>) {
  // expected-error @+1 {{'ldn.ssm_conv' op a bidirectional 'kernel' holds 2L lags (L >= 1, as made by ldn.ssm_kernel), got 15}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true} : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<6x15xf32>, tensor<2x3x5xf32> -> tensor<?x?x10xf32>
  return
}

// -----

func.func @f(%u: tensor<?x?x8xf32>, %bp: tensor<2x4x3xf32>, %k: tensor<6x16xf32>, %cp: tensor<2x3x5xf32>) {
  // expected-error @+2 {{'ldn.ssm_conv' op inferred type(s) 'tensor<?x?x10xf32>' are incompatible with return type(s) of operation 'tensor<?x?x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = ldn.ssm_conv %u, %bp, %k, %cp : tensor<?x?x8xf32>, tensor<2x4x3xf32>, tensor<6x16xf32>, tensor<2x3x5xf32> -> tensor<?x?x8xf32>
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x4xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op 'sink' is only used with causal = true}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {causal = false, sink = 0.0 : f32, grid = array<i64: 16>} : (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x5xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op key dimension d: 'k' has 5 but 'q' has 4}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 16>} : (tensor<1x16x2x4xf32>, tensor<1x16x2x5xf32>, tensor<1x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x4xf32>, %v: tensor<1x15x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op length T: 'v' has 15 but 'q' has 16}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 16>} : (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x15x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x4xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<3x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op heads H: 'theta' has 3 but 'q' has 2}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 16>} : (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x16x2x3xf32>, tensor<3x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x4xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op length T of 'q' (16) must be prefix + product of grid = 17}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 4, 4>, prefix = 1} : (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x8xf32>, %k: tensor<1x16x2x8xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op the angles of 1 grid axes x 4 frequencies of 'theta' cannot cover the 8 features of 'q' (need axes * e >= d)}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 16>} : (tensor<1x16x2x8xf32>, tensor<1x16x2x8xf32>, tensor<1x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// -----

func.func @f(%q: tensor<1x16x2x4xf32>, %k: tensor<1x16x2x4xf32>, %v: tensor<1x16x2x3xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'ldn.lightnet_attention' op 'scale' must be finite}}
  %o, %s = ldn.lightnet_attention %q, %k, %v, %t {grid = array<i64: 16>, scale = 0x7F800000 : f32} : (tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>, tensor<1x16x2x3xf32>, tensor<2x4xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}
