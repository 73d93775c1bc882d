// One entry per benchmarked op, at the sizes bench/run.sh passes (issue
// sizes: B=8, T=4096, D=512 for scan/diffuse; D=1024, N=16 for
// selective_scan; H=8, dk=dv=64 for linear_attention; window 64, 3 random,
// 2 globals, 5 hops for attention_diffuse; T=8192 for long_conv).

func.func @scan(%a: tensor<?x?x512xf32>, %b: tensor<?x?x512xf32>) -> tensor<?x?x512xf32> {
  %h, %l = ldn.scan %a, %b : tensor<?x?x512xf32>, tensor<?x?x512xf32> -> tensor<?x?x512xf32>, tensor<?x512xf32>
  return %h : tensor<?x?x512xf32>
}

func.func @diffuse(%x: tensor<?x?x512xf32>, %w: tensor<4xf32>, %alpha: tensor<512xf32>) -> tensor<?x?x512xf32> {
  %y = ldn.diffuse %x, %w, %alpha {steps = 1, dt = 0.1 : f32} : tensor<?x?x512xf32>, tensor<4xf32>, tensor<512xf32> -> tensor<?x?x512xf32>
  return %y : tensor<?x?x512xf32>
}

func.func @additive_decay(%k: tensor<?x?x8x64xf32>) -> (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>) {
  %kn, %d = ldn.additive_decay %k : tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
  return %kn, %d : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>
}

func.func @selective_scan(%x: tensor<?x?x1024xf32>, %delta: tensor<?x?x1024xf32>, %A: tensor<1024x16xf32>,
                          %B: tensor<?x?x16xf32>, %C: tensor<?x?x16xf32>, %D: tensor<1024xf32>,
                          %z: tensor<?x?x1024xf32>) -> tensor<?x?x1024xf32> {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z {delta_softplus = true}
      : (tensor<?x?x1024xf32>, tensor<?x?x1024xf32>, tensor<1024x16xf32>, tensor<?x?x16xf32>,
         tensor<?x?x16xf32>, tensor<1024xf32>, tensor<?x?x1024xf32>) -> (tensor<?x?x1024xf32>, tensor<?x1024x16xf32>)
  return %y : tensor<?x?x1024xf32>
}

func.func @linear_attention(%q: tensor<?x?x8x64xf32>, %k: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x64xf32>,
                            %decay: tensor<?x?x8xf32>) -> tensor<?x?x8x64xf32> {
  %o, %s = ldn.linear_attention %q, %k, %v decay %decay {scale = 0.125 : f32}
      : (tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8xf32>)
        -> (tensor<?x?x8x64xf32>, tensor<?x8x64x64xf32>)
  return %o : tensor<?x?x8x64xf32>
}

func.func @attention_diffuse(%q: tensor<?x?x8x64xf32>, %k: tensor<?x?x8x64xf32>, %v: tensor<?x?x8x64xf32>) -> tensor<?x?x8x64xf32> {
  %z = ldn.attention_diffuse %q, %k, %v
      {pattern = #ldn.pattern<window = 64, stride = 32, globals = [0, 1], random = 3, seed = 7>,
       hops = 5, alpha = 0.1 : f32}
      : tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32>, tensor<?x?x8x64xf32> -> tensor<?x?x8x64xf32>
  return %z : tensor<?x?x8x64xf32>
}

// The kernel is as long as the sequence, as LDNN's are.
func.func @long_conv_fft(%v: tensor<?x?x64xf32>, %kernel: tensor<64x?xf32>) -> tensor<?x?x64xf32> {
  %y = ldn.long_conv %v, %kernel {strategy = #ldn.conv_strategy<fft>} : tensor<?x?x64xf32>, tensor<64x?xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

func.func @long_conv_direct(%v: tensor<?x?x64xf32>, %kernel: tensor<64x?xf32>) -> tensor<?x?x64xf32> {
  %y = ldn.long_conv %v, %kernel {strategy = #ldn.conv_strategy<direct>} : tensor<?x?x64xf32>, tensor<64x?xf32> -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
