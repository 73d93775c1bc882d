func.func @f() attributes {p = #ldn.patern<dense>} {
  return
}
