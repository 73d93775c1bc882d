func.func @f(%x: tensor<2x7x8xf32>, %w: tensor<3xf32>, %a: tensor<4xf32>) {
  %0 = ldn.diffuse %x, %w, %a : tensor<2x7x8xf32>, tensor<3xf32>, tensor<4xf32> -> tensor<2x7x8xf32>
  return
}
