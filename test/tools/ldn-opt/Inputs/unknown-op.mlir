func.func @f(%x: tensor<1x1x1xf32>) {
  %0 = ldn.difuse %x : tensor<1x1x1xf32>
  return
}
