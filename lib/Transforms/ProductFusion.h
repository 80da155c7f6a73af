//===- ProductFusion.h - what a tiled product kernel can absorb -*- C++ -*-===//
//
// A product C = body(A, B, C) over k on buffers is usually preceded by the op
// that initializes C (a zero fill, or a bias broadcast) and followed by an
// elementwise generic that reads C (an activation, an activation's slope, an
// optimizer step). A kernel that computes C a tile at a time can start its
// accumulators from the fill value or the bias, and apply the elementwise
// generic to them before storing: C is then neither written nor read again
// through memory, and, when nothing else reads it, not even allocated. These
// functions find such neighbours and say when absorbing them keeps the
// program's meaning (tile-products-in-shared-memory uses them).
//
//===----------------------------------------------------------------------===//

#ifndef SWEEP_LIB_TRANSFORMS_PRODUCTFUSION_H
#define SWEEP_LIB_TRANSFORMS_PRODUCTFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace sweep {

/// The buffer a memref value views, through view-like ops.
mlir::Value rootBuffer(mlir::Value v);

/// Whether `root` (a rootBuffer) is a buffer whose aliasing is known: a
/// function argument (the group ABI: arguments are distinct) or an
/// allocation. Anything else (a select, a call's result) could alias any
/// buffer.
bool knownBuffer(mlir::Value root);

/// The op that initializes all of `product`'s output before it: a linalg.fill
/// of that very value, or a broadcast (a generic that yields its one input,
/// output indexed by the identity). Every op between it and the product
/// touches neither the output's buffer nor the broadcast's input's, so the
/// kernel may read the initial values at its own time. Null if there is none.
mlir::Operation *findOutputInit(mlir::linalg::GenericOp product);

/// An elementwise generic after `product` that reads its output C (an input
/// indexed by the identity), whose outputs are C-shaped (identity), and that
/// may run per element inside the product's kernel:
///   - no op between them touches any buffer it reads or writes, or C;
///   - it writes no buffer the product reads (other blocks read them), and no
///     buffer it reads at other than the identity;
///   - C is one of its outputs, or nothing but deallocation uses C after it.
/// Null if there is none.
mlir::linalg::GenericOp findElementwiseEpilogue(mlir::linalg::GenericOp product);

/// Whether `op`'s body can be cloned outside it, element by element: pure
/// ops without regions, and no linalg.index (it means nothing outside a
/// generic).
bool clonableBody(mlir::linalg::GenericOp op);

/// Erases `buffer` when it is a memref.alloc that nothing but deallocations
/// uses any more (a product's output whose values never reach memory).
void eraseIfUnused(mlir::Value buffer);

} // namespace sweep

#endif // SWEEP_LIB_TRANSFORMS_PRODUCTFUSION_H
