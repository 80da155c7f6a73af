//===- TileProductsInSharedMemory.cpp - GPU products in shared-memory tiles ===//
//
// A product C[p...] = g(A[...k...], B[...k...], C) summed over one reduction
// dimension k becomes one kernel whose blocks each compute a TM x TN tile of
// C: every step of kTileK reduction indices, the block's threads copy A's
// TM x kTileK and B's kTileK x TN tiles into shared memory together, wait,
// and each thread updates its 4 x 4 accumulators from them. A thread's
// multiply-add then costs 8 shared-memory reads per 16 instead of two global
// loads per one (the nests' jam-parallel-lanes form), and global memory is
// read once per tile instead of once per output row.
//
// The same code is emitted in two forms from one set of builders, so that the
// index arithmetic the GPU runs is checked on machines without one:
//   - gpu.launch with workgroup buffers and gpu.barrier between the phases;
//   - with `host-emulation`, the block and thread loops as scf.for on the host,
//     each barrier the end of a loop over all threads, the accumulators kept
//     in a buffer between phases (CpuLoops::GpuLoopNests; the differential
//     test trains with it bit for bit as the interpreter).
//
//===----------------------------------------------------------------------===//

#include "lib/Transforms/Passes.h"
#include "lib/Transforms/ProductFusion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

#include "llvm/Support/MathExtras.h"

namespace sweep {
#define GEN_PASS_DEF_TILEPRODUCTSINSHAREDMEMORY
#include "lib/Transforms/Passes.h.inc"
} // namespace sweep

using namespace mlir;

namespace {

/// Outputs per thread along each tile dimension: a thread holds 4 x 4
/// accumulators, and reads 4 + 4 shared values for 16 multiply-adds.
constexpr int64_t kLanes = 4;
/// Reduction indices per shared-memory tile (4 KiB per operand at 64 wide).
constexpr int64_t kTileK = 16;
/// Tile sides: a dimension shorter than kMinSide keeps the nest form (a tile
/// would be mostly padding); longer ones get the power of two that covers
/// them, up to kMaxSide (64 x 64: 256 threads).
constexpr int64_t kMinSide = 16;
constexpr int64_t kMaxSide = 64;

/// A generic this pass tiles, and how.
struct Product {
  mutable linalg::GenericOp op; // mutable: its accessors are not const
  unsigned m = 0, n = 0, k = 0;     // loop dimensions: A's own, B's own, the reduction
  SmallVector<unsigned> grid;       // the other parallel dimensions, outermost first
  int64_t tileM = 0, tileN = 0;
  /// What the kernel absorbs (ProductFusion.h): the op that initializes C
  /// (a linalg.fill or a broadcast generic), and an elementwise generic that
  /// reads C afterwards; null when there is none.
  Operation *init = nullptr;
  mutable linalg::GenericOp epilogue;
  int64_t threads() const { return (tileM / kLanes) * (tileN / kLanes); }
};

/// Loop dimension of each result of a projected permutation.
SmallVector<unsigned> dimsOf(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults())
    dims.push_back(cast<AffineDimExpr>(e).getPosition());
  return dims;
}

int64_t sideFor(int64_t size) {
  if (ShapedType::isDynamic(size))
    return kMaxSide;
  return std::clamp<int64_t>(int64_t(llvm::PowerOf2Ceil(uint64_t(size))), kMinSide, kMaxSide);
}

/// Among `candidates`, the one latest in `outputDims` (nearest the innermost,
/// contiguous dimension of C, so that consecutive threads store consecutive
/// elements).
std::optional<unsigned> latestIn(ArrayRef<unsigned> candidates, ArrayRef<unsigned> outputDims) {
  std::optional<unsigned> best;
  int bestPosition = -1;
  for (unsigned d : candidates) {
    auto it = llvm::find(outputDims, d);
    int position = int(it - outputDims.begin());
    if (it != outputDims.end() && position > bestPosition) {
      best = d;
      bestPosition = position;
    }
  }
  return best;
}

/// `op` as a Product, or nothing when it is not one this pass can tile: two
/// inputs and one output on buffers, one reduction dimension both inputs
/// read and the output does not, indexing by projected permutations, a body
/// of pure ops, and an output that shares no buffer with the inputs (the
/// tiles copy the inputs before any output is written).
std::optional<Product> matchProduct(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  Product product;
  product.op = op;
  int reductions = 0;
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (iterators[d] == utils::IteratorType::reduction) {
      product.k = d;
      ++reductions;
    }
  if (reductions != 1)
    return std::nullopt;
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return std::nullopt;
  if (!sweep::clonableBody(op) || !llvm::all_of(op->getOperands(), [](Value v) {
        return isa<MemRefType>(v.getType());
      }))
    return std::nullopt;
  Value a = op.getDpsInputOperand(0)->get(), b = op.getDpsInputOperand(1)->get();
  Value c = op.getDpsInitOperand(0)->get();
  // The tiles copy the inputs while other blocks store C: C must be a buffer
  // of its own.
  Value cRoot = sweep::rootBuffer(c), aRoot = sweep::rootBuffer(a), bRoot = sweep::rootBuffer(b);
  if (!sweep::knownBuffer(cRoot) || !sweep::knownBuffer(aRoot) || !sweep::knownBuffer(bRoot) ||
      cRoot == aRoot || cRoot == bRoot)
    return std::nullopt;

  SmallVector<unsigned> aDims = dimsOf(op.getMatchingIndexingMap(op.getDpsInputOperand(0)));
  SmallVector<unsigned> bDims = dimsOf(op.getMatchingIndexingMap(op.getDpsInputOperand(1)));
  SmallVector<unsigned> cDims = dimsOf(op.getMatchingIndexingMap(op.getDpsInitOperand(0)));
  if (!llvm::is_contained(aDims, product.k) || !llvm::is_contained(bDims, product.k) ||
      llvm::is_contained(cDims, product.k))
    return std::nullopt;
  SmallVector<unsigned> onlyA, onlyB;
  for (unsigned d = 0; d < iterators.size(); ++d) {
    if (d == product.k)
      continue;
    if (!llvm::is_contained(cDims, d))
      return std::nullopt; // a parallel dimension the output does not index
    bool inA = llvm::is_contained(aDims, d), inB = llvm::is_contained(bDims, d);
    if (inA && !inB)
      onlyA.push_back(d);
    if (inB && !inA)
      onlyB.push_back(d);
  }
  std::optional<unsigned> m = latestIn(onlyA, cDims), n = latestIn(onlyB, cDims);
  if (!m || !n)
    return std::nullopt;
  product.m = *m;
  product.n = *n;

  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  for (unsigned d : {product.m, product.n})
    if (!ShapedType::isDynamic(sizes[d]) && sizes[d] < kMinSide)
      return std::nullopt;
  product.tileM = sideFor(sizes[product.m]);
  product.tileN = sideFor(sizes[product.n]);
  for (unsigned d = 0; d < iterators.size(); ++d)
    if (d != product.k && d != product.m && d != product.n)
      product.grid.push_back(d);
  return product;
}

/// Builds the tiled kernel's parts. Each part takes the block's and the
/// thread's index as values: gpu.block_id/thread_id in the launch, loop
/// variables in the host emulation.
class TileBuilder {
public:
  TileBuilder(const Product &product, OpBuilder &b, Location loc)
      : p(product), loc(loc), a(product.op.getDpsInputOperand(0)->get()),
        bOperand(product.op.getDpsInputOperand(1)->get()),
        c(product.op.getDpsInitOperand(0)->get()) {
    for (Range range : cast<linalg::LinalgOp>(p.op.getOperation()).createLoopRanges(b, loc))
      sizes.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    tilesM = ceilDiv(b, sizes[p.m], p.tileM);
    tilesN = ceilDiv(b, sizes[p.n], p.tileN);
    blocks = b.create<arith::MulIOp>(loc, tilesM, tilesN);
    for (unsigned d : p.grid)
      blocks = b.create<arith::MulIOp>(loc, blocks, sizes[d]);
  }

  /// Blocks in the grid (0 when the output is empty).
  Value blockCount() const { return blocks; }

  /// The shared tiles' types: A's tile [kTileK][tileM + 1], B's
  /// [kTileK][tileN + 1] (one column of padding: a tile filled along k writes
  /// a column at a time, which would otherwise hit one bank).
  MemRefType aTileType(Attribute space) const { return tileType(a, p.tileM, space); }
  MemRefType bTileType(Attribute space) const { return tileType(bOperand, p.tileN, space); }

  /// Sets the block's grid indices and the tile's first row and column.
  void enterBlock(OpBuilder &b, Value block) {
    Value tn = b.create<arith::RemUIOp>(loc, block, tilesN);
    Value rest = b.create<arith::DivUIOp>(loc, block, tilesN);
    Value tm = b.create<arith::RemUIOp>(loc, rest, tilesM);
    rest = b.create<arith::DivUIOp>(loc, rest, tilesM);
    ivs.assign(sizes.size(), Value());
    for (unsigned d : llvm::reverse(p.grid)) {
      ivs[d] = b.create<arith::RemUIOp>(loc, rest, sizes[d]);
      rest = b.create<arith::DivUIOp>(loc, rest, sizes[d]);
    }
    firstM = b.create<arith::MulIOp>(loc, tm, index(b, p.tileM));
    firstN = b.create<arith::MulIOp>(loc, tn, index(b, p.tileN));
  }

  /// The thread's accumulators, lane (i, j) at i * kLanes + j: C's current
  /// values (a reduction continues from what C holds), or what the absorbed
  /// init would have written there: the fill value, or the broadcast's input
  /// at the element (its loops are C's indices).
  SmallVector<Value> loadAccumulators(OpBuilder &b, Value thread) {
    SmallVector<Value> acc;
    auto fill = dyn_cast_or_null<linalg::FillOp>(p.init);
    auto broadcast = dyn_cast_or_null<linalg::GenericOp>(p.init);
    for (int64_t i = 0; i < kLanes; ++i)
      for (int64_t j = 0; j < kLanes; ++j) {
        if (fill) {
          acc.push_back(fill.getInputs()[0]);
          continue;
        }
        auto [m, n] = outputPosition(b, thread, i, j);
        Value clampedM = clampBelow(b, m, sizes[p.m]); // in order: the IR is deterministic
        Value clampedN = clampBelow(b, n, sizes[p.n]);
        SmallVector<Value> indices = outputIndices(clampedM, clampedN);
        if (broadcast) {
          OpOperand *source = broadcast.getDpsInputOperand(0);
          acc.push_back(b.create<memref::LoadOp>(loc, source->get(),
                                                 apply(broadcast, source, indices)));
          continue;
        }
        acc.push_back(b.create<memref::LoadOp>(loc, c, indices));
      }
    return acc;
  }

  /// The thread's share of copying the k-th tiles of A and B into shared
  /// memory. Elements past an edge are clamped to it: they land in padding
  /// that no stored output reads.
  void copyTiles(OpBuilder &b, Value thread, Value k0, Value aTile, Value bTile) {
    copyTile(b, thread, k0, p.op.getDpsInputOperand(0), p.m, p.tileM, firstM, aTile);
    copyTile(b, thread, k0, p.op.getDpsInputOperand(1), p.n, p.tileN, firstN, bTile);
  }

  /// The accumulators after the k-th tiles: the generic's body applied for
  /// each reduction index in order, so every output's sum keeps the order
  /// (and the bits) of the untiled nest.
  SmallVector<Value> accumulate(OpBuilder &b, Value thread, Value k0, Value aTile, Value bTile,
                                ValueRange acc) {
    Value left = b.create<arith::SubIOp>(loc, sizes[p.k], k0);
    Value steps = b.create<arith::MinUIOp>(loc, left, index(b, kTileK));
    Value zero = index(b, 0), one = index(b, 1);
    auto loop = b.create<scf::ForOp>(loc, zero, steps, one, acc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kk = loop.getInductionVar();
    auto [row, column] = threadPosition(b, thread);
    SmallVector<Value> as, bs, next;
    for (int64_t i = 0; i < kLanes; ++i)
      as.push_back(b.create<memref::LoadOp>(loc, aTile, ValueRange{kk, lane(b, row, i, p.tileM)}));
    for (int64_t j = 0; j < kLanes; ++j)
      bs.push_back(
          b.create<memref::LoadOp>(loc, bTile, ValueRange{kk, lane(b, column, j, p.tileN)}));
    Block *body = p.op.getBody();
    for (int64_t i = 0; i < kLanes; ++i)
      for (int64_t j = 0; j < kLanes; ++j) {
        IRMapping map;
        map.map(body->getArgument(0), as[i]);
        map.map(body->getArgument(1), bs[j]);
        map.map(body->getArgument(2), loop.getRegionIterArgs()[i * kLanes + j]);
        for (Operation &op : body->without_terminator())
          b.clone(op, map);
        next.push_back(map.lookupOrDefault(body->getTerminator()->getOperand(0)));
      }
    b.create<scf::YieldOp>(loc, next);
    return SmallVector<Value>(loop.getResults());
  }

  /// Stores the accumulators that lie inside C.
  void storeAccumulators(OpBuilder &b, Value thread, ValueRange acc) {
    for (int64_t i = 0; i < kLanes; ++i)
      for (int64_t j = 0; j < kLanes; ++j) {
        auto [m, n] = outputPosition(b, thread, i, j);
        Value insideM = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, m, sizes[p.m]);
        Value insideN = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, n, sizes[p.n]);
        Value inside = b.create<arith::AndIOp>(loc, insideM, insideN);
        auto store = b.create<scf::IfOp>(loc, inside, /*withElseRegion=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(store.thenBlock());
        SmallVector<Value> indices = outputIndices(m, n);
        if (p.epilogue)
          applyEpilogue(b, acc[i * kLanes + j], indices);
        else
          b.create<memref::StoreOp>(loc, acc[i * kLanes + j], c, indices);
      }
  }

  Value reductionSize() const { return sizes[p.k]; }

private:
  MemRefType tileType(Value operand, int64_t side, Attribute space) const {
    Type element = cast<MemRefType>(operand.getType()).getElementType();
    return MemRefType::get({kTileK, side + 1}, element, MemRefLayoutAttrInterface(), space);
  }

  Value index(OpBuilder &b, int64_t v) const { return b.create<arith::ConstantIndexOp>(loc, v); }

  Value ceilDiv(OpBuilder &b, Value v, int64_t d) const {
    Value sum = b.create<arith::AddIOp>(loc, v, index(b, d - 1));
    return b.create<arith::DivUIOp>(loc, sum, index(b, d));
  }

  /// The thread's row and column among tileM/kLanes x tileN/kLanes.
  std::pair<Value, Value> threadPosition(OpBuilder &b, Value thread) const {
    Value columns = index(b, p.tileN / kLanes);
    return {b.create<arith::DivUIOp>(loc, thread, columns),
            b.create<arith::RemUIOp>(loc, thread, columns)};
  }

  /// Lane `l` of a thread at `position`: position + l * side / kLanes. The
  /// lanes of one thread are a quarter tile apart, so that consecutive
  /// threads read consecutive shared words and store consecutive elements.
  Value lane(OpBuilder &b, Value position, int64_t l, int64_t side) const {
    return b.create<arith::AddIOp>(loc, position, index(b, l * (side / kLanes)));
  }

  Value clampBelow(OpBuilder &b, Value v, Value size) const {
    Value last = b.create<arith::SubIOp>(loc, size, index(b, 1));
    return b.create<arith::MinUIOp>(loc, v, last);
  }

  /// The m and n indices of the thread's accumulator (i, j).
  std::pair<Value, Value> outputPosition(OpBuilder &b, Value thread, int64_t i, int64_t j) const {
    auto [row, column] = threadPosition(b, thread);
    return {b.create<arith::AddIOp>(loc, firstM, lane(b, row, i, p.tileM)),
            b.create<arith::AddIOp>(loc, firstN, lane(b, column, j, p.tileN))};
  }

  /// C's indices of the element at (m, n) in the block's grid position.
  SmallVector<Value> outputIndices(Value m, Value n) const {
    SmallVector<Value> loopIvs = ivs;
    loopIvs[p.m] = m;
    loopIvs[p.n] = n;
    return apply(p.op.getDpsInitOperand(0), loopIvs);
  }

  SmallVector<Value> apply(OpOperand *operand, ArrayRef<Value> loopIvs) const {
    return apply(p.op, operand, loopIvs);
  }

  /// `operand`'s indices in `op` at the loop indices `loopIvs`.
  static SmallVector<Value> apply(linalg::GenericOp op, OpOperand *operand,
                                  ArrayRef<Value> loopIvs) {
    SmallVector<Value> indices;
    for (unsigned d : dimsOf(op.getMatchingIndexingMap(operand)))
      indices.push_back(loopIvs[d]);
    return indices;
  }

  /// The epilogue's body for one element of C (its loops are C's indices):
  /// C read as `value`, its other inputs loaded, its results stored. C itself
  /// is stored only as one of its outputs.
  void applyEpilogue(OpBuilder &b, Value value, ArrayRef<Value> indices) {
    linalg::GenericOp e = p.epilogue;
    Block *body = e.getBody();
    IRMapping map;
    for (OpOperand *input : e.getDpsInputOperands()) {
      Value arg = body->getArgument(input->getOperandNumber());
      map.map(arg, input->get() == c ? value
                                     : b.create<memref::LoadOp>(loc, input->get(),
                                                                apply(e, input, indices)));
    }
    for (OpOperand &init : e.getDpsInitsMutable()) {
      Value arg = body->getArgument(init.getOperandNumber());
      if (init.get() == c)
        map.map(arg, value);
      else if (!arg.use_empty())
        map.map(arg, b.create<memref::LoadOp>(loc, init.get(), indices));
    }
    for (Operation &op : body->without_terminator())
      b.clone(op, map);
    for (OpOperand &init : e.getDpsInitsMutable()) {
      Value result = body->getTerminator()->getOperand(init.getOperandNumber() -
                                                       e.getNumDpsInputs());
      b.create<memref::StoreOp>(loc, map.lookupOrDefault(result), init.get(), indices);
    }
  }

  /// Copies operand's [side x kTileK] tile (own dimension `own` from `first`)
  /// into `tile`, the threads striding over its elements. The element order
  /// follows the operand's innermost dimension, so that consecutive threads
  /// read consecutive addresses.
  void copyTile(OpBuilder &b, Value thread, Value k0, OpOperand *use, unsigned own, int64_t side,
                Value first, Value tile) {
    SmallVector<unsigned> dims = dimsOf(p.op.getMatchingIndexingMap(use));
    bool kInnermost = dims.back() == p.k;
    Value elements = index(b, side * kTileK), threads = index(b, p.threads());
    auto loop = b.create<scf::ForOp>(loc, thread, elements, threads);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value e = loop.getInductionVar();
    Value kk, offset;
    if (kInnermost) {
      kk = b.create<arith::RemUIOp>(loc, e, index(b, kTileK));
      offset = b.create<arith::DivUIOp>(loc, e, index(b, kTileK));
    } else {
      offset = b.create<arith::RemUIOp>(loc, e, index(b, side));
      kk = b.create<arith::DivUIOp>(loc, e, index(b, side));
    }
    SmallVector<Value> loopIvs = ivs;
    loopIvs[p.k] = clampBelow(b, b.create<arith::AddIOp>(loc, k0, kk), sizes[p.k]);
    loopIvs[own] = clampBelow(b, b.create<arith::AddIOp>(loc, first, offset), sizes[own]);
    Value value = b.create<memref::LoadOp>(loc, use->get(), apply(use, loopIvs));
    b.create<memref::StoreOp>(loc, value, tile, ValueRange{kk, offset});
  }

  const Product &p;
  Location loc;
  Value a, bOperand, c;
  SmallVector<Value> sizes; // every loop dimension's extent
  Value blocks, tilesM, tilesN;
  SmallVector<Value> ivs; // the block's grid indices by loop dimension
  Value firstM, firstN;
};

/// The GPU form: one gpu.launch, its tiles in workgroup memory.
void emitLaunch(const Product &product, OpBuilder &b) {
  Location loc = product.op.getLoc();
  TileBuilder tiles(product, b, loc);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  // A grid of no blocks is an error for the driver: launch one that does
  // nothing.
  Value blocks = b.create<arith::MaxUIOp>(loc, tiles.blockCount(), one);
  Value threads = b.create<arith::ConstantIndexOp>(loc, product.threads());
  Attribute shared = gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto launch = b.create<gpu::LaunchOp>(
      loc, blocks, one, one, threads, one, one, /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, ValueRange{},
      TypeRange{tiles.aTileType(shared), tiles.bTileType(shared)});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value aTile = launch.getWorkgroupAttributions()[0];
  Value bTile = launch.getWorkgroupAttributions()[1];
  Value block = launch.getBlockIds().x, thread = launch.getThreadIds().x;
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  // The same for every thread of the block, so the barriers inside are
  // reached by all or none.
  Value work = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt, tiles.blockCount(), zero);
  auto ifWork = b.create<scf::IfOp>(loc, work, /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifWork.thenBlock());
  tiles.enterBlock(b, block);
  SmallVector<Value> acc = tiles.loadAccumulators(b, thread);
  auto steps = b.create<scf::ForOp>(loc, zero, tiles.reductionSize(),
                                    b.create<arith::ConstantIndexOp>(loc, kTileK), acc);
  {
    OpBuilder::InsertionGuard inSteps(b);
    b.setInsertionPointToStart(steps.getBody());
    Value k0 = steps.getInductionVar();
    tiles.copyTiles(b, thread, k0, aTile, bTile);
    b.create<gpu::BarrierOp>(loc);
    SmallVector<Value> next =
        tiles.accumulate(b, thread, k0, aTile, bTile, steps.getRegionIterArgs());
    // The next step's copies overwrite the tiles others may still be reading.
    b.create<gpu::BarrierOp>(loc);
    b.create<scf::YieldOp>(loc, next);
  }
  tiles.storeAccumulators(b, thread, steps.getResults());
  b.setInsertionPointToEnd(&launch.getBody().front());
  b.create<gpu::TerminatorOp>(loc);
}

/// The host emulation: the same parts, each phase between two barriers a
/// loop over all of the block's threads, run block after block.
void emitHostEmulation(const Product &product, OpBuilder &b) {
  Location loc = product.op.getLoc();
  TileBuilder tiles(product, b, loc);
  Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
  Value one = b.create<arith::ConstantIndexOp>(loc, 1);
  Value threads = b.create<arith::ConstantIndexOp>(loc, product.threads());
  // Heap buffers, not allocas: an alloca in a loop of the host code would
  // grow the stack at each step, and an alloca scope cannot hold the blocks
  // its loops become.
  Value aTile = b.create<memref::AllocOp>(loc, tiles.aTileType(Attribute()));
  Value bTile = b.create<memref::AllocOp>(loc, tiles.bTileType(Attribute()));
  Type element = cast<MemRefType>(product.op.getDpsInitOperand(0)->get().getType()).getElementType();
  // Each thread's registers, kept here from one phase to the next.
  Value registers = b.create<memref::AllocOp>(
      loc, MemRefType::get({product.threads(), kLanes * kLanes}, element));
  auto saveOrLoad = [&](OpBuilder &ib, Value thread, ValueRange values) {
    SmallVector<Value> loaded;
    for (int64_t l = 0; l < kLanes * kLanes; ++l) {
      Value lane = ib.create<arith::ConstantIndexOp>(loc, l);
      if (values.empty())
        loaded.push_back(ib.create<memref::LoadOp>(loc, registers, ValueRange{thread, lane}));
      else
        ib.create<memref::StoreOp>(loc, values[l], registers, ValueRange{thread, lane});
    }
    return loaded;
  };
  auto forEachThread = [&](OpBuilder &ib, function_ref<void(OpBuilder &, Value)> phase) {
    auto loop = ib.create<scf::ForOp>(loc, zero, threads, one);
    OpBuilder::InsertionGuard inLoop(ib);
    ib.setInsertionPointToStart(loop.getBody());
    phase(ib, loop.getInductionVar());
  };

  auto blocks = b.create<scf::ForOp>(loc, zero, tiles.blockCount(), one);
  {
    OpBuilder::InsertionGuard inBlocks(b);
    b.setInsertionPointToStart(blocks.getBody());
    tiles.enterBlock(b, blocks.getInductionVar());
    forEachThread(b, [&](OpBuilder &ib, Value thread) {
      saveOrLoad(ib, thread, tiles.loadAccumulators(ib, thread));
    });
    auto steps = b.create<scf::ForOp>(loc, zero, tiles.reductionSize(),
                                      b.create<arith::ConstantIndexOp>(loc, kTileK));
    {
      OpBuilder::InsertionGuard inSteps(b);
      b.setInsertionPointToStart(steps.getBody());
      Value k0 = steps.getInductionVar();
      forEachThread(b, [&](OpBuilder &ib, Value thread) {
        tiles.copyTiles(ib, thread, k0, aTile, bTile);
      });
      forEachThread(b, [&](OpBuilder &ib, Value thread) {
        SmallVector<Value> acc = saveOrLoad(ib, thread, {});
        saveOrLoad(ib, thread, tiles.accumulate(ib, thread, k0, aTile, bTile, acc));
      });
    }
    forEachThread(b, [&](OpBuilder &ib, Value thread) {
      tiles.storeAccumulators(ib, thread, saveOrLoad(ib, thread, {}));
    });
  }
  for (Value buffer : {aTile, bTile, registers})
    b.create<memref::DeallocOp>(loc, buffer);
}

/// Whether the epilogue writes the buffer the absorbed broadcast reads: its
/// elements are read by many threads, so one thread's store could come
/// before another's read.
bool writesBroadcastSource(const Product &product) {
  auto broadcast = dyn_cast_or_null<linalg::GenericOp>(product.init);
  if (!broadcast)
    return false;
  Value source = sweep::rootBuffer(broadcast.getDpsInputOperand(0)->get());
  return llvm::any_of(product.epilogue.getDpsInits(),
                      [&](Value init) { return sweep::rootBuffer(init) == source; });
}

struct TileProductsInSharedMemoryPass
    : public sweep::impl::TileProductsInSharedMemoryBase<TileProductsInSharedMemoryPass> {
  using TileProductsInSharedMemoryBase::TileProductsInSharedMemoryBase;

  void runOnOperation() override {
    SmallVector<Product> products;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<Product> product = matchProduct(op))
        products.push_back(*product);
    });
    for (Product &product : products) {
      // Matched now, not when collected: an earlier product may have
      // absorbed its neighbours.
      product.init = sweep::findOutputInit(product.op);
      product.epilogue = sweep::findElementwiseEpilogue(product.op);
      if (product.epilogue && writesBroadcastSource(product))
        product.epilogue = nullptr;
      OpBuilder b(product.op);
      if (hostEmulation)
        emitHostEmulation(product, b);
      else
        emitLaunch(product, b);
      Value output = product.op.getDpsInitOperand(0)->get();
      if (product.init)
        product.init->erase();
      if (product.epilogue)
        product.epilogue.erase();
      product.op.erase();
      sweep::eraseIfUnused(output);
    }
  }
};
} // namespace
