// An entry point with a scalar argument, which the artifact ABI cannot pass.

func.func @f(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
