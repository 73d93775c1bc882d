func.func @glob(%a: tensor<?x?x16xf32>, %b: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x16xf32>) {
  %h, %l = ldn.scan %a, %b : tensor<?x?x16xf32>, tensor<?x?x16xf32> -> tensor<?x?x16xf32>, tensor<?x16xf32>
  return %h, %l : tensor<?x?x16xf32>, tensor<?x16xf32>
}
