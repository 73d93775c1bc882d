// ldn.attention_diffuse compiled for %ldn_target, checked against
// lib/Reference: a sparse pattern (local blocks, globals including one past
// the end, random keys) with PPR hops; a causal Laplacian with lengths;
// Σ θ_k A^k V on the dense pattern; globals and random keys alone.
// RUN: ldn-compile %s --target=%ldn_target -o %t.so
// RUN: for T in 1 2 7 63 64 65 1000 4096; do for B in 1 3; do \
// RUN:   ldn-run %t.so --entry sparse_ppr --random q=${B}x${T}x2x4 --random k=${B}x${T}x2x4 --random v=${B}x${T}x2x3 --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry causal_laplacian --random q=${B}x${T}x2x4 --random k=${B}x${T}x2x4 --random v=${B}x${T}x2x3 --random lengths=${B}:0:$((T + 1)) --check --quiet || exit 1; \
// RUN:   ldn-run %t.so --entry no_window --random q=${B}x${T}x2x4 --random k=${B}x${T}x2x4 --random v=${B}x${T}x2x3 --check --quiet || exit 1; \
// RUN: done; done
// RUN: for T in 1 2 7 65; do \
// RUN:   ldn-run %t.so --entry dense_coeffs --random q=3x${T}x2x4 --random k=3x${T}x2x4 --random v=3x${T}x2x3 --check --quiet || exit 1; \
// RUN: done
// RUN: ldn-run %t.so --entry half --random q=2x65x2x4 --random k=2x65x2x4 --random v=2x65x2x4 --check | FileCheck %s
// CHECK: check result0: {{.*}}: ok
// A length past T is an error from the compiled code, not clamped.
// RUN: not ldn-run %t.so --entry causal_laplacian --random q=2x11x2x4 --random k=2x11x2x4 --random v=2x11x2x3 --random lengths=2:12:13 2>&1 | FileCheck %s --check-prefix=LENGTH
// LENGTH: error: causal_laplacian: {{.*}}attention_diffuse.mlir:{{[0-9]+}}:8: 'ldn.attention_diffuse' op every 'lengths' value must be in [0, T]

func.func @sparse_ppr(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<window = 8, stride = 4, globals = [0, 5, 100000], random = 2, seed = 7>,
       hops = 3, alpha = 0.2 : f32}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

func.func @causal_laplacian(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>, %lengths: tensor<?xi32>) -> tensor<?x?x2x3xf32> {
  %z = ldn.attention_diffuse %q, %k, %v lengths %lengths
      {pattern = #ldn.pattern<window = 6, stride = 3, globals = [1], random = 1, seed = 3, causal = true>,
       mode = #ldn.diffusion_mode<laplacian>, scale = 0.7 : f32}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32>, tensor<?xi32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

func.func @no_window(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<globals = [3], random = 3, seed = 18446744073709551615>, hops = 2}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

func.func @dense_coeffs(%q: tensor<?x?x2x4xf32>, %k: tensor<?x?x2x4xf32>, %v: tensor<?x?x2x3xf32>) -> tensor<?x?x2x3xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<dense>, hops = 2, mode = #ldn.diffusion_mode<coeffs>,
       coeffs = array<f32: 0.5, 0.3, 0.2>}
      : tensor<?x?x2x4xf32>, tensor<?x?x2x4xf32>, tensor<?x?x2x3xf32> -> tensor<?x?x2x3xf32>
  return %z : tensor<?x?x2x3xf32>
}

func.func @half(%q: tensor<?x?x2x4xf16>, %k: tensor<?x?x2x4xf16>, %v: tensor<?x?x2x4xf16>) -> tensor<?x?x2x4xf16> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<window = 8, stride = 8, random = 1>, hops = 2}
      : tensor<?x?x2x4xf16>, tensor<?x?x2x4xf16>, tensor<?x?x2x4xf16> -> tensor<?x?x2x4xf16>
  return %z : tensor<?x?x2x4xf16>
}
