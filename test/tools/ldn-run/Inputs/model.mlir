func.func @scan(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}

func.func @half(%a: tensor<?x?x16xf16>, %b: tensor<?x?x16xf16>) -> (tensor<?x?x16xf16>, tensor<?x16xf16>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf16>, tensor<?x?x16xf16> -> tensor<?x?x16xf16>, tensor<?x16xf16>
  return %h, %l : tensor<?x?x16xf16>, tensor<?x16xf16>
}

// An upstream op that --check cannot evaluate.
func.func @upstream(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = arith.addf %a, %a : tensor<4xf32>
  return %0 : tensor<4xf32>
}
