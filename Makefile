# Entry points for people and CI. `make demo` and `make test` work on a fresh Debian 12
# machine: they install the missing Debian packages, configure, build and run.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
SWEEPC := $(BUILD_DIR)/bin/sweepc
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test bench fuzz fuzz-sweeps reference-sweeps clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	@$(MAKE) --no-print-directory deps
	cmake -G Ninja -S . -B $(BUILD_DIR) \
	  -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
	  -DLLVM_USE_LINKER=lld $(CMAKE_FLAGS)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	CCACHE_BASEDIR=$(CURDIR) ninja -C $(BUILD_DIR)

# Checks and plans the README's example, then trains a small Fashion-MNIST sweep on the
# CPU and prints its leaderboard (results in results/quickstart/).
demo: build
	$(SWEEPC) check examples/fashion_mlp.sweep
	$(SWEEPC) plan examples/fashion_mlp.sweep
	$(SWEEPC) run examples/quickstart.sweep --overwrite

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure

bench: build
	@bash scripts/install-bench-deps.sh
	python3 bench/grid_expansion.py --build $(BUILD_DIR)
	python3 bench/interp_fashion.py --build $(BUILD_DIR)
	python3 bench/compiled_fashion.py --build $(BUILD_DIR)
	python3 bench/energy_overhead.py --build $(BUILD_DIR)
	# --no-doc: performance.md's compile-depth table compares against an older build (--against).
	python3 bench/compile_depth.py --build $(BUILD_DIR) --pairs 10,50,100,200,255 --no-doc
	python3 bench/compile_cache.py --build $(BUILD_DIR)
	python3 bench/gpu_compile.py --build $(BUILD_DIR)
	/usr/bin/python3 bench/interp_vs_pytorch.py --build $(BUILD_DIR)
	/usr/bin/python3 bench/cpu_vs_pytorch.py --build $(BUILD_DIR)

# Builds a libFuzzer target (FUZZ_TARGET: frontend or report) with clang and runs it;
# see test/fuzz/README.md.
FUZZ_SECONDS ?= 60
FUZZ_TARGET ?= frontend
fuzz: deps
	bash test/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGET)

# Random valid sweeps trained by the compiled backend, the interpreter and a built
# executable, which must agree, killed and resumed, and (where the CUDA toolkit is) every
# kernel through ptxas and the GPU backend's host side on the stand-in driver; failing
# cases are kept in /tmp/random-sweeps. See test/fuzz/README.md.
SWEEPS ?= 100
SWEEPS_SEED ?= 1
PTXAS := $(firstword $(wildcard /usr/local/cuda/bin/ptxas) $(shell command -v ptxas))
LIBDEVICE := $(wildcard $(or $(CUDA_HOME),/usr/local/cuda)/nvvm/libdevice/libdevice.10.bc)
fuzz-sweeps: build
	python3 test/fuzz/random_sweeps.py --sweepc $(BUILD_DIR)/bin/sweepc --count $(SWEEPS) \
	  --seed $(SWEEPS_SEED) --build --kill $(if $(PTXAS),--ptxas $(PTXAS)) \
	  $(if $(LIBDEVICE),--fake-cuda $(BUILD_DIR)/test/unittests/libsweep-fake-cuda.so)

# Random sweeps trained by sweepc and again by PyTorch from the documented definition of
# a run (test/Integration/Reference; make test runs 13 cases). Failing cases are kept in
# /tmp/pytorch-reference.
reference-sweeps: build
	/usr/bin/python3 test/Integration/Reference/Inputs/pytorch_reference.py \
	  --sweepc $(BUILD_DIR)/bin/sweepc --cases $(SWEEPS) --seed $(SWEEPS_SEED)

clean:
	rm -rf $(BUILD_DIR)
