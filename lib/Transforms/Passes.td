//===- Passes.td - passes over the train dialect -----------*- tablegen -*-===//

#ifndef SWEEP_TRANSFORMS_PASSES
#define SWEEP_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def TrainAutodiff : Pass<"train-autodiff", "mlir::ModuleOp"> {
  let summary = "Replace train.backward with reverse-mode gradients";
  let description = [{
    For every `train.backward %loss wrt %v...`, walks back from `%loss` through
    the ops that produced it and emits, right before the backward op, the
    vector-Jacobian product of each: one rule per op (dense, with or without a
    fused activation, activation, dropout, cross_entropy, mse). Gradients reaching a value along several
    paths are added. Only values that depend on a `wrt` value get gradients:
    the minibatch does not. A value in `wrt` that the loss does not depend on
    gets a zero gradient. An op on the path without a rule is an error.
    Every op it creates carries the unit attribute `train.gradient`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def TrainFuse : Pass<"train-fuse", "mlir::ModuleOp"> {
  let summary = "Fuse activations into dense layers; shared-input layers as one wide GEMM";
  let description = [{
    Two rewrites.

    A dense layer whose input is shared by its R runs (the minibatch, [B, K])
    gets the `wide` flag: its R products become one GEMM X[B, K] x W[K, R*N]
    whose column panels may span runs, which keeps the vector lanes full for
    narrow layers and reads each block of X once for all runs.
    train-autodiff passes the flag on to the layer's weight gradient.


    A train.activation (relu, tanh, sigmoid, identity) whose input is a
    train.dense result used nowhere else becomes that dense layer's
    `activation` epilogue: the pre-activation is never stored, and
    train-autodiff differentiates through the output
    (train.activation_output_grad). gelu stays separate: its slope needs the
    pre-activation. Run before train-autodiff.
  }];
}

def EnergyInsertProbes : Pass<"energy-insert-probes", "mlir::ModuleOp"> {
  let summary = "Wrap each training phase in an energy.region with its static cost";
  let description = [{
    Run after train-autodiff. In every function, the ops are grouped by phase
    (train_step: `forward`, `backward` (the ops marked `train.gradient`),
    `update` (optimizer ops); any other function, e.g. evaluate: `eval`),
    reordered so that each phase is contiguous (forward-only ops such as the
    per-row losses move before the gradient code; an order that would break a
    dependence is an error), and each phase is wrapped in an `energy.region`
    with its FLOPs and DRAM bytes for all runs of the group. Costs come from
    the shapes, with dynamic batch dimensions taken as the module's
    `train.batch`: a dense product is 2*R*B*K*N FLOPs, elementwise and
    reduction ops a few FLOPs per element (docs/energy.md), and bytes count
    every tensor operand read once and every result written once. Constants
    stay outside the regions.
  }];
  let dependentDialects = ["sweep::energy::EnergyDialect"];
}

def TileProductsInSharedMemory : Pass<"tile-products-in-shared-memory", "mlir::ModuleOp"> {
  let summary = "Each GPU product as a kernel of output tiles computed from shared memory";
  let description = [{
    A bufferized generic with two inputs, one output and one reduction
    dimension k that both inputs read (C[p...] = body(A[..k..], B[..k..], C)
    summed over k in order) becomes one kernel of TM x TN output tiles: m is
    a dimension only A reads, n one only B reads (each the one nearest C's
    innermost), every other parallel dimension (the run) goes to the grid. A
    block's (TM/4) x (TN/4) threads copy A's and B's next 16 k-indices into
    shared memory together, wait at a barrier, and each thread applies the
    body to its 4 x 4 outputs, then wait again. Sides are the power of two
    covering the dimension, from 16 to 64 (64 when the size is dynamic); a
    product whose m or n is shorter than 16 is left to the loop nests, as are
    generics whose output shares a buffer with an input. Each output's
    reduction keeps its order, so the results do not change by a bit.

    With `host-emulation` the kernel is emitted as host loops instead: blocks
    in order, and each phase between barriers a loop over the block's
    threads, built by the same code, so the CPU (CpuLoops::GpuLoopNests)
    checks the GPU's tile index arithmetic against the interpreter.
  }];
  let options = [
    Option<"hostEmulation", "host-emulation", "bool", "false",
           "Emit the kernel as host loops over blocks and threads instead of gpu.launch">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect", "mlir::gpu::GPUDialect"];
}

def SplitSharedEmpties : Pass<"split-shared-empties", "mlir::ModuleOp"> {
  let summary = "Give each destination of a tensor.empty its own tensor.empty";
  let description = [{
    CSE merges every `tensor.empty` of one shape into one, and in a deep
    model of equal widths hundreds of ops take that one as their destination
    (767 in the step of a 511-layer model). Their results then share one
    alias set, and one-shot bufferization's conflict analysis, which checks
    each write against the reads of its aliases, grows with the square of it.
    Here each destination (DPS init) use of a `tensor.empty` by an op in the
    same block but the first gets a clone, placed where the original is (a
    buffer created between a product and its epilogue would keep the GPU's
    tiles from absorbing the epilogue). Nothing is
    computed: an empty tensor has no contents, and the buffers are the ones
    bufferization would allocate anyway. Run after CSE, before bufferization.
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def ReuseDeadBuffers : Pass<"reuse-dead-buffers", "mlir::ModuleOp"> {
  let summary = "Give an allocation the buffer of a value of its type that is no longer used";
  let description = [{
    Bufferization gives each tensor.empty its own memref.alloc, and the
    deallocation pipeline frees every buffer at the end of its block, so
    without this pass a training step would hold all of its temporaries at
    once. For the allocations in the top-level block of each function, the
    lifetime runs from the first to the last top-level op that uses the
    buffer or a view of it (through ViewLikeOpInterface). In the order
    lifetimes start, an allocation takes the buffer of one of the same type,
    sizes and alignment whose lifetime has ended (the one freed last), and
    the earlier of their two deallocs is erased: a linear scan, as a
    register allocator's. A buffer is
    left alone when it may be reached where its uses cannot be seen:
    returned, yielded, the result of an op that is not a view of it, turned
    into a pointer, or freed other than by one memref.dealloc of the
    allocation in the same block. A new value never shares a buffer with one
    that is still live, so no op sees two of its operands become one buffer.
    Run after the passes that judge aliasing by buffer (kernel-call and
    product-tile fusion), which would otherwise see one buffer where there
    are several values.
  }];
}

def LongParallelDimInnermost : Pass<"long-parallel-dim-innermost", "mlir::ModuleOp"> {
  let summary = "CPU: a generic whose innermost loop is short gets a long parallel loop innermost";
  let description = [{
    A loss over 10 classes lowers to loops (run, row, class) whose innermost
    loop runs 10 times: too short for LLVM to vectorize (it will not add
    run-time alias checks to a loop of fewer than 16 iterations), and a
    row's peak and exp-sum reductions carry their sum through every
    iteration. For each linalg.generic whose innermost loop has a static
    length below `shortest` and that has a parallel loop that is dynamic or
    at least `shortest` long, the last such parallel loop moves innermost
    (the others keep their order): the rows become the vector lanes, and a
    row's reduction over the classes is an elementwise update of its
    accumulator per class. Each output's reduction keeps its order: the
    results do not change by a bit.
  }];
  let options = [
    Option<"shortest", "shortest", "int64_t", "16",
           "Innermost loops shorter than this (one AVX-512 vector of f32) are moved out">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ExpandExp : Pass<"sweep-expand-exp", "mlir::ModuleOp"> {
  let summary = "Replace float32 math.exp by the runtime's exp32, spelled out in arith and math.fma";
  let description = [{
    Every `math.exp` on f32 (or a vector of f32) becomes the operations of
    `sweep::exp32` (runtime/kernels/Exp.h), one for one: a clamp to
    [-104, 89], n = round(x / ln2) by the 1.5 * 2^23 trick, r = x - n ln2 in
    two fused multiply-adds, a degree-6 polynomial by Horner's rule in
    `math.fma`, and the scale 2^n applied as two powers of two built from
    bits. A libm call per element keeps LLVM from vectorizing the loops of
    softmax, cross-entropy and tanh/sigmoid; these operations do not, and the
    interpreter and the GEMM epilogues compute the same bits with exp32.
    math.exp on other types is left alone. The CPU pipeline runs it before
    the math ops are lowered to LLVM.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect", "mlir::math::MathDialect"];
}

def SplitSharedFills : Pass<"split-shared-fills", "mlir::ModuleOp"> {
  let summary = "Give each destination of a tensor fill its own fill, right before its user";
  let description = [{
    CSE merges identical fills: every input gradient of a network starts from
    one `linalg.fill` of zeros. One-shot bufferization then gives the fill a
    single buffer and copies it for each destination but the last, and the
    copy sits between the fill and the product, which keeps
    convert-linalg-to-kernel-calls from fusing the zero start and the
    activation's slope into the product. Here each use of a fill of a
    `tensor.empty` as the destination (DPS init) of an op in the same block
    gets a clone of the empty tensor and the fill right before that op; a
    fill left without uses is erased. Other uses keep the original. Run after
    CSE, before bufferization.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

def FlattenParallelLoops : Pass<"flatten-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Each outermost scf.parallel as one dimension in tiles of threadsPerBlock";
  let description = [{
    The GPU's loop nests (one scf.parallel per generic over its parallel
    dimensions) collapsed into one dimension, row-major, so that consecutive
    iterations walk the innermost, contiguous dimension, then tiled: an outer
    loop over tiles (the grid's blocks) and an inner loop of `threadsPerBlock`
    iterations (a block's threads) guarded by a bounds check. Mapped as they
    are, every kernel would run one thread per block, and a grid's y and z
    dimensions (at most 65535) could not hold 100,000 runs. The CPU runs the
    same nests in order (CpuLoops::GpuLoopNests), which checks the index
    arithmetic against the interpreter.
  }];
  let options = [
    Option<"threadsPerBlock", "threads-per-block", "int64_t", "256",
           "Iterations of the inner loop (a block's threads)">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect"];
}

def ParallelDimsOutermost : Pass<"parallel-dims-outermost", "mlir::ModuleOp"> {
  let summary = "Interchange each linalg.generic's loops: parallel dimensions first";
  let description = [{
    A generic's loops lower in their order: the parallel dimensions before the
    first reduction become the scf.parallel the GPU maps to threads, the rest
    run inside each thread. A weight gradient's dimensions are (run, batch
    [reduction], in, out): as written, one thread per run would do every
    in x out x batch multiply-add of its run. With the parallel dimensions
    moved before the reductions (their relative orders kept), every output
    element gets its own thread, which reduces over the batch. Each element's
    reduction keeps its order, so the results do not change by a bit.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def AccumulateInRegisters : Pass<"accumulate-in-registers", "mlir::ModuleOp"> {
  let summary = "Keep a reduction loop's accumulator in a register, not in memory";
  let description = [{
    A linalg reduction lowered to loops loads its output element, adds to it
    and stores it back at every iteration: on a GPU a global-memory round trip
    per multiply-add, which LLVM cannot remove because it cannot prove the
    kernel's buffers distinct. In an scf.for whose body loads and then stores
    the same element of a buffer at loop-invariant indices, and touches that
    buffer nowhere else, the load moves before the loop, the value is carried
    as an iteration argument, and the store moves after it. Buffers are
    assumed distinct when they are views of different allocations or function
    arguments (the group ABI passes distinct buffers); a loop touching
    another view of the same root is left alone. Same operations, same order:
    the results do not change by a bit.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::memref::MemRefDialect"];
}

def CopyRepeatedResults : Pass<"copy-repeated-results", "mlir::ModuleOp"> {
  let summary = "A function returning one tensor twice, or its own argument, returns a copy";
  let description = [{
    After CSE a function may return the same tensor as two results: a
    regression group's evaluate reports its loss and its squared error, both
    the mean squared error's rows, and with row sums both are one [R] tensor.
    Bufferization would give both results one buffer, and
    buffer-results-to-out-params with hoisted static allocations crashes on
    a buffer returned twice, or on a returned block argument, which has no
    defining op (MLIR 19). Each repeated result, and each returned block
    argument, becomes a copy (bufferization.alloc_tensor ... copy; for a
    memref, memref.alloc and memref.copy), so every result has its own
    buffer. Run after CSE, before bufferization; and after it, before
    buffer-results-to-out-params, for the arguments bufferization writes in
    place and returns.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect"];
}

def JamParallelLanes : Pass<"jam-parallel-lanes", "mlir::ModuleOp"> {
  let summary = "Each thread of a reduction nest computes several outputs, sharing loads";
  let description = [{
    In the GPU's nests a thread computes one output element: a forward
    product's thread loads W[r, k, n] and x[b, k] for every multiply-add. The
    threads of the rows b, b+1, ... load the same W element. Here a nest
    `scf.parallel (..., d, ..., n) { loads; scf.for k iter_args {...}; store }`
    gives each thread `lanes` consecutive values of one dimension d: the
    reduction loop carries `lanes` accumulators and its body holds a copy per
    lane, so a load that does not depend on d is made once for all lanes
    (CSE merges the copies). d is the dimension (not the innermost, which
    keeps consecutive threads on consecutive addresses) that the most loads
    of the innermost dimension do not depend on; a nest where no such load
    exists is left alone. Lanes past the dimension's end compute on its last
    index and store nothing. Each output's reduction keeps its order: the
    results do not change by a bit.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "4", "Output elements per thread">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def NameKernelsAfterModules : Pass<"name-kernels-after-modules", "mlir::ModuleOp"> {
  let summary = "Give each outlined GPU kernel its gpu.module's name";
  let description = [{
    gpu-kernel-outlining names every kernel of a function alike
    (`@train_step_kernel_3::@train_step_kernel`), so in PTX, in the driver and
    in a profile they cannot be told apart. Each kernel gets its module's
    unique name (`@train_step_kernel_3::@train_step_kernel_3`) and every
    launch follows. A module of several kernels, or one where another symbol
    has the module's name, keeps its names. Run after outlining.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def MergeKernelModules : Pass<"merge-kernel-modules", "mlir::ModuleOp"> {
  let summary = "Move every outlined GPU kernel into one gpu.module";
  let description = [{
    gpu-kernel-outlining gives each kernel a gpu.module of its own, and each
    gpu.module becomes a gpu.binary: its own NVPTX run with libdevice linked,
    its own ptxas and fatbinary processes. A group has dozens of kernels; on
    one group of 56, ptxas took 3.9 s on the 56 modules and 0.8 s on the same
    PTX as one (docs/architecture.md, "Where a cold GPU compile goes"). This
    moves the kernels of the whole module into one gpu.module, `@kernels`,
    and makes every launch follow. Symbols that would clash are renamed
    first, in their old module. Modules with different attributes (targets
    attached already) are left apart. Run after name-kernels-after-modules,
    which makes the kernels' names unique.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

#endif // SWEEP_TRANSFORMS_PASSES
