func.func @f(%x: tensor<?x?x8xf32>) {
  %0 = ldn.diffuse %x, 