// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s
// The [B,T,D,N] states are never formed: no 4-D tensor anywhere.
// RUN: ldn-opt %s --ldn-to-linalg -split-input-file | FileCheck %s --check-prefix=NO-4D
// NO-4D-NOT: tensor<{{[0-9?]+x[0-9?]+x[0-9?]+x[0-9?]+x}}

// Every optional operand, softplus, dynamic B and T. Δ = softplus(delta +
// dbias) is one generic before the loop; A and the initial state are
// transposed to the carried [B, N, D] layout (D innermost); the scf.for over
// T carries that f32 state and y. Per step: the state update (all parallel,
// in place, exp(Δ A)), the read-out reducing over n (the middle loop, so the
// innermost runs along d) into y's slot, the skip/gate epilogue (silu), and
// the insert of y_t. The final state is transposed back to [B, D, N].
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[SWAP:.*]] = affine_map<(d0, d1, d2) -> (d0, d2, d1)>
// CHECK-LABEL: func.func @full
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x64xf32>, %[[DELTA:[a-z0-9]+]]: tensor<?x?x64xf32>, %[[A:[a-z0-9]+]]: tensor<64x16xf32>, %[[B:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[C:[a-z0-9]+]]: tensor<?x?x16xf32>, %[[D:[a-z0-9]+]]: tensor<64xf32>, %[[Z:[a-z0-9]+]]: tensor<?x?x64xf32>, %[[DBIAS:[a-z0-9]+]]: tensor<64xf32>, %[[H0:[a-z0-9]+]]: tensor<?x64x16xf32>
// CHECK: %[[STEP:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID3]], #[[LAST]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[DELTA]], %[[DBIAS]] : tensor<?x?x64xf32>, tensor<64xf32>) outs(%{{.*}} : tensor<?x?x64xf32>)
// CHECK: math.log1p
// CHECK: %[[AT:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%[[A]] : tensor<64x16xf32>) outs(%{{.*}} : tensor<16x64xf32>)
// CHECK: %[[S0:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[SWAP]], #[[ID3]]], {{.*}} ins(%[[H0]] : tensor<?x64x16xf32>) outs(%{{.*}} : tensor<?x16x64xf32>)
// CHECK: %[[LOOP:[a-z0-9_]+]]:2 = scf.for %[[T:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:[a-z0-9_]+]] = %[[S0]], %[[Y:[a-z0-9_]+]] = %{{.*}}) -> (tensor<?x16x64xf32>, tensor<?x?x64xf32>)
// CHECK-DAG: %[[XT:[a-z0-9_]+]] = tensor.extract_slice %[[X]][0, %[[T]], 0] {{.*}} to tensor<?x64xf32>
// CHECK-DAG: %[[DT:[a-z0-9_]+]] = tensor.extract_slice %[[STEP]][0, %[[T]], 0] {{.*}} to tensor<?x64xf32>
// CHECK-DAG: %[[BT:[a-z0-9_]+]] = tensor.extract_slice %[[B]][0, %[[T]], 0] {{.*}} to tensor<?x16xf32>
// CHECK-DAG: %[[CT:[a-z0-9_]+]] = tensor.extract_slice %[[C]][0, %[[T]], 0] {{.*}} to tensor<?x16xf32>
// CHECK-DAG: %[[ZT:[a-z0-9_]+]] = tensor.extract_slice %[[Z]][0, %[[T]], 0] {{.*}} to tensor<?x64xf32>
// CHECK: %[[NEXT:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[DT]], %[[AT]], %[[BT]], %[[XT]] : tensor<?x64xf32>, tensor<16x64xf32>, tensor<?x16xf32>, tensor<?x64xf32>) outs(%[[S]] : tensor<?x16x64xf32>)
// CHECK: math.exp
// CHECK: %[[SLOT:[a-z0-9_]+]] = tensor.extract_slice %[[Y]][0, %[[T]], 0]
// CHECK: %[[ZERO:[a-z0-9_]+]] = linalg.fill ins(%{{.*}} : f32) outs(%[[SLOT]] : tensor<?x64xf32>)
// CHECK: %[[SUM:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[NEXT]], %[[CT]] : tensor<?x16x64xf32>, tensor<?x16xf32>) outs(%[[ZERO]] : tensor<?x64xf32>)
// CHECK: %[[YT:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} ins(%[[SUM]], %[[D]], %[[XT]], %[[ZT]] : tensor<?x64xf32>, tensor<64xf32>, tensor<?x64xf32>, tensor<?x64xf32>) outs(%[[SLOT]] : tensor<?x64xf32>)
// CHECK: arith.divf
// CHECK: %[[INS:[a-z0-9_]+]] = tensor.insert_slice %[[YT]] into %[[Y]][0, %[[T]], 0]
// CHECK: scf.yield %[[NEXT]], %[[INS]] : tensor<?x16x64xf32>, tensor<?x?x64xf32>
// CHECK: %[[FINAL:[a-z0-9_]+]] = linalg.generic {indexing_maps = [#[[SWAP]], #[[ID3]]], {{.*}} ins(%[[LOOP]]#0 : tensor<?x16x64xf32>) outs(%{{.*}} : tensor<?x64x16xf32>)
// CHECK: return %[[LOOP]]#1, %[[FINAL]]
func.func @full(%x: tensor<?x?x64xf32>, %delta: tensor<?x?x64xf32>, %A: tensor<64x16xf32>,
                %B: tensor<?x?x16xf32>, %C: tensor<?x?x16xf32>, %D: tensor<64xf32>,
                %z: tensor<?x?x64xf32>, %dbias: tensor<64xf32>, %h0: tensor<?x64x16xf32>)
    -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D gate %z dbias %dbias init %h0
             {delta_softplus = true}
      : (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<64x16xf32>, tensor<?x?x16xf32>,
         tensor<?x?x16xf32>, tensor<64xf32>, tensor<?x?x64xf32>, tensor<64xf32>, tensor<?x64x16xf32>)
        -> (tensor<?x?x64xf32>, tensor<?x64x16xf32>)
  return %y, %h : tensor<?x?x64xf32>, tensor<?x64x16xf32>
}

// -----

// No optional operand, no softplus, static shapes: Δ is delta itself (still
// one generic), the state starts at zero, and y_t is the read-out itself.
// CHECK-LABEL: func.func @minimal
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<2x7x8xf32>, %[[DELTA:[a-z0-9]+]]: tensor<2x7x8xf32>
// CHECK: %[[STEP:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%[[DELTA]] : tensor<2x7x8xf32>) outs(%{{.*}} : tensor<2x7x8xf32>)
// CHECK-NOT: math.log1p
// CHECK: %[[S0:[a-z0-9_]+]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4x8xf32>)
// CHECK: scf.for %[[T:[a-z0-9_]+]] = {{.*}} iter_args(%{{.*}} = %[[S0]], %[[Y:[a-z0-9_]+]] = %{{.*}}) -> (tensor<2x4x8xf32>, tensor<2x7x8xf32>)
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} {{.*}} outs(%{{.*}} : tensor<2x4x8xf32>)
// CHECK: %[[SUM:[a-z0-9_]+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "reduction", "parallel"]} {{.*}} outs(%{{.*}} : tensor<2x8xf32>)
// CHECK-NOT: linalg.generic
// CHECK: tensor.insert_slice %[[SUM]] into %[[Y]][0, %[[T]], 0] [2, 1, 8] [1, 1, 1] : tensor<2x8xf32> into tensor<2x7x8xf32>
func.func @minimal(%x: tensor<2x7x8xf32>, %delta: tensor<2x7x8xf32>, %A: tensor<8x4xf32>,
                   %B: tensor<2x7x4xf32>, %C: tensor<2x7x4xf32>)
    -> (tensor<2x7x8xf32>, tensor<2x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C
      : (tensor<2x7x8xf32>, tensor<2x7x8xf32>, tensor<8x4xf32>, tensor<2x7x4xf32>, tensor<2x7x4xf32>)
        -> (tensor<2x7x8xf32>, tensor<2x8x4xf32>)
  return %y, %h : tensor<2x7x8xf32>, tensor<2x8x4xf32>
}

// -----

// f16 inputs with a skip: Δ and the state are f32, y_t is accumulated in an
// f32 temporary and narrowed by the epilogue into y's f16 slot; the final
// state is f32.
// CHECK-LABEL: func.func @half
// CHECK: %[[STEP:[a-z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<?x?x8xf16>) outs(%{{.*}} : tensor<?x?x8xf32>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: scf.for {{.*}} -> (tensor<?x4x8xf32>, tensor<?x?x8xf16>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<4x8xf32>, tensor<?x4xf16>, tensor<?x8xf16>) outs(%{{.*}} : tensor<?x4x8xf32>)
// CHECK: %[[ACC:[a-z0-9_]+]] = tensor.empty(%{{.*}}) : tensor<?x8xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : tensor<?x8xf32>)
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} {{.*}} outs(%{{.*}} : tensor<?x8xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %{{.*}}, %{{.*}} : tensor<?x?x8xf16>, tensor<?x8x4xf32>
func.func @half(%x: tensor<?x?x8xf16>, %delta: tensor<?x?x8xf16>, %A: tensor<8x4xf16>,
                %B: tensor<?x?x4xf16>, %C: tensor<?x?x4xf16>, %D: tensor<8xf16>)
    -> (tensor<?x?x8xf16>, tensor<?x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %delta, %A, %B, %C skip %D
      : (tensor<?x?x8xf16>, tensor<?x?x8xf16>, tensor<8x4xf16>, tensor<?x?x4xf16>, tensor<?x?x4xf16>,
         tensor<8xf16>)
        -> (tensor<?x?x8xf16>, tensor<?x8x4xf32>)
  return %y, %h : tensor<?x?x8xf16>, tensor<?x8x4xf32>
}

// -----

// A gate without a skip, and an f32 initial state with a static batch.
// CHECK-LABEL: func.func @gate_only
// CHECK: scf.for
// CHECK: linalg.generic {{{.*}}iterator_types = ["parallel", "parallel"]} ins(%{{.*}}, %{{.*}} : tensor<3x8xf32>, tensor<3x8xf32>) outs(%{{.*}} : tensor<3x8xf32>)
// CHECK: math.exp
// CHECK: arith.divf
func.func @gate_only(%x: tensor<3x?x8xf32>, %A: tensor<8x4xf32>, %B: tensor<3x?x4xf32>,
                     %z: tensor<3x?x8xf32>, %h0: tensor<3x8x4xf32>)
    -> (tensor<3x?x8xf32>, tensor<3x8x4xf32>) {
  %y, %h = ldn.selective_scan %x, %x, %A, %B, %B gate %z init %h0
      : (tensor<3x?x8xf32>, tensor<3x?x8xf32>, tensor<8x4xf32>, tensor<3x?x4xf32>, tensor<3x?x4xf32>,
         tensor<3x?x8xf32>, tensor<3x8x4xf32>)
        -> (tensor<3x?x8xf32>, tensor<3x8x4xf32>)
  return %y, %h : tensor<3x?x8xf32>, tensor<3x8x4xf32>
}
