// Two arguments with one name could not both be bound by name.
func.func @f(%x: tensor<?xf32> {ldn.name = "a"}, %y: tensor<?xf32> {ldn.name = "a"}) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
