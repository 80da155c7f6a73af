// RUN: sweep-opt %s -sweep-expand-exp | FileCheck %s
// f32 exp becomes sweep::exp32's operations (runtime/kernels/Exp.h), in its
// order: clamp, n = round(x / ln2), r = x - n ln2 in two fmas, q by Horner, p =
// r + r^2 q, and 2^n as two powers of two built from bits.

// CHECK-LABEL: func.func @scalar
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK-NOT: math.exp
// CHECK-DAG: %[[HI:.*]] = arith.constant 8.900000e+01 : f32
// CHECK-DAG: %[[LO:.*]] = arith.constant -1.040000e+02 : f32
// CHECK: %[[ABOVE:.*]] = arith.cmpf ogt, %[[X]], %[[HI]] : f32
// CHECK: %[[X1:.*]] = arith.select %[[ABOVE]], %[[HI]], %[[X]] : f32
// CHECK: %[[BELOW:.*]] = arith.cmpf olt, %[[X1]], %[[LO]] : f32
// CHECK: %[[X2:.*]] = arith.select %[[BELOW]], %[[LO]], %[[X1]] : f32
// CHECK: %[[Z:.*]] = math.fma %[[X2]], %{{.*}}, %[[SHIFT:.*]] : f32
// CHECK: %[[N:.*]] = arith.subf %[[Z]], %[[SHIFT]] : f32
// CHECK: %[[R0:.*]] = math.fma %[[N]], %{{.*}}, %[[X2]] : f32
// CHECK: %[[R:.*]] = math.fma %[[N]], %{{.*}}, %[[R0]] : f32
// CHECK-COUNT-4: math.fma
// CHECK: %[[R2:.*]] = arith.mulf %[[R]], %[[R]] : f32
// CHECK: %[[P:.*]] = math.fma %[[R2]], %{{.*}}, %[[R]] : f32
// CHECK: %[[ZBITS:.*]] = arith.bitcast %[[Z]] : f32 to i32
// CHECK: %[[K:.*]] = arith.subi %[[ZBITS]], %{{.*}} : i32
// CHECK: %[[K1:.*]] = arith.shrsi %[[K]], %{{.*}} : i32
// CHECK: arith.shli
// CHECK: %[[S1:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.subi %[[K]], %[[K1]] : i32
// CHECK: arith.shli
// CHECK: %[[S2:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[SCALED:.*]] = math.fma %[[P]], %[[S1]], %[[S1]] : f32
// CHECK: %[[E:.*]] = arith.mulf %[[SCALED]], %[[S2]] : f32
// CHECK: return %[[E]] : f32
func.func @scalar(%x: f32) -> f32 {
  %e = math.exp %x : f32
  return %e : f32
}

// A vector of f32: the same operations on vectors, constants splatted.
// CHECK-LABEL: func.func @vector
// CHECK-NOT: math.exp
// CHECK: arith.constant dense<8.900000e+01> : vector<16xf32>
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: arith.bitcast {{.*}} : vector<16xf32> to vector<16xi32>
// CHECK: arith.shrsi {{.*}} : vector<16xi32>
func.func @vector(%x: vector<16xf32>) -> vector<16xf32> {
  %e = math.exp %x : vector<16xf32>
  return %e : vector<16xf32>
}

// f64 keeps math.exp (libm's exp, as the interpreter's double path).
// CHECK-LABEL: func.func @double
// CHECK: math.exp %{{.*}} : f64
func.func @double(%x: f64) -> f64 {
  %e = math.exp %x : f64
  return %e : f64
}
