//===- EnergyMeterTest.cpp - RAPL, NVML and model meters ------------------===//
//
// RAPL is tested on a fake powercap tree and NVML on a fake libnvidia-ml
// (FakeNvml.cpp), so every path runs on machines without RAPL or a GPU.
//
//===----------------------------------------------------------------------===//

#include "runtime/energy/EnergyMeter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace sweep;

namespace {

/// A powercap tree in a fresh /tmp directory, removed at the end.
class FakePowercap {
public:
  FakePowercap() {
    char pattern[] = "/tmp/sweep-powercap-XXXXXX";
    const char *made = ::mkdtemp(pattern);
    EXPECT_NE(made, nullptr);
    root = made ? made : "";
  }
  ~FakePowercap() { std::filesystem::remove_all(root); }

  /// A zone directory with its name, counter and range files.
  void zone(const std::string &zone, const std::string &name, uint64_t energy,
            uint64_t range = 262143328850) {
    std::filesystem::create_directories(root + "/" + zone);
    write(zone + "/name", name + "\n");
    write(zone + "/max_energy_range_uj", std::to_string(range) + "\n");
    set(zone, energy);
  }
  void set(const std::string &zone, uint64_t energy) {
    write(zone + "/energy_uj", std::to_string(energy) + "\n");
  }
  void write(const std::string &file, const std::string &text) {
    std::ofstream(root + "/" + file) << text;
  }
  /// Replaces a zone's counter by a directory: reading it fails even as root.
  void breakCounter(const std::string &zone) {
    std::string path = root + "/" + zone + "/energy_uj";
    std::filesystem::remove(path);
    std::filesystem::create_directory(path);
  }

  std::string root;
};

/// Two packages with core and dram subzones, as on a two-socket server.
void addServerZones(FakePowercap &tree) {
  tree.zone("intel-rapl:0", "package-0", 1000000);
  tree.zone("intel-rapl:0:0", "core", 500000);
  tree.zone("intel-rapl:0:1", "dram", 200000);
  tree.zone("intel-rapl:1", "package-1", 3000000);
}

double readJoules(EnergyMeter &meter, const WorkCost &work = {}, double seconds = 0) {
  double joules = -1;
  std::string error;
  EXPECT_TRUE(meter.read(work, seconds, joules, error)) << error;
  return joules;
}

/// Sets an environment variable for one scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const std::string &value) : name(name) {
    if (const char *old = std::getenv(name))
      previous = old;
    had = std::getenv(name) != nullptr;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (had)
      ::setenv(name, previous.c_str(), 1);
    else
      ::unsetenv(name);
  }

private:
  const char *name;
  std::string previous;
  bool had = false;
};

} // namespace

TEST(EnergyRapl, SumsPackagesAndDramButNotCore) {
  FakePowercap tree;
  addServerZones(tree);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->source(), "measured:rapl");
  EXPECT_FALSE(meter->isEstimate());
  EXPECT_EQ(meter->describe(), "RAPL package-0 + dram + package-1 "
                               "(intel-rapl:0, intel-rapl:0:1, intel-rapl:1)");
  EXPECT_EQ(readJoules(*meter), 0.0);

  tree.set("intel-rapl:0", 1000000 + 2500000);
  tree.set("intel-rapl:0:0", 500000 + 9000000); // core: inside the package, not added
  tree.set("intel-rapl:0:1", 200000 + 750000);
  tree.set("intel-rapl:1", 3000000 + 1250001);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 4.500001);

  tree.set("intel-rapl:0", 1000000 + 2500000 + 1000000);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 5.500001);
}

TEST(EnergyRapl, UndoesCounterWrap) {
  FakePowercap tree;
  tree.zone("intel-rapl:0", "package-0", 999990, 999999);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  tree.set("intel-rapl:0", 999999);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 9e-6);
  // Wraps through 999999 -> 0: 1 uJ to the wrap, then 25 uJ.
  tree.set("intel-rapl:0", 25);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 35e-6);
}

TEST(EnergyRapl, ReadsNestedZonesAndAmdNaming) {
  FakePowercap tree;
  tree.zone("amd-rapl:0", "package-0", 10);
  tree.zone("amd-rapl:0/amd-rapl:0:0", "dram", 20);
  tree.zone("amd-rapl:0/amd-rapl:0:1", "core", 30);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "RAPL package-0 + dram (amd-rapl:0, amd-rapl:0:0)");
  tree.set("amd-rapl:0", 1000010);
  tree.set("amd-rapl:0/amd-rapl:0:0", 2000020);
  tree.set("amd-rapl:0/amd-rapl:0:1", 9000030);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 3.0);
}

TEST(EnergyRapl, IgnoresPsysAndOtherZones) {
  FakePowercap tree;
  tree.zone("intel-rapl:0", "package-0", 0);
  tree.zone("intel-rapl:1", "psys", 0);
  tree.zone("intel-rapl-mmio:0", "package-0", 0);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "RAPL package-0 (intel-rapl:0)");
}

TEST(EnergyRapl, UnreadableCounterNamesPath) {
  FakePowercap tree;
  tree.zone("intel-rapl:0", "package-0", 0);
  tree.breakCounter("intel-rapl:0");
  std::string why;
  EXPECT_FALSE(openRaplMeter(tree.root, why));
  EXPECT_NE(why.find(tree.root + "/intel-rapl:0/energy_uj: "), std::string::npos) << why;
  EXPECT_NE(why.find("Is a directory"), std::string::npos) << why;
}

TEST(EnergyRapl, PermissionDeniedCitesCve) {
  FakePowercap tree;
  tree.zone("intel-rapl:0", "package-0", 0);
  std::string path = tree.root + "/intel-rapl:0/energy_uj";
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::close(fd);
    GTEST_SKIP() << "running as root: chmod 000 does not stop reads";
  }
  std::string why;
  EXPECT_FALSE(openRaplMeter(tree.root, why));
  EXPECT_EQ(why, path + ": Permission denied (RAPL is root-only since CVE-2020-8694)");
}

TEST(EnergyRapl, SkipsUnreadableDomainWhenOthersRead) {
  FakePowercap tree;
  addServerZones(tree);
  tree.breakCounter("intel-rapl:1");
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  EXPECT_NE(meter->describe().find("RAPL package-0 + dram (intel-rapl:0, intel-rapl:0:1); "
                                   "skipped intel-rapl:1 ("),
            std::string::npos)
      << meter->describe();
}

TEST(EnergyRapl, ReadFailureAfterOpenNamesPath) {
  FakePowercap tree;
  addServerZones(tree);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openRaplMeter(tree.root, why);
  ASSERT_TRUE(meter) << why;
  tree.breakCounter("intel-rapl:0:1");
  double joules = -1;
  std::string error;
  EXPECT_FALSE(meter->read({}, 0, joules, error));
  EXPECT_NE(error.find(tree.root + "/intel-rapl:0:1/energy_uj"), std::string::npos) << error;
}

TEST(EnergyRapl, MissingOrEmptyRootGivesReason) {
  std::string why;
  EXPECT_FALSE(openRaplMeter("/nonexistent/powercap", why));
  EXPECT_EQ(why, "/nonexistent/powercap: No such file or directory (no powercap sysfs)");

  FakePowercap empty;
  EXPECT_FALSE(openRaplMeter(empty.root, why));
  EXPECT_EQ(why, empty.root + ": no RAPL package or dram domains (absent in most VMs)");
}

namespace {

/// The fake NVML, opened by the test to drive its state; the meter's own
/// dlopen of the same path gets the same library and so the same state.
class EnergyNvmlFake : public ::testing::Test {
protected:
  void SetUp() override {
    handle = ::dlopen(SWEEP_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << ::dlerror();
    set = reinterpret_cast<void (*)(int, unsigned, unsigned)>(::dlsym(handle, "fake_nvml_set"));
    advance = reinterpret_cast<void (*)(unsigned long long)>(::dlsym(handle, "fake_nvml_advance"));
    liveInits = reinterpret_cast<int (*)()>(::dlsym(handle, "fake_nvml_live_inits"));
    ASSERT_TRUE(set && advance && liveInits);
  }
  void TearDown() override {
    if (handle)
      ::dlclose(handle);
  }

  void *handle = nullptr;
  void (*set)(int initResult, unsigned devices, unsigned powerMw) = nullptr;
  void (*advance)(unsigned long long millijoules) = nullptr;
  int (*liveInits)() = nullptr;
};

} // namespace

TEST(EnergyNvml, MissingLibraryNamesPath) {
  std::string why;
  EXPECT_FALSE(openNvmlMeter("/nonexistent/libnvidia-ml.so.1", "", why));
  EXPECT_NE(why.find("cannot load NVML (/nonexistent/libnvidia-ml.so.1): "), std::string::npos)
      << why;
  EXPECT_NE(why.find("No such file or directory"), std::string::npos) << why;
}

TEST(EnergyNvml, LibraryWithoutNvmlNamesSymbol) {
  std::string why;
  EXPECT_FALSE(openNvmlMeter("libm.so.6", "", why));
  EXPECT_EQ(why, "libm.so.6: no symbol nvmlInit_v2 (not an NVML library?)");
}

TEST_F(EnergyNvmlFake, CountsEnergyAndSamplesPower) {
  set(0, 2, 150000); // GPU 0 has the counter; GPU 1 draws a constant 150 W.
  advance(5000000);  // Energy since the driver loaded: not ours.
  auto before = std::chrono::steady_clock::now();
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openNvmlMeter(SWEEP_FAKE_NVML, "", why);
  auto opened = std::chrono::steady_clock::now();
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->source(), "measured:nvml");
  EXPECT_EQ(meter->describe(), "NVML energy counter on GPU 0; power sampling on GPU 1: "
                               "no energy counter (nvmlDeviceGetTotalEnergyConsumption: "
                               "Not Supported)");
  EXPECT_EQ(liveInits(), 1);

  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  advance(1234); // 1.234 J on GPU 0.
  auto reading = std::chrono::steady_clock::now();
  double joules = readJoules(*meter);
  auto read = std::chrono::steady_clock::now();
  double shortest = std::chrono::duration<double>(reading - opened).count();
  double longest = std::chrono::duration<double>(read - before).count();
  EXPECT_GE(joules, 1.234 + 150 * shortest - 1e-9);
  EXPECT_LE(joules, 1.234 + 150 * longest + 1e-9);

  meter.reset();
  EXPECT_EQ(liveInits(), 0) << "the destructor must call nvmlShutdown";
}

TEST_F(EnergyNvmlFake, CounterOnlyIsExact) {
  set(0, 1, 0);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openNvmlMeter(SWEEP_FAKE_NVML, "", why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "NVML energy counter on GPU 0");
  advance(2500);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 2.5);
  advance(500);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 3.0);
}

// Regression: the meter summed every GPU NVML lists; with one process per
// GPU each rank was charged them all. Given the training GPU's PCI bus id
// (as the CUDA driver writes it), only that GPU is read.
TEST_F(EnergyNvmlFake, ReadsOnlyTheGpuAtTheBusId) {
  set(0, 2, 150000); // GPU 0 (bus 0x10) has the counter; GPU 1 (bus 0x11) draws 150 W.
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openNvmlMeter(SWEEP_FAKE_NVML, "0000:10:00.0", why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "NVML energy counter on the GPU at PCI bus 0000:10:00.0");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  advance(2500);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 2.5) << "GPU 1's 150 W must not be counted";

  meter = openNvmlMeter(SWEEP_FAKE_NVML, "0000:11:00.0", why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "NVML power sampling on the GPU at PCI bus 0000:11:00.0: no "
                               "energy counter (nvmlDeviceGetTotalEnergyConsumption: Not "
                               "Supported)");
  advance(1000000); // GPU 0's joules are not this GPU's.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  double joules = readJoules(*meter);
  EXPECT_GT(joules, 0);
  EXPECT_LT(joules, 1000.0);
}

TEST_F(EnergyNvmlFake, BusIdNvmlDoesNotKnow) {
  set(0, 2, 0);
  std::string why;
  EXPECT_FALSE(openNvmlMeter(SWEEP_FAKE_NVML, "0000:3B:00.0", why));
  EXPECT_EQ(why, "NVML finds no GPU at PCI bus 0000:3B:00.0, where the runs train "
                 "(nvmlDeviceGetHandleByPciBusId_v2: Not Found)");
  EXPECT_EQ(liveInits(), 0) << "a failed open must shut NVML down";
}

// NVML's only GPU is the one the runs train on, even when NVML does not find
// it by the bus id CUDA gives (a virtual machine may number buses apart).
TEST_F(EnergyNvmlFake, TheOnlyGpuStandsForAnUnknownBusId) {
  set(0, 1, 0);
  std::string why;
  std::unique_ptr<EnergyMeter> meter = openNvmlMeter(SWEEP_FAKE_NVML, "0000:3B:00.0", why);
  ASSERT_TRUE(meter) << why;
  EXPECT_EQ(meter->describe(), "NVML energy counter on GPU 0, the only GPU NVML lists (it finds "
                               "none at PCI bus 0000:3B:00.0: nvmlDeviceGetHandleByPciBusId_v2: "
                               "Not Found)");
  advance(1500);
  EXPECT_DOUBLE_EQ(readJoules(*meter), 1.5);
}

TEST_F(EnergyNvmlFake, InitFailure) {
  set(9, 1, 0); // NVML_ERROR_DRIVER_NOT_LOADED
  std::string why;
  EXPECT_FALSE(openNvmlMeter(SWEEP_FAKE_NVML, "", why));
  EXPECT_EQ(why, "NVML nvmlInit_v2: Driver Not Loaded");
  EXPECT_EQ(liveInits(), 0);
}

TEST_F(EnergyNvmlFake, ZeroDevices) {
  set(0, 0, 0);
  std::string why;
  EXPECT_FALSE(openNvmlMeter(SWEEP_FAKE_NVML, "", why));
  EXPECT_EQ(why, "NVML sees no GPU (nvmlDeviceGetCount_v2 returned 0)");
  EXPECT_EQ(liveInits(), 0) << "a failed open must shut NVML down";
}

TEST(EnergyModel, JoulesAreFlopsBytesAndIdle) {
  EnergyModel model = EnergyModel::cpu();
  EXPECT_GT(model.joulesPerFlop, 0);
  EXPECT_GT(model.joulesPerByte, 0);
  EXPECT_GT(model.idleWatts, 0);
  WorkCost work;
  work.flops = 3e9;
  work.bytes = 2e8;
  EXPECT_DOUBLE_EQ(model.joules(work, 4.0),
                   3e9 * model.joulesPerFlop + 2e8 * model.joulesPerByte + 4.0 * model.idleWatts);
}

// Regression: the idle baseline counted every thread asked for as a core of
// its own, so --jobs=64 on a 2-core machine estimated 32 times its baseline.
TEST(EnergyModel, IdleBaselineCountsTheMachinesCoresAtMost) {
  unsigned machine = std::max(1u, std::thread::hardware_concurrency());
  EXPECT_DOUBLE_EQ(EnergyModel::cpu(1).idleWatts, 2.0);
  EXPECT_DOUBLE_EQ(EnergyModel::cpu(machine).idleWatts, 2.0 * machine);
  EXPECT_DOUBLE_EQ(EnergyModel::cpu(machine * 32).idleWatts, 2.0 * machine);
  EXPECT_DOUBLE_EQ(EnergyModel::cpu(4000000).idleWatts, 2.0 * machine);
}

TEST(EnergyModel, MeterIsLabelledEstimate) {
  EnergyModel model{1e-12, 1e-10, 5.0};
  std::unique_ptr<EnergyMeter> meter = openModelMeter(model, "no RAPL here");
  EXPECT_EQ(meter->source(), "estimated:model");
  EXPECT_TRUE(meter->isEstimate());
  EXPECT_EQ(meter->describe(), "estimated with the CPU energy model (docs/energy.md): "
                               "no RAPL here");
  WorkCost work;
  work.flops = 1e12;
  work.bytes = 1e10;
  EXPECT_DOUBLE_EQ(readJoules(*meter, work, 2.0), 1.0 + 1.0 + 10.0);
}

TEST(EnergyCpuMeter, UsesRaplWhenReadable) {
  FakePowercap tree;
  addServerZones(tree);
  ScopedEnv env("SWEEPC_POWERCAP_ROOT", tree.root);
  std::unique_ptr<EnergyMeter> meter = openCpuMeter();
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->source(), "measured:rapl");
}

TEST(EnergyCpuMeter, FallsBackToModelWithReason) {
  FakePowercap empty;
  ScopedEnv env("SWEEPC_POWERCAP_ROOT", empty.root);
  std::unique_ptr<EnergyMeter> meter = openCpuMeter();
  ASSERT_TRUE(meter);
  EXPECT_EQ(meter->source(), "estimated:model");
  EXPECT_NE(meter->describe().find(empty.root + ": no RAPL package or dram domains"),
            std::string::npos)
      << meter->describe();
}
