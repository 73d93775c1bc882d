// Round trip of every ldn op: custom form, then the generic form parsed back.
// RUN: ldn-opt %s | ldn-opt | FileCheck %s
// RUN: ldn-opt %s --mlir-print-op-generic | ldn-opt | FileCheck %s
// Parsing the printed form must not change it.
// RUN: ldn-opt %s > %t.1.mlir && ldn-opt %t.1.mlir > %t.2.mlir && diff %t.1.mlir %t.2.mlir

// CHECK-LABEL: func.func @diffuse
func.func @diffuse(%x: tensor<?x?x256xf32>, %w: tensor<8xf32>, %a: tensor<256xf32>,
                   %at: tensor<?x?x256xf32>, %dt: tensor<f32>, %xs: tensor<2x7x4xbf16>,
                   %ws: tensor<3xf32>, %as: tensor<4xf16>) {
  // CHECK: ldn.diffuse %{{.*}}, %{{.*}}, %{{.*}} {dt = 1.000000e-01 : f32, steps = 4 : i64} : tensor<?x?x256xf32>, tensor<8xf32>, tensor<256xf32> -> tensor<?x?x256xf32>
  %0 = ldn.diffuse %x, %w, %a {steps = 4, dt = 0.1 : f32}
       : tensor<?x?x256xf32>, tensor<8xf32>, tensor<256xf32> -> tensor<?x?x256xf32>
  // CHECK: ldn.diffuse %{{.*}}, %{{.*}}, %{{.*}} dt %{{.*}} {causal = true} : tensor<?x?x256xf32>, tensor<8xf32>, tensor<?x?x256xf32>, tensor<f32> -> tensor<?x?x256xf32>
  %1 = ldn.diffuse %x, %w, %at dt %dt {causal = true}
       : tensor<?x?x256xf32>, tensor<8xf32>, tensor<?x?x256xf32>, tensor<f32> -> tensor<?x?x256xf32>
  // Static shapes, bf16 activations with f32/f16 parameters.
  // CHECK: ldn.diffuse %{{.*}} : tensor<2x7x4xbf16>, tensor<3xf32>, tensor<4xf16> -> tensor<2x7x4xbf16>
  %2 = ldn.diffuse %xs, %ws, %as : tensor<2x7x4xbf16>, tensor<3xf32>, tensor<4xf16> -> tensor<2x7x4xbf16>
  // A declared result may be more static than the inferred one.
  // CHECK: -> tensor<2x?x256xf32>
  %3 = ldn.diffuse %x, %w, %a : tensor<?x?x256xf32>, tensor<8xf32>, tensor<256xf32> -> tensor<2x?x256xf32>
  return
}

// CHECK-LABEL: func.func @attention_diffuse
func.func @attention_diffuse(%q: tensor<?x?x4x64xf32>, %v: tensor<?x?x4x32xf32>,
                             %len: tensor<?xi32>, %qs: tensor<1x7x2x8xf16>) {
  // Default-valued attributes (alpha = 0.1, mode = ppr) are elided.
  // CHECK: ldn.attention_diffuse %{{.*}}, %{{.*}}, %{{.*}} {hops = 5 : i64, pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 512], random = 3, seed = 7>} : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>, tensor<?x?x4x32xf32> -> tensor<?x?x4x32xf32>
  %0 = ldn.attention_diffuse %q, %q, %v
         {pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 512],
                                 random = 3, seed = 7, causal = false>,
          hops = 5, alpha = 0.1 : f32, mode = #ldn.diffusion_mode<ppr>}
       : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>, tensor<?x?x4x32xf32> -> tensor<?x?x4x32xf32>
  // CHECK: ldn.attention_diffuse %{{.*}}, %{{.*}}, %{{.*}} lengths %{{.*}} {mode = #ldn.diffusion_mode<laplacian>, pattern = #ldn.pattern<window = 16, causal = true>, scale = 2.500000e-01 : f32} : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>, tensor<?x?x4x32xf32>, tensor<?xi32> -> tensor<?x?x4x32xf32>
  %1 = ldn.attention_diffuse %q, %q, %v lengths %len
         {pattern = #ldn.pattern<causal = true, window = 16>, scale = 0.25 : f32,
          mode = #ldn.diffusion_mode<laplacian>}
       : tensor<?x?x4x64xf32>, tensor<?x?x4x64xf32>, tensor<?x?x4x32xf32>, tensor<?xi32> -> tensor<?x?x4x32xf32>
  // CHECK: ldn.attention_diffuse {{.*}} {coeffs = array<f32: 5.000000e-01, 2.500000e-01, 2.500000e-01>, hops = 2 : i64, mode = #ldn.diffusion_mode<coeffs>, pattern = #ldn.pattern<dense>} : tensor<1x7x2x8xf16>
  %2 = ldn.attention_diffuse %qs, %qs, %qs
         {pattern = #ldn.pattern<dense>, hops = 2, mode = #ldn.diffusion_mode<coeffs>,
          coeffs = array<f32: 0.5, 0.25, 0.25>}
       : tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16> -> tensor<1x7x2x8xf16>
  // The empty pattern has only self edges; a causal dense pattern is allowed.
  // CHECK: pattern = #ldn.pattern<>
  %3 = ldn.attention_diffuse %qs, %qs, %qs {pattern = #ldn.pattern<>}
       : tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16> -> tensor<1x7x2x8xf16>
  // CHECK: pattern = #ldn.pattern<dense, causal = true>
  %4 = ldn.attention_diffuse %qs, %qs, %qs {pattern = #ldn.pattern<dense, causal = true>}
       : tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16>, tensor<1x7x2x8xf16> -> tensor<1x7x2x8xf16>
  return
}

// CHECK-LABEL: func.func @scan
func.func @scan(%a: tensor<?x?x512xf32>, %b: tensor<?x?x512xf32>, %h0: tensor<?x512xf32>,
                %a1: tensor<512xf32>, %img: tensor<2x14x14x64xf32>, %hw: tensor<2x14x64xf32>) {
  // CHECK: %{{.*}}, %{{.*}} = ldn.scan %{{.*}}, %{{.*}} init %{{.*}} : tensor<?x?x512xf32>, tensor<?x?x512xf32>, tensor<?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  %h, %last = ldn.scan %a, %b init %h0 {dim = 1, reverse = false}
       : tensor<?x?x512xf32>, tensor<?x?x512xf32>, tensor<?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  // Per-channel decay, reversed, no initial state.
  // CHECK: ldn.scan %{{.*}}, %{{.*}} {reverse = true} : tensor<512xf32>, tensor<?x?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  %h2, %last2 = ldn.scan %a1, %b {reverse = true}
       : tensor<512xf32>, tensor<?x?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  // A scan down the columns of an image grid (MD-TPE): dim = 1 of [B,H,W,C]...
  // CHECK: ldn.scan %{{.*}}, %{{.*}} init %{{.*}} : tensor<2x14x14x64xf32>, tensor<2x14x14x64xf32>, tensor<2x14x64xf32> -> tensor<2x14x14x64xf32>, tensor<2x14x64xf32>
  %h3, %last3 = ldn.scan %img, %img init %hw : tensor<2x14x14x64xf32>, tensor<2x14x14x64xf32>, tensor<2x14x64xf32> -> tensor<2x14x14x64xf32>, tensor<2x14x64xf32>
  // ...and along the rows: dim = 2.
  // CHECK: ldn.scan %{{.*}}, %{{.*}} {dim = 2 : i64} : tensor<2x14x14x64xf32>, tensor<2x14x14x64xf32> -> tensor<2x14x14x64xf32>, tensor<2x14x64xf32>
  %h4, %last4 = ldn.scan %img, %img {dim = 2} : tensor<2x14x14x64xf32>, tensor<2x14x14x64xf32> -> tensor<2x14x14x64xf32>, tensor<2x14x64xf32>
  return
}

// CHECK-LABEL: func.func @selective_scan
func.func @selective_scan(%x: tensor<?x?x1024xf32>, %A: tensor<1024x16xf32>, %B: tensor<?x?x16xf32>,
                          %D: tensor<1024xf32>, %h0: tensor<?x1024x16xf32>, %xh: tensor<1x5x8xf16>,
                          %Ah: tensor<8x4xf32>, %Bh: tensor<1x5x4xf16>) {
  // CHECK: ldn.selective_scan %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} skip %{{.*}} gate %{{.*}} dbias %{{.*}} init %{{.*}} {delta_softplus = true} : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<1024xf32>, tensor<?x?x1024xf32>, tensor<1024xf32>, tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  %y, %hT = ldn.selective_scan %x, %x, %A, %B, %B skip %D gate %x dbias %D init %h0
            {delta_softplus = true}
       : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>,
          tensor<?x?x16xf32>, tensor<1024xf32>, tensor<?x?x1024xf32>, tensor<1024xf32>,
          tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  // Only the required operands; the gate alone; the initial state alone.
  // CHECK: ldn.selective_scan %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}}, %{{[^ ]*}} : (tensor<1x5x8xf16>, tensor<1x5x8xf16>, tensor<8x4xf32>, tensor<1x5x4xf16>, tensor<1x5x4xf16>) -> (tensor<1x5x8xf16>, tensor<1x8x4xf32>)
  %y1, %h1 = ldn.selective_scan %xh, %xh, %Ah, %Bh, %Bh
       : (tensor<1x5x8xf16>, tensor<1x5x8xf16>, tensor<8x4xf32>, tensor<1x5x4xf16>, tensor<1x5x4xf16>)
         -> (tensor<1x5x8xf16>, tensor<1x8x4xf32>)
  // CHECK: ldn.selective_scan {{.*}} gate %{{[^ ]*}} :
  %y2, %h2 = ldn.selective_scan %x, %x, %A, %B, %B gate %x
       : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>,
          tensor<?x?x16xf32>, tensor<?x?x1024xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  // CHECK: ldn.selective_scan {{.*}}, %{{[^ ]*}} init %{{[^ ]*}} :
  %y3, %h3 = ldn.selective_scan %x, %x, %A, %B, %B init %h0
       : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>,
          tensor<?x?x16xf32>, tensor<?x1024x16xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  return
}

// CHECK-LABEL: func.func @linear_attention
func.func @linear_attention(%q: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x32xf32>,
                            %ls: tensor<?x?x8xf32>, %lv: tensor<?x?x8x64xf32>,
                            %S0: tensor<?x8x64x32xf32>, %qh: tensor<2x65x1x4xbf16>) {
  // CHECK: ldn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay %{{.*}} init %{{.*}} {scale = 1.250000e-01 : f32} : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x32xf32>, tensor<?x?x8xf32>, tensor<?x8x64x32xf32>) -> (tensor<?x?x8x32xf32>, tensor<?x8x64x32xf32>)
  %o, %S = ldn.linear_attention %q, %q, %v decay %ls init %S0 {scale = 0.125 : f32}
       : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x32xf32>, tensor<?x?x8xf32>,
          tensor<?x8x64x32xf32>) -> (tensor<?x?x8x32xf32>, tensor<?x8x64x32xf32>)
  // Vector (GLA) decay without an initial state.
  // CHECK: ldn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} decay %{{[^ ]*}} : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x32xf32>, tensor<?x?x8x64xf32>)
  %o2, %S2 = ldn.linear_attention %q, %q, %v decay %lv
       : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x32xf32>, tensor<?x?x8x64xf32>)
         -> (tensor<?x?x8x32xf32>, tensor<?x8x64x32xf32>)
  // Non-causal with an initial state only; bf16 activations, f32 state.
  // CHECK: ldn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} {causal = false} : (tensor<2x65x1x4xbf16>, tensor<2x65x1x4xbf16>, tensor<2x65x1x4xbf16>) -> (tensor<2x65x1x4xbf16>, tensor<2x1x4x4xf32>)
  %o3, %S3 = ldn.linear_attention %qh, %qh, %qh {causal = false}
       : (tensor<2x65x1x4xbf16>, tensor<2x65x1x4xbf16>, tensor<2x65x1x4xbf16>)
         -> (tensor<2x65x1x4xbf16>, tensor<2x1x4x4xf32>)
  // CHECK: ldn.linear_attention %{{.*}}, %{{.*}}, %{{.*}} init %{{[^ ]*}} {causal = false}
  %o4, %S4 = ldn.linear_attention %q, %q, %v init %S0 {causal = false}
       : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x32xf32>, tensor<?x8x64x32xf32>)
         -> (tensor<?x?x8x32xf32>, tensor<?x8x64x32xf32>)
  return
}

// CHECK-LABEL: func.func @additive_decay
func.func @additive_decay(%k: tensor<?x?x8x64xf32>, %kh: tensor<1x1x1x1xf16>) {
  // CHECK: ldn.additive_decay %{{.*}} : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  %kn, %d = ldn.additive_decay %k {causal = true}
       : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  // CHECK: ldn.additive_decay %{{.*}} {sink = -2.000000e+00 : f32} : tensor<1x1x1x1xf16> -> tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
  %kn2, %d2 = ldn.additive_decay %kh {sink = -2.0 : f32}
       : tensor<1x1x1x1xf16> -> tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
  // CHECK: ldn.additive_decay %{{.*}} {causal = false}
  %kn3, %d3 = ldn.additive_decay %k {causal = false}
       : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  return
}

// CHECK-LABEL: func.func @lrpe
func.func @lrpe(%x: tensor<?x197x6x64xf32>, %theta: tensor<6x32xf32>,
                %xd: tensor<?x?x?x?xf32>, %td: tensor<?x?xf32>) {
  // CHECK: ldn.lrpe %{{.*}}, %{{.*}} {grid = array<i64: 14, 14>, prefix = 1 : i64} : tensor<?x197x6x64xf32>, tensor<6x32xf32> -> tensor<?x197x6x128xf32>
  %0 = ldn.lrpe %x, %theta {grid = array<i64: 14, 14>, prefix = 1}
       : tensor<?x197x6x64xf32>, tensor<6x32xf32> -> tensor<?x197x6x128xf32>
  // Fully dynamic: T is checked against the grid at run time.
  // CHECK: ldn.lrpe %{{.*}}, %{{.*}} {grid = array<i64: 4, 4, 4>} : tensor<?x?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?x?xf32>
  %1 = ldn.lrpe %xd, %td {grid = array<i64: 4, 4, 4>}
       : tensor<?x?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?x?xf32>
  return
}

// CHECK-LABEL: func.func @ssm_kernel
func.func @ssm_kernel(%re: tensor<64xf32>, %im: tensor<64xf32>, %dt: tensor<64xf32>,
                      %len: index, %red: tensor<?xf32>) {
  %c = arith.constant 4096 : index
  // CHECK: ldn.ssm_kernel %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {bidirectional = true} : tensor<64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<64x8192xf32>
  %0 = ldn.ssm_kernel %re, %im, %dt, %c {method = #ldn.discretization<zoh>, bidirectional = true}
       : tensor<64xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<64x8192xf32>
  // CHECK: ldn.ssm_kernel %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {method = #ldn.discretization<bilinear>} : tensor<?xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<?x?xf32>
  %1 = ldn.ssm_kernel %red, %im, %dt, %len {method = #ldn.discretization<bilinear>}
       : tensor<?xf32>, tensor<64xf32>, tensor<64xf32> -> tensor<?x?xf32>
  return
}

// CHECK-LABEL: func.func @ssm_conv
func.func @ssm_conv(%u: tensor<?x?x64xf32>, %bp: tensor<4x16x4xf32>, %k: tensor<16x?xf32>,
                    %cp: tensor<4x4x16xf32>, %uh: tensor<2x5x6xf16>, %bd: tensor<1x6x3xf32>,
                    %k3: tensor<3x4xf32>, %cd: tensor<1x3x2xf32>) {
  // CHECK: ldn.ssm_conv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>, tensor<4x4x16xf32> -> tensor<?x?x64xf32>
  %0 = ldn.ssm_conv %u, %bp, %k, %cp {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
       : tensor<?x?x64xf32>, tensor<4x16x4xf32>, tensor<16x?xf32>, tensor<4x4x16xf32> -> tensor<?x?x64xf32>
  // CHECK: ldn.ssm_conv %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x5x6xf16>, tensor<1x6x3xf32>, tensor<3x4xf32>, tensor<1x3x2xf32> -> tensor<2x5x2xf16>
  %1 = ldn.ssm_conv %uh, %bd, %k3, %cd
       : tensor<2x5x6xf16>, tensor<1x6x3xf32>, tensor<3x4xf32>, tensor<1x3x2xf32> -> tensor<2x5x2xf16>
  return
}

// CHECK-LABEL: func.func @lightnet_attention
func.func @lightnet_attention(%q: tensor<?x256x4x16xf32>, %v: tensor<?x256x4x8xf32>,
                              %th: tensor<4x16xf32>, %qd: tensor<?x?x?x?xf32>,
                              %th2: tensor<?x?xf32>) {
  // CHECK: ldn.lightnet_attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {grid = array<i64: 256>, sink = 0.000000e+00 : f32} : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>, tensor<?x256x4x8xf32>, tensor<4x16xf32>) -> (tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>)
  %o, %s = ldn.lightnet_attention %q, %q, %v, %th {causal = true, sink = 0.0 : f32, grid = array<i64: 256>, prefix = 0}
      : (tensor<?x256x4x16xf32>, tensor<?x256x4x16xf32>, tensor<?x256x4x8xf32>, tensor<4x16xf32>)
        -> (tensor<?x256x4x8xf32>, tensor<?x4x32x8xf32>)
  // Fully dynamic, global, on a 2-D grid with a class token: the state's
  // rotated dimension is dynamic too.
  // CHECK: ldn.lightnet_attention %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {causal = false, grid = array<i64: 8, 8>, prefix = 1 : i64, scale = 5.000000e-01 : f32} : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  %o2, %s2 = ldn.lightnet_attention %qd, %qd, %qd, %th2 {causal = false, grid = array<i64: 8, 8>, prefix = 1, scale = 0.5 : f32}
      : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?xf32>)
        -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
  return
}

// CHECK-LABEL: func.func @long_conv
func.func @long_conv(%v: tensor<?x?x64xf32>, %k: tensor<64x8192xf32>, %kd: tensor<?x?xf32>,
                     %vh: tensor<3x1x2xf16>, %kh: tensor<2x7xf32>) {
  // CHECK: ldn.long_conv %{{.*}}, %{{.*}} {bidirectional = true, strategy = #ldn.conv_strategy<fft>} : tensor<?x?x64xf32>, tensor<64x8192xf32> -> tensor<?x?x64xf32>
  %0 = ldn.long_conv %v, %k {bidirectional = true, strategy = #ldn.conv_strategy<fft>}
       : tensor<?x?x64xf32>, tensor<64x8192xf32> -> tensor<?x?x64xf32>
  // CHECK: ldn.long_conv %{{.*}}, %{{.*}} {strategy = #ldn.conv_strategy<direct>} : tensor<?x?x64xf32>, tensor<?x?xf32> -> tensor<?x?x64xf32>
  %1 = ldn.long_conv %v, %kd {strategy = #ldn.conv_strategy<direct>}
       : tensor<?x?x64xf32>, tensor<?x?xf32> -> tensor<?x?x64xf32>
  // CHECK: ldn.long_conv %{{.*}}, %{{.*}} : tensor<3x1x2xf16>, tensor<2x7xf32> -> tensor<3x1x2xf16>
  %2 = ldn.long_conv %vh, %kh {strategy = #ldn.conv_strategy<auto>}
       : tensor<3x1x2xf16>, tensor<2x7xf32> -> tensor<3x1x2xf16>
  return
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%y: tensor<?x?x64xf32>, %r: tensor<?x?x64xf32>, %b: tensor<64xf32>,
                       %s: tensor<f32>, %k: f32, %h: tensor<2x3xf16>) {
  // CHECK: ldn.elementwise %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>, tensor<f32>, f32 -> tensor<?x?x64xf32> {
  // CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
  // CHECK: ldn.yield %{{.*}} : f32
  %0 = ldn.elementwise %y, %r, %b, %s, %k : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64xf32>, tensor<f32>, f32 -> tensor<?x?x64xf32> {
  ^bb0(%yi: f32, %ri: f32, %bi: f32, %si: f32, %ki: f32):
    %a = arith.addf %yi, %bi : f32
    %m = arith.mulf %a, %si : f32
    %n = arith.mulf %m, %ki : f32
    %o = arith.addf %n, %ri : f32
    ldn.yield %o : f32
  }
  // A cast: the result element type is the yield's.
  // CHECK: ldn.elementwise %{{.*}} : tensor<2x3xf16> -> tensor<2x3xf32> {
  %1 = ldn.elementwise %h : tensor<2x3xf16> -> tensor<2x3xf32> {
  ^bb0(%hi: f16):
    %e = arith.extf %hi : f16 to f32
    ldn.yield %e : f32
  }
  return
}
