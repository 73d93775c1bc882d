// The wrapper of @f is ldn_entry_f: an entry point may not take that prefix.
func.func @ldn_entry_f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
